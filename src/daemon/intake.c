/* Reading the intake stream as a member of the consumer group. */
#include <stdio.h>
#include <string.h>

#include "inspect/log.h"
#include "worker.h"

#define CLAIM_EVERY 16 /* jobs between two looks at others' stale entries */

static int ensure_group(struct worker *w, const char *intake)
{
	redisReply *r = store_runv(&w->store, "XGROUP", "CREATE", intake,
				   INTAKE_GROUP, "0", "MKSTREAM", NULL);
	if (!r)
		return ENTRY_LOST;
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "BUSYGROUP", 9))
		log_warn("cannot create the intake group", "reason=%s",
			 log_quote(r->str));
	freeReplyObject(r);
	return 0;
}

/* Handles the first entry of an XREADGROUP/XAUTOCLAIM entry list. Returns
 * 1 if there was one, 0 if none. */
static int handle_first(struct worker *w, const redisReply *entries)
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
		log_error("entry refused after repeated failures", "entry=%s "
			  "reason=%s", id, log_quote(w->store.err));
		w->failures = 0;
		return answer_unprocessable(w, id, fields) == ENTRY_DONE
			       ? 1 : ENTRY_LOST;
	}
	int r = process_entry(w, id, fields);
	if (r != ENTRY_DONE && store_connected(&w->store)) {
		/* Not a lost connection: the entry itself fails. */
		snprintf(w->failing, sizeof(w->failing), "%s", id);
		w->failures++;
	}
	return r == ENTRY_DONE ? 1 : ENTRY_LOST;
}

static int read_group(struct worker *w, const char *intake, const char *from,
		      int block_ms)
{
	char block[16];
	snprintf(block, sizeof(block), "%d", block_ms);
	redisReply *r = block_ms
		? store_runv(&w->store, "XREADGROUP", "GROUP", INTAKE_GROUP,
			     w->cfg->consumer, "COUNT", "1", "BLOCK", block,
			     "STREAMS", intake, from, NULL)
		: store_runv(&w->store, "XREADGROUP", "GROUP", INTAKE_GROUP,
			     w->cfg->consumer, "COUNT", "1", "STREAMS",
			     intake, from, NULL);
	if (!r)
		return ENTRY_LOST;
	int rc = 0;
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "LOADING", 7) == 0) {
		/* Redis is back but still loading: wait, with the backoff. */
		snprintf(w->store.err, sizeof(w->store.err), "%s", r->str);
		rc = ENTRY_LOST;
	} else if (r->type == REDIS_REPLY_ERROR) {
		log_warn("intake read refused", "reason=%s", log_quote(r->str));
		if (strncmp(r->str, "NOGROUP", 7) == 0)
			rc = ensure_group(w, intake);
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements > 0) {
		/* [[stream, [entries]]] */
		rc = handle_first(w, r->element[0]->element[1]);
	}
	freeReplyObject(r);
	return rc;
}

/* Takes over one entry another consumer left idle too long; it is then
 * ours, and read as our own pending entry. */
static int claim(struct worker *w, const char *intake)
{
	char idle[16];
	snprintf(idle, sizeof(idle), "%d", w->cfg->claim_idle_ms);
	redisReply *r = store_runv(&w->store, "XAUTOCLAIM", intake,
				   INTAKE_GROUP, w->cfg->consumer, idle, "0-0",
				   "COUNT", "1", "JUSTID", NULL);
	if (!r)
		return ENTRY_LOST;
	int n = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
			r->element[1]->type == REDIS_REPLY_ARRAY
		? (int)r->element[1]->elements : 0;
	if (n > 0)
		log_info("claimed a stale entry", "entry=%s",
			 r->element[1]->element[0]->str);
	freeReplyObject(r);
	return n;
}

int worker_step(struct worker *w)
{
	char intake[128];
	store_key(intake, sizeof(intake), w->cfg->prefix, "intake");
	if (!store_connected(&w->store)) {
		if (store_connect(&w->store, w->cfg) < 0)
			return ENTRY_LOST;
		log_info("connected to redis", "consumer=%s", w->cfg->consumer);
		if (ensure_group(w, intake) < 0)
			return ENTRY_LOST;
	}
	w->jobs++;
	int r = feeds_step(w); /* a due day's feeds come before new work */
	if (r != 0)
		return r;
	r = read_group(w, intake, "0", 0); /* ours, left pending */
	if (r != 0)
		return r;
	if (w->jobs - w->claimed_at >= CLAIM_EVERY) {
		w->claimed_at = w->jobs;
		r = claim(w, intake);
		if (r != 0)
			return r < 0 ? r : 1;
	}
	return read_group(w, intake, ">", w->cfg->block_ms);
}
