/* A publication in bounded steps (inspect/store/journal.h; docs/REDIS.md,
 * "Publication in steps"): started after the draw (publish.c), finished
 * by whoever finds it under way. */
#include <stdio.h>
#include <string.h>

#include "answer.h"
#include "spreader.h"
#include "inspect/shell/clock.h"
#include "inspect/shell/log.h"
#include "inspect/store/journal.h"
#include "inspect/store/ops.h"

/* A publication whose `done` has not moved for this long is finished by
 * the process that waits for it: its own is dead, or cut off. */
#define STALLED_S 10.0

/* <p>publishing no longer names entry: whether its record says its
 * publication is finished (0), or it was lost with its start, in a
 * failover (FAIL_LOST: the entry, still pending, is drawn again). */
static int finished(struct worker *w, const char *campaign,
		    const char *entry)
{
	redisReply *r = store_hget(&w->store, KEY_CAMPAIGN, campaign,
				   "published_entry");
	if (!r)
		return FAIL_LOST;
	bool done = r->type == REDIS_REPLY_STRING && !strcmp(r->str, entry);
	freeReplyObject(r);
	if (!done)
		diag_set(&w->store.err, "the publication of campaign %s was "
			 "lost with its start (a failover): its entry is "
			 "drawn again", campaign);
	return done ? 0 : FAIL_LOST;
}

static void remove_journal(struct worker *w, const char *hex)
{
	struct diag err;
	diag_init(&err);
	if (archive_remove(w->cfg->archive, ARCHIVE_JOURNAL, hex, &err) < 0)
		log_warn("a finished publication's journal stays",
			 "reason=%s", log_quote(diag_reason(&err)));
}

/* Says that the publication p cannot go on, and why. */
static int cannot_go_on(struct worker *w, const struct publishing *p,
			struct diag *err)
{
	diag_set(&w->store.err, "the publication of campaign %s cannot go "
		 "on: %.300s", p->campaign, diag_reason(err));
	log_error("a publication under way cannot go on",
		  "campaign=%s entry=%s reason=%s", p->campaign, p->entry,
		  log_quote(diag_reason(err)));
	return FAIL_LOST;
}

/* Before the last step: the spread commands sent and on a replica. 0,
 * or as apply_steps. */
static int spread_complete(struct worker *w, struct publishing *p,
			   struct spreader *sp)
{
	double t0 = clock_seconds();
	int r = spreader_end(sp, false);
	w->t.spread = sp->seconds;
	w->t.spread_wait = clock_seconds() - t0;
	if (r == FAIL_INVALID)
		return cannot_go_on(w, p, &sp->err);
	if (r == FAIL_LOST) {
		diag_set(&w->store.err, "spread commands: %.300s",
			 diag_reason(&sp->err));
		return FAIL_LOST;
	}
	if (r == 0)
		return 0;
	/* It saw <p>publishing name another journal, or none: the step
	 * finds why, unless it names this one again (a start lost in a
	 * failover, and the same draw started again): then they were not
	 * all sent, and the last step must not go. */
	int named = publishing_names(&w->store, p->journal);
	if (named == 1)
		diag_set(&w->store.err, "the publication of campaign %s went "
			 "on while its spread commands had stopped",
			 p->campaign);
	return named == 0 ? 0 : FAIL_LOST;
}

/* Applies the journal's steps from p->done to the end, read back from
 * jr a step at a time, the last one once sp has sent the spread
 * commands. 0 when the last step is applied, here or by another process;
 * FAIL_CONFLICT when the entry's publication is another journal now (its
 * start was lost in a failover and it was drawn again); FAIL_LOST. */
static int apply_steps(struct worker *w, struct publishing *p,
		       struct journal_reader *jr, struct spreader *sp)
{
	char entry[sizeof(p->entry)], campaign[sizeof(p->campaign)];
	char journal[sizeof(p->journal)];
	size_t max = (size_t)w->cfg->publication_step_kib << 10, steps = 0;
	size_t size = max, total = p->size;
	memcpy(entry, p->entry, sizeof(entry));
	memcpy(campaign, p->campaign, sizeof(campaign));
	memcpy(journal, p->journal, sizeof(journal));
	for (;;) {
		size_t to, n = 0;
		struct diag err;
		diag_init(&err);
		double t0 = clock_seconds();
		size_t done = p->done;
		int r;
		if (done < p->spread) { /* started before the spread commands
					 * went beside the steps: skip them */
			to = p->spread;
		} else if (done >= p->final &&
			   (r = spread_complete(w, p, sp)) < 0) {
			return r;
		} else if (journal_read_step(jr, p, size, &to, &n, &err) < 0) {
			return cannot_go_on(w, p, &err);
		}
		r = journal_apply(&w->store, p, jr, size, to, n);
		if (r < 0)
			return r;
		if (r == 0 && n) { /* so that no step holds Redis long */
			steps++;
			size = journal_step_size(
			    to - done, (clock_seconds() - t0) * 1e3,
			    w->cfg->publication_step_ms, max);
		}
		bool gone = r == 1 && strcmp(p->journal, journal) != 0;
		if (gone && strcmp(p->entry, entry) == 0)
			return FAIL_CONFLICT; /* its start was lost, and the
					       * entry drawn again elsewhere */
		if ((r == 0 && to == p->size) ||
		    (gone && finished(w, campaign, entry) == 0)) {
			log_info("publication steps applied",
				 "entry=%s steps=%zu journal_kib=%zu", entry,
				 steps, total >> 10);
			return 0;
		}
		if (gone)
			return FAIL_LOST;
	}
}

