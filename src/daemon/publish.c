/* The publication of a draw: tasks, the plan and its entities, the
 * campaign's visits and audit inputs, the inspections on record, all in
 * one transaction with the entry's XACK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "inspect/core/bucket.h"
#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/core/text.h"
#include "inspect/store/keys.h"
#include "inspect/store/grades.h"

/* Name and address of each selected entity, from <g>ent:<uscc>, packed
 * in one arena (k's name at text + at[2k], address at text + at[2k + 1]):
 * fixed slots cost 384 bytes a selected entity. */
struct details {
	char *text;
	size_t used, cap;
	size_t *at;
	bool failed;
};

/* A name or address as the credit platform wrote it, cleaned (text.h):
 * whatever it holds, no byte of it can be read as a separator. */
static void keep(struct details *d, size_t slot, const redisReply *v,
		 size_t max)
{
	const char *s = v && v->type == REDIS_REPLY_STRING ? v->str : "";
	size_t len = v && v->type == REDIS_REPLY_STRING ? v->len : 0;
	if (d->used + max + 1 > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1 << 16;
		while (cap < d->used + max + 1)
			cap *= 2;
		char *t = realloc(d->text, cap);
		if (!t) {
			d->failed = true;
			return;
		}
		d->text = t;
		d->cap = cap;
	}
	d->at[slot] = d->used;
	d->used += text_clean(s, len, d->text + d->used, max + 1) + 1;
}

static void take_details(size_t k, const redisReply *hash, void *ctx)
{
	struct details *d = ctx;
	keep(d, 2 * k, reply_field(hash, "name"), TEXT_MAX_NAME);
	keep(d, 2 * k + 1, reply_field(hash, "address"), TEXT_MAX_ADDRESS);
}

static const char *name_of(const struct details *d, size_t k)
{
	return d->text + d->at[2 * k];
}

static const char *address_of(const struct details *d, size_t k)
{
	return d->text + d->at[2 * k + 1];
}

static const char *name_cb(size_t k, void *ctx)
{
	return name_of(ctx, k);
}

static const char *address_cb(size_t k, void *ctx)
{
	return address_of(ctx, k);
}

static void add_tasks(struct tx *t, const struct answer *a, const char *dept,
		      const struct population *pop, const struct draw *d,
		      const struct details *det, const struct visit_plan *p,
		      const char *items, const char *window)
{
	for (size_t k = 0; k < d->n_chosen; k++) {
		char day[11], team[TEAM_MAX * 140];
		date_format(p->a[k].day, day);
		plan_team_text(p, k, team, sizeof(team));
		args_add(&t->a, "XADD");
		args_add(&t->a, dept);
		args_add(&t->a, "*");
		args_add(&t->a, "campaign");
		args_add(&t->a, a->c->id);
		args_add(&t->a, "uscc");
		args_addn(&t->a, pop->v[d->chosen[k]].uscc, USCC_LEN);
		args_add(&t->a, "name");
		args_add(&t->a, name_of(det, k));
		args_add(&t->a, "address");
		args_add(&t->a, address_of(det, k));
		args_add(&t->a, "items");
		args_add(&t->a, items);
		args_add(&t->a, "window");
		args_add(&t->a, window);
		args_add(&t->a, "date");
		args_add(&t->a, day);
		args_add(&t->a, "team");
		args_add(&t->a, team);
		tx_send(t);
	}
}

/* The plan, then its entities: uscc and name only. No class, score,
 * flags or π: risk grades are not public. */
/* The texts the plan event is made of. */
struct plan_texts {
	const char *seed, *items, *window, *entropy;
	const char (*buf)[72]; /* policy digest, population digest, date */
	const struct audit_refs *refs;
};

/* The plan on <p>public, with every commitment a verifier compares an
 * audit bundle with (docs/ALGORITHM.md, "Audit bundles"), then each
 * selected entity. */
static void add_public(struct tx *t, const struct answer *a, const char *pub,
		       const struct population *pop, const struct draw *d,
		       const struct details *det, const struct plan_texts *x)
{
	answer_event(t, pub, "plan", a->c->id);
	const char *kv[][2] = {
		{"department", a->c->department}, {"items", x->items},
		{"window", x->window}, {"date", x->buf[2]},
		{"population_digest", x->buf[1]}, {"policy_digest", x->buf[0]},
		{"seed", x->seed}, {"entropy", x->entropy},
		{"algorithm", ALGORITHM_VERSION},
		{"roster_digest", x->refs->roster_hex},
		{"items_digest", x->refs->items_hex},
		{"team_inputs_digest", x->refs->team_inputs_hex},
		{"outcome_digest", x->refs->outcome_hex},
		{"calendars", x->refs->calendars},
		{"calendar_provisional", x->refs->provisional},
	};
	for (size_t i = 0; i < sizeof(kv) / sizeof(*kv); i++) {
		args_add(&t->a, kv[i][0]);
		args_add(&t->a, kv[i][1]);
	}
	args_add(&t->a, "population");
	args_addu(&t->a, pop->n);
	args_add(&t->a, "selected");
	args_addu(&t->a, d->n_chosen);
	tx_send(t);
	for (size_t k = 0; k < d->n_chosen; k++) {
		answer_event(t, pub, "entity", a->c->id);
		args_add(&t->a, "uscc");
		args_addn(&t->a, pop->v[d->chosen[k]].uscc, USCC_LEN);
		args_add(&t->a, "name");
		args_add(&t->a, name_of(det, k));
		tx_send(t);
	}
}

