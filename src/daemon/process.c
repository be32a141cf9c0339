/* What each intake entry gets: a refusal with a reason, a frozen
 * population (two-phase), or a published draw. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/core/plan.h"
#include "inspect/core/sampler.h"
#include "inspect/shell/archive.h"
#include "inspect/shell/campaign_check.h"
#include "inspect/shell/clock.h"
#include "inspect/shell/log.h"
#include "inspect/store/approvals.h"
#include "inspect/store/grades.h"
#include "inspect/store/history.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"
#include "teams.h"
#include "metrics.h"
#include "worker.h"

static const char *field_str(const redisReply *hash, const char *name)
{
	const redisReply *r = reply_field(hash, name);
	return r && r->type == REDIS_REPLY_STRING ? r->str : "";
}

/* The entry refused: the first line of why its reason. A refused pledge
 * campaign's approvals are planned again at the next planning. */
static int reject(struct worker *w, struct answer *a, struct diag *why)
{
	struct approval_list requeue;
	log_warn("entry refused", "entry=%s campaign=%s reason=%s", a->entry_id,
		 a->c->id[0] ? a->c->id : "-", log_quote(diag_reason(why)));
	int r = pledges_of_refused(w, a, &requeue);
	if (r == 0)
		r = answer_reject(w, a, why);
	approval_list_finish(&requeue);
	return r;
}

/* The entry refused for a reason of one line. */
static int reject_for(struct worker *w, struct answer *a, const char *why)
{
	struct diag d;
	diag_init(&d);
	diag_add(&d, "%s", why);
	return reject(w, a, &d);
}

/* WATCHes the campaign record and reads it (an empty array if absent).
 * NULL: connection lost. */
static redisReply *watch_record(struct worker *w, const char *id)
{
	return store_watch(&w->store, KEY_CAMPAIGN, id) == 0
		       ? store_hgetall(&w->store, KEY_CAMPAIGN, id)
		       : NULL;
}

static int ack_only(struct worker *w, const char *entry_id)
{
	return store_unwatch(&w->store) == FAIL_LOST ||
		       store_ack(&w->store, KEY_INTAKE, entry_id) == FAIL_LOST
		   ? FAIL_LOST
		   : 0;
}

/* For a policy with caps or merges, the visits on record within its
 * longest cap's days of the draw date (730 for merges) join the
 * population (and so its digest). 1 when they did (or none were needed);
 * else the population is freed and the entry refused (its answer's
 * result) or the connection lost. */
static int read_history(struct worker *w, struct answer *a,
			struct population *pop,
			const struct campaign_record *rec)
{
	const struct policy *p = &rec->policy->policy;
	if (!caps_any(p) && p->merge == MERGE_NONE)
		return 1;
	/* A merge looks at the window's working days, which follow the
	 * draw date within a year: the longest a cap may look covers them. */
	int32_t days = p->merge != MERGE_NONE ? POLICY_MAX_CAP_DAYS
					      : (int32_t)caps_horizon(p);
	struct diag err;
	diag_init(&err);
	int r = history_read(&w->store, pop, rec->date - days, rec->date + days,
			     &err);
	if (r == 0)
		return 1;
	population_finish(pop);
	return r == FAIL_LOST ? FAIL_LOST : reject(w, a, &err);
}

/* A pledge campaign draws from the entities of the approvals the daily
 * planning gave it (<p>pledged:<id>), read one by one from the grade
 * index. 0, FAIL_INVALID (err) or FAIL_LOST. */
static int read_pledged(struct worker *w, struct answer *a,
			struct population *pop, struct campaign_record *rec,
			struct diag *err)
{
	struct approval_list l = {0};
	struct diag why;
	size_t bad, m = 0;
	diag_init(&why);
	if (approvals_read(&w->store, KEY_PLEDGED, a->c->id, &w->cat->items,
			   &l, &bad, &why) < 0)
		return FAIL_LOST;
	approval_list_sort(&l);
	char *usccs = malloc(l.n * USCC_LEN + 1);
	for (size_t i = 0; usccs && i < l.n; i++) {
		if (!rec->earliest_approval ||
		    l.v[i].date < rec->earliest_approval)
			rec->earliest_approval = l.v[i].date;
		if (i == 0 || strcmp(l.v[i].uscc, l.v[i - 1].uscc))
			memcpy(usccs + USCC_LEN * m++, l.v[i].uscc, USCC_LEN);
	}
	approval_list_finish(&l);
	int r = usccs ? grades_read_some(&w->store, usccs, m, pop,
					 &rec->generation, err)
		      : diag_add(err, "out of memory");
	free(usccs);
	if (r == 0 && (pop->n < m || bad))
		log_warn("approvals without an entity of the grade index, or "
			 "unreadable: not verified by this campaign",
			 "campaign=%s missing=%zu unreadable=%zu reason=%s",
			 a->c->id, m - pop->n, bad,
			 log_quote(bad ? diag_reason(&why) : "-"));
	return r;
}

