/* Reading the intake and results streams as a member of their consumer
 * groups. */
#include <stdio.h>
#include <string.h>

#include "inspect/shell/log.h"
#include "inspect/store/ops.h"
#include "metrics.h"
#include "worker.h"

#define FLOOD_COUNT 64 /* intake entries read at once after junk */
#define JUNK_MAX 64

size_t entry_fields(const redisReply *fields, struct entry_field *f)
{
	size_t n = 0;
	for (size_t i = 0; fields && fields->type == REDIS_REPLY_ARRAY &&
			   i + 1 < fields->elements && n <= CAMPAIGN_MAX_FIELDS;
	     i += 2)
		f[n++] = (struct entry_field){
			fields->element[i]->str, fields->element[i + 1]->str,
			fields->element[i]->len, fields->element[i + 1]->len};
	return n;
}

int intake_ensure_group(struct worker *w, enum key_kind stream)
{
	int r = store_group_create(&w->store, stream);
	if (r == FAIL_REFUSED)
		log_warn("cannot create the intake group", "reason=%s",
			 log_quote(diag_reason(&w->store.err)));
	return r == FAIL_LOST ? FAIL_LOST : 0;
}

/* Handles the first entry of an XREADGROUP/XAUTOCLAIM entry list. Returns
 * 1 if there was one, 0 if none. */
static int handle_first(struct worker *w, const redisReply *entries,
			entry_handler handle)
{
	if (!entries || entries->type != REDIS_REPLY_ARRAY ||
	    entries->elements == 0)
		return 0;
	const redisReply *e = entries->element[0];
	if (e->type != REDIS_REPLY_ARRAY || e->elements < 2)
		return 0;
	const char *id = e->element[0]->str;
	const redisReply *fields = e->element[1];
	/* A deleted entry comes back without fields: answer it as empty. */
	if (fields->type != REDIS_REPLY_ARRAY)
		fields = NULL;
	if (strcmp(w->failing, id) != 0)
		w->failures = 0;
	if (w->failures >= ENTRY_MAX_FAILURES) {
		log_error("entry refused after repeated failures",
			  "entry=%s "
			  "reason=%s",
			  id, log_quote(diag_reason(&w->store.err)));
		w->failures = 0;
		struct diag why;
		diag_init(&why);
		diag_add(&why, "could not be answered after %d attempts: "
			 "%.300s", ENTRY_MAX_FAILURES,
			 diag_reason(&w->store.err));
		int r = handle == process_entry
			    ? answer_unprocessable(w, id, fields, &why)
			    : result_unprocessable(w, id, fields, &why);
		if (r == 0 && handle == process_result)
			metric_count(METRIC_RESULTS_ANSWERED, 1);
		return r == 0 ? 1 : FAIL_LOST;
	}
	/* While a campaign is drawn and published, the dashboard leaves the
	 * big reads for later (inspectd.c, board_job). */
	atomic_store(&w->drawing, handle == process_entry);
	w->awaiting = false;
	int r = handle(w, id, fields);
	atomic_store(&w->drawing, false);
	if (r == 0 && handle == process_result) /* accepted, or refused */
		metric_count(METRIC_RESULTS_ANSWERED, 1);
	if (r < 0 && r != FAIL_CONFLICT && !w->awaiting &&
	    store_connected(&w->store)) {
		/* Not a lost connection: the entry itself fails. */
		snprintf(w->failing, sizeof(w->failing), "%s", id);
		w->failures++;
	}
	return r == 0 ? 1 : r;
}

/* Junk at the head of an intake read (entries that are no valid entry at
 * all) is answered in one transaction, so that a flood of it costs one
 * round trip and one fsync per read, not per entry, and a good entry
 * behind it waits little. Returns how many were answered (0 if the first
 * entry is not junk), or FAIL_LOST. Reads are of one entry, and of
 * FLOOD_COUNT only while the last one was junk: the entries after the
 * first good one of such a read stay pending with this instance (the next
 * step reads them first), so only a flood pins up to FLOOD_COUNT entries
 * to one instance, not every read. */
static int answer_junk_prefix(struct worker *w, const redisReply *entries)
{
	struct junk j[JUNK_MAX];
	size_t n = 0;
	for (size_t i = 0; entries && entries->type == REDIS_REPLY_ARRAY &&
			   i < entries->elements && n < JUNK_MAX; i++) {
		const redisReply *e = entries->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2)
			break;
		const redisReply *fields = e->element[1];
		j[n].entry_id = e->element[0]->str;
		if (!entry_is_junk(fields->type == REDIS_REPLY_ARRAY ? fields
								     : NULL,
				   &j[n]))
			break;
		n++;
	}
	if (n == 0)
		return 0;
	int r = answer_junk(w, j, n);
	return r == 0 ? (int)n : r;
}

int intake_read(struct worker *w, enum key_kind stream, const char *from,
		int block_ms, entry_handler handle)
{
	unsigned count = handle == process_entry && w->junk_read ? FLOOD_COUNT
								 : 1;
	redisReply *r = store_read_group(&w->store, stream, w->cfg->consumer,
					 from, count, block_ms);
	if (!r)
		return FAIL_LOST;
	int rc = 0;
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "LOADING", 7) == 0) {
		/* Redis is back but still loading: wait, with the backoff. */
		diag_set(&w->store.err, "%s", r->str);
		rc = FAIL_LOST;
	} else if (r->type == REDIS_REPLY_ERROR) {
		log_warn("stream read refused", "stream=%s reason=%s",
			 key_specs[stream].doc, log_quote(r->str));
		if (strncmp(r->str, "NOGROUP", 7) == 0)
			rc = intake_ensure_group(w, stream);
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements > 0) {
		/* [[stream, [entries]]] */
		const redisReply *entries = r->element[0]->element[1];
		if (handle == process_entry && !strcmp(from, ">") &&
		    entries->type == REDIS_REPLY_ARRAY)
			metric_count(METRIC_ENTRIES_TAKEN, entries->elements);
		rc = handle == process_entry ? answer_junk_prefix(w, entries)
					     : 0;
		if (handle == process_entry && entries->type == REDIS_REPLY_ARRAY &&
		    entries->elements > 0)
			w->junk_read = rc > 0;
		/* Nothing junk, or the batch failed with Redis up: one entry
		 * at a time, where repeated failures are counted. */
		if (rc == 0 || (rc < 0 && store_connected(&w->store)))
			rc = handle_first(w, entries, handle);
		else if (rc > 0)
			rc = 1;
	}
	freeReplyObject(r);
	return rc;
}

int intake_claim(struct worker *w, enum key_kind stream)
{
	redisReply *r = store_claim(&w->store, stream, w->cfg->consumer,
				    w->cfg->claim_idle_ms);
	if (!r)
		return FAIL_LOST;
	int n = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
			r->element[1]->type == REDIS_REPLY_ARRAY
		? (int)r->element[1]->elements : 0;
	if (n > 0)
		log_info("claimed a stale entry", "stream=%s entry=%s",
			 key_specs[stream].doc, r->element[1]->element[0]->str);
	freeReplyObject(r);
	return n;
}
