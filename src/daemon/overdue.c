/* Once a day, the log of the published campaigns whose results are late
 * or due soon. */
#include <stdint.h>

#include "inspect/core/number.h"
#include "inspect/core/results.h"
#include "inspect/shell/log.h"
#include "inspect/store/keys.h"
#include "inspect/store/campaign_view.h"
#include "inspect/store/grades.h"
#include "inspect/store/ops.h"
#include "worker.h"

#define OVERDUE_WARN_DAYS 5 /* working days before a deadline */

/* One campaign's line of the daily deadline log, if it has results late
 * or due within OVERDUE_WARN_DAYS working days. */
static int log_deadlines(struct worker *w, const char *id)
{
	struct campaign_view v;
	struct diag err;
	size_t counts[RESULT_STATUSES];
	static const char *const fields[] = {"results", "selected"};
	diag_init(&err);
	/* A campaign with every result in has nothing due: its visits are
	 * not read. */
	redisReply *n = store_hmget(&w->store, KEY_CAMPAIGN, id, fields, 2);
	if (!n)
		return FAIL_LOST;
	const char *in = reply_str(n, 0), *all = reply_str(n, 1);
	unsigned long long got, want;
	bool complete = in && all && number_parse_str(in, SIZE_MAX, &got) &&
			number_parse_str(all, SIZE_MAX, &want) && got >= want;
	freeReplyObject(n);
	if (complete)
		return 0;
	int r = campaign_view_read(&w->store, id, &v, &err);
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0)
		return 0; /* not published (any more): nothing is due */
	const struct deadline_day on = {&w->cat->calendar, w->today,
					OVERDUE_WARN_DAYS};
	if (campaign_view_deadlines(&v, &on, counts, NULL, NULL) < 0)
		log_error("campaign visits unreadable", "campaign=%s", id);
	else if (counts[RESULT_OVERDUE] || counts[RESULT_AT_RISK] ||
		 counts[RESULT_NO_CALENDAR])
		log_warn("results due", "campaign=%s overdue=%zu at_risk=%zu "
			 "pending=%zu late=%zu on_time=%zu no_calendar=%zu",
			 id, counts[RESULT_OVERDUE], counts[RESULT_AT_RISK],
			 counts[RESULT_PENDING], counts[RESULT_LATE],
			 counts[RESULT_ON_TIME], counts[RESULT_NO_CALENDAR]);
	campaign_view_finish(&v);
	return 0;
}

int overdue_step(struct worker *w)
{
	if (w->overdue_logged == w->today)
		return 0;
	redisReply *ids = store_smembers(&w->store, KEY_PUBLISHED);
	if (!ids)
		return FAIL_LOST;
	int rc = 0;
	for (size_t i = 0; rc == 0 && ids->type == REDIS_REPLY_ARRAY &&
			   i < ids->elements;
	     i++)
		rc = log_deadlines(w, ids->element[i]->str);
	freeReplyObject(ids);
	if (rc == 0)
		w->overdue_logged = w->today;
	return rc;
}