/* The steps of publication p, its spread commands beside them, then its
 * journal removed if they are all applied. */
static int run_steps(struct worker *w, struct publishing *p)
{
	char journal[sizeof(p->journal)];
	struct journal_reader jr;
	struct spreader sp;
	struct diag err;
	diag_init(&err);
	memcpy(journal, p->journal, sizeof(journal));
	if (journal_reader_open(&jr, w->cfg->archive, journal, &err) < 0)
		return cannot_go_on(w, p, &err);
	spreader_begin(&sp, w->cfg, p);
	int r = apply_steps(w, p, &jr, &sp);
	spreader_end(&sp, true); /* ended already, unless the steps failed */
	journal_reader_close(&jr);
	if (r == 0)
		remove_journal(w, journal);
	return r;
}

int publication_start(struct worker *w, const struct answer *a,
		      struct journal *j)
{
	/* The steps start past the spread commands: those go beside. */
	struct publishing p = {.size = j->size,
			       .spread = j->spread,
			       .final = j->final,
			       .done = j->spread};
	struct diag err;
	diag_init(&err);
	if (j->failed) {
		diag_set(&w->store.err, "publish: %s", j->why);
		return FAIL_LOST;
	}
	struct tx t;
	if (!j->out && !j->spread) {
		/* One step: one transaction under the draw's WATCHes, as a
		 * publication always was; no journal to keep. (Spread
		 * commands cannot join it: they go to other masters.) */
		double t0 = clock_seconds();
		tx_begin(&t, &w->store);
		tx_raw(&t, j->buf, j->len, j->commands);
		int r = answer_commit(w, &t, "publish");
		w->t.keep = w->t.spread = w->t.spread_wait = 0;
		w->t.steps = clock_seconds() - t0;
		return r;
	}
	snprintf(p.campaign, sizeof(p.campaign), "%s", a->c->id);
	snprintf(p.entry, sizeof(p.entry), "%s", a->entry_id);
	/* Archived whole before the transaction that names it: whoever
	 * finds <p>publishing finds its journal. */
	double t0 = clock_seconds();
	if (journal_keep(j, p.journal, &err) < 0) {
		diag_set(&w->store.err, "%s", diag_reason(&err));
		return FAIL_LOST;
	}
	w->t.keep = clock_seconds() - t0;
	w->t.spread = w->t.spread_wait = 0;
	t0 = clock_seconds();
	/* Under the draw's WATCHes, and none under way since. */
	struct publishing other;
	int r = publishing_watch(&w->store, &other);
	if (r != 0)
		return r == 1 ? FAIL_CONFLICT : FAIL_LOST;
	tx_begin(&t, &w->store);
	tx_publishing(&t, &p);
	r = answer_commit(w, &t, "publish");
	if (r == 0)
		r = run_steps(w, &p);
	w->t.steps = clock_seconds() - t0;
	return r;
}

/* Finishes publication p from its archived journal, checked whole first:
 * no step of a journal that is not the one its name says is applied. */
static int resume(struct worker *w, struct publishing *p)
{
	struct diag err;
	diag_init(&err);
	if (archive_check(w->cfg->archive, ARCHIVE_JOURNAL, p->journal,
			  &err) < 0)
		return cannot_go_on(w, p, &err);
	log_info("publication resumed", "campaign=%s entry=%s done=%zu "
		 "size=%zu", p->campaign, p->entry, p->done, p->size);
	return run_steps(w, p);
}

/* Whether p has not moved for STALLED_S as this worker watched it. */
static bool stalled(struct worker *w, const struct publishing *p)
{
	double now = clock_seconds();
	if (strcmp(w->awaited.entry, p->entry) || w->awaited.done != p->done) {
		if (strcmp(w->awaited.entry, p->entry))
			log_info("waiting for a publication under way",
				 "campaign=%s entry=%s done=%zu size=%zu",
				 p->campaign, p->entry, p->done, p->size);
		snprintf(w->awaited.entry, sizeof(w->awaited.entry), "%s",
			 p->entry);
		w->awaited.done = p->done;
		w->awaited.since = now;
		return false;
	}
	return now - w->awaited.since >= STALLED_S;
}

int publication_gate(struct worker *w, const char *entry_id)
{
	struct publishing p;
	int r = publishing_watch(&w->store, &p);
	w->awaiting = r != 0;
	if (r == 0)
		return 1;
	if (r < 0)
		return FAIL_LOST;
	bool ours = strcmp(p.entry, entry_id) == 0;
	if (store_unwatch(&w->store) == FAIL_LOST)
		return FAIL_LOST;
	if (!ours && !stalled(w, &p))
		return FAIL_CONFLICT; /* waits, a short pause at a time */
	r = resume(w, &p);
	if (r == 0 && ours)
		w->awaiting = false; /* answered: the last step acked it */
	return r == 0 && !ours ? FAIL_CONFLICT : r;
}
