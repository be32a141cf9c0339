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
#include "inspect/shell/clock.h"
#include "inspect/shell/log.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/store/ops.h"
#include "answer.h"
#include "metrics.h"

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

void answer_event(struct kv_list *ev, const char *type, const char *campaign)
{
	kv_init(ev);
	kv_add(ev, "type", type);
	kv_add(ev, "campaign", campaign);
}

int answer_streams_usable(struct worker *w, const enum key_kind *kinds,
			  const char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool ok;
		if (store_watch(&w->store, kinds[i], args[i]) < 0 ||
		    store_is_stream(&w->store, kinds[i], args[i], &ok) < 0 ||
		    !ok)
			return FAIL_LOST; /* the reason in store.err */
	}
	return 0;
}

int answer_commit(struct worker *w, struct tx *t, const char *what)
{
	int r = tx_commit(t);
	if (r == 0)
		return 0;
	if (r == FAIL_CONFLICT)
		diag_set(&w->store.err, "%s: a watched key changed meanwhile",
			 what);
	else
		diag_set(&w->store.err, "%s: %.200s", what,
			 diag_reason(&t->why));
	return r == FAIL_CONFLICT ? FAIL_CONFLICT : FAIL_LOST;
}

void answer_refusal_begin(struct worker *w, struct tx *t,
			  const struct answer *a, const char *why,
			  struct kv_list *ev)
{
	tx_dead_letter(t, KEY_INTAKE_REJECTED, w->cfg->dead_letters_kept,
		       a->entry_id, why, a->fields);
	pledges_requeue(t, a);
	answer_event(ev, "rejected", a->c->id);
	kv_add(ev, "entry", a->entry_id);
	kv_add(ev, "reason", why);
}

/* A refusal, counted in its class (metrics.h) once committed. */
static int reject(struct worker *w, const struct answer *a,
		  struct diag *reason, enum metric_counter cls)
{
	const char *id = a->c->id;
	const char *why = diag_reason(reason);
	struct tx t;
	struct kv_list ev;
	char read[3][72];
	tx_begin(&t, &w->store);
	answer_refusal_begin(w, &t, a, why, &ev);
	if (a->read) {
		seed_hex(a->read->population_digest, 32, read[0]);
		seed_hex(a->read->policy->policy.digest, 32, read[1]);
		snprintf(read[2], sizeof(read[2]), "%llu",
			 (unsigned long long)a->read->generation);
		kv_add(&ev, "population_digest", read[0]);
		kv_add(&ev, "policy_digest", read[1]);
		kv_add(&ev, "generation", read[2]);
		kv_addu(&ev, "population", a->read->population);
	}
	tx_xadd_list(&t, KEY_PUBLIC, NULL, &ev);
	kv_finish(&ev);
	if (id[0] && a->c->type == ENTRY_CAMPAIGN && a->id_unused) {
		/* Only for an unused id; process.c WATCHes the record. */
		const struct kv rec[] = {KV("status", "rejected"),
					 KV("error", why),
					 KV("entry", a->entry_id)};
		tx_hset(&t, KEY_CAMPAIGN, id, rec, 3);
	}
	tx_ack(&t, KEY_INTAKE, a->entry_id);
	int r = answer_commit(w, &t, "reject");
	if (r == 0)
		metric_count(cls, 1);
	return r;
}

int answer_reject(struct worker *w, const struct answer *a, struct diag *reason)
{
	return reject(w, a, reason, METRIC_REFUSED_INVALID);
}

/* How long the reason of a junk entry that named a valid id is kept. */
#define REFUSED_TTL 2592000 /* 30 days */

int answer_junk(struct worker *w, const struct junk *j, size_t n)
{
	struct tx t;
	tx_begin(&t, &w->store);
	for (size_t i = 0; i < n; i++) {
		tx_dead_letter(&t, KEY_INTAKE_REJECTED,
			       w->cfg->dead_letters_kept, j[i].entry_id,
			       j[i].reason, j[i].fields);
		if (j[i].id[0])
			tx_set_expiring(&t, KEY_REFUSED, j[i].id, j[i].reason,
					REFUSED_TTL);
		tx_ack(&t, KEY_INTAKE, j[i].entry_id);
	}
	int r = answer_commit(w, &t, "refuse");
	if (r == 0)
		metric_count(METRIC_REFUSED_JUNK, n);
	return r;
}

int answer_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, struct diag *why)
{
	struct campaign c;
	memset(&c, 0, sizeof(c));
	struct answer a = {entry_id, fields, &c, false, NULL, NULL};
	return reject(w, &a, why, METRIC_REFUSED_UNPROCESSABLE);
}

