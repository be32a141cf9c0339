/* What the answering transactions share (answer.c: refusal and freeze;
 * publish.c: the publication; results.c: results). */
#ifndef INSPECTD_ANSWER_H
#define INSPECTD_ANSWER_H

#include "inspect/store/keys.h"
#include "teams.h"
#include "tx.h"
#include "worker.h"

#define CHUNK_BYTES (16u << 20) /* frozen population text per key */

/* The XACK and XDEL of an entry of <p><stream> ("intake", "results"),
 * in the transaction. */
void answer_ack(struct worker *w, struct tx *t, enum key_kind stream,
		const char *entry_id);
/* SET <p><kind>:<sha256 of text> = text in the transaction (an immutable
 * copy, named by its content); the digest into hex. */
void answer_keep_copy(struct worker *w, struct tx *t, enum key_kind kind,
		      const char *text, size_t len, char hex[65]);
/* Starts an XADD of an event of the given type about a campaign on the
 * public stream; the caller adds its fields and sends it. */
void answer_event(struct tx *t, const char *pub, const char *type,
		  const char *campaign);
/* The dead letter of a refused entry and the start of its public
 * "rejected" event (entry, reason); the caller may add fields, and sends
 * it. pub holds the stream's key until then (arguments are sent by
 * reference). */
void answer_refusal_begin(struct worker *w, struct tx *t,
			  const struct answer *a, const char *why,
			  char pub[128]);
/* What a drawn campaign is: its population, the draw, the visit plan and
 * the seed. */
struct drawn {
	const struct population *pop;
	const struct draw *d;
	const struct visit_plan *plan;
	const uint8_t *seed;
};
/* A campaign its team draw refused, refused with what it read on record:
 * the population, roster, item list and calendars kept, teams.txt as
 * <p>audit:<id>, the record "rejected" with the digests of each, and the
 * same digests in the public event, so that its audit bundle re-runs the
 * refusal (refusal.c). */
int answer_refuse_drawn(struct worker *w, const struct answer *a,
			const struct campaign_record *rec,
			const struct drawn *x, const char *why);
/* EXEC: ENTRY_DONE, ENTRY_LOST or ENTRY_RETRY, the reason in store.err. */
int answer_commit(struct worker *w, struct tx *t, const char *what);
/* HSET of the record with its status and the fields every drawn or
 * frozen campaign carries; the caller adds its own and sends it. items,
 * window and buf hold the texts until then. */
void answer_record_fields(struct tx *t, const char *rkey, const char *status,
			  const struct answer *a,
			  const struct campaign_record *rec, char *items,
			  char *window, char (*buf)[72]);
/* The chunk count of the population with this digest (hex) if it is
 * kept already, else 0; -1 on a lost connection. Call before tx_begin. */
long answer_population_kept(struct worker *w, const char *hex);
/* Keeps the canonical population text under its digest
 * (<p>population:<hex>:<k>, chunk 0 starting with the header, then
 * <p>population:<hex> = the count), outside any transaction: the copy is
 * immutable and named by its content, so one left by a crash before EXEC
 * is simply found kept, and campaigns drawing from the same population
 * share it. Returns the count, or -1 (reason in store.err). */
long answer_keep_population(struct worker *w, const char *hex,
			    const struct population *pop);

#endif
