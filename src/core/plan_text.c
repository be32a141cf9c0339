/* A plan's canonical text (docs/ALGORITHM.md, "Annual plans"): written
 * from a parsed plan, and read back, strictly, by the verifier of an
 * audit bundle that carries it (plan.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/core/plan.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/core/text.h"

static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

void plan_canonical(const struct plan *p, struct strbuf *b)
{
	sb_printf(b, PLAN_FORMAT "\nplan %s\ndepartment %s\nyear %d\n"
		  "title %s\n", p->id, p->department, p->year, p->title);
	for (unsigned j = 0; j < p->n_joining; j++)
		sb_printf(b, "joining %s\n", p->joining[j]);
	for (unsigned k = 0; k < p->n_tasks; k++) {
		const struct plan_task *t = &p->tasks[k];
		sb_printf(b, "task %s %s %s %s %s %s %s %u %s\n", t->id,
			  task_type_names[t->type], t->policy, t->items,
			  or_dash(t->regions), or_dash(t->industries),
			  or_dash(t->flags), t->quantity, t->name);
		for (unsigned i = 0; i < t->n_batches; i++) {
			const struct plan_batch *x = &t->batches[i];
			char f[11], e[11], w0[11], w1[11];
			date_format(x->freeze, f);
			date_format(x->entropy_date, e);
			date_format(x->window_from, w0);
			date_format(x->window_to, w1);
			sb_printf(b, "batch %s %s %s %s %s %s %u %s\n", x->id,
				  t->id, f, e, w0, w1, x->size,
				  x->entropy_source);
		}
	}
}

void plan_digest_hex(const struct plan *p, char hex[65])
{
	struct strbuf b = {0};
	uint8_t d[32];
	plan_canonical(p, &b);
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, b.s ? b.s : "", b.len);
	sha256_final(&h, d);
	seed_hex(d, 32, hex);
	if (b.failed) /* no memory: a digest nothing can match */
		strcpy(hex, "-");
	sb_finish(&b);
}

/* The next space-separated word of *at into out (at most size - 1
 * bytes); false if none or too long. */
static bool word(const char **at, char *out, size_t size)
{
	size_t n = strcspn(*at, " ");
	if (n == 0 || n >= size)
		return false;
	memcpy(out, *at, n);
	out[n] = '\0';
	*at += n + ((*at)[n] == ' ');
	return true;
}

/* The rest of a line into out, whole: false if it does not fit (a text
 * cut short would not be the plan's, and could end inside a character). */
static bool rest(const char *at, char *out, size_t size)
{
	return snprintf(out, size, "%s", at) < (int)size;
}

static bool day_word(const char **at, int32_t *day)
{
	char d[11];
	return word(at, d, sizeof(d)) && date_parse(d, 10, day);
}

static bool count_word(const char **at, uint32_t *n)
{
	char d[12];
	unsigned long long v;
	if (!word(at, d, sizeof(d)) || !number_parse_str(d, POLICY_MAX_SIZE, &v))
		return false;
	*n = (uint32_t)v;
	return true;
}

static void undash(char *s)
{
	if (!strcmp(s, "-"))
		s[0] = '\0';
}

static bool task_line(const char *at, struct plan_task *t)
{
	char type[16];
	bool ok = word(&at, t->id, sizeof(t->id)) &&
		  word(&at, type, sizeof(type)) &&
		  word(&at, t->policy, sizeof(t->policy)) &&
		  word(&at, t->items, sizeof(t->items)) &&
		  word(&at, t->regions, sizeof(t->regions)) &&
		  word(&at, t->industries, sizeof(t->industries)) &&
		  word(&at, t->flags, sizeof(t->flags)) &&
		  count_word(&at, &t->quantity) && *at &&
		  rest(at, t->name, sizeof(t->name));
	undash(t->regions);
	undash(t->industries);
	undash(t->flags);
	t->type = !strcmp(type, task_type_names[TASK_DIRECTED])
			  ? TASK_DIRECTED : TASK_UNDIRECTED;
	return ok && (t->type == TASK_DIRECTED ||
		      !strcmp(type, task_type_names[TASK_UNDIRECTED]));
}