/* The population a campaign draws from, canonical, scoped, digested. */
static int load_population(struct worker *w, struct answer *a,
			   struct population *pop,
			   struct campaign_record *rec)
{
	struct diag err;
	diag_init(&err);
	struct grades_timing gt = {0};
	double t0 = clock_seconds();
	int r = strcmp(a->c->policy, PLEDGE_POLICY)
		    ? grades_read(&w->store, pop, &rec->generation, &gt, &err)
		    : read_pledged(w, a, pop, rec, &err);
	w->t.fetch = gt.fetch ? gt.fetch : clock_seconds() - t0;
	w->t.order = gt.order;
	w->t.merge = gt.merge;
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0)
		return reject(w, a, &err);
	scope_apply(&a->c->scope, pop);
	if (pop->n == 0) {
		population_finish(pop);
		return reject_for(w, a,
				  strcmp(a->c->policy, PLEDGE_POLICY)
				      ? "fields regions, industries, flags: "
					"the scope holds no entities"
				      : "field policy: no approval of the grade "
					"index's entities was planned for "
					"this pledge campaign");
	}
	if (pop->n > w->cfg->max_population) {
		population_finish(pop);
		return reject_for(w, a,
				  "the population is above max_population");
	}
	rec->population = pop->n;
	t0 = clock_seconds();
	r = read_history(w, a, pop, rec);
	if (r != 1)
		return r;
	w->t.history = clock_seconds() - t0;
	t0 = clock_seconds();
	population_digest(pop, rec->population_digest);
	w->t.digest = clock_seconds() - t0;
	return 1; /* loaded */
}

static int draw_and_publish_now(struct worker *w, struct answer *a,
				struct campaign_record *rec,
				const struct population *pop)
{
	a->read = rec;
	uint8_t seed[32];
	struct draw d;
	struct diag err;
	diag_init(&err);
	struct seed_input si = {a->c->id, rec->policy->policy.digest,
				rec->population_digest, rec->date,
				a->c->entropy};
	struct draw_params dp = {&rec->policy->policy,
				 rec->date,
				 a->c->size,
				 {a->c->items, a->c->n_items}};
	if (seed_derive(&si, seed) < 0)
		return reject_for(w, a, "field entropy: too long");
	double t0 = clock_seconds();
	if (sampler_draw(pop, &dp, seed, &d, &err) < 0) {
		struct diag why;
		diag_init(&why);
		diag_add(&why, "field size: %s", diag_reason(&err));
		return reject(w, a, &why);
	}
	struct visit_plan plan;
	double t_teams = clock_seconds();
	struct drawn in = {a->c, pop, &d, NULL, seed, rec->date};
	diag_init(&err);
	int r = plan_visits(w, rec, &in, &plan, &err);
	if (r == FAIL_REFUSED && plan.refused_by_draw) {
		log_warn("entry refused", "entry=%s campaign=%s reason=%s",
			 a->entry_id, a->c->id, log_quote(diag_reason(&err)));
		struct drawn x = {a->c, pop, &d, &plan, seed, rec->date};
		struct approval_list requeue;
		r = pledges_of_refused(w, a, &requeue);
		if (r == 0)
			r = answer_refuse_drawn(w, a, rec, &x, &err);
		approval_list_finish(&requeue);
	} else if (r == FAIL_REFUSED) {
		r = reject(w, a, &err);
	} else if (r == 0) {
		r = 1; /* planned: published below */
	}
	if (r != 1) {
		visit_plan_finish(&plan);
		draw_finish(&d);
		return r;
	}
	double t1 = clock_seconds();
	struct drawn x = {a->c, pop, &d, &plan, seed, rec->date};
	r = answer_publish(w, a, rec, &x);
	visit_plan_finish(&plan);
	w->t.draw = t_teams - t0;
	w->t.teams = t1 - t_teams;
	w->t.publish = clock_seconds() - t1 - w->t.details;
	if (r == 0) {
		metric_count(METRIC_CAMPAIGNS_PUBLISHED, 1);
		metric_observe(METRIC_FETCH, w->t.fetch);
		metric_observe(METRIC_PUBLICATION, w->t.publish);
	}
	if (r == 0)
		log_info(
		    "campaign published",
		    "campaign=%s population=%zu "
		    "selected=%zu fetch_s=%.3f order_s=%.3f merge_s=%.3f "
		    "history_s=%.3f digest_s=%.3f draw_s=%.3f teams_s=%.3f "
		    "details_s=%.3f publish_s=%.3f archive_s=%.3f "
		    "population_archive_s=%.3f journal_s=%.3f keep_s=%.3f "
		    "steps_s=%.3f spread_s=%.3f spread_wait_s=%.3f",
		    a->c->id, pop->n, d.n_chosen, w->t.fetch, w->t.order,
		    w->t.merge, w->t.history, w->t.digest, w->t.draw,
		    w->t.teams, w->t.details, w->t.publish, w->t.archive,
		    w->t.population, w->t.journal, w->t.keep, w->t.steps,
		    w->t.spread, w->t.spread_wait);
	draw_finish(&d);
	return r;
}

