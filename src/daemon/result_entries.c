/* Inspection results coming back: each entry of <p>results is checked
 * against the campaign that planned the visit, then recorded and made
 * public (and, when adverse, handed to the credit platform), or refused
 * with its reason; either way in one transaction with its XACK, under a
 * WATCH of the campaign's results, so a result is applied once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/campaign_view.h"
#include "inspect/core/date.h"
#include "inspect/store/grades.h"
#include "inspect/store/ops.h"
#include "inspect/shell/log.h"
#include "inspect/core/results.h"
#include "answer.h"

struct result_answer {
	const char *entry_id;
	const redisReply *fields;
	const struct result_entry *r;
};

/* Set aside on <p>results:rejected as it came, with the reason, and a
 * public "result_rejected" event. */
static int refuse(struct worker *w, const struct result_answer *a,
		  const char *why)
{
	struct tx t;
	log_warn("result refused", "entry=%s campaign=%s reason=%s",
		 a->entry_id, a->r->campaign, log_quote(why));
	tx_begin(&t, &w->store);
	tx_dead_letter(&t, KEY_RESULTS_REJECTED, w->cfg->dead_letters_kept,
		       a->entry_id, why, a->fields);
	const struct kv event[] = {KV("type", "result_rejected"),
				   KV("campaign", a->r->campaign),
				   KV("entry", a->entry_id),
				   KV("reason", why)};
	tx_xadd(&t, KEY_PUBLIC, NULL, event, 4);
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	return answer_commit(w, &t, "refuse result");
}

int result_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, const char *why)
{
	struct result_entry r;
	memset(&r, 0, sizeof(r));
	struct result_answer a = {entry_id, fields, &r};
	return refuse(w, &a, why);
}

/* Recorded, public, and to the credit platform (by way of the outbox,
 * outbox.h) if adverse. */
static int accept(struct worker *w, const struct result_answer *a,
		  const struct planned_visit *v, const char *department,
		  int32_t deadline)
{
	const struct result_entry *r = a->r;
	char day[11], today[11], due[11], uscc[USCC_LEN + 1];
	char value[RESULT_MAX_NOTE + 256];
	struct tx t;
	date_format(r->date, day);
	date_format(w->today, today);
	date_format(deadline, due);
	snprintf(uscc, sizeof(uscc), "%.18s", r->uscc);
	snprintf(value, sizeof(value),
		 "%s\x1f%s\x1f%.32s\x1f%.47s\x1f%s\x1f%.1024s", day,
		 r->result->code, r->inspector, a->entry_id, today, r->note);
	tx_begin(&t, &w->store);
	const struct kv result[] = {KV(uscc, value)};
	tx_hset(&t, KEY_CAMPAIGN_RESULTS, r->campaign, result, 1);
	tx_hincrby(&t, KEY_CAMPAIGN, r->campaign, "results", 1);
	/* What the public sees: no note (it may name people), no inspector. */
	const struct kv public[] = {
		KV("type", "result"),
		KV("campaign", r->campaign),
		KV("uscc", r->uscc),
		KV("name", v->name),
		KV("date", day),
		KV("result", r->result->code),
		KV("result_text", r->result->zh),
		KV("on_time", w->today <= deadline ? "1" : "0"),
	};
	tx_xadd(&t, KEY_PUBLIC, NULL, public, 8);
	const struct kv event[] = {
		KV("type", "inspection_result"),
		KV("campaign", r->campaign),
		KV("department", department),
		KV("uscc", r->uscc),
		KV("date", day),
		KV("result", r->result->code),
		KV("result_text", r->result->zh),
		KV("inspector", r->inspector),
		KV("note", r->note),
		KV("entry", a->entry_id),
	};
	if (r->result->adverse)
		tx_xadd(&t, KEY_OUTBOX, NULL, event, 10);
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	int rc = answer_commit(w, &t, "record result");
	if (rc == ENTRY_DONE)
		log_info("result recorded", "campaign=%s uscc=%s result=%s "
			 "adverse=%d", r->campaign, r->uscc, r->result->code,
			 r->result->adverse);
	return rc;
}

