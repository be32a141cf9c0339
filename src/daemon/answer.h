/* What the answering transactions share (answer.c: refusal and freeze;
 * publish.c: the publication; refusal.c: a refusal after the draw;
 * result_entries.c: results). */
#ifndef INSPECTD_ANSWER_H
#define INSPECTD_ANSWER_H

#include "inspect/shell/archive.h"
#include "inspect/store/keys.h"
#include "inspect/store/tx.h"
#include "teams.h"
#include "worker.h"

/* Archives text, an immutable copy of kind named by its content (the
 * digest into hex), before the transaction that names it: a copy a crash
 * left before EXEC is simply found there, and plans reading the same
 * roster, item list or calendar share it. Returns 0, or FAIL_LOST with
 * the reason in store.err. */
int answer_keep_copy(struct worker *w, enum archive_kind kind,
		     const char *text, size_t len, char hex[65]);
/* Starts (kv_init) the fields of an event of the given type about a
 * campaign; the caller adds its own, sends it (tx_xadd_list) and finishes
 * the list. */
void answer_event(struct kv_list *ev, const char *type,
		  const char *campaign);
/* The dead letter of a refused entry, and the start of its public
 * "rejected" event (entry, reason) in ev, as answer_event. */
void answer_refusal_begin(struct worker *w, struct tx *t,
			  const struct answer *a, const char *why,
			  struct kv_list *ev);
/* The draw's publication (publish.c): one task per selected entity on the
 * department's stream, the entities and then the plan on <p>public, the
 * inspections on record, the campaign record published; acknowledges the
 * entry. Recorded as a journal and applied by publication_start. */
int answer_publish(struct worker *w, const struct answer *a,
		   const struct campaign_record *rec, const struct drawn *x);
/* Publication in bounded steps (publication.c; docs/REDIS.md,
 * "Publication in steps"). publication_start archives the journal of a's
 * publication, starts it under the draw's WATCHes and applies its steps:
 * 0, FAIL_CONFLICT (a watched key changed: drawn again) or FAIL_LOST. */
struct journal;
int publication_start(struct worker *w, const struct answer *a,
		      struct journal *j);
/* Before an intake entry is handled: 1 if no publication is under way
 * (<p>publishing WATCHed, for the entry's transaction); 0 if it was this
 * entry's and is now finished (answered); FAIL_CONFLICT while another's
 * is under way (finished here once it has stalled), or FAIL_LOST. */
int publication_gate(struct worker *w, const char *entry_id);
/* A campaign its team draw refused, refused with what it read on record:
 * the population, roster, item list and calendars kept, teams.txt as
 * <p>audit:<id>, the record "rejected" with the digests of each, and the
 * same digests in the public event, so that its audit bundle re-runs the
 * refusal (refusal.c). */
int answer_refuse_drawn(struct worker *w, const struct answer *a,
			const struct campaign_record *rec,
			const struct drawn *x, struct diag *why);
/* Inside MULTI a key of the wrong type fails only at EXEC, and Redis
 * applies the rest of the transaction. So the streams a transaction adds
 * to (kinds[i] with args[i]) are WATCHed and their types checked first: a
 * change after the check aborts EXEC. Returns 0, or FAIL_LOST (reason
 * in store.err). */
int answer_streams_usable(struct worker *w, const enum key_kind *kinds,
			  const char *const *args, size_t n);
/* EXEC: 0, FAIL_LOST or FAIL_CONFLICT, the reason in store.err. */
int answer_commit(struct worker *w, struct tx *t, const char *what);
/* The texts of a record's fields, which must live until it is sent. */
struct record_texts {
	char items[2200], window[32], date[11];
	char policy_digest[65], population_digest[65];
};
/* Starts (kv_init) the record's fields: its status and those every drawn
 * or frozen campaign carries; the caller adds its own, sends them
 * (tx_hset_list on KEY_CAMPAIGN) and finishes the list. */
void answer_record_fields(struct kv_list *l, const char *status,
			  const struct answer *a,
			  const struct campaign_record *rec,
			  struct record_texts *x);
/* Archives the canonical population text under its digest (the archive's
 * population entry) unless it is there already, outside any transaction
 * (call before tx_begin): the copy is immutable and named by its
 * content, so one left by a crash before EXEC is simply found, and
 * campaigns drawing from the same population share it. A frozen record's
 * was archived when it was frozen. Returns 0, or FAIL_LOST (reason in
 * store.err). */
int answer_archive_population(struct worker *w,
			      const struct campaign_record *rec,
			      const struct population *pop);
/* The same begun on a thread of its own (done at once if none can be
 * made), so that the draw, the team draw, the details' read and the
 * journal go on meanwhile: answer_archive_population for the same pop
 * then waits for it and says how it went. pop must not change, nor be
 * freed, before answer_archive_end. */
void answer_archive_begin(struct worker *w, const struct campaign_record *rec,
			  const struct population *pop);
/* Stops an archiving begun and not waited for (an entry refused before
 * its draw was published or refused): no record names that population,
 * and its entry is left unwritten unless it was complete already. */
void answer_archive_end(struct worker *w);

#endif
