/* Annual plans: the document, its checks, and each batch's intake entry
 * (plan.h). The entry is checked by the intake parser itself, so that a
 * filed plan holds no batch inspectd would refuse for its fields. */
#include "inspect/core/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/core/pledges.h"
#include "inspect/core/text.h"
#include "inspect/core/yaml_doc.h"

struct y_entropy {
	char *date, *source;
};

struct y_batch {
	char *freeze, *window, *size;
	struct y_entropy *entropy;
};

struct y_task {
	char *id, *name, *type, *policy, *flags, *quantity;
	char **items, **regions, **industries;
	unsigned items_count, regions_count, industries_count;
	struct y_batch *batches;
	unsigned batches_count;
};

struct y_plan {
	char *plan, *department, *year, *title;
	char **joining;
	unsigned joining_count;
	struct y_task *tasks;
	unsigned tasks_count;
};

/* A code, or an item's "CODE:SHARE" (campaign.h). */
static const cyaml_schema_value_t code_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CAMPAIGN_MAX_NAME + 16),
};

#define STR(name, type, member, max)                                           \
	CYAML_FIELD_STRING_PTR(name, CYAML_FLAG_POINTER, type, member, 1, max)
#define OPT_STR(name, type, member, max)                                       \
	CYAML_FIELD_STRING_PTR(name, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
			       type, member, 1, max)
#define CODES(name, flags, type, member, max)                                  \
	CYAML_FIELD_SEQUENCE(name, CYAML_FLAG_POINTER | (flags), type, member, \
			     &code_entry, 1, max)

static const cyaml_schema_field_t entropy_fields[] = {
	STR("date", struct y_entropy, date, 10),
	STR("source", struct y_entropy, source, 4 * PLAN_MAX_TEXT),
	CYAML_FIELD_END};

/* Numbers and dates are read as text: libcyaml would take 010 as octal. */
static const cyaml_schema_field_t batch_fields[] = {
	STR("freeze", struct y_batch, freeze, 10),
	CYAML_FIELD_MAPPING_PTR("entropy", CYAML_FLAG_POINTER, struct y_batch,
				entropy, entropy_fields),
	STR("window", struct y_batch, window, 22),
	OPT_STR("size", struct y_batch, size, 10),
	CYAML_FIELD_END};

static const cyaml_schema_value_t batch_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_batch, batch_fields),
};

static const cyaml_schema_field_t task_fields[] = {
	STR("id", struct y_task, id, PLAN_MAX_TASK_ID),
	STR("name", struct y_task, name, 4 * PLAN_MAX_TEXT),
	STR("type", struct y_task, type, 10),
	CODES("items", 0, struct y_task, items, CAMPAIGN_MAX_ITEMS),
	STR("policy", struct y_task, policy, CAMPAIGN_MAX_NAME),
	CODES("regions", CYAML_FLAG_OPTIONAL, struct y_task, regions,
	      SCOPE_MAX_PREFIXES),
	CODES("industries", CYAML_FLAG_OPTIONAL, struct y_task, industries,
	      SCOPE_MAX_PREFIXES),
	OPT_STR("flags", struct y_task, flags, FLAG_COUNT),
	OPT_STR("quantity", struct y_task, quantity, 10),
	CYAML_FIELD_SEQUENCE("batches", CYAML_FLAG_POINTER, struct y_task,
			     batches, &batch_entry, 1, PLAN_MAX_BATCHES),
	CYAML_FIELD_END};

static const cyaml_schema_value_t task_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_task, task_fields),
};

static const cyaml_schema_field_t plan_fields[] = {
	STR("plan", struct y_plan, plan, PLAN_MAX_ID),
	STR("department", struct y_plan, department, CAMPAIGN_MAX_NAME),
	STR("year", struct y_plan, year, 4),
	STR("title", struct y_plan, title, 4 * PLAN_MAX_TEXT),
	CODES("joining", CYAML_FLAG_OPTIONAL, struct y_plan, joining,
	      PLAN_MAX_JOINING),
	CYAML_FIELD_SEQUENCE("tasks", CYAML_FLAG_POINTER, struct y_plan, tasks,
			     &task_entry, 1, PLAN_MAX_TASKS),
	CYAML_FIELD_END};

static const cyaml_schema_value_t plan_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_plan, plan_fields),
};

void plan_batch_path(unsigned t, unsigned b, char *out, size_t size)
{
	snprintf(out, size, "tasks.%u.batches.%u", t, b);
}

static void join(char *out, size_t size, char **v, unsigned n)
{
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s",
					 i ? "," : "", v[i]);
}

/* Text people read (titles, names, entropy sources): UTF-8 without
 * control characters, at most PLAN_MAX_TEXT bytes. */
