/* Once a day, the log of the published campaigns whose results are late
 * or due soon, and, with reminder_days configured, the day's reminders
 * on <p>reminders, exactly once (docs/REDIS.md, "Reminders"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/core/results.h"
#include "inspect/shell/log.h"
#include "inspect/store/keys.h"
#include "inspect/store/campaign_view.h"
#include "inspect/store/grades.h"
#include "inspect/store/ops.h"
#include "inspect/store/tx.h"
#include "answer.h"
#include "worker.h"

#define OVERDUE_WARN_DAYS 5 /* working days before a deadline */

/* A campaign's reminder of the day. */
struct reminder {
	char campaign[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	size_t overdue, at_risk, in_review, follow_ups_late;
	int32_t next_deadline;
};

struct deadline_scan {
	struct reminder *r;
	int32_t today;
};

static void earliest(const struct campaign_row *row,
		     const struct planned_visit *visit,
		     enum result_status status, int32_t deadline, void *ctx)
{
	struct reminder *r = ctx;
	if ((status == RESULT_PENDING || status == RESULT_AT_RISK ||
	     status == RESULT_OVERDUE) && deadline != DATE_NONE &&
	    (r->next_deadline == DATE_NONE || deadline < r->next_deadline))
		r->next_deadline = deadline;
}

/* One campaign's line of the daily deadline log, if it has results late
 * or due within OVERDUE_WARN_DAYS working days; its reminder into rem (when
 * not NULL) if it has one to send. Returns 1 with a reminder, 0, or
 * FAIL_LOST. */
static int log_deadlines(struct worker *w, const char *id,
			 struct reminder *rem)
{
	struct campaign_view v;
	struct diag err;
	size_t counts[RESULT_STATUSES];
	static const char *const fields[] = {"results", "selected"};
	diag_init(&err);
	/* A campaign with every result in has nothing due (a follow-up aside,
	 * which only reminders look for): its visits are not read. */
	redisReply *n = store_hmget(&w->store, KEY_CAMPAIGN, id, fields, 2);
	if (!n)
		return FAIL_LOST;
	const char *in = reply_str(n, 0), *all = reply_str(n, 1);
	unsigned long long got, want;
	bool complete = in && all && number_parse_str(in, SIZE_MAX, &got) &&
			number_parse_str(all, SIZE_MAX, &want) && got >= want;
	freeReplyObject(n);
	if (complete && !rem)
		return 0;
	int r = campaign_view_read(&w->store, id, &v, &err);
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0)
		return 0; /* not published (any more): nothing is due */
	unsigned within = rem && w->cfg->reminder_days ? w->cfg->reminder_days
						       : OVERDUE_WARN_DAYS;
	const struct deadline_day on = {&w->cat->calendar, w->today, within};
	struct reminder x = {.next_deadline = DATE_NONE};
	size_t open;
	int found = 0;
	if (campaign_view_deadlines(&v, &on, counts, earliest, &x) < 0 ||
	    campaign_view_follow_ups(&v, w->today, &open, &x.follow_ups_late,
				     NULL, NULL) < 0) {
		log_error("campaign visits unreadable", "campaign=%s", id);
	} else {
		if (counts[RESULT_OVERDUE] || counts[RESULT_AT_RISK] ||
		    counts[RESULT_NO_CALENDAR])
			log_warn("results due", "campaign=%s overdue=%zu "
				 "at_risk=%zu pending=%zu late=%zu on_time=%zu "
				 "no_calendar=%zu", id, counts[RESULT_OVERDUE],
				 counts[RESULT_AT_RISK], counts[RESULT_PENDING],
				 counts[RESULT_LATE], counts[RESULT_ON_TIME],
				 counts[RESULT_NO_CALENDAR]);
		x.overdue = counts[RESULT_OVERDUE];
		x.at_risk = counts[RESULT_AT_RISK];
		x.in_review = counts[RESULT_IN_REVIEW];
		found = x.overdue || x.at_risk || x.follow_ups_late;
		if (rem && found) {
			*rem = x;
			snprintf(rem->campaign, sizeof(rem->campaign), "%s", id);
			const char *d = campaign_view_field(&v, "department");
			snprintf(rem->department, sizeof(rem->department), "%s",
				 d ? d : "");
		}
	}
	campaign_view_finish(&v);
	return found;
}

