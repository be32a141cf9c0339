/* What the daemon's worker owns while it handles intake entries, one at a
 * time, on its own Redis connection. */
#ifndef INSPECTD_WORKER_H
#define INSPECTD_WORKER_H

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>

#include "inspect/core/campaign.h"
#include "inspect/shell/catalog.h"
#include "inspect/shell/config.h"
#include "inspect/shell/policy_set.h"
#include "inspect/core/sampler.h"
#include "inspect/store/keys.h"
#include "inspect/store/store.h"


struct tx;
struct visit_plan;

struct worker {
	const struct config *cfg;
	const struct catalog *cat; /* policies, items, calendars */
	struct store store;
	int32_t today;    /* set by the loop before each job */
	int hour;         /* the local hour, likewise */
	unsigned long claimed_at; /* job count of the last XAUTOCLAIM */
	unsigned long jobs;
	char failing[64];      /* an entry that failed with Redis connected */
	unsigned failures;     /* its failures in a row */
	int32_t overdue_logged; /* the day overdue results were last logged */
	int32_t history_pruned; /* the day old visits were last removed */
	bool junk_read;        /* the last intake read began with junk */
	bool connected_once;   /* a later connection is a reconnection */
	bool awaiting; /* the last entry waited for a publication under way,
			* which is not held against it */
	struct {
		char entry[64];
		size_t done;
		double since;
	} awaited; /* that publication, as last seen (publication.c) */
	atomic_bool drawing;   /* handling an intake entry (read by the
				* dashboard's job on another thread) */
	struct {
		double fetch, order, merge, history, digest, draw, teams,
		    details, publish;
		double archive, journal, keep, steps; /* of publish */
		double spread;      /* the spread commands, beside the steps */
		double spread_wait; /* the last step waited for them */
		double population; /* its population archived (a thread) */
	} t; /* the last campaign's phases, seconds */
	/* A drawn population being archived on a thread of its own
	 * (answer_archive_begin). */
	struct {
		pthread_t thread;
		bool running;
		atomic_bool cancel; /* not needed after all: stop */
		const struct population *pop;
		char hex[65];
		int r;
		struct diag err;
		double seconds;
	} archiving;
};

/* Handling one entry returns 0 when it was answered, else a code of enum
 * fail (diag.h): FAIL_LOST, not answered because the connection failed
 * (or the entry's transaction failed with Redis up: held against the
 * entry); FAIL_CONFLICT, not answered because another writer changed a
 * watched key first (contention: tried again, not held against the
 * entry); and, from the steps before an answer, FAIL_REFUSED: the entry is
 * to be refused, the reason in the step's struct diag. */

/* Failures of one entry, with the connection up, before it is refused. */
#define ENTRY_MAX_FAILURES 5

/* Handles one intake entry: answers it and acknowledges it in the same
 * transaction, or returns FAIL_LOST (connection gone or a concurrent
 * writer) and leaves it pending, to be handled again. */
int process_entry(struct worker *w, const char *entry_id,
		  const redisReply *fields);

/* A stream entry's fields as entry_field (f has CAMPAIGN_MAX_FIELDS + 1
 * slots: one more than allowed, so that too many is seen); their count. */
size_t entry_fields(const redisReply *fields, struct entry_field *f);

typedef int (*entry_handler)(struct worker *w, const char *entry_id,
			     const redisReply *fields);

/* Handles one results entry (results.c): the result recorded, made public
 * and, if adverse, handed to the credit platform; or refused with its
 * reason. Acknowledged in the same transaction either way. */
int process_result(struct worker *w, const char *entry_id,
		   const redisReply *fields);
int result_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, struct diag *why);

/* Once a day, logs the campaigns whose results are late or due soon
 * (results.c). Returns 0, or FAIL_LOST. */
int overdue_step(struct worker *w);

/* Once a day, and again after each import of approvals, the approvals
 * not yet planned become pledge campaigns (pledges.c), sent to the
 * intake stream. Returns 0, or FAIL_LOST. */
int pledges_step(struct worker *w);
/* Sends the intake entries of the annual plans' batches due (plans.c),
 * once a day and after each filing. 0 or FAIL_LOST. */
int plans_step(struct worker *w);

/* Reading the intake and results streams (intake.c): the consumer group
 * made if missing; the first entry from `from` ("0": our pending ones,
 * ">": new ones), handled, waiting up to block_ms (1: one handled, 0:
 * none, or FAIL_LOST); one entry another consumer left idle too long
 * taken over (its count, or FAIL_LOST). */
int intake_ensure_group(struct worker *w, enum key_kind stream);
int intake_read(struct worker *w, enum key_kind stream, const char *from,
		int block_ms, entry_handler handle);