static int text_at(const struct yaml_doc *d, const char *path, const char *v,
		   char *out)
{
	struct diag why;
	diag_init(&why);
	if (text_check(v, strlen(v), PLAN_MAX_TEXT, &why) < 0)
		return yaml_doc_error(d, path, "%s", diag_reason(&why));
	snprintf(out, PLAN_MAX_TEXT + 1, "%s", v);
	return 0;
}

static int date_at(const struct yaml_doc *d, const char *path, const char *v,
		   int32_t *out)
{
	if (!date_parse(v, (unsigned)strlen(v), out))
		return yaml_doc_error(d, path, "'%s' is not a date YYYY-MM-DD",
				      v);
	return 0;
}

static int count_at(const struct yaml_doc *d, const char *path, const char *v,
		    uint32_t *out)
{
	unsigned long long n;
	if (!number_parse_str(v, POLICY_MAX_SIZE, &n) || n == 0)
		return yaml_doc_error(d, path, "'%s' is not a whole number "
				      "from 1 to %u", v, POLICY_MAX_SIZE);
	*out = (uint32_t)n;
	return 0;
}

/* The YAML key an intake field of a batch's entry comes from. */
static void field_path(const char *reason, unsigned t, unsigned b, char *out,
		       size_t size)
{
	static const char *const task_keys[][2] = {
		{"items", "items"},     {"policy", "policy"},
		{"regions", "regions"}, {"industries", "industries"},
		{"flags", "flags"},     {"task_type", "type"}};
	char field[32] = "";
	sscanf(reason, "field %31[a-z_]", field);
	for (size_t i = 0; i < sizeof(task_keys) / sizeof(*task_keys); i++)
		if (!strcmp(field, task_keys[i][0])) {
			snprintf(out, size, "tasks.%u.%s", t, task_keys[i][1]);
			return;
		}
	if (!strcmp(field, "department")) {
		snprintf(out, size, "department");
		return;
	}
	plan_batch_path(t, b, out, size);
	if (!strcmp(field, "window") || !strcmp(field, "size"))
		snprintf(out + strlen(out), size - strlen(out), ".%s", field);
	else if (!strcmp(field, "id"))
		snprintf(out, size, "tasks.%u.id", t);
}

static int batch_of(const struct yaml_doc *d, const struct plan *p,
		    struct plan_task *t, unsigned ti, unsigned bi,
		    const struct y_batch *y)
{
	struct plan_batch *b = &t->batches[bi];
	char path[64], at[96];
	plan_batch_path(ti, bi, path, sizeof(path));
	int r = 0;
	snprintf(at, sizeof(at), "%s.freeze", path);
	r |= date_at(d, at, y->freeze, &b->freeze);
	snprintf(at, sizeof(at), "%s.entropy.date", path);
	r |= date_at(d, at, y->entropy->date, &b->entropy_date);
	snprintf(at, sizeof(at), "%s.entropy.source", path);
	r |= text_at(d, at, y->entropy->source, b->entropy_source);
	snprintf(at, sizeof(at), "%s.size", path);
	if (y->size)
		r |= count_at(d, at, y->size, &b->size);
	char id[PLAN_MAX_ID + PLAN_MAX_TASK_ID + 8];
	snprintf(id, sizeof(id), "%s-%s-%u", p->id, t->id, (bi + 1) % 100);
	memcpy(b->id, id, sizeof(b->id) - 1); /* fits: 32 + 24 + 4 */
	b->id[sizeof(b->id) - 1] = '\0';
	if (r)
		return -1;
	int y0;
	unsigned m, dd;
	date_to_civil(b->freeze, &y0, &m, &dd);
	snprintf(at, sizeof(at), "%s.freeze", path);
	if (y0 != p->year)
		return yaml_doc_error(d, at, "a batch of the %d plan is frozen "
				      "in %d", p->year, y0);
	if (bi && b->freeze <= t->batches[bi - 1].freeze)
		return yaml_doc_error(d, at, "batches follow one another: "
				      "this one is frozen on or before the "
				      "one before it");
	snprintf(at, sizeof(at), "%s.entropy.date", path);
	if (b->entropy_date <= b->freeze)
		return yaml_doc_error(d, at, "the entropy is drawn after the "
				      "population is frozen and its digest "
				      "published, so after %s", y->freeze);
	/* The window, as the intake reads it; then after the draw. */
	struct plan_entry e;
	struct campaign c;
	struct diag why;
	diag_init(&why);
	b->window_from = b->window_to = DATE_NONE;
	plan_batch_entry(p, t, b, &e);
	/* With no dates yet, the window is the document's text. */
	e.f[e.n++] = (struct entry_field){"window", y->window, 6,
					  strlen(y->window)};
	if (campaign_parse(e.f, e.n, &c, &why) < 0) {
		field_path(diag_reason(&why), ti, bi, at, sizeof(at));
		const char *reason = diag_reason(&why);
		const char *colon = strstr(reason, ": ");
		return yaml_doc_error(d, at, "%s", colon ? colon + 2 : reason);
	}
	b->window_from = c.window_from;
	b->window_to = c.window_to;
	if (bi == 0)
		t->entry = c;
	snprintf(at, sizeof(at), "%s.window", path);
	if (b->window_from <= b->entropy_date)
		return yaml_doc_error(d, at, "visits start after the draw, so "
				      "after the entropy's day %s",
				      y->entropy->date);
	return 0;
}

