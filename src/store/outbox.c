#include "inspect/store/outbox.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/store/grades.h"
#include "inspect/store/keys.h"

/* Stream ids "ms-seq" in order; a malformed one sorts first. */
static int id_cmp(const char *a, const char *b)
{
	unsigned long long x[2] = {0, 0}, y[2] = {0, 0};
	const char *da = strchr(a, '-'), *db = strchr(b, '-');
	if (!da || !db || !number_parse(a, (size_t)(da - a), ~0ULL, &x[0]) ||
	    !number_parse_str(da + 1, ~0ULL, &x[1]) ||
	    !number_parse(b, (size_t)(db - b), ~0ULL, &y[0]) ||
	    !number_parse_str(db + 1, ~0ULL, &y[1]))
		return strcmp(a, b);
	for (int i = 0; i < 2; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* The last id of <g>events ("0-0" if it is empty). */
static int last_event(struct store *s, const char *events, char out[48])
{
	redisReply *r = store_runv(s, "XREVRANGE", events, "+", "-", "COUNT",
				   "1", NULL);
	if (!r)
		return FAIL_LOST;
	snprintf(out, 48, "0-0");
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1)
		snprintf(out, 48, "%s", r->element[0]->element[0]->str);
	freeReplyObject(r);
	return 0;
}

/* Whether <g>events holds an entry of this id: 1, 0, or FAIL_LOST. */
static int has_event(struct store *s, const char *events, const char *id)
{
	redisReply *r = store_runv(s, "XRANGE", events, id, id, NULL);
	if (!r)
		return FAIL_LOST;
	int found = r->type == REDIS_REPLY_ARRAY && r->elements == 1;
	freeReplyObject(r);
	return found;
}

/* An entry no newer than <g>events' last: relayed before, if <g>events
 * holds its id; else something other than the relay wrote a newer id to
 * <g>events, and the entry is kept in the outbox (FAIL_REFUSED), never
 * dropped. */
static int relayed_before(struct store *s, const char *events,
			  const char *id)
{
	int has = has_event(s, events, id);
	if (has == 0)
		diag_set(&s->err,
			 "outbox entry %.40s is older "
			 "than the last of %.100s and not in it: something "
			 "else writes there; it stays in the outbox",
			 id, events);
	return has < 0 ? has : has ? 0 : FAIL_REFUSED;
}

static int relay_one(struct store *s, const char *events,
		     const redisReply *entry)
{
	const redisReply *fields = entry->element[1];
	struct args a;
	args_init(&a);
	args_add(&a, "XADD");
	args_add(&a, events);
	args_add(&a, entry->element[0]->str);
	for (size_t i = 0; fields->type == REDIS_REPLY_ARRAY &&
			   i < fields->elements;
	     i++)
		args_addn(&a, fields->element[i]->str, fields->element[i]->len);
	redisReply *r = store_run(s, &a);
	args_finish(&a);
	if (!r)
		return FAIL_LOST;
	/* "equal or smaller than the target stream top item": another relay
	 * handed it over first, if <g>events holds it. */
	bool smaller = r->type == REDIS_REPLY_ERROR &&
		       strstr(r->str, "equal or smaller");
	int rc = r->type == REDIS_REPLY_ERROR && !smaller ? FAIL_REFUSED : 0;
	if (rc)
		diag_set(&s->err, "%s: %s", events, r->str);
	freeReplyObject(r);
	return smaller ? relayed_before(s, events, entry->element[0]->str)
		       : rc;
}

/* An event handed to <g>events (another master) must not outlive the
 * result that made it: if a failover lost that transaction, the entry
 * would be answered again and its event sent twice. So the relay first
 * waits until a replica holds the transactions that wrote the outbox
 * (store_on_a_replica; not yet: tried again at the next step). */
int store_outbox_relay(struct store *s, size_t max)
{
	char outbox[160], events[160], last[48], count[24];
	key_name(outbox, sizeof(outbox), s->cfg, KEY_OUTBOX, NULL, NULL);
	key_name(events, sizeof(events), s->cfg, KEY_GRADES_EVENTS, NULL,
		 NULL);
	snprintf(count, sizeof(count), "%zu", max);
	redisReply *r = store_runv(s, "XRANGE", outbox, "-", "+", "COUNT",
				   count, NULL);
	if (!r)
		return FAIL_LOST;
	if (r->type == REDIS_REPLY_ERROR) {
		diag_set(&s->err, "%.60s: %.180s", outbox, r->str);
		freeReplyObject(r);
		return FAIL_REFUSED;
	}
	size_t n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
	int rc = n ? store_on_a_replica(s, "the outbox's transactions") : 0;
	if (rc == 0 && n)
		rc = last_event(s, events, last);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *id = r->element[i]->element[0]->str;
		rc = id_cmp(id, last) > 0 ? relay_one(s, events, r->element[i])
					  : relayed_before(s, events, id);
	}
	struct args del;
	args_init(&del);
	args_add(&del, "XDEL");
	args_add(&del, outbox);
	for (size_t i = 0; rc == 0 && i < n; i++)
		args_add(&del, r->element[i]->element[0]->str);
	redisReply *d = rc == 0 && n ? store_run(s, &del) : NULL;
	if (rc == 0 && n && !d)
		rc = FAIL_LOST;
	freeReplyObject(d);
	args_finish(&del);
	freeReplyObject(r);
	return rc < 0 ? rc : (int)n;
}
