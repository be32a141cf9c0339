/* A publication in bounded steps (docs/REDIS.md, "Publication in
 * steps"). Its commands are recorded in a journal instead of sent
 * (tx_begin_journal); a journal larger than a step is streamed to the
 * archive as it is recorded, never held whole; one small transaction,
 * under the draw's WATCHes, writes <p>publishing naming it; then each
 * step applies the journal's next commands, whole commands of at most a
 * step's bytes, in one transaction that also moves <p>publishing's done,
 * under a WATCH of it and only if it still says what the step was cut
 * from. The last step is the commands after `final` (the record, the
 * plan's public event, the entry's XACK and the DEL of <p>publishing),
 * never split. Whoever finds <p>publishing finishes the publication from
 * the journal, read back a step at a time: each step is applied once, by whichever process gets
 * there first, and no step is ever undone. */
#ifndef INSPECT_JOURNAL_H
#define INSPECT_JOURNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "inspect/core/strbuf.h"
#include "inspect/shell/archive.h"
#include "inspect/store/tx.h"

struct journal {
	char *buf;   /* the bytes recorded and not yet archived */
	size_t len, cap;
	size_t size; /* all bytes recorded */
	size_t spread; /* where the commands spread over the masters end */
	size_t final;  /* where the last step's commands begin */
	size_t commands;
	size_t hold; /* archived as recorded once it outgrows this */
	const char *archive;
	struct archive_writer *out; /* NULL while held whole */
	bool failed;  /* nothing may be applied: why says why */
	char why[300];
};

/* A journal held in memory up to hold bytes (one step); beyond, streamed
 * to the archive as ARCHIVE_JOURNAL and never held whole. */
void journal_init(struct journal *j, const char *archive, size_t hold);
void journal_finish(struct journal *j);
/* The commands recorded so far are spread over a cluster's masters,
 * outside <p>'s slot: idempotent writes, sent beside the steps and
 * complete before the last one (journal_spread). Recorded first, so they
 * make a prefix, which the steps skip. */
void journal_mark_spread(struct journal *j);
/* The commands recorded from now on make the last step. */
void journal_mark_final(struct journal *j);
/* A transaction whose commands go to j, not to Redis: no MULTI is sent,
 * and tx_commit sends nothing (0, or FAIL_REFUSED with t->why). */
void tx_begin_journal(struct tx *t, struct store *s, struct journal *j);

/* Records command a (tx_send of a journal's transaction). 0, or -1 with
 * j->failed. */
int journal_add(struct journal *j, const struct args *a);
/* Ends a journal that outgrew hold, or that spreads (it cannot be one
 * transaction): the archive's entry synced, its name into hex. 0, or
 * FAIL_LOST with err. */
int journal_keep(struct journal *j, char hex[65], struct diag *err);

/* What <p>publishing says: the publication under way. */
struct publishing {
	char campaign[128], entry[64], journal[65];
	size_t size, spread, final, done; /* bytes of the journal */
};

/* WATCHes <p>publishing and reads it: 1 with *p, 0 if there is none (the
 * WATCH stays for the caller's transaction), FAIL_INVALID if it does not
 * read (the reason in s->err), FAIL_LOST. */
int publishing_watch(struct store *s, struct publishing *p);
/* Whether <p>publishing names journal (no WATCH): 1, 0, or FAIL_LOST
 * (s->err; an error reply too). */
int publishing_names(struct store *s, const char *journal);
/* Adds to t the HSET of <p>publishing that starts publication p. */
void tx_publishing(struct tx *t, const struct publishing *p);
/* Bytes [from, from + len) of a journal, read back from the archive a
 * step at a time; end once they reach its end. */
struct journal_view {
	const char *s;
	size_t from, len;
	bool end;
};

/* The next step after p->done, in v (which holds p->done): whole commands
 * up to `spread` (from before it), `final` (from before it) or the end,
 * at most max bytes but one command at least (from `final`, all). Its
 * end into *to, its commands into *n. 0; 1 if v ends inside it (read
 * more); or FAIL_INVALID if the bytes are no commands. */
int journal_step(const struct journal_view *v, const struct publishing *p,
		 size_t max, size_t *to, size_t *n);

/* The smallest step journal_step_size gives (unless max is smaller). */
#define JOURNAL_STEP_MIN (64u << 10)

/* The size of the step after one of `size` bytes that took took_ms to
 * apply, for steps that take target_ms at most: in proportion after a
 * slower step, at most twice as large after a faster one, and within
 * [JOURNAL_STEP_MIN, max] (max if that is smaller). A target of 0: max.
 * What a byte costs Redis depends on the command (a field added to a
 * large hash costs several times a stream entry's) and on the machine, so
 * a bound in bytes alone is a bound in time on none. */
size_t journal_step_size(size_t size, double took_ms, unsigned target_ms,
			 size_t max);

/* A journal's steps read from the archive. */
struct journal_reader {
	struct archive_reader *a;
	struct strbuf buf; /* holds the view's bytes */
	struct journal_view v;
};

/* Opens journal hex of archive. 0, or as archive_reader_open. */
int journal_reader_open(struct journal_reader *r, const char *archive,
			const char *hex, struct diag *err);
/* The next step after p->done (as journal_step), read: its bytes at
 * journal_at(r, p->done). The last step comes only once the whole journal
 * has been read and found to be the one its name says. 0, or
 * FAIL_INVALID (err: the journal is corrupt or no commands), FAIL_LOST. */
int journal_read_step(struct journal_reader *r, const struct publishing *p,
		      size_t max, size_t *to, size_t *n, struct diag *err);
const char *journal_at(const struct journal_reader *r, size_t at);
void journal_reader_close(struct journal_reader *r);

/* Applies step [p->done, to) of n commands, read by r (journal_read_step
 * with max), if <p>publishing still names p->entry and p->journal at
 * p->done: 0 (p->done = to), or 1 if it says otherwise (*p is what it
 * says, all empty if it is gone), or FAIL_LOST. While Redis applies the
 * step, r reads what the next one needs. */
int journal_apply(struct store *s, struct publishing *p,
		  struct journal_reader *r, size_t max, size_t to, size_t n);

/* Sends the spread commands [0, p->spread) read by r (opened afresh),
 * on a connection of their own while the steps go on: on a cluster as
 * pipelines sent to every master at once (each command to its key's
 * master), on one server as transactions of at most max bytes, sized for
 * target_ms as the steps are. Then waits until a replica of each master
 * that has one holds them (WAIT, so that no failover loses them once the
 * last step says the publication is complete). Before each round, and
 * when *stop is set, it makes sure <p>publishing still names p's journal:
 * 1 when it does not (or *stop). 0 once sent and replicated; FAIL_LOST
 * (s->err); FAIL_INVALID (err): a journal that does not read. The
 * commands are idempotent, so a process that takes a publication up
 * sends them all again. */
int journal_spread(struct store *s, const struct publishing *p,
		   struct journal_reader *r, size_t max, unsigned target_ms,
		   const atomic_bool *stop, struct diag *err);

#endif
