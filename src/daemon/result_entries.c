/* Inspection results coming back: each entry of <p>results is checked
 * against the campaign that planned the visit, then recorded and made
 * public (and, when adverse, handed to the credit platform), or refused
 * with its reason; either way in one transaction with its XACK, under a
 * WATCH of the campaign's results, so a result is applied once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/keys.h"
#include "inspect/store/campaign_view.h"
#include "inspect/core/date.h"
#include "inspect/store/grades.h"
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
	char dead[128], pub[128];
	struct tx t;
	key_name(dead, sizeof(dead), w->cfg, KEY_RESULTS_REJECTED, NULL, NULL);
	key_name(pub, sizeof(pub), w->cfg, KEY_PUBLIC, NULL, NULL);
	log_warn("result refused", "entry=%s campaign=%s reason=%s",
		 a->entry_id, a->r->campaign, log_quote(why));
	tx_begin(&t, &w->store);
	tx_dead_letter(&t, dead, w->cfg->dead_letters_kept, a->entry_id, why,
		       a->fields);
	args_add(&t.a, "XADD");
	args_add(&t.a, pub);
	args_add(&t.a, "*");
	args_add(&t.a, "type");
	args_add(&t.a, "result_rejected");
	args_add(&t.a, "campaign");
	args_add(&t.a, a->r->campaign);
	args_add(&t.a, "entry");
	args_add(&t.a, a->entry_id);
	args_add(&t.a, "reason");
	args_add(&t.a, why);
	tx_send(&t);
	answer_ack(w, &t, KEY_RESULTS, a->entry_id);
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

static void add_field(struct tx *t, const char *name, const char *value)
{
	args_add(&t->a, name);
	args_add(&t->a, value);
}

/* Recorded, public, and to the credit platform if adverse. */
static int accept(struct worker *w, const struct result_answer *a,
		  const struct planned_visit *v, const char *department,
		  const char *results_key, int32_t deadline)
{
	const struct result_entry *r = a->r;
	char pub[128], outbox[128], rkey[160], day[11], today[11], due[11];
	char value[RESULT_MAX_NOTE + 256];
	struct tx t;
	date_format(r->date, day);
	date_format(w->today, today);
	date_format(deadline, due);
	snprintf(value, sizeof(value), "%s\x1f%s\x1f%.32s\x1f%.47s\x1f%s\x1f%.1024s", day,
		 r->result->code, r->inspector, a->entry_id, today, r->note);
	key_name(pub, sizeof(pub), w->cfg, KEY_PUBLIC, NULL, NULL);
	/* For the credit platform, by way of the outbox (outbox.h): <g>events
	 * lies in other slots than this transaction's keys. */
	key_name(outbox, sizeof(outbox), w->cfg, KEY_OUTBOX, NULL, NULL);
	key_name(rkey, sizeof(rkey), w->cfg, KEY_CAMPAIGN, r->campaign, NULL);
	tx_begin(&t, &w->store);
	args_add(&t.a, "HSET");
	args_add(&t.a, results_key);
	args_addn(&t.a, r->uscc, USCC_LEN);
	args_add(&t.a, value);
	tx_send(&t);
	args_add(&t.a, "HINCRBY");
	args_add(&t.a, rkey);
	args_add(&t.a, "results");
	args_add(&t.a, "1");
	tx_send(&t);
	/* What the public sees: no note (it may name people), no inspector. */
	args_add(&t.a, "XADD");
	args_add(&t.a, pub);
	args_add(&t.a, "*");
	add_field(&t, "type", "result");
	add_field(&t, "campaign", r->campaign);
	add_field(&t, "uscc", r->uscc);
	add_field(&t, "name", v->name);
	add_field(&t, "date", day);
	add_field(&t, "result", r->result->code);
	add_field(&t, "result_text", r->result->zh);
	add_field(&t, "on_time", w->today <= deadline ? "1" : "0");
	tx_send(&t);
	if (r->result->adverse) {
		args_add(&t.a, "XADD");
		args_add(&t.a, outbox);
		args_add(&t.a, "*");
		add_field(&t, "type", "inspection_result");
		add_field(&t, "campaign", r->campaign);
		add_field(&t, "department", department);
		add_field(&t, "uscc", r->uscc);
		add_field(&t, "date", day);
		add_field(&t, "result", r->result->code);
		add_field(&t, "result_text", r->result->zh);
		add_field(&t, "inspector", r->inspector);
		add_field(&t, "note", r->note);
		add_field(&t, "entry", a->entry_id);
		tx_send(&t);
	}
	answer_ack(w, &t, KEY_RESULTS, a->entry_id);
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
	char rkey[160], vkey[160], skey[160], why[512];
	struct diag err;
	diag_init(&err);
	key_name(rkey, sizeof(rkey), w->cfg, KEY_CAMPAIGN, r->campaign, NULL);
	key_name(vkey, sizeof(vkey), w->cfg, KEY_VISITS, r->campaign, NULL);
	key_name(skey, sizeof(skey), w->cfg, KEY_CAMPAIGN_RESULTS, r->campaign, NULL);
	redisReply *x = store_runv(&w->store, "WATCH", skey, NULL);
	freeReplyObject(x);
	redisReply *rec = x ? store_runv(&w->store, "HMGET", rkey, "status",
					 "visit_window", "department", NULL)
			    : NULL;
	redisReply *visit = rec ? store_runv(&w->store, "HGET", vkey, r->uscc,
					     NULL)
				: NULL;
	redisReply *old = visit ? store_runv(&w->store, "HGET", skey, r->uscc,
					     NULL)
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
			    skey, deadline);
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