/* The population is archived meanwhile (answer_archive_begin): the
 * publication waits for it before anything names it. */
static int draw_and_publish(struct worker *w, struct answer *a,
			    struct campaign_record *rec,
			    const struct population *pop)
{
	w->t.population = 0;
	answer_archive_begin(w, rec, pop);
	int r = draw_and_publish_now(w, a, rec, pop);
	answer_archive_end(w);
	return r;
}

/* An entry naming an annual plan is that filed plan's batch of its id,
 * field for field; the plan's digest goes with it into the record and
 * the freeze event. 0, FAIL_INVALID (why) or FAIL_LOST. */
static int plan_of(struct worker *w, struct campaign *c, struct diag *why)
{
	static const char *const text[] = {"text"};
	redisReply *r = store_hmget(&w->store, KEY_PLAN, c->plan, text, 1);
	if (!r)
		return FAIL_LOST;
	struct plan p;
	struct diag err;
	diag_init(&err);
	const redisReply *d = r->element[0];
	int rc = 0;
	if (d->type != REDIS_REPLY_STRING)
		rc = diag_add(why, "field plan: no plan %s is filed", c->plan);
	else if (plan_parse(c->plan, d->str, d->len, &p, &err) < 0)
		rc = diag_add(why, "field plan: plan %s does not read: %s",
			      c->plan, diag_reason(&err));
	else {
		rc = plan_batch_matches(&p, c, why);
		plan_digest_hex(&p, c->plan_digest);
		plan_finish(&p);
	}
	freeReplyObject(r);
	return rc;
}

/* c is a->c, which a plan's digest is written into. */
static int new_campaign(struct worker *w, struct answer *a, struct campaign *c)
{
	struct diag why;
	diag_init(&why);
	redisReply *old = watch_record(w, a->c->id);
	if (!old)
		return FAIL_LOST;
	const char *status = field_str(old, "status");
	const char *entry = field_str(old, "entry");
	bool exists = old->type == REDIS_REPLY_ARRAY && old->elements > 0;
	bool same = exists && strcmp(entry, a->entry_id) == 0;
	if (exists && !same)
		diag_add(&why, "field id: campaign %s was already used "
			 "(status %s): a new draw needs a new id", a->c->id,
			 status);
	freeReplyObject(old);
	if (same) /* answered before; only the acknowledgement was lost */
		return ack_only(w, a->entry_id);
	if (exists)
		return reject(w, a, &why);
	a->id_unused = true;
	struct campaign_record rec = {0};
	/* How far back a date may lie counts from the day the entry was
	 * submitted (its id's time), not from a later day a backlog or an
	 * outage let it wait to. */
	unsigned long long ms = 0; /* "ms-seq" */
	number_parse(a->entry_id, strcspn(a->entry_id, "-"), LLONG_MAX, &ms);
	int32_t submitted = clock_day_of(w->cfg->time_zone,
					 (long long)(ms / 1000));
	if (submitted > w->today) /* an id from the future: not believed */
		submitted = w->today;
	const struct campaign_dates dates = {w->today, submitted,
					     w->cfg->max_backdate_days,
					     w->cfg->visit_days};
	if (campaign_check(a->c, w->cat, &dates, &why) < 0)
		return reject(w, a, &why);
	int r = c->plan[0] ? plan_of(w, c, &why) : 0;
	if (r != 0)
		return r == FAIL_LOST ? FAIL_LOST : reject(w, a, &why);
	rec.policy = catalog_policy(w->cat, a->c);
	rec.date = a->c->date != DATE_NONE ? a->c->date : w->today;
	struct population pop = {0};
	r = load_population(w, a, &pop, &rec);
	if (r != 1)
		return r;
	a->read = &rec; /* a refusal from now on names what was read */
	if (a->c->has_entropy)
		r = draw_and_publish(w, a, &rec, &pop);
	else if ((r = answer_freeze(w, a, &rec, &pop)) == 0)
		log_info("campaign frozen", "campaign=%s population=%zu",
			 a->c->id, pop.n);
	population_finish(&pop);
	return r;
}