void answer_record_fields(struct kv_list *l, const char *status,
			  const struct answer *a,
			  const struct campaign_record *rec,
			  struct record_texts *x)
{
	const struct campaign *c = a->c;
	kv_init(l);
	kv_add(l, "status", status);
	/* As the entry gives them: each with its share (below 1). */
	campaign_items_text(c, UINT32_MAX, true, ',', x->items,
			    sizeof(x->items));
	window_text(c, x->window);
	seed_hex(rec->policy->policy.digest, 32, x->policy_digest);
	seed_hex(rec->population_digest, 32, x->population_digest);
	date_format(rec->date, x->date);
	kv_add(l, "entry", a->entry_id);
	kv_add(l, "department", c->department);
	kv_add(l, "policy", rec->policy->policy.name);
	kv_add(l, "policy_digest", x->policy_digest);
	kv_add(l, "items", x->items);
	kv_add(l, "task_type", task_type_names[c->task_type]);
	if (c->plan[0]) { /* a batch of an annual plan, checked against it */
		kv_add(l, "plan", c->plan);
		kv_add(l, "plan_digest", c->plan_digest);
	}
	kv_add(l, "window", x->window);
	kv_add(l, "date", x->date);
	kv_add(l, "backdated", c->backdated ? "yes" : "no");
	kv_addu(l, "size", c->size);
	kv_addu(l, "population", rec->population);
	kv_add(l, "population_digest", x->population_digest);
	kv_addu(l, "generation", rec->generation);
}

/* What the daemon formats of a population at a time before it goes to
 * the compressor: the archive never holds the text whole. */
#define PIECE_BYTES (1u << 20)

/* The population's canonical text, the bytes population_digest hashes,
 * into aw; -1 if out of memory, or cancel was set meanwhile. */
static int write_population(struct archive_writer *aw,
			    const struct population *pop,
			    const atomic_bool *cancel)
{
	char *text = malloc(PIECE_BYTES + RECORD_MAX);
	if (!text)
		return -1;
	size_t used = (size_t)snprintf(text, PIECE_BYTES, "%s\n",
				       POPULATION_HEADER);
	for (size_t i = 0; i < pop->n; i++) {
		used += population_format_record(&pop->v[i], text + used);
		if (used >= PIECE_BYTES) {
			archive_writer_add(aw, text, used);
			used = 0;
			if (cancel && atomic_load(cancel)) {
				free(text);
				return -1;
			}
		}
	}
	archive_writer_add(aw, text, used);
	free(text);
	struct strbuf v = {0}; /* the visits section */
	visits_format(&pop->visits, &v);
	archive_writer_add(aw, v.s, v.len);
	int rc = v.failed ? -1 : 0;
	sb_finish(&v);
	return rc;
}

/* A reason of the archive as the store's, where the worker looks for
 * why an entry failed; a repaired entry is worth a warning. */
static int archived(struct worker *w, int r, struct diag *err,
		    enum archive_kind kind, const char *hex)
{
	if (r == 2)
		log_warn("an archive entry that did not read back right was "
			 "written again", "kind=%s digest=%s",
			 archive_kind_names[kind], hex);
	if (r >= 0)
		return 0;
	diag_set(&w->store.err, "%s", diag_reason(err));
	return FAIL_LOST;
}

/* The population's archive entry under its digest hex, in dir. */
static int archive_population(const char *dir, const char *hex,
			      const struct population *pop,
			      const atomic_bool *cancel, struct diag *err)
{
	struct archive_writer *aw;
	int r = archive_writer_create(dir, ARCHIVE_POPULATION, hex, &aw, err);
	if (r == 0 && write_population(aw, pop, cancel) < 0) {
		archive_writer_destroy(aw);
		diag_add(err, "archiving the population: out of memory");
		r = FAIL_LOST;
	} else if (r == 0) {
		r = archive_writer_commit(aw, NULL, err);
	}
	return r;
}

static void *archive_thread(void *arg)
{
	struct worker *w = arg;
	double t0 = clock_seconds();
	w->archiving.r = archive_population(w->cfg->archive, w->archiving.hex,
					    w->archiving.pop,
					    &w->archiving.cancel,
					    &w->archiving.err);
	w->archiving.seconds = clock_seconds() - t0;
	return NULL;
}

void answer_archive_begin(struct worker *w, const struct campaign_record *rec,
			  const struct population *pop)
{
	if (rec->frozen || w->archiving.running)
		return;
	w->archiving.pop = pop;
	seed_hex(rec->population_digest, 32, w->archiving.hex);
	diag_init(&w->archiving.err);
	atomic_store(&w->archiving.cancel, false);
	w->archiving.running =
	    pthread_create(&w->archiving.thread, NULL, archive_thread, w) == 0;
}

static void archive_join(struct worker *w)
{
	pthread_join(w->archiving.thread, NULL);
	w->archiving.running = false;
}

void answer_archive_end(struct worker *w)
{
	if (!w->archiving.running)
		return;
	/* Refused before its publication: no record will name it. */
	atomic_store(&w->archiving.cancel, true);
	archive_join(w);
}

int answer_archive_population(struct worker *w,
			      const struct campaign_record *rec,
			      const struct population *pop)
{
	char hex[65];
	struct diag err;
	if (rec->frozen)
		return 0;
	if (w->archiving.running && w->archiving.pop == pop) {
		archive_join(w);
		w->t.population = w->archiving.seconds;
		return archived(w, w->archiving.r, &w->archiving.err,
				ARCHIVE_POPULATION, w->archiving.hex);
	}
	seed_hex(rec->population_digest, 32, hex);
	diag_init(&err);
	double t0 = clock_seconds();
	int r = archive_population(w->cfg->archive, hex, pop, NULL, &err);
	w->t.population = clock_seconds() - t0;
	return archived(w, r, &err, ARCHIVE_POPULATION, hex);
}

