/* The transactions that answer intake entries: refusal and freeze here,
 * the publication in publish.c. Each one carries the XACK of its entry, so
 * an entry is answered and acknowledged together or not at all; process.c
 * has WATCHed the campaign record, so a second worker that raced this one
 * finds its EXEC refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/shell/campaign_check.h"
#include "inspect/core/date.h"
#include "inspect/shell/log.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "answer.h"

void answer_ack(struct worker *w, struct tx *t, enum key_kind stream,
		const char *entry_id)
{
	char key[128];
	key_name(key, sizeof(key), w->cfg, stream, NULL, NULL);
	args_add(&t->a, "XACK");
	args_add(&t->a, key);
	args_add(&t->a, INTAKE_GROUP);
	args_add(&t->a, entry_id);
	tx_send(t);
	/* Answered: what it asked is on record, so the stream keeps only
	 * what is pending. */
	args_add(&t->a, "XDEL");
	args_add(&t->a, key);
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

void answer_event(struct tx *t, const char *pub, const char *type,
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

int answer_commit(struct worker *w, struct tx *t, const char *what)
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

void answer_refusal_begin(struct worker *w, struct tx *t,
			  const struct answer *a, const char *why,
			  char pub[128])
{
	char dead[128];
	key_name(dead, sizeof(dead), w->cfg, KEY_INTAKE_REJECTED, NULL, NULL);
	key_name(pub, 128, w->cfg, KEY_PUBLIC, NULL, NULL);
	tx_dead_letter(t, dead, w->cfg->dead_letters_kept, a->entry_id, why,
		       a->fields);
	answer_event(t, pub, "rejected", a->c->id);
	args_add(&t->a, "entry");
	args_add(&t->a, a->entry_id);
	args_add(&t->a, "reason");
	args_add(&t->a, why);
}

int answer_reject(struct worker *w, const struct answer *a, const char *why)
{
	char rec[160], pub[128];
	const char *id = a->c->id;
	struct tx t;
	key_name(rec, sizeof(rec), w->cfg, KEY_CAMPAIGN, id, NULL);
	tx_begin(&t, &w->store);
	answer_refusal_begin(w, &t, a, why, pub);
	char read[3][72];
	if (a->read) {
		seed_hex(a->read->population_digest, 32, read[0]);
		seed_hex(a->read->policy->policy.digest, 32, read[1]);
		snprintf(read[2], sizeof(read[2]), "%llu",
			 (unsigned long long)a->read->generation);
		const char *kv[][2] = {{"population_digest", read[0]},
				       {"policy_digest", read[1]},
				       {"generation", read[2]}};
		for (size_t i = 0; i < 3; i++) {
			args_add(&t.a, kv[i][0]);
			args_add(&t.a, kv[i][1]);
		}
		args_add(&t.a, "population");
		args_addu(&t.a, a->read->population);
	}
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
	answer_ack(w, &t, KEY_INTAKE, a->entry_id);
	return answer_commit(w, &t, "reject");
}

/* How long the reason of a junk entry that named a valid id is kept. */
#define REFUSED_TTL "2592000" /* 30 days */

int answer_junk(struct worker *w, const struct junk *j, size_t n)
{
	char dead[128], key[160];
	struct tx t;
	key_name(dead, sizeof(dead), w->cfg, KEY_INTAKE_REJECTED, NULL, NULL);
	tx_begin(&t, &w->store);
	for (size_t i = 0; i < n; i++) {
		tx_dead_letter(&t, dead, w->cfg->dead_letters_kept,
			       j[i].entry_id, j[i].why, j[i].fields);
		if (j[i].id[0]) {
			key_name(key, sizeof(key), w->cfg, KEY_REFUSED, j[i].id, NULL);
			args_add(&t.a, "SET");
			args_add(&t.a, key);
			args_add(&t.a, j[i].why);
			args_add(&t.a, "EX");
			args_add(&t.a, REFUSED_TTL);
			tx_send(&t);
		}
		answer_ack(w, &t, KEY_INTAKE, j[i].entry_id);
	}
	return answer_commit(w, &t, "refuse");
}

int answer_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, const char *why)
{
	struct campaign c;
	memset(&c, 0, sizeof(c));
	struct answer a = {entry_id, fields, &c, false, NULL};
	return answer_reject(w, &a, why);
}

