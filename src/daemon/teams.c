/* The team draw in the daemon: the roster snapshot, the window's working
 * days, other campaigns' load and each entity's previous team read from
 * Redis, then assign_teams. teams_write.c writes what comes of it. */
#include "inspect/core/number.h"
#include "teams.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/bucket.h"
#include "inspect/shell/campaign_check.h"
#include "inspect/core/date.h"
#include "inspect/core/visit_items.h"
#include "inspect/shell/archive.h"
#include "inspect/store/ops.h"
#include "inspect/store/keys.h"
#include "inspect/store/grades.h"

#define ROTATION_BUCKETS INSPECTED_BUCKETS

/* The campaign is refused: the reason, one line, in why. */
static int refuse(struct diag *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(struct diag *why, const char *fmt, ...)
{
	char line[sizeof(why->text)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	diag_set(why, "%s", line);
	return FAIL_REFUSED;
}

/* A copy archived under its digest (a frozen campaign's commitment),
 * into out. Returns 0; FAIL_REFUSED with the reason in why if it is
 * missing or altered (what the campaign committed to is gone); or
 * FAIL_LOST if the archive could not be read (reason in store.err). */
static int kept_copy(struct worker *w, enum archive_kind kind,
		     const char *hex, struct strbuf *out, struct diag *why)
{
	struct diag err;
	diag_init(&err);
	diag_init(why);
	int r = archive_get(w->cfg->archive, kind, hex, out, &err);
	if (r == FAIL_INVALID)
		return refuse(why, "the copy committed at freeze time is lost: "
			      "%.400s", diag_reason(&err));
	if (r < 0) {
		diag_set(&w->store.err, "%s", diag_reason(&err));
		return FAIL_LOST;
	}
	return out->failed ? FAIL_LOST : 0;
}

/* The roster as it is now (<p>roster), into out: for a campaign frozen
 * before its roster was committed. */
static int current_roster(struct worker *w, const char *key,
			  struct strbuf *out, struct diag *why)
{
	redisReply *rep = store_get(&w->store, KEY_ROSTER, NULL);
	if (!rep)
		return FAIL_LOST;
	int rc = 0;
	if (rep->type != REDIS_REPLY_STRING)
		rc = refuse(why, "no inspector roster in %s: import one with "
			    "inspectctl import --inspectors", key);
	else
		sb_add(out, rep->str, rep->len);
	freeReplyObject(rep);
	return rc;
}

static int read_roster(struct worker *w, const struct campaign_record *rec,
		       struct visit_plan *p, struct diag *why)
{
	struct strbuf text = {0};
	char key[128];
	struct diag err;
	diag_init(&err);
	diag_init(why);
	key_name(key, sizeof(key), w->cfg, KEY_ROSTER, NULL, NULL);
	int rc = rec->roster_hex[0]
			 ? kept_copy(w, ARCHIVE_ROSTER, rec->roster_hex, &text,
				     why)
			 : current_roster(w, key, &text, why);
	if (rc == 0 && text.failed)
		rc = FAIL_LOST;
	else if (rc == 0 &&
		 roster_parse_csv(key, text.s ? text.s : "", text.len,
				  &p->roster, &err) < 0)
		rc = refuse(why, "the inspector roster is invalid: %.200s",
			    diag_text(&err));
	if (rc == 0) { /* kept for the audit: the text is handed over */
		p->roster_text = text.s ? text.s : calloc(1, 1);
		p->roster_len = text.len;
		return p->roster_text ? 0 : FAIL_LOST;
	}
	sb_finish(&text);
	return rc;
}

/* The item list: the catalog's, or for a campaign frozen with one, the
 * committed copy. Returns 0, FAIL_LOST, or FAIL_REFUSED with why. */
static int item_list_of(struct worker *w, const struct campaign_record *rec,
			struct visit_plan *p, struct diag *why)
{
	p->items = &w->cat->items;
	p->items_text = w->cat->items_text;
	p->items_len = w->cat->items_len;
	if (!rec->items_hex[0])
		return 0;
	struct strbuf text = {0};
	int rc = kept_copy(w, ARCHIVE_ITEMS, rec->items_hex, &text, why);
	if (rc < 0) {
		sb_finish(&text);
		return rc;
	}
	struct diag err;
	diag_init(&err);
	p->frozen_items_text = text.s ? text.s : calloc(1, 1);
	if (!p->frozen_items_text)
		return FAIL_LOST;
	if (item_list_parse("committed item list", p->frozen_items_text,
			    text.len, &p->frozen_items, &err) < 0)
		return refuse(why, "%.300s", diag_text(&err));
	p->items = &p->frozen_items;
	p->items_text = p->frozen_items_text;
	p->items_len = text.len;
	return 0;
}

/* Departments and qualifications from the items (all on the list: the
 * intake checked them). */
static int team_rules_of(struct visit_plan *p, const struct campaign *c,
			 unsigned team_size, struct diag *why)
{
	const struct roster *r = &p->roster;
	struct team_rules *t = &p->rules;
	memset(t, 0, sizeof(*t));
	t->team_size = team_size;
	for (unsigned i = 0; i < c->n_items; i++) {
		const struct item *it = item_find(p->items, c->items[i]);
		if (!it)
			return refuse(why, "field items: %s is not on the "
				      "committed item list", c->items[i]);
		unsigned d = 0;
		while (d < t->n_departments &&
		       strcmp(t->departments[d], it->department))
			d++;
		if (d == t->n_departments) {
			if (d == TEAM_MAX_DEPARTMENTS)
				return refuse(why, "field items: more than %d "
					      "departments",
					      TEAM_MAX_DEPARTMENTS);
			snprintf(t->departments[t->n_departments++], 65, "%s",
				 it->department);
		}
		if (!it->qualification[0])
			continue;
		int q = roster_qualification(r, it->qualification);
		if (q < 0)
			return refuse(why, "field items: item %s needs "
				      "qualification %s, which no inspector "
				      "holds", it->code, it->qualification);
		t->qualifications |= 1ULL << q;
	}
	return 0;
}

/* The calendar of the working days: for a campaign frozen with its
 * calendars, the committed documents ("cn-YYYY.yaml:<sha256>,...", in year
 * order), so that a notice added after the freeze does not change the
 * plan; else the catalog's. Returns 0, FAIL_LOST, or FAIL_REFUSED with why. */
static int calendar_of(struct worker *w, const struct campaign_record *rec,
		       struct visit_plan *p, struct diag *why)
{
	p->cal = &w->cat->calendar;
	if (!rec->calendars[0])
		return 0;
	char list[sizeof(rec->calendars)];
	struct diag err;
	int rc = 0;
	diag_init(&err);
	snprintf(list, sizeof(list), "%s", rec->calendars);
	for (char *save, *one = strtok_r(list, ",", &save); rc == 0 && one;
	     one = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(one, ':');
		if (!colon)
			return refuse(why, "the committed calendars are "
					   "unreadable");
		*colon = '\0';
		struct strbuf doc = {0};
		rc = kept_copy(w, ARCHIVE_CALENDAR, colon + 1, &doc, why);
		if (rc == 0 && calendar_add_year(&p->frozen_cal, one,
						 doc.s ? doc.s : "", doc.len,
						 &err) < 0)
			rc = refuse(why, "%.300s", diag_text(&err));
		sb_finish(&doc);
	}
	if (rc == 0) {
		p->cal = &p->frozen_cal;
		snprintf(p->frozen_calendars, sizeof(p->frozen_calendars), "%s",
			 rec->calendars);
	}
	return rc;
}

/* The window's working days, after the draw date; by default the next
 * visit_days working days. */
static long window_days(const struct worker *w, const struct campaign *c,
			int32_t date, struct visit_plan *p, struct diag *why)
{
	struct day_span span;
	struct diag err;
	diag_init(&err);
	if (campaign_window(c, p->cal, date, w->cfg->visit_days, &span,
			    &err) < 0)
		return refuse(why, "%.*s", (int)strcspn(diag_text(&err), "\n"),
			      diag_text(&err));
	int32_t from = span.from, to = span.to;
	long n = calendar_working_days(p->cal, from, to, p->days,
				       PLAN_MAX_DAYS);
	char a[11], b[11];
	date_format(from, a);
	date_format(to, b);
	if (n < 0)
		return refuse(why, "no working-day calendar covers %s..%s", a,
			      b);
	if (n == 0)
		return refuse(why, "field window: no working day between %s "
			      "and %s", a, b);
	p->window_from = from;
	p->window_to = to;
	p->backdated = c->backdated;
	return n < PLAN_MAX_DAYS ? n : PLAN_MAX_DAYS;
}

struct rotation_read {
	const struct population *pop;
	const struct draw *d;
	const struct roster *r;
	const struct roster_id *ids;
	struct visit *v;
	uint32_t (*prev)[TEAM_MAX];
	char bucket[16]; /* each command is sent before the next is built */
};

static const char *rotation_bucket(size_t k, void *ctx)
{
	struct rotation_read *rr = ctx;
	snprintf(rr->bucket, sizeof(rr->bucket), "%u",
		 bucket_of(rr->pop->v[rr->d->chosen[k]].uscc, USCC_LEN,
			   ROTATION_BUCKETS));
	return rr->bucket;
}

static const char *rotation_uscc(size_t k, size_t *len, void *ctx)
{
	struct rotation_read *rr = ctx;
	*len = USCC_LEN;
	return rr->pop->v[rr->d->chosen[k]].uscc;
}

/* "id;id": the entity's previous team, as roster indices. */
static void rotation_reply(size_t k, const redisReply *r, void *ctx)
{
	struct rotation_read *rr = ctx;
	rr->v[k].previous = rr->prev[k];
	rr->v[k].n_previous = 0;
	if (r->type != REDIS_REPLY_STRING)
		return;
	char ids[512];
	snprintf(ids, sizeof(ids), "%s", r->str);
	for (char *save, *id = strtok_r(ids, ";", &save);
	     id && rr->v[k].n_previous < TEAM_MAX;
	     id = strtok_r(NULL, ";", &save)) {
		long i = roster_find(rr->r, rr->ids, id);
		if (i >= 0)
			rr->prev[k][rr->v[k].n_previous++] = (uint32_t)i;
	}
}

static int read_rotation(struct worker *w, const struct population *pop,
			 const struct draw *d, const struct roster_id *ids,
			 struct visit_plan *p)
{
	struct rotation_read rr = {pop, d, &p->roster, ids, p->v, p->prev, ""};
	/* Not WATCHed: the last teams lie in other slots than the
	 * transaction's, and only publications write them, which start by
	 * writing <p>publishing, WATCHed since this entry's draw began
	 * (publication_gate). So another instance that publishes first makes
	 * this publication's start fail (and it is drawn again): publications
	 * read previous teams in the order they are published, which a chain
	 * of bundles checks. */
	int rc = store_hget_each(&w->store, d->n_chosen, KEY_LASTTEAM,
				 &(struct hget_calls){rotation_bucket,
						      rotation_uscc,
						      rotation_reply},
				 &rr);
	return rc ? FAIL_LOST : 0;
}

struct load_read {
	struct worker *w;
	const struct visit_plan *p;
	const struct roster_id *ids;
	uint16_t *used;
};

static void load_key(size_t d, char *out, size_t size, void *ctx)
{
	const struct load_read *lr = ctx;
	char day[11];
	date_format(lr->p->days[d], day);
	key_name(out, size, lr->w->cfg, KEY_LOAD, day, NULL);
}

static void load_reply(size_t d, const redisReply *r, void *ctx)
{
	struct load_read *lr = ctx;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2) {
		long at = roster_find(&lr->p->roster, lr->ids,
				      r->element[i]->str);
		/* A count inspectd wrote; anything else counts as full. */
		unsigned long long v =
			number_or(r->element[i + 1]->str, 1000, 1000);
		if (at >= 0)
			lr->used[(size_t)at * lr->p->n_days + d] = (uint16_t)v;
	}
}

/* Other campaigns' visits on the window's days: WATCHed, so that one
 * published meanwhile makes this publication's EXEC fail and start over. */
static int read_load(struct worker *w, const struct visit_plan *p,
		     const struct roster_id *ids, uint16_t *used)
{
	struct load_read lr = {w, p, ids, used};
	char (*days)[11] = malloc((p->n_days + 1) * sizeof(*days));
	const char **args = malloc((p->n_days + 1) * sizeof(*args));
	for (size_t d = 0; days && args && d < p->n_days; d++) {
		date_format(p->days[d], days[d]);
		args[d] = days[d];
	}
	int rc = days && args
		     ? store_watch_all(&w->store, KEY_LOAD, args, p->n_days)
		     : FAIL_LOST;
	free(days);
	free(args);
	if (rc == 0 && store_hgetall_each(&w->store, p->n_days, load_key,
					  load_reply, &lr) < 0)
		rc = FAIL_LOST;
	return rc ? FAIL_LOST : 0;
}

/* The draw's merges (docs/ALGORITHM.md, merged visits) and the team
 * draw's visits. */
static int plan_merges(struct worker *w, enum merge_mode mode,
		       const struct drawn *x, struct visit_plan *out)
{
	size_t n = out->n;
	out->md = (struct merged_draw){
		calloc(n + 1, sizeof(struct merge_entry)), 0,
		calloc(n + 1, sizeof(struct visit)), 0,
		calloc(n + 1, sizeof(size_t))};
	out->merge = mode != MERGE_NONE ? calloc(n + 1, sizeof(*out->merge))
					: NULL;
	if (!out->md.entries || !out->md.v || !out->md.at ||
	    (mode != MERGE_NONE && !out->merge)) {
		diag_set(&w->store.err, "out of memory");
		return FAIL_LOST;
	}
	out->merge_mode = mode;
	if (out->merge)
		merge_find(x->pop, x->d->chosen, n, out->days, out->n_days,
			   out->merge);
	merge_apply(mode, out->merge, out->v, n, &out->md);
	return 0;
}

size_t plan_merged(const struct visit_plan *p, bool skipped)
{
	size_t n = 0;
	for (size_t i = 0; i < p->md.n_entries; i++)
		n += p->md.entries[i].skipped == skipped;
	return n;
}

enum merge_mode plan_merge_of(const struct visit_plan *p, size_t k,
			      const char **campaign, const char **items)
{
	if (!p->merge || !p->merge[k].with)
		return MERGE_NONE;
	*campaign = p->merge[k].campaign;
	*items = p->merge[k].items;
	return p->merge_mode;
}

/* The policy's limit on general items, on the draw's expected visits
 * and the item list the teams are drawn on. */
static int general_items_check(const struct campaign_record *rec,
			       const struct drawn *x,
			       const struct visit_plan *p, struct diag *why)
{
	u128 expected = 0;
	for (unsigned s = 0; s < x->d->n_strata; s++)
		expected += x->d->stratum[s].expected;
	return visit_items_check("field items", x->c->items,
				 x->c->item_share, x->c->n_items, p->items,
				 rec->policy->policy.general_ratio_max,
				 expected, x->pop->n, why) < 0
		       ? FAIL_REFUSED
		       : 0;
}

uint32_t plan_department_items(const struct visit_plan *p, unsigned j)
{
	uint32_t mask = 0;
	for (unsigned i = 0; i < p->c->n_items; i++) {
		const struct item *it = item_find(p->items, p->c->items[i]);
		if (it && !strcmp(it->department, p->rules.departments[j]))
			mask |= 1u << i;
	}
	return mask;
}

void plan_visit_items(const struct visit_plan *p, size_t k, char sep,
		      char *out, size_t size)
{
	campaign_items_text(p->c, p->item_mask ? p->item_mask[k] : UINT32_MAX,
			    false, sep, out, size);
}

int plan_visits(struct worker *w, const struct campaign_record *rec,
		const struct drawn *x, struct visit_plan *out, struct diag *why)
{
	const struct campaign *c = x->c;
	const struct population *pop = x->pop;
	const struct draw *d = x->d;
	struct diag err;
	char label[2200];
	memset(out, 0, sizeof(*out));
	out->c = c;
	int rc = read_roster(w, rec, out, why);
	if (rc == 0)
		rc = item_list_of(w, rec, out, why);
	if (rc == 0)
		rc = calendar_of(w, rec, out, why);
	if (rc == 0)
		rc = general_items_check(rec, x, out, why);
	if (rc)
		return rc;
	rc = team_rules_of(out, c, rec->policy->policy.team_size, why);
	long n_days = rc ? 0 : window_days(w, c, rec->date, out, why);
	if (rc || n_days < 0)
		return FAIL_REFUSED;
	out->n_days = (size_t)n_days;
	out->calendars_from = rec->earliest_approval != 0 &&
				      rec->earliest_approval < out->window_from
				  ? rec->earliest_approval
				  : out->window_from;
	size_t n = d->n_chosen, ni = out->roster.n;
	struct roster_id *ids = roster_by_id(&out->roster);
	out->v = calloc(n + 1, sizeof(*out->v));
	out->prev = calloc(n + 1, sizeof(*out->prev));
	out->used = calloc(ni * out->n_days + 1, sizeof(*out->used));
	out->a = calloc(n + 1, sizeof(*out->a));
	out->item_mask = calloc(n + 1, sizeof(*out->item_mask));
	out->n = n;
	rc = out->v && out->prev && ids && out->used && out->a &&
		     out->item_mask &&
		     visit_items_draw(x->seed, c->item_share, c->n_items, n,
				      out->item_mask) == 0
		 ? 0
		 : FAIL_LOST;
	if (rc)
		diag_set(&w->store.err, "out of memory");
	for (size_t k = 0; rc == 0 && k < n; k++)
		out->v[k] = (struct visit){pop->v[d->chosen[k]].uscc,
					   pop->v[d->chosen[k]].region, NULL, 0, 0};
	if (rc == 0)
		rc = read_load(w, out, ids, out->used);
	if (rc == 0)
		rc = read_rotation(w, pop, d, ids, out);
	if (rc == 0)
		rc = plan_merges(w, rec->policy->policy.merge, x, out);
	struct assignment *ta = rc ? NULL : calloc(n + 1, sizeof(*ta));
	if (rc == 0 && !ta)
		rc = FAIL_LOST;
	size_t at = 0;
	for (unsigned i = 0; i < c->n_items && at < sizeof(label); i++)
		at += (size_t)snprintf(label + at, sizeof(label) - at, "%s%s",
				       i ? "," : "item ", c->items[i]);
	out->rules.label = label;
	diag_init(&err);
	const struct team_draw in = {&out->roster, &out->rules, out->days,
				     out->n_days,  out->used,	out->md.v,
				     out->md.n};
	if (rc == 0 && assign_teams(&in, x->seed, ta, &err) < 0) {
		rc = refuse(why, "%.*s", (int)strcspn(diag_text(&err), "\n"),
			    diag_text(&err));
		out->refused_by_draw = true;
	} else if (rc == 0) {
		merge_scatter(&out->md, ta, out->a);
	}
	out->rules.label = NULL; /* label goes out of scope */
	free(ta);
	free(ids);
	return rc;
}

int plan_precheck(struct worker *w, const struct campaign *c,
		  const struct campaign_record *rec, const struct text *roster,
		  struct diag *why)
{
	const char *roster_csv = roster->s;
	size_t len = roster->len;
	struct visit_plan p;
	struct diag err;
	char key[128];
	memset(&p, 0, sizeof(p));
	diag_init(&err);
	p.items = &w->cat->items;
	p.cal = &w->cat->calendar;
	key_name(key, sizeof(key), w->cfg, KEY_ROSTER, NULL, NULL);
	int rc = 0;
	if (roster_parse_csv(key, roster_csv, len, &p.roster, &err) < 0)
		return refuse(why, "the inspector roster is invalid: %.200s",
			      diag_text(&err));
	const struct policy *pol = &rec->policy->policy;
	rc = team_rules_of(&p, c, pol->team_size, why);
	long n_days = rc ? 0 : window_days(w, c, rec->date, &p, why);
	if (n_days < 0)
		rc = FAIL_REFUSED;
	/* A pps design draws exactly its size. */
	size_t visits = c->size ? c->size : pol->size;
	size_t offered = rc ? 0 : assign_offered_days(&p.roster, &p.rules,
						      (size_t)n_days);
	if (rc == 0 && pol->design == DESIGN_PPS &&
	    visits * pol->team_size > offered)
		rc = refuse(why, "field size: %zu visits need %zu "
			    "inspector-days; the roster's active inspectors "
			    "of the campaign's departments offer %zu in the "
			    "window's %ld working days", visits,
			    visits * pol->team_size, offered, n_days);
	roster_finish(&p.roster);
	return rc;
}

void visit_plan_finish(struct visit_plan *p)
{
	roster_finish(&p->roster);
	free(p->roster_text);
	free(p->a);
	free(p->item_mask);
	free(p->used);
	free(p->v);
	free(p->prev);
	free(p->merge);
	free(p->md.entries);
	free(p->md.v);
	free(p->md.at);
	if (p->frozen_items_text)
		item_list_finish(&p->frozen_items);
	calendar_finish(&p->frozen_cal);
	free(p->frozen_items_text);
	memset(p, 0, sizeof(*p));
}