/* The day's reminders and the day's mark, in one transaction. */
static int send_reminders(struct worker *w, const struct reminder *r,
			  size_t n, const char *today)
{
	struct tx t;
	tx_begin(&t, &w->store);
	for (size_t i = 0; i < n; i++) {
		char due[11] = "";
		if (r[i].next_deadline != DATE_NONE)
			date_format(r[i].next_deadline, due);
		struct kv_list l;
		kv_init(&l);
		kv_add(&l, "type", "results_due");
		kv_add(&l, "day", today);
		kv_add(&l, "campaign", r[i].campaign);
		kv_add(&l, "department", r[i].department);
		kv_addu(&l, "overdue", r[i].overdue);
		kv_addu(&l, "at_risk", r[i].at_risk);
		kv_addu(&l, "in_review", r[i].in_review);
		kv_addu(&l, "follow_ups_late", r[i].follow_ups_late);
		kv_add(&l, "next_deadline", due);
		if (!l.failed)
			tx_xadd_capped(&t, KEY_REMINDERS, NULL,
				       w->cfg->dead_letters_kept, l.v, l.n);
		kv_finish(&l);
	}
	tx_set(&t, KEY_REMINDERS_DAY, NULL, today, strlen(today));
	return answer_commit(w, &t, "send reminders");
}

static int by_str(const void *a, const void *b)
{
	return strcmp((*(redisReply *const *)a)->str,
		      (*(redisReply *const *)b)->str);
}

int overdue_step(struct worker *w)
{
	if (w->overdue_logged == w->today)
		return 0;
	char today[11];
	date_format(w->today, today);
	bool remind = w->cfg->reminder_days > 0;
	if (remind) { /* read under WATCH: sent once, by one instance */
		if (store_watch(&w->store, KEY_REMINDERS_DAY, NULL) < 0)
			return FAIL_LOST;
		redisReply *mark = store_get(&w->store, KEY_REMINDERS_DAY, NULL);
		if (!mark)
			return FAIL_LOST;
		remind = !(mark->type == REDIS_REPLY_STRING &&
			   !strcmp(mark->str, today));
		freeReplyObject(mark);
		if (!remind && store_unwatch(&w->store) < 0)
			return FAIL_LOST;
	}
	redisReply *ids = store_smembers(&w->store, KEY_PUBLISHED);
	if (!ids)
		return FAIL_LOST;
	size_t n = ids->type == REDIS_REPLY_ARRAY ? ids->elements : 0, k = 0;
	if (n > 1)
		qsort(ids->element, n, sizeof(*ids->element), by_str);
	struct reminder *rem = remind ? calloc(n + 1, sizeof(*rem)) : NULL;
	if (remind && !rem) {
		log_error("reminders not sent: out of memory", "day=%s", today);
		remind = false;
		if (store_unwatch(&w->store) < 0) {
			freeReplyObject(ids);
			return FAIL_LOST;
		}
	}
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		rc = log_deadlines(w, ids->element[i]->str, rem ? &rem[k] : NULL);
		k += rc == 1;
	}
	freeReplyObject(ids);
	if (rc >= 0 && remind) {
		rc = send_reminders(w, rem, k, today);
		if (rc == 0)
			log_info("reminders sent", "day=%s count=%zu", today, k);
		else if (rc == FAIL_CONFLICT) /* another instance sent them */
			rc = 0;
	}
	free(rem);
	if (rc >= 0)
		w->overdue_logged = w->today;
	return rc < 0 ? rc : 0;
}
