/* The publication of a draw: tasks, the plan and its entities, the
 * campaign's visits and audit inputs, the inspections on record, and the
 * entry's XACK, recorded in a journal and applied in bounded steps
 * (publication.c), the record and the plan's public event last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "inspect/store/ops.h"
#include "inspect/core/bucket.h"
#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/core/text.h"
#include "inspect/store/keys.h"
#include "inspect/store/grades.h"
#include "inspect/store/journal.h"

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

/* XADD of fields f[0..n) to the stream of kind and arg, and for a merged
 * visit k also merge (join: one visit, one door, on the day of the visit
 * on record; skip: left to it, counted as inspected), with (the campaign
 * that planned it) and with_items (its items). */
static void xadd_visit(struct tx *t, enum key_kind kind, const char *arg,
		       const struct kv *f, size_t n,
		       const struct merged_visit *mv)
{
	const char *with, *items;
	enum merge_mode m = plan_merge_of(mv->p, mv->k, &with, &items);
	if (m == MERGE_NONE) {
		tx_xadd(t, kind, arg, f, n);
		return;
	}
	struct kv_list l;
	kv_init(&l);
	kv_add_all(&l, f, n);
	kv_add(&l, "merge", m == MERGE_JOIN ? "join" : "skip");
	kv_add(&l, "with", with);
	kv_add(&l, "with_items", items);
	tx_xadd_list(t, kind, arg, &l);
	kv_finish(&l);
}

/* A joint campaign's visit k on each other department's stream whose
 * items it checks: the same task with that department's items, and lead
 * naming the campaign's department (谁检查、谁录入: each enters its own). */
static void add_partner_tasks(struct tx *t, const struct answer *a,
			      const struct visit_plan *p, size_t k,
			      const struct kv *task, const uint32_t *own)
{
	for (unsigned j = 0; j < p->rules.n_departments; j++) {
		const char *dept = p->rules.departments[j];
		uint32_t mine = p->item_mask[k] & own[j];
		if (!strcmp(dept, a->c->department) || !mine)
			continue;
		char items[CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1)];
		campaign_items_text(p->c, mine, false, ',', items,
				    sizeof(items));
		struct kv f[10];
		memcpy(f, task, 9 * sizeof(*f));
		f[4] = (struct kv)KV("items", items);
		f[9] = (struct kv)KV("lead", a->c->department);
		xadd_visit(t, KEY_DEPT, dept, f, 10,
			   &(struct merged_visit){p, k});
	}
}

static void add_tasks(struct tx *t, const struct answer *a,
		      const struct plan_out *o, const struct record_texts *x)
{
	const struct population *pop = o->pop;
	const struct draw *d = o->d;
	const struct visit_plan *p = o->p;
	const struct details *det = o->ctx;
	uint32_t own[TEAM_MAX_DEPARTMENTS];
	for (unsigned j = 0; j < p->rules.n_departments; j++)
		own[j] = plan_department_items(p, j);
	for (size_t k = 0; k < d->n_chosen; k++) {
		char day[11], team[TEAM_MAX * 140];
		char items[CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1)];
		date_format(p->a[k].day, day);
		plan_team_text(p, k, team, sizeof(team));
		plan_visit_items(p, k, ',', items, sizeof(items));
		const struct kv task[] = {
			KV("campaign", a->c->id),
			KVN("uscc", pop->v[d->chosen[k]].uscc, USCC_LEN),
			KV("name", name_of(det, k)),
			KV("address", address_of(det, k)),
			KV("items", items),
			KV("task_type", task_type_names[a->c->task_type]),
			KV("window", x->window),
			KV("date", day),
			KV("team", team),
		};
		xadd_visit(t, KEY_DEPT, a->c->department, task, 9,
			   &(struct merged_visit){p, k});
		add_partner_tasks(t, a, p, k, task, own);
	}
}

/* The texts the plan's record and event are made of. */
struct plan_texts {
	const char *seed, *entropy;
	const struct record_texts *x;
	const struct audit_refs *refs;
	size_t selected;
	uint64_t capped; /* entities a cap held back */
	size_t joined, skipped; /* visits merged with others' (teams.h) */
	const char *visits, *audit, *visit_window;
};

/* Each selected entity on <p>public: uscc and name only. No class,
 * score, flags or π: risk grades are not public. */
