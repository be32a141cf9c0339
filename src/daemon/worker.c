/* The worker's unit of work: a due day's feeds, the credit platform's
 * events, the daily deadline log, the daily pledge verification plan, its
 * own pending entries, results, others' stale entries now and then, then
 * new campaign entries. */
#include "inspect/shell/log.h"
#include "inspect/core/policy.h"
#include "inspect/store/grades.h"
#include "inspect/store/history.h"
#include "inspect/store/migrate.h"
#include "inspect/store/outbox.h"
#include "metrics.h"
#include "worker.h"

#define CLAIM_EVERY 16 /* jobs between two looks at others' stale entries */
#define RELAY_MAX 256  /* outbox entries relayed in one step */

/* Hands adverse results from the outbox to <g>events (outbox.h). Returns
 * 1 if it relayed any, 0 if the outbox was empty, FAIL_LOST. */
static int events_step(struct worker *w)
{
	int n = store_outbox_relay(&w->store, RELAY_MAX);
	if (n == FAIL_REFUSED) { /* logged; tried again next step */
		log_error("events not handed over", "reason=%s",
			  log_quote(diag_reason(&w->store.err)));
		return 0;
	}
	if (n > 0)
		log_debug("events handed over", "count=%d", n);
	return n < 0 ? FAIL_LOST : n > 0;
}

/* Once a day, the visits no cap can count any more leave the history:
 * older than the longest cap looks back from the earliest draw date a
 * campaign may give (max_backdate_days). */
static int history_step(struct worker *w)
{
	if (w->history_pruned == w->today)
		return 0;
	int32_t before = w->today - POLICY_MAX_CAP_DAYS -
			 (int32_t)w->cfg->max_backdate_days;
	long n = history_prune(&w->store, before);
	if (n == FAIL_REFUSED) { /* logged; tried again tomorrow */
		log_error("old visits not removed", "reason=%s",
			  log_quote(diag_reason(&w->store.err)));
		n = 0;
	}
	if (n < 0)
		return FAIL_LOST;
	if (n > 0)
		log_info("old visits removed from the history", "count=%ld",
			 n);
	w->history_pruned = w->today;
	return 0;
}

/* Keys of the layout before hash tags, or buckets of inspections on
 * record and history before theirs (docs/REDIS.md, "Spread over the
 * masters"): nothing is served (nor a new
 * intake group made) until inspectctl migrate has moved them. Returns
 * true (with the connection closed, so that the loop's backoff tries
 * again) while they are there. */
static bool legacy_keys(struct worker *w)
{
	char old[32];
	legacy_prefix(w->cfg->prefix, old);
	int r = store_legacy_layout(&w->store, old);
	if (r == 0) { /* the buckets before they had hash tags of their own */
		r = store_unspread_layout(&w->store);
		snprintf(old, sizeof(old), "%s", w->cfg->prefix);
	}
	if (r > 0) {
		log_error("keys of an older layout are there: run inspectctl "
			  "migrate, then this daemon goes on by itself",
			  "old_prefix=%s prefix=%s", log_quote(old),
			  log_quote(w->cfg->prefix));
		diag_set(&w->store.err,
			 "keys under %s wait for inspectctl migrate", old);
	}
	if (r != 0)
		store_close(&w->store);
	return r != 0;
}

int worker_step(struct worker *w)
{
	const enum key_kind intake = KEY_INTAKE, results = KEY_RESULTS;
	if (!store_connected(&w->store)) {
		if (store_connect(&w->store, w->cfg) < 0)
			return FAIL_LOST;
		if (w->connected_once)
			metric_count(METRIC_REDIS_RECONNECTS, 1);
		w->connected_once = true;
		log_info("connected to redis", "consumer=%s", w->cfg->consumer);
		if (legacy_keys(w))
			return FAIL_LOST;
		if (intake_ensure_group(w, intake) < 0 ||
		    intake_ensure_group(w, results) < 0)
			return FAIL_LOST;
	}
	w->jobs++;
	int r = feeds_step(w); /* a due day's feeds come before new work */
	if (r == 1)
		metric_count(METRIC_FEEDS_DELIVERED, 1);
	if (r == 0)
		r = events_step(w);
	if (r == 0)
		r = overdue_step(w);
	if (r == 0)
		r = history_step(w);
	if (r == 0)
		r = pledges_step(w);
	if (r == 0)
		r = plans_step(w);
	if (r == 0) /* ours, left pending */
		r = intake_read(w, intake, "0", 0, process_entry);
	if (r == 0)
		r = intake_read(w, results, "0", 0, process_result);
	if (r == 0) /* results are small: one before each campaign */
		r = intake_read(w, results, ">", 0, process_result);
	if (r != 0)
		return r;
	if (w->jobs - w->claimed_at >= CLAIM_EVERY) {
		w->claimed_at = w->jobs;
		r = intake_claim(w, intake);
		if (r == 0)
			r = intake_claim(w, results);
		if (r != 0)
			return r < 0 ? r : 1;
	}
	return intake_read(w, intake, ">", w->cfg->block_ms, process_entry);
}
