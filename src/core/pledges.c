#include "inspect/core/pledges.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/number.h"

void approval_list_finish(struct approval_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int approval_list_add(struct approval_list *l, const struct approval *a)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct approval *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return FAIL_INVALID;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *a;
	return 0;
}

static int by_uscc_then_number(const void *x, const void *y)
{
	const struct approval *a = x, *b = y;
	int c = strcmp(a->uscc, b->uscc);
	return c ? c : strcmp(a->number, b->number);
}

void approval_list_sort(struct approval_list *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_uscc_then_number);
}

/* The next comma-separated field of [*at, end) into out (NUL-ended), at
 * most max bytes; false if there is none or it is longer. */
static bool next_field(const char **at, const char *end, char *out,
		       size_t max, size_t *ret_len)
{
	if (*at > end)
		return false;
	const char *comma = memchr(*at, ',', (size_t)(end - *at));
	size_t n = comma ? (size_t)(comma - *at) : (size_t)(end - *at);
	if (n > max)
		return false;
	memcpy(out, *at, n);
	out[n] = '\0';
	*ret_len = n;
	*at += n + 1; /* past the comma; past end when it was the last */
	return true;
}

int approval_parse(const char *line, size_t len, const struct item_list *items,
		   struct approval *ret, struct diag *why)
{
	const char *at = line, *end = line + len;
	char date[16];
	size_t n;
	memset(ret, 0, sizeof(*ret));
	if (!next_field(&at, end, ret->uscc, USCC_LEN, &n) || n != USCC_LEN)
		return diag_add(why, "field uscc: must be 18 characters");
	if (uscc_check(ret->uscc, USCC_LEN, why) < 0)
		return FAIL_INVALID;
	if (!next_field(&at, end, ret->item, 64, &n) ||
	    !code_chars(ret->item, n, 64))
		return diag_add(why, "field item: must be 1 to 64 letters, "
				"digits, '-', '_' or '.'");
	const struct item *it = item_find(items, ret->item);
	if (!it || !it->pledge.on)
		return diag_add(why, "field item: %s is not a pledge item of "
				"the item list", ret->item);
	if (!next_field(&at, end, date, 10, &n) ||
	    !date_parse(date, (unsigned)n, &ret->date))
		return diag_add(why, "field date: must be YYYY-MM-DD");
	if (!next_field(&at, end, ret->number, APPROVAL_MAX_NUMBER, &n) ||
	    !code_chars(ret->number, n, APPROVAL_MAX_NUMBER))
		return diag_add(why, "field number: must be 1 to 64 letters, "
				"digits, '-', '_' or '.'");
	if (at <= end)
		return diag_add(why, "more than 4 fields");
	return 0;
}

static int by_number(const void *x, const void *y)
{
	const struct approval *a = *(const struct approval *const *)x,
			      *b = *(const struct approval *const *)y;
	int c = strcmp(a->number, b->number);
	return c ? c : (a > b) - (a < b);
}

/* Numbers given twice, each named once with its lines' count. */
static void report_repeats(const char *origin, struct approval_list *l,
			   struct diag *err)
{
	const struct approval **p = malloc(l->n * sizeof(*p) + 1);
	if (!p) {
		diag_add(err, "%s: out of memory", origin);
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		p[i] = &l->v[i];
	qsort(p, l->n, sizeof(*p), by_number);
	for (size_t i = 1; i < l->n; i++)
		if (!strcmp(p[i]->number, p[i - 1]->number) &&
		    (i == 1 || strcmp(p[i]->number, p[i - 2]->number)))
			diag_add(err, "%s: approval number %s is given more "
				 "than once", origin, p[i]->number);
	free(p);
}

int approvals_parse_csv(const char *origin, const char *text, size_t len,
			const struct item_list *items,
			struct approval_list *ret, struct diag *err)
{
	struct approval_list l = {0};
	unsigned errors = err->count, line = 0;
	size_t pos = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = 3; /* a byte order mark, as spreadsheets write */
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl != NULL);
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (line == 1) {
			if (n != strlen(APPROVALS_HEADER) ||
			    memcmp(s, APPROVALS_HEADER, n))
				diag_add(err, "%s:1: header must be %s",
					 origin, APPROVALS_HEADER);
			continue;
		}
		struct approval a;
		struct diag why;
		diag_init(&why);
		if (approval_parse(s, n, items, &a, &why) < 0)
			diag_add(err, "%s:%u: %s", origin, line,
				 diag_reason(&why));
		else if (approval_list_add(&l, &a) < 0)
			diag_add(err, "%s:%u: out of memory", origin, line);
	}
	if (line == 0)
		diag_add(err, "%s:1: empty file, expected header %s", origin,
			 APPROVALS_HEADER);
	if (err->count == errors)
		report_repeats(origin, &l, err);
	if (err->count != errors) {
		approval_list_finish(&l);
		return FAIL_INVALID;
	}
	*ret = l;
	return 0;
}