static bool batch_line(const char *at, struct plan_task *t)
{
	if (t->n_batches == PLAN_MAX_BATCHES)
		return false;
	struct plan_batch *b = &t->batches[t->n_batches++];
	char task[PLAN_MAX_TASK_ID + 1];
	bool ok = word(&at, b->id, sizeof(b->id)) &&
		  word(&at, task, sizeof(task)) && !strcmp(task, t->id) &&
		  day_word(&at, &b->freeze) && day_word(&at, &b->entropy_date) &&
		  day_word(&at, &b->window_from) &&
		  day_word(&at, &b->window_to) && count_word(&at, &b->size) &&
		  *at && rest(at, b->entropy_source, sizeof(b->entropy_source));
	return ok;
}

/* One line (without its end) into p; false if it is none of the
 * kinds, or out of place. */
static bool line(const char *l, struct plan *p, unsigned no)
{
	static const char *const head[] = {"plan ", "department ", "year ",
					   "title "};
	if (no < 4) { /* the head, in order */
		size_t n = strlen(head[no]);
		if (strncmp(l, head[no], n))
			return false;
		l += n;
		if (no == 0)
			return snprintf(p->id, sizeof(p->id), "%s", l) <
			       (int)sizeof(p->id);
		if (no == 1)
			return snprintf(p->department, sizeof(p->department),
					"%s", l) < (int)sizeof(p->department);
		if (no == 2)
			return (p->year = atoi(l)) >= 2000 && strlen(l) == 4;
		return rest(l, p->title, sizeof(p->title));
	}
	if (!strncmp(l, "joining ", 8) && !p->n_tasks &&
	    p->n_joining < PLAN_MAX_JOINING)
		return snprintf(p->joining[p->n_joining++],
				CAMPAIGN_MAX_NAME + 1, "%s", l + 8) <
		       CAMPAIGN_MAX_NAME + 1;
	if (!strncmp(l, "task ", 5) && p->n_tasks < PLAN_MAX_TASKS)
		return task_line(l + 5, &p->tasks[p->n_tasks++]);
	if (!strncmp(l, "batch ", 6) && p->n_tasks)
		return batch_line(l + 6, &p->tasks[p->n_tasks - 1]);
	return false;
}

int plan_text_parse(const char *origin, const char *text, size_t len,
		    struct plan *ret, struct diag *err)
{
	struct plan p;
	memset(&p, 0, sizeof(p));
	p.tasks = calloc(PLAN_MAX_TASKS, sizeof(*p.tasks));
	if (!p.tasks)
		return diag_add(err, "%s: out of memory", origin);
	size_t first = strlen(PLAN_FORMAT);
	int rc = len > first && !memcmp(text, PLAN_FORMAT "\n", first + 1)
			 ? 0
			 : diag_add(err, "%s: line 1: not " PLAN_FORMAT, origin);
	unsigned no = 0;
	for (size_t at = first + 1; rc == 0 && at < len; no++) {
		const char *end = memchr(text + at, '\n', len - at);
		char l[4 * PLAN_MAX_TEXT + CAMPAIGN_MAX_VALUE];
		size_t n = end ? (size_t)(end - text - at) : 0;
		if (!end || n >= sizeof(l) ||
		    text_check(text + at, n, sizeof(l), NULL) < 0)
			rc = diag_add(err, "%s: line %u: not a line of text "
				      "ended by a line feed", origin, no + 2);
		else {
			memcpy(l, text + at, n);
			l[n] = '\0';
			if (!line(l, &p, no))
				rc = diag_add(err, "%s: line %u: '%.60s' is not "
					      "a line of %s here", origin,
					      no + 2, l, PLAN_FORMAT);
		}
		at += n + 1;
	}
	for (unsigned t = 0; rc == 0 && t < p.n_tasks; t++) {
		/* Each task's entry as the intake reads it: the scope and
		 * items the verifier checks the campaign against. */
		struct plan_entry e;
		struct plan_task *task = &p.tasks[t];
		if (!task->n_batches) {
			rc = diag_add(err, "%s: task %s has no batch", origin,
				      task->id);
			break;
		}
		plan_batch_entry(&p, task, &task->batches[0], &e);
		if (campaign_parse(e.f, e.n, &task->entry, err) < 0)
			rc = diag_add(err, "%s: task %s: not a campaign's "
				      "fields", origin, task->id);
	}
	if (rc == 0 && no < 4)
		rc = diag_add(err, "%s: the plan's head is cut short", origin);
	if (rc < 0) {
		free(p.tasks);
		return FAIL_INVALID;
	}
	*ret = p;
	return 0;
}