int add_bucketed_hset(struct worker *w, struct tx *t, enum key_kind kind,
		      const struct population *pop, const struct draw *d,
		      const char *(*value)(size_t k, void *ctx), void *ctx)
{
	size_t start[INSPECTED_BUCKETS + 1] = {0};
	uint32_t *order = malloc((d->n_chosen + 1) * sizeof(*order));
	uint16_t *b_of = malloc((d->n_chosen + 1) * sizeof(*b_of));
	if (!order || !b_of) {
		free(order);
		free(b_of);
		return -1;
	}
	for (size_t k = 0; k < d->n_chosen; k++) {
		b_of[k] = (uint16_t)bucket_of(pop->v[d->chosen[k]].uscc,
					      USCC_LEN, INSPECTED_BUCKETS);
		start[b_of[k] + 1]++;
	}
	for (uint32_t b = 0; b < INSPECTED_BUCKETS; b++)
		start[b + 1] += start[b];
	size_t next[INSPECTED_BUCKETS];
	memcpy(next, start, sizeof(next));
	for (size_t k = 0; k < d->n_chosen; k++)
		order[next[b_of[k]]++] = (uint32_t)k;
	char key[160];
	for (uint32_t b = 0; b < INSPECTED_BUCKETS; b++) {
		if (start[b] == start[b + 1])
			continue;
		key_name_u(key, sizeof(key), w->cfg, kind, b);
		args_add(&t->a, "HSET");
		args_add(&t->a, key);
		for (size_t i = start[b]; i < start[b + 1]; i++) {
			args_addn(&t->a, pop->v[d->chosen[order[i]]].uscc,
				  USCC_LEN);
			args_add(&t->a, value(order[i], ctx));
		}
		tx_send(t);
	}
	free(order);
	free(b_of);
	return 0;
}

static const char *same_day(size_t k, void *ctx)
{
	return ctx;
}

/* Inside MULTI a key of the wrong type fails only at EXEC, and Redis
 * applies the rest of the transaction. So the streams are WATCHed and
 * their types checked first: a change after the check aborts EXEC. */
static int streams_usable(struct worker *w, const char *const *keys, int n)
{
	for (int i = 0; i < n; i++) {
		redisReply *r = store_runv(&w->store, "WATCH", keys[i], NULL);
		freeReplyObject(r);
		r = r ? store_runv(&w->store, "TYPE", keys[i], NULL) : NULL;
		if (!r)
			return -1;
		bool ok = r->type == REDIS_REPLY_STATUS &&
			  (!strcmp(r->str, "stream") || !strcmp(r->str, "none"));
		if (!ok)
			snprintf(w->store.err, sizeof(w->store.err),
				 "%s holds a %s, not a stream", keys[i],
				 r->type == REDIS_REPLY_STATUS ? r->str : "?");
		freeReplyObject(r);
		if (!ok)
			return -1;
	}
	return 0;
}