void answer_record_fields(struct tx *t, const char *rkey, const char *status,
			  const struct answer *a,
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
	args_add(&t->a, "backdated");
	args_add(&t->a, c->backdated ? "yes" : "no");
	args_add(&t->a, "size");
	args_addu(&t->a, c->size);
	args_add(&t->a, "population");
	args_addu(&t->a, rec->population);
	args_add(&t->a, "population_digest");
	args_add(&t->a, buf[1]);
	args_add(&t->a, "generation");
	args_addu(&t->a, rec->generation);
}

long answer_population_kept(struct worker *w, const char *hex)
{
	char key[200];
	key_name(key, sizeof(key), w->cfg, KEY_POPULATION, hex, NULL);
	redisReply *r = store_runv(&w->store, "GET", key, NULL);
	if (!r)
		return -1;
	long chunks = r->type == REDIS_REPLY_STRING
			      ? (long)number_or(r->str, UINT32_MAX, 0) : 0;
	freeReplyObject(r);
	return chunks > 0 ? chunks : 0;
}

/* SET key to len bytes of text; false (reason in store.err) if refused. */
static bool set_text(struct worker *w, const char *key, const char *text,
		     size_t len)
{
	struct args a;
	args_init(&a);
	args_add(&a, "SET");
	args_add(&a, key);
	args_addn(&a, text, len);
	redisReply *r = store_run(&w->store, &a);
	args_finish(&a);
	bool ok = r && r->type == REDIS_REPLY_STATUS;
	if (r && !ok)
		snprintf(w->store.err, sizeof(w->store.err), "%s: %.200s", key,
			 r->type == REDIS_REPLY_ERROR ? r->str : "refused");
	freeReplyObject(r);
	return ok;
}

long answer_keep_population(struct worker *w, const char *hex,
			    const struct population *pop)
{
	char key[200], suffix[80];
	size_t cap = CHUNK_BYTES + RECORD_MAX;
	char *text = malloc(cap);
	unsigned chunks = 0;
	bool ok = text != NULL;
	if (!text)
		snprintf(w->store.err, sizeof(w->store.err), "out of memory");
	size_t used = ok ? (size_t)snprintf(text, cap, "%s\n",
					    POPULATION_HEADER) : 0;
	for (size_t i = 0; ok && i <= pop->n; i++) {
		if (i < pop->n)
			used += population_format_record(&pop->v[i], text + used);
		if (used >= CHUNK_BYTES || (i == pop->n && used > 0)) {
			snprintf(suffix, sizeof(suffix), "%u", chunks++);
			key_name(key, sizeof(key), w->cfg, KEY_POPULATION_CHUNK,
				 hex, suffix);
			ok = set_text(w, key, text, used);
			used = 0;
		}
	}
	free(text);
	/* Written last: a reader that finds the count finds every chunk. */
	char count[16];
	snprintf(count, sizeof(count), "%u", chunks);
	key_name(key, sizeof(key), w->cfg, KEY_POPULATION, hex, NULL);
	if (ok)
		ok = set_text(w, key, count, strlen(count));
	return ok ? (long)chunks : -1;
}

void answer_keep_copy(struct worker *w, struct tx *t, enum key_kind kind,
		      const char *text, size_t len, char hex[65])
{
	char key[200];
	uint8_t d[32];
	sha256(text, len, d);
	seed_hex(d, 32, hex);
	key_name(key, sizeof(key), w->cfg, kind, hex, NULL);
	args_add(&t->a, "SET");
	args_add(&t->a, key);
	args_addn(&t->a, text, len);
	tx_send(t);
}

/* The fields a freeze commits the team draw to, in the record and the
 * public event alike. */