static int task_of(const struct yaml_doc *d, const struct plan *p,
		   struct plan_task *t, unsigned ti, const struct y_task *y)
{
	char at[64];
	int r = 0;
	snprintf(at, sizeof(at), "tasks.%u.id", ti);
	if (!code_chars(y->id, strlen(y->id), PLAN_MAX_TASK_ID))
		return yaml_doc_error(d, at, "1 to %d letters, digits, '-', "
				      "'_' or '.'", PLAN_MAX_TASK_ID);
	snprintf(t->id, sizeof(t->id), "%s", y->id);
	for (unsigned k = 0; k < ti; k++)
		if (!strcmp(p->tasks[k].id, t->id))
			return yaml_doc_error(d, at, "task %s is listed twice",
					      t->id);
	snprintf(at, sizeof(at), "tasks.%u.name", ti);
	r |= text_at(d, at, y->name, t->name);
	snprintf(at, sizeof(at), "tasks.%u.type", ti);
	if (!strcmp(y->type, task_type_names[TASK_DIRECTED]))
		t->type = TASK_DIRECTED;
	else if (!strcmp(y->type, task_type_names[TASK_UNDIRECTED]))
		t->type = TASK_UNDIRECTED;
	else
		r |= yaml_doc_error(d, at, "directed (定向) or undirected "
				    "(不定向), not '%s'", y->type);
	snprintf(at, sizeof(at), "tasks.%u.policy", ti);
	if (!strcmp(y->policy, PLEDGE_POLICY))
		r |= yaml_doc_error(d, at, "pledge campaigns are inspectd's "
				    "own, planned from the approvals");
	snprintf(t->policy, sizeof(t->policy), "%s", y->policy);
	join(t->items, sizeof(t->items), y->items, y->items_count);
	join(t->regions, sizeof(t->regions), y->regions, y->regions_count);
	join(t->industries, sizeof(t->industries), y->industries,
	     y->industries_count);
	snprintf(t->flags, sizeof(t->flags), "%s", y->flags ? y->flags : "");
	snprintf(at, sizeof(at), "tasks.%u.quantity", ti);
	if (y->quantity)
		r |= count_at(d, at, y->quantity, &t->quantity);
	if (r)
		return -1;
	t->n_batches = y->batches_count;
	for (unsigned b = 0; r == 0 && b < y->batches_count; b++)
		r = batch_of(d, p, t, ti, b, &y->batches[b]);
	return r ? -1 : 0;
}

static int head_of(const struct yaml_doc *d, struct plan *p,
		   const struct y_plan *y)
{
	unsigned long long year;
	if (!code_chars(y->plan, strlen(y->plan), PLAN_MAX_ID))
		return yaml_doc_error(d, "plan", "1 to %d letters, digits, '-', "
				      "'_' or '.'", PLAN_MAX_ID);
	snprintf(p->id, sizeof(p->id), "%s", y->plan);
	if (!code_chars(y->department, strlen(y->department),
			CAMPAIGN_MAX_NAME))
		return yaml_doc_error(d, "department", "1 to %d letters, "
				      "digits, '-', '_' or '.'",
				      CAMPAIGN_MAX_NAME);
	snprintf(p->department, sizeof(p->department), "%s", y->department);
	if (!number_parse_str(y->year, 2100, &year) || year < 2000)
		return yaml_doc_error(d, "year", "'%s' is not a year from 2000 "
				      "to 2100", y->year);
	p->year = (int)year;
	if (text_at(d, "title", y->title, p->title) < 0)
		return -1;
	for (unsigned i = 0; i < y->joining_count; i++) {
		const char *j = y->joining[i];
		if (!code_chars(j, strlen(j), CAMPAIGN_MAX_NAME) ||
		    !strcmp(j, p->department))
			return yaml_doc_error(d, "joining", "'%s' is no other "
					      "department's code", j);
		for (unsigned k = 0; k < i; k++)
			if (!strcmp(p->joining[k], j))
				return yaml_doc_error(d, "joining", "%s is "
						      "listed twice", j);
		snprintf(p->joining[p->n_joining++], CAMPAIGN_MAX_NAME + 1,
			 "%s", j);
	}
	return 0;
}

