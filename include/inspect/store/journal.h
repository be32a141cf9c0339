/* A publication in bounded steps (docs/REDIS.md, "Publication in
 * steps"). Its commands are recorded in a journal instead of sent
 * (tx_begin_journal); the journal is archived; one small transaction,
 * under the draw's WATCHes, writes <p>publishing naming it; then each
 * step applies the journal's next commands, whole commands of at most a
 * step's bytes, in one transaction that also moves <p>publishing's done,
 * under a WATCH of it and only if it still says what the step was cut
 * from. The last step is the commands after `final` (the record, the
 * plan's public event, the entry's XACK and the DEL of <p>publishing),
 * never split. Whoever finds <p>publishing finishes the publication from
 * the journal: each step is applied once, by whichever process gets
 * there first, and no step is ever undone. */
#ifndef INSPECT_JOURNAL_H
#define INSPECT_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect/store/tx.h"

struct journal {
	char *buf;
	size_t len, cap;
	size_t final; /* where the last step's commands begin */
	size_t commands;
	bool failed;  /* out of memory: nothing may be applied */
};

void journal_init(struct journal *j);
void journal_finish(struct journal *j);
/* The commands recorded from now on make the last step. */
void journal_mark_final(struct journal *j);
/* A transaction whose commands go to j, not to Redis: no MULTI is sent,
 * and tx_commit sends nothing (0, or FAIL_REFUSED with t->why). */
void tx_begin_journal(struct tx *t, struct store *s, struct journal *j);

/* Records command a (tx_send of a journal's transaction). 0, or -1 with
 * j->failed. */
int journal_add(struct journal *j, const struct args *a);

/* What <p>publishing says: the publication under way. */
struct publishing {
	char campaign[128], entry[64], journal[65];
	size_t size, final, done; /* bytes of the journal */
};

/* WATCHes <p>publishing and reads it: 1 with *p, 0 if there is none (the
 * WATCH stays for the caller's transaction), FAIL_INVALID if it does not
 * read (the reason in s->err), FAIL_LOST. */
int publishing_watch(struct store *s, struct publishing *p);
/* Adds to t the HSET of <p>publishing that starts publication p. */
void tx_publishing(struct tx *t, const struct publishing *p);
/* The next step of journal buf (len bytes) after p->done: whole commands
 * up to `final` (or, from `final`, to the end), at most max bytes but one
 * command at least. Its end into *to, its commands into *n. 0, or
 * FAIL_INVALID if the bytes are no commands. */
int journal_step(const char *buf, const struct publishing *p, size_t max,
		 size_t *to, size_t *n);
/* Applies buf[p->done, to), n commands, if <p>publishing still names
 * p->entry and p->journal at p->done: 0 (p->done = to), or 1 if it says
 * otherwise (*p is what it says, all empty if it is gone), or FAIL_LOST. */
int journal_apply(struct store *s, struct publishing *p, const char *buf,
		  size_t to, size_t n);

#endif