void approval_value(const struct approval *a, char *out, size_t size)
{
	char day[11];
	date_format(a->date, day);
	snprintf(out, size, "%s,%s,%s", a->uscc, a->item, day);
}

int approval_from_value(const char *number, const char *value, size_t len,
			const struct item_list *items, struct approval *ret,
			struct diag *why)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%.*s,%s", (int)len, value,
			 number);
	if (n < 0 || (size_t)n >= sizeof(line))
		return diag_add(why, "approval %.64s: too long", number);
	return approval_parse(line, (size_t)n, items, ret, why);
}

void approvals_format(const struct approval_list *l, struct strbuf *out)
{
	sb_puts(out, APPROVALS_HEADER "\n");
	for (size_t i = 0; i < l->n; i++) {
		char v[160];
		approval_value(&l->v[i], v, sizeof(v));
		sb_printf(out, "%s,%s\n", v, l->v[i].number);
	}
}

void pledge_policy_text(const struct item *it, struct strbuf *out)
{
	const char *r = strcmp(it->pledge.verify, "all") ? it->pledge.verify
							  : "1";
	sb_printf(out,
		  "# inspectd pledge verification of item %s: verify %s\n"
		  "name: " PLEDGE_POLICY "\n"
		  "design: stratified\n"
		  "team_size: 2\n"
		  "classes:\n",
		  it->code, it->pledge.verify);
	for (const char *c = "ABCD"; *c; c++)
		sb_printf(out, "  %c: {rate: %s}\n", *c, r);
}

int32_t pledge_deadline(const struct calendar *cal, const struct item *it,
			int32_t approved)
{
	return calendar_add_working_days(cal, approved,
					 it->pledge.deadline_days);
}

int32_t pledge_window_end(const struct calendar *cal, const struct item *it,
			  int32_t approved, int32_t today)
{
	int32_t due = pledge_deadline(cal, it, approved);
	int32_t first = calendar_add_working_days(cal, today, 1);
	if (due == DATE_NONE || first == DATE_NONE)
		return DATE_NONE;
	return due >= first ? due
			    : calendar_add_working_days(cal, today,
							PLEDGE_LATE_DAYS);
}

void pledge_entropy(int32_t day, char *out, size_t size)
{
	char d[11];
	date_format(day, d);
	snprintf(out, size, "inspectd-pledges/1 %s", d);
}

static void compact(int32_t day, char out[9])
{
	char d[11];
	date_format(day, d);
	snprintf(out, 9, "%.4s%.2s%.2s", d, d + 5, d + 8);
}

void pledge_campaign_id(int32_t today, int32_t end, unsigned run,
			const char *code, char id[SEED_MAX_ID + 1])
{
	char t[9], e[9];
	compact(today, t);
	compact(end, e);
	snprintf(id, SEED_MAX_ID + 1, "PV-%s-%s-%u-%.36s", t, e, run, code);
}