static void add_public_entities(struct tx *t, const struct answer *a,
				const struct drawn *dr,
				const struct details *det)
{
	for (size_t k = 0; k < dr->d->n_chosen; k++) {
		const struct kv entity[] = {
			KV("type", "entity"),
			KV("campaign", a->c->id),
			KVN("uscc", dr->pop->v[dr->d->chosen[k]].uscc, USCC_LEN),
			KV("name", name_of(det, k)),
		};
		xadd_visit(t, KEY_PUBLIC, NULL, entity, 4,
			   &(struct merged_visit){dr->plan, k});
	}
}

/* The plan on <p>public, after its entities (it closes the publication),
 * with every commitment a verifier compares an audit bundle with
 * (docs/ALGORITHM.md, "Audit bundles"). */
static void add_public_plan(struct tx *t, const struct answer *a,
			    const struct drawn *dr, const struct plan_texts *x)
{
	struct kv_list ev;
	answer_event(&ev, "plan", a->c->id);
	const struct kv plan[] = {
		KV("department", a->c->department),
		KV("items", x->x->items),
		KV("task_type", task_type_names[a->c->task_type]),
		KV("window", x->x->window),
		KV("date", x->x->date),
		KV("population_digest", x->x->population_digest),
		KV("policy_digest", x->x->policy_digest),
		KV("seed", x->seed),
		KV("entropy", x->entropy),
		KV("algorithm", ALGORITHM_VERSION),
		KV("roster_digest", x->refs->roster_hex),
		KV("items_digest", x->refs->items_hex),
		KV("team_inputs_digest", x->refs->team_inputs_hex),
		KV("outcome_digest", x->refs->outcome_hex),
		KV("calendars", x->refs->calendars),
		KV("calendar_provisional", x->refs->provisional),
	};
	kv_add_all(&ev, plan, sizeof(plan) / sizeof(*plan));
	if (a->c->plan[0]) { /* a batch of an annual plan */
		kv_add(&ev, "plan", a->c->plan);
		kv_add(&ev, "plan_digest", a->c->plan_digest);
	}
	kv_addu(&ev, "population", dr->pop->n);
	kv_addu(&ev, "selected", dr->d->n_chosen);
	kv_addu(&ev, "capped", draw_capped(dr->d));
	tx_xadd_list(t, KEY_PUBLIC, NULL, &ev);
	kv_finish(&ev);
}

int add_bucketed_hset(struct tx *t, enum key_kind kind,
		      const struct population *pop, const struct draw *d,
		      const struct bucketed_fields *bf)
{
	size_t start[INSPECTED_BUCKETS + 1] = {0}, most = 0;
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
		if (!bf->keep || bf->keep(k, bf->ctx))
			start[b_of[k] + 1]++;
	}
	for (uint32_t b = 0; b < INSPECTED_BUCKETS; b++) {
		most = start[b + 1] > most ? start[b + 1] : most;
		start[b + 1] += start[b];
	}
	size_t next[INSPECTED_BUCKETS];
	memcpy(next, start, sizeof(next));
	for (size_t k = 0; k < d->n_chosen; k++)
		if (!bf->keep || bf->keep(k, bf->ctx))
			order[next[b_of[k]]++] = (uint32_t)k;
	/* One bucket's text at a time: where each field and value begins. */
	struct kv *f = malloc((most + 1) * sizeof(*f));
	size_t *at = malloc((most + 1) * 2 * sizeof(*at));
	struct strbuf text = {0};
	for (uint32_t b = 0; f && at && !text.failed && b < INSPECTED_BUCKETS;
	     b++) {
		size_t n = start[b + 1] - start[b];
		if (n == 0)
			continue;
		char bucket[16];
		snprintf(bucket, sizeof(bucket), "%u", b);
		text.len = 0;
		for (size_t i = 0; i < n; i++) {
			size_t k = order[start[b] + i];
			at[2 * i] = text.len;
			if (bf->field)
				bf->field(k, &text, bf->ctx);
			sb_add(&text, "", 1);
			at[2 * i + 1] = text.len;
			bf->value(k, &text, bf->ctx);
			sb_add(&text, "", 1);
		}
		for (size_t i = 0; !text.failed && i < n; i++)
			f[i] = bf->field
				   ? (struct kv)KV(text.s + at[2 * i],
						   text.s + at[2 * i + 1])
				   : (struct kv){pop->v[d->chosen[order[start[b] +
									 i]]]
							 .uscc,
						 text.s + at[2 * i + 1], 0,
						 USCC_LEN};
		if (!text.failed)
			tx_hset(t, kind, bucket, f, n);
	}
	int rc = f && at && !text.failed ? 0 : -1;
	sb_finish(&text);
	free(at);
	free(f);
	free(order);
	free(b_of);
	return rc;
}