int answer_keep_copy(struct worker *w, enum archive_kind kind,
		     const char *text, size_t len, char hex[65])
{
	struct diag err;
	diag_init(&err);
	int r = archive_put(w->cfg->archive, kind, text, len, NULL, hex, &err);
	return archived(w, r, &err, kind, hex);
}

/* The fields a freeze commits the team draw to, in the record and the
 * public event alike. */
static void add_commitments(struct kv_list *l, const char *roster,
			    const char *items, const char *calendars)
{
	kv_add(l, "roster_digest", roster);
	kv_add(l, "items_digest", items);
	kv_add(l, "calendars", calendars);
}

/* The copies a freeze commits the team draw to, archived before its
 * transaction: the roster and the item list it will read, and the
 * window's calendars (a notice added before the entropy leaves the plan's
 * working days as committed). Their digests into refs. Returns 0, or
 * FAIL_LOST (reason in store.err). */
static int keep_commitments(struct worker *w, const struct answer *a,
			    int32_t date, const redisReply *roster,
			    struct audit_refs *refs)
{
	struct day_span span;
	struct diag err;
	if (answer_keep_copy(w, ARCHIVE_ROSTER, roster->str, roster->len,
			     refs->roster_hex) < 0 ||
	    answer_keep_copy(w, ARCHIVE_ITEMS, w->cat->items_text,
			     w->cat->items_len, refs->items_hex) < 0)
		return FAIL_LOST;
	diag_init(&err);
	refs->calendars[0] = refs->provisional[0] = '\0';
	if (campaign_window(a->c, &w->cat->calendar, date, w->cfg->visit_days,
			    &span, &err) != 0)
		return 0;
	int r = plan_keep_calendars(w, span.from, span.to, refs);
	if (r < 0)
		refs->calendars[0] = refs->provisional[0] = '\0';
	return r == FAIL_LOST ? FAIL_LOST : 0;
}

/* The frozen record and its public event, with the commitments. */
static void frozen_record(struct tx *t, const struct answer *a,
			  const struct campaign_record *rec, size_t population,
			  const struct audit_refs *refs)
{
	struct record_texts x;
	struct kv_list l, ev;
	answer_record_fields(&l, "frozen", a, rec, &x);
	add_commitments(&l, refs->roster_hex, refs->items_hex,
			refs->calendars);
	kv_add(&l, "calendar_provisional", refs->provisional);
	kv_addn(&l, "policy_text", rec->policy->text, rec->policy->len);
	tx_hset_list(t, KEY_CAMPAIGN, a->c->id, &l);
	answer_event(&ev, "frozen", a->c->id);
	kv_add(&ev, "department", a->c->department);
	kv_addu(&ev, "population", population);
	kv_add(&ev, "population_digest", x.population_digest);
	kv_add(&ev, "policy_digest", x.policy_digest);
	add_commitments(&ev, refs->roster_hex, refs->items_hex,
			refs->calendars);
	if (a->c->plan[0]) {
		kv_add(&ev, "plan", a->c->plan);
		kv_add(&ev, "plan_digest", a->c->plan_digest);
	}
	tx_xadd_list(t, KEY_PUBLIC, NULL, &ev);
	kv_finish(&l);
	kv_finish(&ev);
}

int answer_freeze(struct worker *w, const struct answer *a,
		  const struct campaign_record *rec,
		  const struct population *pop)
{
	struct diag why;
	diag_init(&why);
	/* The roster the team draw will read, committed before the entropy
	 * like the population: nobody can choose it once the entropy is
	 * known. */
	redisReply *roster = store_get(&w->store, KEY_ROSTER, NULL);
	if (!roster)
		return FAIL_LOST;
	if (roster->type != REDIS_REPLY_STRING)
		diag_add(&why, "no inspector roster: import one with "
			       "inspectctl import --inspectors");
	/* What the team draw would refuse whatever the entropy is refused
	 * now, before any entropy is spent on it. */
	if (roster->type != REDIS_REPLY_STRING ||
	    plan_precheck(w, a->c, rec,
			  &(struct text){roster->str, roster->len},
			  &why) != 0) {
		freeReplyObject(roster);
		log_warn("entry refused", "entry=%s campaign=%s reason=%s",
			 a->entry_id, a->c->id, log_quote(diag_reason(&why)));
		return answer_reject(w, a, &why);
	}
	struct audit_refs refs;
	int r = answer_archive_population(w, rec, pop);
	if (r == 0)
		r = keep_commitments(w, a, rec->date, roster, &refs);
	freeReplyObject(roster);
	if (r < 0)
		return FAIL_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	frozen_record(&t, a, rec, pop->n, &refs);
	tx_ack(&t, KEY_INTAKE, a->entry_id);
	r = answer_commit(w, &t, "freeze");
	if (r == 0)
		metric_count(METRIC_CAMPAIGNS_FROZEN, 1);
	return r;
}