int answer_publish(struct worker *w, const struct answer *a,
		   const struct campaign_record *rec,
		   const struct population *pop, const struct draw *d,
		   const struct visit_plan *plan, const uint8_t seed[32],
		   const char *entropy)
{
	char rkey[160], pub[128], dept[160], items[2200], window[32];
	char buf[3][72], seedhex[65], day[11], rkey_set[160];
	struct audit_refs refs;
	char pophex[65];
	struct details det = {.at = calloc(2 * d->n_chosen + 2,
					   sizeof(*det.at))};
	int rc = ENTRY_LOST;
	double t0 = clock_seconds();
	if (!det.at || grades_details(&w->store, pop, d->chosen, d->n_chosen,
				      take_details, &det) < 0 ||
	    det.failed) {
		if (!det.at || det.failed)
			snprintf(w->store.err, sizeof(w->store.err),
				 "out of memory");
		goto out;
	}
	w->t.details = clock_seconds() - t0;
	key_name(rkey, sizeof(rkey), w->cfg, KEY_CAMPAIGN, a->c->id, NULL);
	key_name(pub, sizeof(pub), w->cfg, KEY_PUBLIC, NULL, NULL);
	key_name(dept, sizeof(dept), w->cfg, KEY_DEPT, a->c->department, NULL);
	const char *streams[] = {dept, pub};
	if (streams_usable(w, streams, 2) < 0)
		goto out;
	seed_hex(seed, 32, seedhex);
	seed_hex(rec->population_digest, 32, pophex);
	long chunks = rec->frozen ? 0 : answer_population_kept(w, pophex);
	if (!rec->frozen && chunks == 0)
		chunks = answer_keep_population(w, pophex, pop);
	if (chunks < 0)
		goto out;
	struct tx t;
	tx_begin(&t, &w->store);
	if (plan_add_audit(w, &t, a->c->id, plan, &refs) < 0)
		goto no_memory;
	answer_record_fields(&t, rkey, "published", a, rec, items, window, buf);
	args_add(&t.a, "seed");
	args_add(&t.a, seedhex);
	args_add(&t.a, "entropy");
	args_add(&t.a, entropy);
	args_add(&t.a, "selected");
	args_addu(&t.a, d->n_chosen);
	args_add(&t.a, "published_entry");
	args_add(&t.a, a->entry_id);
	char visits[200], audit[200], from[11], to[11], visit_window[24];
	key_name(visits, sizeof(visits), w->cfg, KEY_VISITS, a->c->id, NULL);
	key_name(audit, sizeof(audit), w->cfg, KEY_AUDIT, a->c->id, NULL);
	date_format(plan->window_from, from);
	date_format(plan->window_to, to);
	snprintf(visit_window, sizeof(visit_window), "%s..%s", from, to);
	args_add(&t.a, "visits");
	args_add(&t.a, visits);
	args_add(&t.a, "visit_window");
	args_add(&t.a, visit_window);
	args_add(&t.a, "audit");
	args_add(&t.a, audit);
	if (!rec->frozen) { /* a frozen record has it already */
		args_add(&t.a, "policy_text");
		args_addn(&t.a, rec->policy->text, rec->policy->len);
	}
	const char *audit_kv[][2] = {
		{"roster_digest", refs.roster_hex},
		{"calendars", refs.calendars},
		{"calendar_provisional", refs.provisional},
		{"team_inputs_digest", refs.team_inputs_hex},
		{"items_digest", refs.items_hex},
		{"outcome_digest", refs.outcome_hex},
	};
	for (size_t i = 0; i < sizeof(audit_kv) / sizeof(*audit_kv); i++) {
		args_add(&t.a, audit_kv[i][0]);
		args_add(&t.a, audit_kv[i][1]);
	}
	tx_send(&t);
	if (!rec->frozen) {
		/* A one-shot campaign's population, kept like a frozen one's
		 * for its audit bundle (once for every campaign of it). */
		args_add(&t.a, "HSET");
		args_add(&t.a, rkey);
		args_add(&t.a, "frozen_chunks");
		args_addu(&t.a, (unsigned long long)chunks);
		tx_send(&t);
	}
	if (plan_add_visits(w, &t, visits, pop, d, plan, name_cb, &det) < 0)
		goto no_memory;
	key_name(rkey_set, sizeof(rkey_set), w->cfg, KEY_PUBLISHED, NULL, NULL);
	args_add(&t.a, "SADD");
	args_add(&t.a, rkey_set);
	args_add(&t.a, a->c->id);
	tx_send(&t);
	add_tasks(&t, a, dept, pop, d, &det, plan, items, window);
	const struct plan_texts texts = {seedhex, items, window, entropy,
					 (const char (*)[72])buf, &refs};
	add_public(&t, a, pub, pop, d, &det, &texts);
	/* Inspected on the window's first day, else the draw date. */
	date_format(a->c->window_from != DATE_NONE ? a->c->window_from
						   : rec->date, day);
	if (add_bucketed_hset(w, &t, KEY_INSPECTED, pop, d, same_day,
			      day) < 0 ||
	    plan_add_rotation(w, &t, pop, d, plan) < 0 ||
	    plan_add_load(w, &t, plan) < 0 ||
	    plan_add_days(w, &t, a->c->id, items, pop, d, plan, name_cb,
			  address_cb, &det) < 0)
		goto no_memory;
	answer_ack(w, &t, KEY_INTAKE, a->entry_id);
	rc = answer_commit(w, &t, "publish");
	goto out;
no_memory:
	tx_discard(&t);
	snprintf(w->store.err, sizeof(w->store.err), "out of memory");
out:
	free(det.text);
	free(det.at);
	return rc;
}