int intake_claim(struct worker *w, enum key_kind stream);

/* One unit of work (worker.c): our own pending entries first, then others'
 * stale ones, then new ones (waiting up to block_ms). Returns 1 if an entry was
 * handled, 0 if there was none, FAIL_LOST (negative) on a lost connection. */
int worker_step(struct worker *w);

/* Delivers the oldest day of inspectors' feeds that is due and not yet
 * delivered (feeds.c). Returns 1 if it delivered one, 0 if none is due,
 * FAIL_LOST on a lost connection. */
int feeds_step(struct worker *w);

/* The transactions that answer an entry (answer.c). */
struct answer {
	const char *entry_id;
	const redisReply *fields; /* the entry as received */
	const struct campaign *c;
	bool id_unused;           /* no record holds c->id yet */
	/* Set once the population was read: a refusal from then on names
	 * what it was read from (its digest, generation, the policy). */
	const struct campaign_record *read;
	/* A refused pledge campaign's approvals: pending again, planned
	 * afresh the next day (pledges.c). NULL for any other. */
	const struct approval_list *requeue;
};

/* The approvals of a pledge campaign about to be refused under an unused
 * id, into l, and a->requeue set (l empty otherwise). 0 or FAIL_LOST. */
struct approval_list;
int pledges_of_refused(struct worker *w, struct answer *a,
		       struct approval_list *l);
/* In a refusal's transaction: a->requeue's approvals pending again. */
void pledges_requeue(struct tx *t, const struct answer *a);

/* An intake entry that is no valid entry at all (campaign_parse fails):
 * it names no campaign, so it leaves no record and no public event. */
struct junk {
	const char *entry_id;
	const redisReply *fields;
	char id[SEED_MAX_ID + 1]; /* a valid id it gave, or "" */
	char reason[256]; /* the first line of its diag, to be written */
};

/* Whether the entry is junk; if so j is filled (its entry_id set by the
 * caller first) and the refusal logged. */
bool entry_is_junk(const redisReply *fields, struct junk *j);
/* Fills j's id and reason from a failed campaign_parse, and logs it. */
void junk_of(const struct campaign *c, struct diag *err, struct junk *j);
/* Answers n junk entries in one transaction: each set aside on
 * <p>intake:rejected (bounded), its reason kept 30 days under
 * <p>refused:<id> when it gave a valid id (inspectctl status shows it),
 * acknowledged and deleted. */
int answer_junk(struct worker *w, const struct junk *j, size_t n);

/* Refusal of a valid entry: the entry goes to <p>intake:rejected with the
 * reason, a "rejected" event to <p>public, and, when the id is unused, a
 * campaign record with status rejected. */
int answer_reject(struct worker *w, const struct answer *a,
		  struct diag *reason);

/* An entry that cannot be answered (its transaction fails every time,
 * with Redis up): refused with why, so that it neither loops nor is
 * lost. */
int answer_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, struct diag *why);

/* The fields of chosen entity k: field(k) (its uscc when field is NULL)
 * -> value(k), each appended to out as text: a bucket's at a time. */
struct bucketed_fields {
	void (*field)(size_t k, struct strbuf *out, void *ctx);
	void (*value)(size_t k, struct strbuf *out, void *ctx);
	void *ctx;
	bool (*keep)(size_t k, void *ctx); /* NULL: every chosen entity */
};

/* One HSET per bucket b (of INSPECTED_BUCKETS, by each chosen entity's
 * uscc) of the key of kind and b, of the fields f gives, made a bucket at
 * a time: no text of all chosen entities at once. */
int add_bucketed_hset(struct tx *t, enum key_kind kind,
		      const struct population *pop, const struct draw *d,
		      const struct bucketed_fields *f);

/* What a drawn or frozen campaign's record says. */
struct campaign_record {
	const struct policy_entry *policy;
	size_t population;
	uint8_t population_digest[32];
	int32_t date;
	uint64_t generation;
	bool frozen; /* drawn from a frozen record, whose chunks are kept */
	/* A frozen campaign's roster and item list, committed before its
	 * entropy ("" when it was frozen before they were kept): the team
	 * draw reads these copies, not the current ones. */
	char roster_hex[65], items_hex[65];
	char calendars[8 * 80]; /* its calendar documents, likewise */
	/* A pledge campaign's earliest approval date (0 for another). */
	int32_t earliest_approval;
};

/* Two-phase, first half: stores the canonical population text in chunks,
 * the record (status frozen, with the policy document), and a "frozen"
 * event with the digests; acknowledges the entry. */
int answer_freeze(struct worker *w, const struct answer *a,
		  const struct campaign_record *rec,
		  const struct population *pop);

#endif
