/* The transactions that answer intake entries. Each one carries the XACK of
 * its entry, so an entry is answered and acknowledged together or not at
 * all; process.c has WATCHed the campaign record, so a second worker that
 * raced this one finds its EXEC refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/bucket.h"
#include "inspect/clock.h"
#include "inspect/date.h"
#include "inspect/decimal.h"
#include "inspect/grades.h"
#include "teams.h"
#include "tx.h"
#include "worker.h"

#define CHUNK_BYTES (16u << 20) /* frozen population text per key */

static void key(const struct worker *w, char *out, size_t size,
		const char *fmt, const char *arg)
{
	store_key(out, size, w->cfg->prefix, fmt, arg);
}

static void add_ack(struct worker *w, struct tx *t, const char *entry_id)
{
	char intake[128];
	key(w, intake, sizeof(intake), "intake%s", "");
	args_add(&t->a, "XACK");
	args_add(&t->a, intake);
	args_add(&t->a, INTAKE_GROUP);
	args_add(&t->a, entry_id);
	tx_send(t);
}

static void items_text(const struct campaign *c, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < c->n_items && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "",
				      c->items[i]);
}

static void window_text(const struct campaign *c, char out[32])
{
	char a[11], b[11];
	out[0] = '\0';
	if (c->window_from == DATE_NONE)
		return;
	date_format(c->window_from, a);
	date_format(c->window_to, b);
	snprintf(out, 32, "%s..%s", a, b);
}

/* Starts an XADD of an event of the given type about a campaign on the
 * public stream; the caller adds its fields and sends it. */
static void start_event(struct tx *t, const char *pub, const char *type,
			const char *campaign)
{
	args_add(&t->a, "XADD");
	args_add(&t->a, pub);
	args_add(&t->a, "*");
	args_add(&t->a, "type");
	args_add(&t->a, type);
	args_add(&t->a, "campaign");
	args_add(&t->a, campaign);
}

static int commit(struct worker *w, struct tx *t, const char *what)
{
	int r = tx_commit(t);
	if (r == 0)
		return ENTRY_DONE;
	if (r < 0)
		snprintf(w->store.err, sizeof(w->store.err), "%s: %.200s",
			 what, t->why);
	else
		snprintf(w->store.err, sizeof(w->store.err),
			 "%s: a watched key changed meanwhile", what);
	return r < 0 ? ENTRY_LOST : ENTRY_RETRY;
}

int answer_reject(struct worker *w, const struct answer *a, const char *why)
{
	char dead[128], pub[128], rec[160];
	const char *id = a->c->id;
	struct tx t;
	key(w, dead, sizeof(dead), "intake:rejected%s", "");
	key(w, pub, sizeof(pub), "public%s", "");
	key(w, rec, sizeof(rec), "campaign:%s", id);
	tx_begin(&t, &w->store);
	/* The entry, set aside as it came, with the reason. */
	args_add(&t.a, "XADD");
	args_add(&t.a, dead);
	args_add(&t.a, "*");
	args_add(&t.a, "entry");
	args_add(&t.a, a->entry_id);
	args_add(&t.a, "reason");
	args_add(&t.a, why);
	tx_add_entry(&t, a->fields);
	tx_send(&t);
	start_event(&t, pub, "rejected", id);
	args_add(&t.a, "entry");
	args_add(&t.a, a->entry_id);
	args_add(&t.a, "reason");
	args_add(&t.a, why);
	tx_send(&t);
	if (id[0] && a->c->type == ENTRY_CAMPAIGN && a->id_unused) {
		/* Only for an unused id; process.c WATCHes the record. */
		args_add(&t.a, "HSET");
		args_add(&t.a, rec);
		args_add(&t.a, "status");
		args_add(&t.a, "rejected");
		args_add(&t.a, "error");
		args_add(&t.a, why);
		args_add(&t.a, "entry");
		args_add(&t.a, a->entry_id);
		tx_send(&t);
	}
	add_ack(w, &t, a->entry_id);
	return commit(w, &t, "reject");
}

int answer_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, const char *why)
{
	struct campaign c;
	memset(&c, 0, sizeof(c));
	struct answer a = {entry_id, fields, &c, false};
	return answer_reject(w, &a, why);
}

/* HSET of the record with its status and the fields every drawn or
 * frozen campaign carries; the caller adds its own and sends it. */