int plan_parse(const char *origin, const char *text, size_t len,
	       struct plan *ret, struct diag *err)
{
	struct y_plan *y = NULL;
	if (yaml_doc_load(origin, text, len, &plan_schema, (void **)&y,
			  err) < 0)
		return -1;
	const struct yaml_doc d = {origin, text, len, err};
	struct plan p;
	memset(&p, 0, sizeof(p));
	int r = head_of(&d, &p, y);
	if (r == 0) {
		p.tasks = calloc(y->tasks_count, sizeof(*p.tasks));
		r = p.tasks ? 0 : diag_add(err, "%s: out of memory", origin);
	}
	p.n_tasks = r == 0 ? y->tasks_count : 0;
	for (unsigned t = 0; r == 0 && t < p.n_tasks; t++)
		r = task_of(&d, &p, &p.tasks[t], t, &y->tasks[t]);
	yaml_doc_free(&plan_schema, y);
	if (r < 0) {
		plan_finish(&p);
		return -1;
	}
	*ret = p;
	return 0;
}

void plan_finish(struct plan *p)
{
	free(p->tasks);
	p->tasks = NULL;
	p->n_tasks = 0;
}

void plan_batch_entry(const struct plan *p, const struct plan_task *t,
		      const struct plan_batch *b, struct plan_entry *e)
{
	e->n = 0;
#define ADD(name, value)                                                       \
	do {                                                                   \
		const char *v_ = (value);                                      \
		if (*v_)                                                       \
			e->f[e->n++] = (struct entry_field){                   \
				name, v_, strlen(name), strlen(v_)};           \
	} while (0)
	e->window[0] = '\0';
	if (b->window_from != DATE_NONE) {
		date_format(b->window_from, e->window);
		e->window[10] = e->window[11] = '.';
		date_format(b->window_to, e->window + 12);
	}
	e->size[0] = '\0';
	if (b->size)
		snprintf(e->size, sizeof(e->size), "%u", b->size);
	ADD("type", "campaign");
	ADD("id", b->id);
	ADD("department", p->department);
	ADD("policy", t->policy);
	ADD("items", t->items);
	ADD("regions", t->regions);
	ADD("industries", t->industries);
	ADD("flags", t->flags);
	ADD("task_type", task_type_names[t->type]);
	ADD("window", e->window);
	ADD("size", e->size);
	ADD("plan", p->id);
#undef ADD
}

const struct plan_batch *plan_find_batch(const struct plan *p, const char *id,
					 const struct plan_task **task)
{
	for (unsigned k = 0; k < p->n_tasks; k++)
		for (unsigned i = 0; i < p->tasks[k].n_batches; i++)
			if (!strcmp(p->tasks[k].batches[i].id, id)) {
				*task = &p->tasks[k];
				return &p->tasks[k].batches[i];
			}
	return NULL;
}

static bool same_scope(const struct scope *a, const struct scope *b)
{
	if (a->n_regions != b->n_regions ||
	    a->n_industries != b->n_industries || a->flags != b->flags)
		return false;
	for (unsigned i = 0; i < a->n_regions; i++)
		if (strcmp(a->regions[i], b->regions[i]))
			return false;
	for (unsigned i = 0; i < a->n_industries; i++)
		if (strcmp(a->industries[i], b->industries[i]))
			return false;
	return true;
}

int plan_batch_matches(const struct plan *p, const struct campaign *c,
		       struct diag *why)
{
	const struct plan_task *t;
	const struct plan_batch *b = plan_find_batch(p, c->id, &t);
	if (!b)
		return diag_add(why, "field plan: plan %s has no batch %s",
				p->id, c->id);
	struct plan_entry e;
	struct campaign x;
	plan_batch_entry(p, t, b, &e);
	if (campaign_parse(e.f, e.n, &x, why) < 0)
		return FAIL_INVALID;
	bool items = x.n_items == c->n_items;
	for (unsigned i = 0; items && i < x.n_items; i++)
		items = !strcmp(x.items[i], c->items[i]) &&
			x.item_share[i] == c->item_share[i];
	const char *differs =
		strcmp(x.department, c->department) ? "department"
		: strcmp(x.policy, c->policy)       ? "policy"
		: !items                            ? "items"
		: !same_scope(&x.scope, &c->scope)  ? "scope"
		: x.task_type != c->task_type       ? "task_type"
		: x.window_from != c->window_from ||
				x.window_to != c->window_to
						    ? "window"
		: x.size != c->size                 ? "size"
		: c->date != DATE_NONE || c->backdated ? "date"
		: c->has_entropy                    ? "entropy"
						    : NULL;
	if (differs)
		return diag_add(why, "field plan: the entry's %s is not that of "
				"batch %s of plan %s (a plan's batches are "
				"sent by inspectd, frozen on their day)",
				differs, c->id, p->id);
	return 0;
}
