/* Inspection results coming back: each entry of <p>results is checked
 * against the campaign that planned the visit, then recorded and made
 * public (and, when adverse, handed to the credit platform), or refused
 * with its reason; either way in one transaction with its XACK, under a
 * WATCH of the campaign's results, so a result is applied once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/approvals.h"
#include "inspect/store/campaign_view.h"
#include "inspect/core/date.h"
#include "inspect/store/grades.h"
#include "inspect/store/ops.h"
#include "inspect/shell/log.h"
#include "inspect/core/pledges.h"
#include "inspect/core/results.h"
#include "inspect/core/strbuf.h"
#include "answer.h"

struct result_answer {
	const char *entry_id;
	const redisReply *fields;
	const struct result_entry *r;
};

/* Set aside on <p>results:rejected as it came, with the reason, and a
 * public "result_rejected" event. */
static int refuse(struct worker *w, const struct result_answer *a,
		  struct diag *reason)
{
	const char *why = diag_reason(reason);
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
			 const redisReply *fields, struct diag *why)
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
		  int32_t deadline, const char *approvals)
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
	/* The public stream and the outbox: streams, or nothing is written
	 * (a result recorded without its event would be lost to the credit
	 * platform). */
	if (answer_streams_usable(w, (const enum key_kind[]){KEY_PUBLIC,
							     KEY_OUTBOX},
				  (const char *const[]){NULL, NULL}, 2) < 0)
		return FAIL_LOST;
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
		KV("approvals", approvals),
	};
	/* A false pledge names the approvals to revoke. */
	if (r->result->adverse)
		tx_xadd(&t, KEY_OUTBOX, NULL, event,
			r->result->pledge ? 11 : 10);
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	int rc = answer_commit(w, &t, "record result");
	if (rc == 0)
		log_info("result recorded", "campaign=%s uscc=%s result=%s "
			 "adverse=%d", r->campaign, r->uscc, r->result->code,
			 r->result->adverse);
	return rc;
}

/* What a result is checked against: the campaign's record (status,
 * visit window, department), the visit of the entity, a result already
 * in; then the visit parsed and the result's deadline. */
struct result_context {
	redisReply *rec, *visit, *old;
	struct planned_visit v;
	int32_t deadline;
};

/* Read after WATCHing the campaign's results. 0 or FAIL_LOST. */
static int read_context(struct worker *w, const struct result_entry *r,
			struct result_context *x)
{
	static const char *const fields[] = {"status", "visit_window",
					     "department", "policy"};
	memset(x, 0, sizeof(*x));
	int rc = store_watch(&w->store, KEY_CAMPAIGN_RESULTS, r->campaign);
	x->rec = rc == 0 ? store_hmget(&w->store, KEY_CAMPAIGN, r->campaign,
				       fields, 4)
			 : NULL;
	x->visit = x->rec ? store_hget(&w->store, KEY_VISITS, r->campaign,
				       r->uscc)
			  : NULL;
	x->old = x->visit ? store_hget(&w->store, KEY_CAMPAIGN_RESULTS,
				       r->campaign, r->uscc)
			  : NULL;
	return x->old ? 0 : FAIL_LOST;
}

static void context_finish(struct result_context *x)
{
	freeReplyObject(x->rec);
	freeReplyObject(x->visit);
	freeReplyObject(x->old);
}

/* Whether the result can be recorded; if not, why. */
static bool acceptable(const struct worker *w, const struct result_entry *r,
		       struct result_context *x, struct diag *why)
{
	const char *status = reply_str(x->rec, 0);
	const char *window = reply_str(x->rec, 1);
	const char *policy = reply_str(x->rec, 3);
	bool pledge = policy && !strcmp(policy, PLEDGE_POLICY);
	struct result_record prior;
	struct diag err;
	int32_t from = DATE_NONE, to = DATE_NONE;
	bool have_visit = x->visit->type == REDIS_REPLY_STRING;
	diag_init(&err);
	x->deadline = DATE_NONE;
	if (!status || strcmp(status, "published"))
		diag_add(why, "field campaign: %.64s is %s", r->campaign,
			 status ? "not published" : "unknown");
	else if (!window || strlen(window) != 22 ||
		 !date_parse(window, 10, &from) ||
		 !date_parse(window + 12, 10, &to))
		diag_add(why, "campaign %.64s has no visit window",
			 r->campaign);
	else if (have_visit && planned_visit_parse(x->visit->str,
						   x->visit->len, &x->v) < 0)
		diag_add(why, "the visit record of %.18s is unreadable",
			 r->uscc);
	else if (x->old->type == REDIS_REPLY_STRING)
		diag_add(why, "field uscc: a result for %.18s in %.64s is "
			 "already recorded (entry %.47s)", r->uscc, r->campaign,
			 result_record_parse(x->old->str, x->old->len,
					     &prior) == 0
				 ? prior.entry : "unreadable");
	else if (result_check(r, have_visit ? &x->v : NULL, from, to,
			      w->today, &err) < 0 ||
		 result_fits_campaign(r->result, pledge, &err) < 0)
		diag_add(why, "%.*s", (int)strcspn(diag_text(&err), "\n"),
			 diag_text(&err));
	else if ((x->deadline = result_deadline(&w->cat->calendar, r->date)) ==
		 DATE_NONE)
		diag_add(why, "field date: no working-day calendar reaches "
			 "the deadline of %.18s", r->uscc);
	else
		return true;
	return false;
}

/* The numbers of the approvals of r's entity that its pledge campaign
 * verifies, joined by ';', into out. 0 or FAIL_LOST. */
static int approvals_of(struct worker *w, const struct result_entry *r,
			struct strbuf *out)
{
	struct approval_list l = {0};
	struct diag err;
	size_t bad;
	diag_init(&err);
	if (approvals_read(&w->store, KEY_PLEDGED, r->campaign,
			   &w->cat->items, &l, &bad, &err) < 0)
		return FAIL_LOST;
	approval_list_sort(&l);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].uscc, r->uscc))
			sb_printf(out, "%s%s", out->len ? ";" : "",
				  l.v[i].number);
	approval_list_finish(&l);
	return 0;
}

/* The campaign's record, its visit of the entity and any result already
 * in, read after WATCHing the results hash; then recorded or refused. */
static int check_and_answer(struct worker *w, const struct result_answer *a)
{
	struct result_context x;
	struct diag why;
	struct strbuf approvals = {0};
	diag_init(&why);
	int rc = read_context(w, a->r, &x);
	bool ok = rc == 0 && acceptable(w, a->r, &x, &why);
	if (ok && a->r->result->pledge && a->r->result->adverse)
		rc = approvals_of(w, a->r, &approvals);
	if (approvals.failed) /* not a false pledge's event short of one */
		rc = FAIL_LOST;
	if (ok && rc == 0)
		rc = accept(w, a, &x.v,
			    reply_str(x.rec, 2) ? reply_str(x.rec, 2) : "",
			    x.deadline, approvals.len ? approvals.s : "");
	else if (rc == 0)
		rc = refuse(w, a, &why);
	context_finish(&x);
	sb_finish(&approvals);
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
	if (result_parse(f, n, &r, &err) < 0)
		return refuse(w, &a, &err);
	return check_and_answer(w, &a);
}