static void add_commitments(struct tx *t, const char *roster,
			    const char *items, const char *calendars)
{
	const char *kv[][2] = {{"roster_digest", roster},
			       {"items_digest", items},
			       {"calendars", calendars}};
	for (size_t i = 0; i < 3; i++) {
		args_add(&t->a, kv[i][0]);
		args_add(&t->a, kv[i][1]);
	}
}

int answer_freeze(struct worker *w, const struct answer *a,
		  const struct campaign_record *rec,
		  const struct population *pop)
{
	char rkey[160], pub[128], items[2200], window[32], hex[65];
	char buf[3][72], roster_hex[65], items_hex[65];
	struct tx t;
	/* The roster and the item list the team draw will read, committed
	 * before the entropy like the population: nobody can choose them
	 * once the entropy is known. */
	key_name(rkey, sizeof(rkey), w->cfg, KEY_ROSTER, NULL, NULL);
	redisReply *roster = store_runv(&w->store, "GET", rkey, NULL);
	if (!roster)
		return ENTRY_LOST;
	char why[512];
	if (roster->type != REDIS_REPLY_STRING)
		snprintf(why, sizeof(why), "no inspector roster: import one "
			 "with inspectctl import --inspectors");
	/* What the team draw would refuse whatever the entropy is refused
	 * now, before any entropy is spent on it. */
	if (roster->type != REDIS_REPLY_STRING ||
	    plan_precheck(w, a->c, rec, roster->str, roster->len, why,
			  sizeof(why)) != 0) {
		freeReplyObject(roster);
		log_warn("entry refused", "entry=%s campaign=%s reason=%s",
			 a->entry_id, a->c->id, log_quote(why));
		return answer_reject(w, a, why);
	}
	seed_hex(rec->population_digest, 32, hex);
	long chunks = answer_population_kept(w, hex);
	if (chunks == 0)
		chunks = answer_keep_population(w, hex, pop);
	if (chunks < 0) {
		freeReplyObject(roster);
		return ENTRY_LOST;
	}
	key_name(rkey, sizeof(rkey), w->cfg, KEY_CAMPAIGN, a->c->id, NULL);
	key_name(pub, sizeof(pub), w->cfg, KEY_PUBLIC, NULL, NULL);
	tx_begin(&t, &w->store);
	answer_keep_copy(w, &t, KEY_ROSTER_COPY, roster->str, roster->len,
			 roster_hex);
	freeReplyObject(roster);
	answer_keep_copy(w, &t, KEY_ITEMS_COPY, w->cat->items_text,
			 w->cat->items_len, items_hex);
	/* The window's calendars too: a notice added before the entropy
	 * leaves the plan's working days as committed. */
	struct audit_refs cal = {0};
	int32_t from, to;
	if (campaign_window(a->c, &w->cat->calendar, rec->date,
			    w->cfg->visit_days, &from, &to, why,
			    sizeof(why)) == 0 &&
	    plan_keep_calendars(w, &t, from, to, &cal) < 0)
		cal.calendars[0] = cal.provisional[0] = '\0';
	answer_record_fields(&t, rkey, "frozen", a, rec, items, window, buf);
	add_commitments(&t, roster_hex, items_hex, cal.calendars);
	args_add(&t.a, "calendar_provisional");
	args_add(&t.a, cal.provisional);
	args_add(&t.a, "frozen_chunks");
	args_addu(&t.a, (unsigned long long)chunks);
	args_add(&t.a, "policy_text");
	args_addn(&t.a, rec->policy->text, rec->policy->len);
	tx_send(&t);
	answer_event(&t, pub, "frozen", a->c->id);
	args_add(&t.a, "department");
	args_add(&t.a, a->c->department);
	args_add(&t.a, "population");
	args_addu(&t.a, pop->n);
	args_add(&t.a, "population_digest");
	args_add(&t.a, buf[1]);
	args_add(&t.a, "policy_digest");
	args_add(&t.a, buf[0]);
	add_commitments(&t, roster_hex, items_hex, cal.calendars);
	tx_send(&t);
	answer_ack(w, &t, KEY_INTAKE, a->entry_id);
	return answer_commit(w, &t, "freeze");
}