static void same_day(size_t k, struct strbuf *out, void *ctx)
{
	sb_puts(out, ctx);
}


/* The record's fields of a publication. */
static void published_record(struct kv_list *l, const struct answer *a,
			     const struct campaign_record *rec,
			     const struct plan_texts *p, struct record_texts *x)
{
	answer_record_fields(l, "published", a, rec, x);
	kv_add(l, "seed", p->seed);
	kv_add(l, "entropy", p->entropy);
	kv_addu(l, "selected", p->selected);
	kv_addu(l, "capped", p->capped);
	if (p->joined || p->skipped) {
		kv_addu(l, "joined", p->joined);
		kv_addu(l, "skipped", p->skipped);
	}
	kv_add(l, "published_entry", a->entry_id);
	kv_add(l, "visits", p->visits);
	kv_add(l, "visit_window", p->visit_window);
	kv_add(l, "audit", p->audit);
	if (!rec->frozen) /* a frozen record has it already */
		kv_addn(l, "policy_text", rec->policy->text, rec->policy->len);
	const struct kv audit[] = {
		KV("roster_digest", p->refs->roster_hex),
		KV("calendars", p->refs->calendars),
		KV("calendar_provisional", p->refs->provisional),
		KV("team_inputs_digest", p->refs->team_inputs_hex),
		KV("items_digest", p->refs->items_hex),
		KV("outcome_digest", p->refs->outcome_hex),
	};
	kv_add_all(l, audit, sizeof(audit) / sizeof(*audit));
}

/* Name and address of each selected entity, from the grade index. */
static int read_details(struct worker *w, const struct population *pop,
			const struct draw *d, struct details *det)
{
	double t0 = clock_seconds();
	det->at = calloc(2 * d->n_chosen + 2, sizeof(*det->at));
	if (det->at && grades_details(&w->store, pop, d->chosen, d->n_chosen,
				      take_details, det) < 0)
		return -1;
	if (!det->at || det->failed) {
		diag_set(&w->store.err, "out of memory");
		return -1;
	}
	w->t.details = clock_seconds() - t0;
	return 0;
}

/* On each campaign a visit of this one joined or was left to: the entity
 * and this campaign in <p>merged:<that id>, one more in its record's
 * merged_in. */
static void add_merged_in(struct tx *t, const char *id,
			  const struct visit_plan *p)
{
	for (size_t i = 0; i < p->md.n_entries; i++) {
		const struct merge_entry *e = &p->md.entries[i];
		char value[CAMPAIGN_MAX_NAME + 8];
		snprintf(value, sizeof(value), "%s,%s", id,
			 e->skipped ? "skip" : "join");
		const struct kv f[] = {KVN(e->uscc, value, 0)};
		tx_hset(t, KEY_MERGED, e->campaign, f, 1);
		tx_hincrby(t, KEY_CAMPAIGN, e->campaign, "merged_in", 1);
	}
}

/* The writes that go to the buckets' own hash tags, spread over a
 * cluster's masters (docs/REDIS.md, "Spread over the masters"):
 * inspections on record, history and last teams, each an HSET of values
 * the draw fixed, so applying one twice is applying it once. */
static int add_spread(struct tx *t, const struct answer *a,
		      const struct drawn *x, const struct plan_out *o)
{
	char day[11];
	/* Inspected on the window's first day, else the draw date. */
	date_format(a->c->window_from != DATE_NONE ? a->c->window_from
						   : x->date,
		    day);
	const struct bucketed_fields inspected = {NULL, same_day, day, NULL};
	if (add_bucketed_hset(t, KEY_INSPECTED, x->pop, x->d, &inspected) < 0)
		return -1;
	return plan_add_history(t, o, a->c) < 0 ||
			       plan_add_rotation(t, x->pop, x->d, x->plan) < 0
		   ? -1
		   : 0;
}

/* What the publication writes in <p>'s slot besides the record and the
 * plan: visits, tasks, load and day plans. */