/* The campaign as recorded at freeze time, as entry fields again, so that
 * it is validated by the same parser. */
static int recorded_campaign(const redisReply *rec, const char *id,
			     const char *entropy, struct campaign *c)
{
	static const char *names[] = {"department", "policy", "items",
				      "window", "size", "date", "backdated",
				      "task_type", "plan"};
	struct entry_field f[13];
	size_t n = 0;
	f[n++] = (struct entry_field){"type", "campaign", 4, 8};
	f[n++] = (struct entry_field){"id", id, 2, strlen(id)};
	f[n++] = (struct entry_field){"entropy", entropy, 7, strlen(entropy)};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *v = field_str(rec, names[i]);
		if (!v[0] || (strcmp(names[i], "size") == 0 && !strcmp(v, "0")))
			continue;
		f[n++] = (struct entry_field){names[i], v, strlen(names[i]),
					      strlen(v)};
	}
	struct diag err;
	diag_init(&err);
	if (campaign_parse(f, n, c, &err) < 0)
		return -1;
	snprintf(c->plan_digest, sizeof(c->plan_digest), "%s",
		 field_str(rec, "plan_digest"));
	return 0;
}

/* The frozen population: read from the archive, parsed, and checked
 * against the digest published at freeze time. */
static int load_frozen(struct worker *w, const redisReply *recd,
		       struct population *pop, struct campaign_record *rec,
		       struct diag *why)
{
	struct strbuf text = {0};
	struct diag err;
	diag_init(&err);
	int r = archive_get(w->cfg->archive, ARCHIVE_POPULATION,
			    field_str(recd, "population_digest"), &text, &err);
	if (r == FAIL_LOST) {
		diag_set(&w->store.err, "%s", diag_reason(&err));
		sb_finish(&text);
		return FAIL_LOST;
	}
	uint8_t digest[32];
	char hex[65];
	bool lost = r < 0; /* missing or altered in the archive */
	if (r == 0 && (text.failed || !text.len))
		r = -1;
	if (r == 0)
		r = population_parse_csv("frozen population", text.s, text.len,
					 pop, &err);
	if (r == 0 && population_canonicalize(pop, "frozen", 0, &err) < 0) {
		population_finish(pop);
		r = -1;
	}
	sb_finish(&text);
	if (lost)
		diag_add(why, "the frozen population is lost: %.400s",
			 diag_reason(&err));
	else if (r < 0)
		diag_add(why, "the frozen population is unreadable");
	if (r < 0)
		return FAIL_REFUSED;
	population_digest(pop, digest);
	seed_hex(digest, 32, hex);
	if (strcmp(hex, field_str(recd, "population_digest")) != 0) {
		population_finish(pop);
		diag_add(why, "the frozen population does not match its "
			      "published digest");
		return FAIL_REFUSED;
	}
	memcpy(rec->population_digest, digest, 32);
	rec->population = pop->n;
	rec->generation = number_or(field_str(recd, "generation"), UINT64_MAX,
				    0);
	return 1;
}

/* The policy document recorded at freeze time, checked against its
 * published digest: a policy edited since does not change the draw. */
