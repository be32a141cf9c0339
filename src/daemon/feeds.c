/* Inspectors' daily feeds: at feed_hour of each day, that day's visits
 * (<p>day:<date>) go to every member's <p>feed:<id>, in one transaction
 * that also deletes the day's plan and takes the day off <p>days, so that
 * each visit reaches each member once, after a crash or with several
 * instances; a day missed while the daemon was down is delivered when it
 * is back, and visits planned later for a day already delivered go out
 * at the next step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/shell/log.h"
#include "inspect/store/journal.h"
#include "inspect/store/ops.h"
#include "worker.h"

#define SEP "\x1f"

/* The last day whose feeds are due: today once its hour has come. */
static int32_t due_day(const struct worker *w)
{
	return w->hour >= (int)w->cfg->feed_hour ? w->today : w->today - 1;
}

/* One visit, "<name>SEP<address>SEP<items>SEP<ids>SEP<team>", to each of
 * its members' feeds. */
static void add_visit(struct worker *w, struct tx *t, const char *day,
		      const redisReply *field, const redisReply *value)
{
	char f[128], v[8192], *part[5] = {0};
	snprintf(f, sizeof(f), "%s", field->str);
	snprintf(v, sizeof(v), "%s", value->str);
	char *bar = strchr(f, '|'), *save = NULL;
	if (!bar)
		return;
	*bar = '\0';
	part[0] = v;
	for (int i = 1; i < 5; i++) {
		char *s = strstr(part[i - 1], SEP);
		if (!s)
			return;
		*s = '\0';
		part[i] = s + 1;
	}
	for (char *id = strtok_r(part[3], ";", &save); id;
	     id = strtok_r(NULL, ";", &save)) {
		const struct kv entry[] = {
			KV("campaign", f),	KV("date", day),
			KV("uscc", bar + 1),	KV("name", part[0]),
			KV("address", part[1]), KV("items", part[2]),
			KV("team", part[4])};
		tx_xadd(t, KEY_FEED, id, entry, 7);
	}
}

static int deliver(struct worker *w, const char *d)
{
	/* A publication under way has not written all its day plans: the
	 * feeds wait for it, and a publication that starts while they are
	 * read fails their EXEC (the WATCH). */
	struct publishing p;
	int r = publishing_watch(&w->store, &p);
	if (r != 0)
		return r < 0 ? FAIL_LOST
			     : store_unwatch(&w->store) == FAIL_LOST ? FAIL_LOST
								     : 0;
	redisReply *plan = store_watch(&w->store, KEY_DAY, d) == 0
				   ? store_hgetall(&w->store, KEY_DAY, d)
				   : NULL;
	if (!plan)
		return FAIL_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	size_t visits = 0;
	for (size_t i = 0; plan->type == REDIS_REPLY_ARRAY &&
			   i + 1 < plan->elements; i += 2, visits++)
		add_visit(w, &t, d, plan->element[i], plan->element[i + 1]);
	freeReplyObject(plan);
	tx_del(&t, KEY_DAY, d);
	tx_zrem(&t, KEY_DAYS, d);
	int rc = tx_commit(&t); /* FAIL_CONFLICT: another instance did */
	if (rc < 0 && rc != FAIL_CONFLICT) {
		diag_set(&w->store.err, "feeds: %.200s", diag_reason(&t.why));
		return FAIL_LOST;
	}
	if (rc == 0)
		log_info("feeds delivered", "date=%s visits=%zu", d, visits);
	int32_t day;
	/* Planned on a provisional calendar, then made a holiday by the
	 * State Council's notice: the plan stands (it is published and
	 * verifiable), and the department is told. */
	if (rc == 0 && visits && date_parse(d, 10, &day) &&
	    calendar_is_working(&w->cat->calendar, day) == 0)
		log_warn("visits delivered for a day that is not a working day "
			 "by the calendars now loaded", "date=%s visits=%zu", d,
			 visits);
	return 1; /* delivered, or another instance did */
}

int feeds_step(struct worker *w)
{
	int32_t due = due_day(w);
	redisReply *r = store_zfirst_in(
		&w->store, KEY_DAYS,
		(long long)due - (long long)w->cfg->feed_catch_up_days + 1,
		due);
	if (!r)
		return FAIL_LOST;
	char d[16] = "";
	if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->len == 10)
		memcpy(d, r->element[0]->str, 11);
	freeReplyObject(r);
	return d[0] ? deliver(w, d) : 0;
}