static int add_plan(struct worker *w, struct tx *t, const struct answer *a,
		    const struct drawn *x, const struct plan_out *o,
		    const struct record_texts *rt)
{
	if (plan_add_visits(t, o) < 0)
		return -1;
	add_tasks(t, a, o, rt);
	add_merged_in(t, a->c->id, x->plan);
	return plan_add_load(t, x->plan) < 0 || plan_add_days(w, t, o) < 0
		   ? -1
		   : 0;
}

int answer_publish(struct worker *w, const struct answer *a,
		   const struct campaign_record *rec, const struct drawn *x)
{
	char seedhex[65], audit[200], visits[200];
	char from[11], to[11], visit_window[24];
	struct audit_refs refs;
	struct record_texts rt;
	struct details det = {0};
	int rc = FAIL_LOST;
	if (read_details(w, x->pop, x->d, &det) < 0 ||
	    answer_streams_usable(w, (const enum key_kind[]){KEY_DEPT,
							       KEY_PUBLIC},
				  (const char *const[]){a->c->department,
							NULL},
				  2) < 0)
		goto out;
	seed_hex(x->seed, 32, seedhex);
	/* Archived before the transaction: a one-shot campaign's population
	 * (like a frozen one's, for its audit bundle; once for every
	 * campaign of it), and what the team draw read. */
	double t0 = clock_seconds();
	if (answer_archive_population(w, rec, x->pop) < 0 ||
	    plan_archive_copies(w, x->plan, &refs) < 0)
		goto out;
	w->t.archive = clock_seconds() - t0;
	t0 = clock_seconds();
	/* Recorded, then applied in steps (publication.c): first what
	 * readers do not take as published, then the record, the published
	 * set, the plan's public event, and the entry's XACK. */
	struct journal j;
	struct tx t;
	struct kv_list l;
	/* Held whole up to a step; beyond, streamed to the archive. */
	journal_init(&j, w->cfg->archive,
		     (size_t)w->cfg->publication_step_kib << 10);
	kv_init(&l);
	tx_begin_journal(&t, &w->store, &j);
	const struct plan_out o = {a->c->id, x->pop, x->d, x->plan,
				   name_cb, address_cb, (void *)&det};
	if (add_spread(&t, a, x, &o) < 0)
		goto no_memory;
	/* Applied beside the steps, outside any transaction (they lie in
	 * other slots than <p>'s): on a cluster, on every master at once. */
	journal_mark_spread(&j);
	if (plan_add_audit(&t, a->c->id, x->plan, &refs) < 0)
		goto no_memory;
	key_name(visits, sizeof(visits), w->cfg, KEY_VISITS, a->c->id, NULL);
	key_name(audit, sizeof(audit), w->cfg, KEY_AUDIT, a->c->id, NULL);
	date_format(x->plan->window_from, from);
	date_format(x->plan->window_to, to);
	snprintf(visit_window, sizeof(visit_window), "%s..%s", from, to);
	const struct plan_texts texts = {.seed = seedhex,
					 .entropy = a->c->entropy,
					 .x = &rt,
					 .refs = &refs,
					 .selected = x->d->n_chosen,
					 .capped = draw_capped(x->d),
					 .joined = plan_merged(x->plan, false),
					 .skipped = plan_merged(x->plan, true),
					 .visits = visits,
					 .audit = audit,
					 .visit_window = visit_window};
	published_record(&l, a, rec, &texts, &rt); /* fills rt */
	if (add_plan(w, &t, a, x, &o, &rt) < 0)
		goto no_memory;
	add_public_entities(&t, a, x, &det);
	journal_mark_final(&j);
	tx_hset_list(&t, KEY_CAMPAIGN, a->c->id, &l);
	kv_finish(&l);
	tx_sadd(&t, KEY_PUBLISHED, a->c->id);
	add_public_plan(&t, a, x, &texts);
	tx_del(&t, KEY_PUBLISHING, NULL);
	tx_ack(&t, KEY_INTAKE, a->entry_id);
	/* The details are in the journal now: freed before it is applied. */
	free(det.text);
	free(det.at);
	det = (struct details){0};
	w->t.journal = clock_seconds() - t0;
	if (tx_commit(&t) < 0)
		diag_set(&w->store.err, "publish: %.200s", diag_reason(&t.why));
	else
		rc = publication_start(w, a, &j);
	journal_finish(&j);
	goto out;
no_memory:
	tx_discard(&t);
	kv_finish(&l);
	journal_finish(&j);
	diag_set(&w->store.err, "out of memory");
out:
	free(det.text);
	free(det.at);
	return rc;
}