static void add_record_fields(struct tx *t, const char *rkey,
			      const char *status, const struct answer *a,
			      const struct campaign_record *rec, char *items,
			      char *window, char (*buf)[72])
{
	const struct campaign *c = a->c;
	args_add(&t->a, "HSET");
	args_add(&t->a, rkey);
	args_add(&t->a, "status");
	args_add(&t->a, status);
	char date[11];
	date_format(rec->date, date);
	items_text(c, items, 2200);
	window_text(c, window);
	seed_hex(rec->policy->policy.digest, 32, buf[0]);
	seed_hex(rec->population_digest, 32, buf[1]);
	snprintf(buf[2], 72, "%s", date);
	args_add(&t->a, "entry");
	args_add(&t->a, a->entry_id);
	args_add(&t->a, "department");
	args_add(&t->a, c->department);
	args_add(&t->a, "policy");
	args_add(&t->a, rec->policy->policy.name);
	args_add(&t->a, "policy_digest");
	args_add(&t->a, buf[0]);
	args_add(&t->a, "items");
	args_add(&t->a, items);
	args_add(&t->a, "window");
	args_add(&t->a, window);
	args_add(&t->a, "date");
	args_add(&t->a, buf[2]);
	args_add(&t->a, "size");
	args_addu(&t->a, c->size);
	args_add(&t->a, "population");
	args_addu(&t->a, rec->population);
	args_add(&t->a, "population_digest");
	args_add(&t->a, buf[1]);
	args_add(&t->a, "generation");
	args_addu(&t->a, rec->generation);
}

/* The canonical population text in chunks (<p>frozen:<id>:<k>, chunk 0
 * starting with the header), written through text (cap bytes); returns
 * the number of chunks. */
static unsigned add_frozen(struct worker *w, struct tx *t, const char *id,
			   const struct population *pop, char *text,
			   size_t cap)
{
	char ckey[200];
	unsigned chunks = 0;
	size_t used = (size_t)snprintf(text, cap, "%s\n", POPULATION_HEADER);
	for (size_t i = 0; i <= pop->n; i++) {
		if (i < pop->n)
			used += population_format_record(&pop->v[i], text + used);
		if (used >= CHUNK_BYTES || (i == pop->n && used > 0)) {
			char k[16];
			snprintf(k, sizeof(k), ":%u", chunks++);
			store_key(ckey, sizeof(ckey), w->cfg->prefix,
				  "frozen:%s%s", id, k);
			args_add(&t->a, "SET");
			args_add(&t->a, ckey);
			args_addn(&t->a, text, used);
			tx_send(t); /* copied out: text may be reused */
			tx_flush(t);
			used = 0;
		}
	}
	return chunks;
}

int answer_freeze(struct worker *w, const struct answer *a,
		  const struct campaign_record *rec,
		  const struct population *pop)
{
	char rkey[160], pub[128], items[2200], window[32];
	char buf[3][72];
	struct tx t;
	size_t cap = CHUNK_BYTES + RECORD_MAX;
	char *text = malloc(cap);
	if (!text) {
		snprintf(w->store.err, sizeof(w->store.err), "out of memory");
		return ENTRY_LOST;
	}
	key(w, rkey, sizeof(rkey), "campaign:%s", a->c->id);
	key(w, pub, sizeof(pub), "public%s", "");
	tx_begin(&t, &w->store);
	unsigned chunks = add_frozen(w, &t, a->c->id, pop, text, cap);
	add_record_fields(&t, rkey, "frozen", a, rec, items, window, buf);
	args_add(&t.a, "frozen_chunks");
	args_addu(&t.a, chunks);
	args_add(&t.a, "policy_text");
	args_addn(&t.a, rec->policy->text, rec->policy->len);
	tx_send(&t);
	start_event(&t, pub, "frozen", a->c->id);
	args_add(&t.a, "department");
	args_add(&t.a, a->c->department);
	args_add(&t.a, "population");
	args_addu(&t.a, pop->n);
	args_add(&t.a, "population_digest");
	args_add(&t.a, buf[1]);
	args_add(&t.a, "policy_digest");
	args_add(&t.a, buf[0]);
	tx_send(&t);
	add_ack(w, &t, a->entry_id);
	free(text);
	return commit(w, &t, "freeze");
}

/* Name and address of each selected entity, from <g>ent:<uscc>, packed
 * in one arena (k's name at text + at[2k], address at text + at[2k + 1]):
 * fixed slots cost 384 bytes a selected entity. */
struct details {
	char *text;
	size_t used, cap;
	size_t *at;
	bool failed;
};

static void keep(struct details *d, size_t slot, const redisReply *v)
{
	const char *s = v && v->type == REDIS_REPLY_STRING ? v->str : "";
	size_t len = v && v->type == REDIS_REPLY_STRING ? v->len : 0;
	if (len > 1024)
		len = 1024; /* a task carries no more of a name or address */
	if (d->used + len + 1 > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1 << 16;
		while (cap < d->used + len + 1)
			cap *= 2;
		char *t = realloc(d->text, cap);
		if (!t) {
			d->failed = true;
			return;
		}
		d->text = t;
		d->cap = cap;
	}
	memcpy(d->text + d->used, s, len);
	d->text[d->used + len] = '\0';
	d->at[slot] = d->used;
	d->used += len + 1;
}