unsigned pledge_id_run(const char *id, int32_t today, int32_t end,
		       const char *code)
{
	char want[SEED_MAX_ID + 1];
	pledge_campaign_id(today, end, 1, code, want);
	size_t head = 21; /* PV-YYYYMMDD-YYYYMMDD- */
	size_t digits = strspn(id + (strncmp(id, want, head) ? 0 : head),
			       "0123456789");
	unsigned long long run = 0;
	if (strncmp(id, want, head) || digits < 1 || digits > 3 ||
	    id[head] == '0' || id[head + digits] != '-' ||
	    strcmp(id + head + digits + 1, code) ||
	    !number_parse(id + head, digits, PLEDGE_MAX_RUNS, &run))
		return 0;
	return (unsigned)run;
}

/* An approval with the campaign it goes to, for sorting. */
struct planned {
	struct approval a;
	const struct item *item;
	int32_t end;
	char id[SEED_MAX_ID + 1];
};

static int by_id_then_number(const void *x, const void *y)
{
	const struct planned *a = x, *b = y;
	int c = strcmp(a->id, b->id);
	return c ? c : strcmp(a->a.number, b->a.number);
}


int pledge_plan_make(const struct approval *pending, size_t n,
		     const struct item_list *items, const struct calendar *cal,
		     int32_t today, unsigned run, struct pledge_plan *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (run < 1 || run > PLEDGE_MAX_RUNS)
		return FAIL_INVALID;
	ret->run = run;
	struct planned *p = malloc(n * sizeof(*p) + 1);
	if (!p)
		return FAIL_INVALID;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct item *it = item_find(items, pending[i].item);
		int32_t end = it && it->pledge.on && pending[i].date <= today
				      ? pledge_window_end(cal, it,
							  pending[i].date,
							  today)
				      : DATE_NONE;
		if (end == DATE_NONE) {
			ret->waiting++;
			continue;
		}
		p[m] = (struct planned){pending[i], it, end, ""};
		pledge_campaign_id(today, end, run, it->code, p[m].id);
		m++;
	}
	qsort(p, m, sizeof(*p), by_id_then_number);
	int r = 0;
	for (size_t i = 0; r == 0 && i < m; i++) {
		r = approval_list_add(&ret->approvals, &p[i].a);
		if (r == 0 && (i == 0 || strcmp(p[i].id, p[i - 1].id))) {
			struct pledge_batch *b = realloc(
			    ret->batches,
			    (ret->n_batches + 1) * sizeof(*b));
			if (!b) {
				r = FAIL_INVALID;
				break;
			}
			ret->batches = b;
			b = &b[ret->n_batches++];
			memcpy(b->id, p[i].id, sizeof(b->id));
			b->item = p[i].item;
			b->window_end = p[i].end;
			b->first = i;
			b->n = 0;
		}
		if (r == 0)
			ret->batches[ret->n_batches - 1].n++;
	}
	free(p);
	if (r < 0)
		pledge_plan_finish(ret);
	return r;
}

void pledge_plan_finish(struct pledge_plan *p)
{
	approval_list_finish(&p->approvals);
	free(p->batches);
	memset(p, 0, sizeof(*p));
}

const char *const pledge_state_names[PLEDGE_STATES] = {
	"awaiting", "planned",	  "refused",
	"visit",    "not_sampled", "no_entity", "verified",
};

enum pledge_timing pledge_timing_of(const struct calendar *cal,
				    enum pledge_state state, int32_t deadline,
				    int32_t today, unsigned within)
{
	if (state == PLEDGE_NOT_SAMPLED || state == PLEDGE_VERIFIED)
		return PLEDGE_SETTLED;
	if (deadline == DATE_NONE || deadline >= today + 1) {
		int32_t soon = within ? calendar_add_working_days(cal, today,
								  within)
				      : today;
		return deadline != DATE_NONE && soon != DATE_NONE &&
			       deadline <= soon
			   ? PLEDGE_DUE
			   : PLEDGE_ON_TRACK;
	}
	return deadline == today ? PLEDGE_DUE : PLEDGE_OVERDUE;
}