/* The campaign's record, its visit of the entity and any result already
 * in, read after WATCHing the results hash. */
static int check_and_answer(struct worker *w, const struct result_answer *a)
{
	const struct result_entry *r = a->r;
	char why[512];
	struct diag err;
	diag_init(&err);
	static const char *const fields[] = {"status", "visit_window",
					     "department"};
	int x = store_watch(&w->store, KEY_CAMPAIGN_RESULTS, r->campaign);
	redisReply *rec = x == 0 ? store_hmget(&w->store, KEY_CAMPAIGN,
					      r->campaign, fields, 3)
				 : NULL;
	redisReply *visit = rec ? store_hget(&w->store, KEY_VISITS,
					     r->campaign, r->uscc)
				: NULL;
	redisReply *old = visit ? store_hget(&w->store, KEY_CAMPAIGN_RESULTS,
					     r->campaign, r->uscc)
				: NULL;
	if (!old) {
		freeReplyObject(rec);
		freeReplyObject(visit);
		return ENTRY_LOST;
	}
	const char *status = reply_str(rec, 0), *window = reply_str(rec, 1);
	struct planned_visit v;
	struct result_record prior;
	int32_t from = DATE_NONE, to = DATE_NONE, deadline = DATE_NONE;
	bool have_visit = visit->type == REDIS_REPLY_STRING;
	int rc = 1;
	if (!status || strcmp(status, "published"))
		snprintf(why, sizeof(why), "field campaign: %.64s is %s",
			 r->campaign, status ? "not published" : "unknown");
	else if (!window || strlen(window) != 22 ||
		 !date_parse(window, 10, &from) ||
		 !date_parse(window + 12, 10, &to))
		snprintf(why, sizeof(why), "campaign %.64s has no visit window",
			 r->campaign);
	else if (have_visit &&
		 planned_visit_parse(visit->str, visit->len, &v) < 0)
		snprintf(why, sizeof(why), "the visit record of %.18s is "
			 "unreadable", r->uscc);
	else if (old->type == REDIS_REPLY_STRING)
		snprintf(why, sizeof(why), "field uscc: a result for %.18s in "
			 "%.64s is already recorded (entry %.47s)", r->uscc,
			 r->campaign,
			 result_record_parse(old->str, old->len, &prior) == 0
				 ? prior.entry : "unreadable");
	else if (result_check(r, have_visit ? &v : NULL, from, to, w->today,
			      &err) < 0)
		snprintf(why, sizeof(why), "%.*s",
			 (int)strcspn(diag_text(&err), "\n"), diag_text(&err));
	else if ((deadline = result_deadline(&w->cat->calendar, r->date)) ==
		 DATE_NONE)
		snprintf(why, sizeof(why), "field date: no working-day "
			 "calendar reaches the deadline of %.18s", r->uscc);
	else
		rc = 0;
	if (rc == 0)
		rc = accept(w, a, &v, reply_str(rec, 2) ? reply_str(rec, 2) : "",
			    deadline);
	else
		rc = refuse(w, a, why);
	freeReplyObject(rec);
	freeReplyObject(visit);
	freeReplyObject(old);
	return rc;
}

int process_result(struct worker *w, const char *entry_id,
		   const redisReply *fields)
{
	struct entry_field f[CAMPAIGN_MAX_FIELDS + 1];
	struct result_entry r;
	struct diag err;
	size_t n = entry_fields(fields, f);
	diag_init(&err);
	struct result_answer a = {entry_id, fields, &r};
	if (result_parse(f, n, &r, &err) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%.*s",
			 (int)strcspn(diag_text(&err), "\n"), diag_text(&err));
		return refuse(w, &a, why);
	}
	return check_and_answer(w, &a);
}