static int recorded_policy(const redisReply *recd, struct policy_entry *pe,
			   struct diag *why)
{
	const redisReply *t = reply_field(recd, "policy_text");
	struct diag err;
	char hex[65];
	diag_init(&err);
	if (!t || t->type != REDIS_REPLY_STRING ||
	    policy_parse("recorded policy", t->str, t->len, &pe->policy,
			 &err) < 0) {
		return diag_add(why, "the recorded policy is unreadable");
	}
	seed_hex(pe->policy.digest, 32, hex);
	if (strcmp(hex, field_str(recd, "policy_digest")) != 0) {
		return diag_add(why, "the recorded policy does not match its "
				     "published digest");
	}
	pe->text = NULL;
	pe->len = 0;
	return 0;
}

static int entropy_for(struct worker *w, struct answer *a)
{
	struct diag why;
	diag_init(&why);
	redisReply *recd = watch_record(w, a->c->id);
	if (!recd)
		return FAIL_LOST;
	const char *status = field_str(recd, "status");
	/* Answered before: only the acknowledgement was lost. */
	bool answered =
	    strcmp(status, "published") == 0 &&
	    strcmp(field_str(recd, "published_entry"), a->entry_id) == 0;
	if (!answered && strcmp(status, "frozen") != 0)
		diag_add(&why, "field id: campaign %s is not waiting for "
			 "entropy (%s)", a->c->id,
			 status[0] ? status : "no such campaign");
	if (answered || why.count) {
		freeReplyObject(recd);
		return answered ? ack_only(w, a->entry_id) : reject(w, a, &why);
	}
	int r = FAIL_REFUSED;
	struct campaign c;
	struct policy_entry pe;
	struct population pop = {0};
	struct campaign_record rec = {.policy = &pe, .frozen = true};
	struct answer drawn = *a;
	drawn.c = &c;
	if (recorded_campaign(recd, a->c->id, a->c->entropy, &c) < 0)
		diag_add(&why, "the campaign record of %s is unreadable",
			 a->c->id);
	else if (recorded_policy(recd, &pe, &why) == 0)
		r = load_frozen(w, recd, &pop, &rec, &why);
	date_parse(field_str(recd, "date"), 10, &rec.date);
	snprintf(rec.roster_hex, sizeof(rec.roster_hex), "%s",
		 field_str(recd, "roster_digest"));
	snprintf(rec.items_hex, sizeof(rec.items_hex), "%s",
		 field_str(recd, "items_digest"));
	snprintf(rec.calendars, sizeof(rec.calendars), "%s",
		 field_str(recd, "calendars"));
	if (!rec.roster_hex[0])
		log_warn("campaign frozen before rosters were committed: its "
			 "teams are drawn on the current roster and item list",
			 "campaign=%s", a->c->id);
	freeReplyObject(recd);
	if (r == FAIL_LOST)
		return r;
	if (r != 1)
		return reject(w, a, &why);
	r = draw_and_publish(w, &drawn, &rec, &pop);
	population_finish(&pop);
	return r;
}

void junk_of(const struct campaign *c, struct diag *err, struct junk *j)
{
	snprintf(j->id, sizeof(j->id), "%s", c->id);
	snprintf(j->reason, sizeof(j->reason), "%s", diag_reason(err));
	log_warn("entry refused", "entry=%s campaign=%s reason=%s", j->entry_id,
		 c->id[0] ? c->id : "-", log_quote(j->reason));
}

bool entry_is_junk(const redisReply *fields, struct junk *j)
{
	struct campaign c;
	struct entry_field f[CAMPAIGN_MAX_FIELDS + 1];
	struct diag err;
	diag_init(&err);
	if (campaign_parse(f, entry_fields(fields, f), &c, &err) == 0)
		return false;
	j->fields = fields;
	junk_of(&c, &err, j);
	return true;
}

int process_entry(struct worker *w, const char *entry_id,
		  const redisReply *fields)
{
	struct campaign c;
	struct entry_field f[CAMPAIGN_MAX_FIELDS + 1];
	struct diag err;
	struct answer a = {entry_id, fields, &c, false, NULL, NULL};
	size_t n = entry_fields(fields, f);
	diag_init(&err);
	memset(&c, 0, sizeof(c));
	if (campaign_parse(f, n, &c, &err) < 0) {
		struct junk j = {entry_id, fields, "", ""};
		junk_of(&c, &err, &j);
		return answer_junk(w, &j, 1);
	}
	int r = publication_gate(w, entry_id);
	if (r != 1)
		return r;
	return c.type == ENTRY_CAMPAIGN ? new_campaign(w, &a, &c)
					: entropy_for(w, &a);
}