static void take_details(size_t k, const redisReply *hash, void *ctx)
{
	struct details *d = ctx;
	keep(d, 2 * k, reply_field(hash, "name"));
	keep(d, 2 * k + 1, reply_field(hash, "address"));
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
static void add_public(struct tx *t, const struct answer *a, const char *pub,
		       const struct population *pop, const struct draw *d,
		       const struct details *det, const char *seed_hex_,
		       const char (*buf)[72], const char *items,
		       const char *window, const char *entropy)
{
	start_event(t, pub, "plan", a->c->id);
	const char *kv[][2] = {
		{"department", a->c->department}, {"items", items},
		{"window", window}, {"date", buf[2]},
		{"population_digest", buf[1]}, {"policy_digest", buf[0]},
		{"seed", seed_hex_}, {"entropy", entropy},
		{"algorithm", ALGORITHM_VERSION},
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
		start_event(t, pub, "entity", a->c->id);
		args_add(&t->a, "uscc");
		args_addn(&t->a, pop->v[d->chosen[k]].uscc, USCC_LEN);
		args_add(&t->a, "name");
		args_add(&t->a, name_of(det, k));
		tx_send(t);
	}
}

int add_bucketed_hset(struct worker *w, struct tx *t, const char *key_fmt,
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
	char key[160], suffix[64];
	for (uint32_t b = 0; b < INSPECTED_BUCKETS; b++) {
		if (start[b] == start[b + 1])
			continue;
		snprintf(suffix, sizeof(suffix), key_fmt, b);
		store_key(key, sizeof(key), w->cfg->prefix, "%s", suffix);
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

/* A one-shot campaign's population, kept like a frozen one's for its
 * audit bundle. */
static int add_population(struct worker *w, struct tx *t,
			  const struct answer *a, const char *rkey,
			  const struct population *pop)
{
	size_t cap = CHUNK_BYTES + RECORD_MAX;
	char *text = malloc(cap);
	if (!text)
		return -1;
	unsigned chunks = add_frozen(w, t, a->c->id, pop, text, cap);
	free(text);
	args_add(&t->a, "HSET");
	args_add(&t->a, rkey);
	args_add(&t->a, "frozen_chunks");
	args_addu(&t->a, chunks);
	tx_send(t);
	return 0;
}

int answer_publish(struct worker *w, const struct answer *a,
		   const struct campaign_record *rec,
		   const struct population *pop, const struct draw *d,
		   const struct visit_plan *plan, const uint8_t seed[32],
		   const char *entropy)
{
	char rkey[160], pub[128], dept[160], items[2200], window[32];
	char buf[3][72], seedhex[65], day[11], rkey_set[160], roster_hex[65];
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
	key(w, rkey, sizeof(rkey), "campaign:%s", a->c->id);
	key(w, pub, sizeof(pub), "public%s", "");
	key(w, dept, sizeof(dept), "dept:%s", a->c->department);
	const char *streams[] = {dept, pub};
	if (streams_usable(w, streams, 2) < 0)
		goto out;
	seed_hex(seed, 32, seedhex);
	struct tx t;
	tx_begin(&t, &w->store);
	if (plan_add_audit(w, &t, a->c->id, plan, roster_hex) < 0)
		goto no_memory;
	add_record_fields(&t, rkey, "published", a, rec, items, window, buf);
	args_add(&t.a, "seed");
	args_add(&t.a, seedhex);
	args_add(&t.a, "entropy");
	args_add(&t.a, entropy);
	args_add(&t.a, "selected");
	args_addu(&t.a, d->n_chosen);
	args_add(&t.a, "published_entry");
	args_add(&t.a, a->entry_id);
	char visits[200], audit[200], from[11], to[11], visit_window[24];
	key(w, visits, sizeof(visits), "visits:%s", a->c->id);
	key(w, audit, sizeof(audit), "audit:%s", a->c->id);
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
	args_add(&t.a, "roster_digest");
	args_add(&t.a, roster_hex);
	tx_send(&t);
	if (!rec->frozen && add_population(w, &t, a, rkey, pop) < 0)
		goto no_memory;
	if (plan_add_visits(w, &t, visits, pop, d, plan, name_cb, &det) < 0)
		goto no_memory;
	key(w, rkey_set, sizeof(rkey_set), "published%s", "");
	args_add(&t.a, "SADD");
	args_add(&t.a, rkey_set);
	args_add(&t.a, a->c->id);
	tx_send(&t);
	add_tasks(&t, a, dept, pop, d, &det, plan, items, window);
	add_public(&t, a, pub, pop, d, &det, seedhex, buf, items, window,
		   entropy);
	/* Inspected on the window's first day, else the draw date. */
	date_format(a->c->window_from != DATE_NONE ? a->c->window_from
						   : rec->date, day);
	if (add_bucketed_hset(w, &t, "inspected:%u", pop, d, same_day,
			      day) < 0 ||
	    plan_add_rotation(w, &t, pop, d, plan) < 0 ||
	    plan_add_load(w, &t, plan) < 0 ||
	    plan_add_days(w, &t, a->c->id, items, pop, d, plan, name_cb,
			  address_cb, &det) < 0)
		goto no_memory;
	add_ack(w, &t, a->entry_id);
	rc = commit(w, &t, "publish");
	goto out;
no_memory:
	tx_discard(&t);
	snprintf(w->store.err, sizeof(w->store.err), "out of memory");
out:
	free(det.text);
	free(det.at);
	return rc;
}
