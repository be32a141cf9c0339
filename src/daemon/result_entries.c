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
#include "inspect/core/result_steps.h"
#include "inspect/core/strbuf.h"
#include "metrics.h"
#include "result_answer.h"

int result_refuse(struct worker *w, const struct result_answer *a,
		  const char *campaign, struct diag *reason)
{
	const char *why = diag_reason(reason);
	struct tx t;
	log_warn("result refused", "entry=%s campaign=%s reason=%s",
		 a->entry_id, campaign, log_quote(why));
	tx_begin(&t, &w->store);
	tx_dead_letter(&t, KEY_RESULTS_REJECTED, w->cfg->dead_letters_kept,
		       a->entry_id, why, a->fields);
	const struct kv event[] = {KV("type", "result_rejected"),
				   KV("campaign", campaign),
				   KV("entry", a->entry_id),
				   KV("reason", why)};
	tx_xadd(&t, KEY_PUBLIC, NULL, event, 4);
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	int r = answer_commit(w, &t, "refuse result");
	if (r == 0)
		metric_count(METRIC_RESULTS_REFUSED, 1);
	return r;
}

int result_unprocessable(struct worker *w, const char *entry_id,
			 const redisReply *fields, struct diag *why)
{
	struct result_answer a = {entry_id, fields, ACTION_RESULT};
	return result_refuse(w, &a, "", why);
}

void result_log(struct tx *t, const struct result_answer *a,
		const char *campaign, const char *uscc,
		const struct result_context *x, const char *by,
		const struct result_record *after, const char *reason)
{
	char version[16];
	struct strbuf record = {0};
	if (after)
		result_record_format(after, &record);
	snprintf(version, sizeof(version), "%u", after ? after->version : 0);
	const struct kv ev[] = {
		KV("action", result_action_names[a->action]),
		KV("uscc", uscc),
		KV("department", x->department),
		KV("entry", a->entry_id),
		KV("by", by),
		KV("version", version),
		KV("record", record.len ? record.s : ""),
		KV("note", reason),
	};
	tx_xadd(t, KEY_RESULT_LOG, campaign, ev, 8);
	sb_finish(&record);
}

void result_public_event(struct tx *t, const char *type,
			 const char *campaign, const char *uscc,
			 const char *department, const char *name,
			 const struct result_record *r, bool on_time)
{
	char day[11];
	date_format(r->date, day);
	const struct kv public[] = {
		KV("type", type),
		KV("campaign", campaign),
		KV("uscc", uscc),
		KV("name", name),
		KV("date", day),
		KV("result", r->result->code),
		KV("result_text", r->result->zh),
		KV("on_time", on_time ? "1" : "0"),
		KV("department", department),
		KV("method", method_names[r->method]),
		KV("items", r->items),
	};
	tx_xadd(t, KEY_PUBLIC, NULL, public, 11);
}

/* Recorded; then, unless the policy asks for review, public and to the
 * credit platform (by way of the outbox, outbox.h) if adverse. */
static int accept(struct worker *w, const struct result_answer *a,
		  const struct result_entry *r,
		  const struct result_context *x, const char *approvals)
{
	struct result_record rec = {
		.date = r->date, .received = w->today, .result = r->result,
		.state = *x->policy.results.review_by ? RESULT_SUBMITTED
						      : RESULT_PUBLISHED,
		.version = 1, .published = DATE_NONE,
		.corrected = DATE_NONE, .objection_day = DATE_NONE,
		.objection_due = DATE_NONE, .repaired = DATE_NONE};
	snprintf(rec.inspector, sizeof(rec.inspector), "%s", r->inspector);
	snprintf(rec.entry, sizeof(rec.entry), "%s", a->entry_id);
	snprintf(rec.note, sizeof(rec.note), "%s", r->note);
	rec.method = r->method;
	snprintf(rec.items, sizeof(rec.items), "%s", r->items);
	snprintf(rec.findings, sizeof(rec.findings), "%s", r->findings);
	snprintf(rec.follow_up, sizeof(rec.follow_up), "%s", r->follow_up);
	rec.follow_up_due = r->follow_up_due;
	rec.follow_up_done = DATE_NONE;
	if (rec.state == RESULT_PUBLISHED)
		rec.published = w->today;
	/* The public stream, the outbox and the log: streams, or nothing is
	 * written (a result recorded without its event would be lost to the
	 * credit platform). */
	if (result_streams_usable(w, r->campaign) < 0)
		return FAIL_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	result_write(&t, r->campaign, x, &rec);
	/* The campaign's count is of its own department's results. */
	if (!strcmp(x->department, x->lead))
		tx_hincrby(&t, KEY_CAMPAIGN, r->campaign, "results", 1);
	result_log(&t, a, r->campaign, r->uscc, x, r->inspector, &rec, "");
	if (rec.state == RESULT_PUBLISHED)
		result_publish(&t, x, r->campaign, r->uscc, &rec, a->entry_id,
			       approvals, w->today);
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	int rc = answer_commit(w, &t, "record result");
	if (rc == 0)
		log_info("result recorded", "campaign=%s uscc=%s department=%s "
			 "result=%s adverse=%d review=%d", r->campaign, r->uscc,
			 x->department, r->result->code, r->result->adverse,
			 rec.state == RESULT_SUBMITTED);
	return rc;
}

int result_streams_usable(struct worker *w, const char *campaign)
{
	return answer_streams_usable(
		w, (const enum key_kind[]){KEY_PUBLIC, KEY_OUTBOX,
					   KEY_RESULT_LOG},
		(const char *const[]){NULL, NULL, campaign}, 3);
}

void result_write(struct tx *t, const char *campaign,
		  const struct result_context *x,
		  const struct result_record *rec)
{
	struct strbuf value = {0};
	result_record_format(rec, &value);
	const struct kv result[] = {KVN(x->field, value.s, value.len)};
	tx_hset(t, KEY_CAMPAIGN_RESULTS, campaign, result, 1);
	sb_finish(&value);
}

void result_publish(struct tx *t, const struct result_context *x,
		    const char *campaign, const char *uscc,
		    const struct result_record *rec, const char *entry,
		    const char *approvals, int32_t today)
{
	char day[11], due[11] = "";
	date_format(rec->date, day);
	if (rec->follow_up_due != DATE_NONE)
		date_format(rec->follow_up_due, due);
	/* What the public sees: no note (it may name people), no inspector. */
	result_public_event(t, "result", campaign, uscc, x->department,
			    x->v.name, rec, today <= x->deadline);
	const struct kv event[] = {
		KV("type", "inspection_result"),
		KV("campaign", campaign),
		KV("department", x->department),
		KV("uscc", uscc),
		KV("date", day),
		KV("result", rec->result->code),
		KV("result_text", rec->result->zh),
		KV("inspector", rec->inspector),
		KV("note", rec->note),
		KV("entry", entry),
		KV("method", method_names[rec->method]),
		KV("items", rec->items),
		KV("findings", rec->findings),
		KV("follow_up", rec->follow_up),
		KV("follow_up_due", due),
		KV("approvals", approvals),
	};
	/* A false pledge names the approvals to revoke. */
	if (rec->result->adverse)
		tx_xadd(t, KEY_OUTBOX, NULL, event,
			rec->result->pledge ? 16 : 15);
}

int result_context_read(struct worker *w, const char *campaign,
			const char *uscc, const char *department,
			struct result_context *x)
{
	static const char *const fields[] = {"status", "visit_window",
					     "department", "policy",
					     "policy_text"};
	memset(x, 0, sizeof(*x));
	x->lead = "";
	int rc = store_watch(&w->store, KEY_CAMPAIGN_RESULTS, campaign);
	x->rec = rc == 0 ? store_hmget(&w->store, KEY_CAMPAIGN, campaign,
				       fields, 5)
			 : NULL;
	if (!x->rec)
		return FAIL_LOST;
	const char *lead = reply_str(x->rec, 2);
	x->lead = lead ? lead : "";
	snprintf(x->department, sizeof(x->department), "%s",
		 *department ? department : x->lead);
	bool partner = strcmp(x->department, x->lead) != 0;
	snprintf(x->field, sizeof(x->field), "%s%s%s", uscc,
		 partner ? "@" : "", partner ? x->department : "");
	x->visit = store_hget(&w->store, KEY_VISITS, campaign, uscc);
	x->old = x->visit ? store_hget(&w->store, KEY_CAMPAIGN_RESULTS,
				       campaign, x->field)
			  : NULL;
	if (!x->old)
		return FAIL_LOST;
	const char *policy = reply_str(x->rec, 3);
	const char *text = reply_str(x->rec, 4);
	struct diag err;
	diag_init(&err);
	x->pledge = policy && !strcmp(policy, PLEDGE_POLICY);
	/* Results follow the policy the campaign was drawn under. */
	x->policy_ok = text && policy_parse("the campaign's policy", text,
					    strlen(text), &x->policy,
					    &err) == 0;
	x->has_current = x->old->type == REDIS_REPLY_STRING;
	x->current_ok = x->has_current &&
			result_record_parse(x->old->str, x->old->len,
					    &x->current) == 0;
	return 0;
}

bool result_department_fits(const struct worker *w, const char *uscc,
			    const struct result_context *x, struct diag *why)
{
	if (!strcmp(x->department, x->lead))
		return true;
	if (!x->v.items[0]) {
		diag_add(why, "field department: the visit of %.18s was "
			 "published before its items were kept: %s enters its "
			 "result", uscc, x->lead);
		return false;
	}
	char items[sizeof(x->v.items)];
	snprintf(items, sizeof(items), "%s", x->v.items);
	for (char *save, *code = strtok_r(items, ",", &save); code;
	     code = strtok_r(NULL, ",", &save)) {
		const struct item *it = item_find(&w->cat->items, code);
		if (it && !strcmp(it->department, x->department))
			return true;
	}
	diag_add(why, "field department: %s checks none of the items of "
		 "the visit of %.18s (%s; %s runs the campaign)",
		 x->department, uscc, x->v.items, x->lead);
	return false;
}

/* Whether code is in a ','-separated list. */
static bool listed(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *at = list; *at;) {
		size_t len = strcspn(at, ",");
		if (len == n && !memcmp(at, code, n))
			return true;
		at += len + (at[len] == ',');
	}
	return false;
}

struct items_check {
	const struct worker *w;
	const struct result_context *x;
	unsigned n;
	struct diag *why;
};

static int item_fits(const char *code, const struct result_code *rc,
		     void *ctx)
{
	struct items_check *k = ctx;
	const struct item *it = item_find(&k->w->cat->items, code);
	(void)rc;
	k->n++;
	if (listed(k->x->v.items, code) && it &&
	    !strcmp(it->department, k->x->department))
		return 0;
	diag_add(k->why, "field items: %s is not an item of %s that the "
		 "visit checks (%s)", code, k->x->department, k->x->v.items);
	return -1;
}

/* Per-item results name each of the department's items on the visit,
 * and only those. */
static bool items_fit(const struct worker *w, const struct result_entry *r,
		      const struct result_context *x, struct diag *why)
{
	if (!r->items[0])
		return true;
	if (!x->v.items[0]) {
		diag_add(why, "field items: the visit of %.18s was published "
			 "before its items were kept", r->uscc);
		return false;
	}
	struct items_check k = {w, x, 0, why};
	if (result_items_each(r->items, item_fits, &k))
		return false;
	unsigned own = 0;
	char items[sizeof(x->v.items)];
	snprintf(items, sizeof(items), "%s", x->v.items);
	for (char *save, *code = strtok_r(items, ",", &save); code;
	     code = strtok_r(NULL, ",", &save)) {
		const struct item *it = item_find(&w->cat->items, code);
		own += it && !strcmp(it->department, x->department);
	}
	if (k.n == own)
		return true;
	diag_add(why, "field items: %u of %s's %u items on the visit (%s): "
		 "give each its result, or none", k.n, x->department, own,
		 x->v.items);
	return false;
}

void result_context_finish(struct result_context *x)
{
	freeReplyObject(x->rec);
	freeReplyObject(x->visit);
	freeReplyObject(x->old);
}

bool result_campaign_usable(const struct result_context *x,
			    const char *campaign, struct diag *why)
{
	const char *status = reply_str(x->rec, 0);
	if (!status || strcmp(status, "published"))
		diag_add(why, "field campaign: %.64s is %s", campaign,
			 status ? "not published" : "unknown");
	else if (!x->policy_ok)
		diag_add(why, "campaign %.64s has no readable policy",
			 campaign);
	else
		return true;
	return false;
}

/* Whether the result can be recorded; if not, why. */
static bool acceptable(const struct worker *w, const struct result_entry *r,
		       struct result_context *x, struct diag *why)
{
	const char *window = reply_str(x->rec, 1);
	struct diag err;
	int32_t from = DATE_NONE, to = DATE_NONE;
	bool have_visit = x->visit->type == REDIS_REPLY_STRING;
	diag_init(&err);
	x->deadline = DATE_NONE;
	if (!result_campaign_usable(x, r->campaign, why))
		return false;
	if (!window || strlen(window) != 22 || !date_parse(window, 10, &from) ||
	    !date_parse(window + 12, 10, &to))
		diag_add(why, "campaign %.64s has no visit window",
			 r->campaign);
	else if (have_visit && planned_visit_parse(x->visit->str,
						   x->visit->len, &x->v) < 0)
		diag_add(why, "the visit record of %.18s is unreadable",
			 r->uscc);
	else if (x->has_current)
		diag_add(why, "field uscc: a result for %.18s in %.64s is "
			 "already recorded (entry %.47s%s)", r->uscc,
			 r->campaign,
			 x->current_ok ? x->current.entry : "unreadable",
			 x->current_ok && x->current.state == RESULT_SUBMITTED
				 ? ", waiting for review" : "");
	else if (have_visit && (!result_department_fits(w, r->uscc, x, why) ||
				!items_fit(w, r, x, why)))
		return false;
	else if (result_check(r, have_visit ? &x->v : NULL, from, to,
			      w->today, &err) < 0 ||
		 result_fits_campaign(r->result, x->pledge, &err) < 0)
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
int result_approvals(struct worker *w, const char *campaign,
		     const char *uscc, struct strbuf *out)
{
	struct approval_list l = {0};
	struct diag err;
	size_t bad;
	diag_init(&err);
	if (approvals_read(&w->store, KEY_PLEDGED, campaign,
			   &w->cat->items, &l, &bad, &err) < 0)
		return FAIL_LOST;
	approval_list_sort(&l);
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.v[i].uscc, uscc))
			sb_printf(out, "%s%s", out->len ? ";" : "",
				  l.v[i].number);
	approval_list_finish(&l);
	return 0;
}

/* The campaign's record, its visit of the entity and any result already
 * in, read after WATCHing the results hash; then recorded or refused. */
static int check_and_answer(struct worker *w, const struct result_answer *a,
			    const struct result_entry *r)
{
	struct result_context x;
	struct diag why;
	struct strbuf approvals = {0};
	diag_init(&why);
	int rc = result_context_read(w, r->campaign, r->uscc, r->department,
				     &x);
	bool ok = rc == 0 && acceptable(w, r, &x, &why);
	/* A partner department's result is entered by one of its own
	 * (谁检查、谁录入). */
	if (ok && strcmp(x.department, x.lead)) {
		struct reviewer m;
		rc = result_roster_member(w, r->inspector, "", &m);
		if (rc == 0 && strcmp(m.department, x.department)) {
			diag_add(&why, "field inspector: %s is not of %s",
				 r->inspector, x.department);
			ok = false;
		}
	}
	if (ok && r->result->pledge && r->result->adverse)
		rc = result_approvals(w, r->campaign, r->uscc, &approvals);
	if (approvals.failed) /* not a false pledge's event short of one */
		rc = FAIL_LOST;
	if (ok && rc == 0)
		rc = accept(w, a, r, &x, approvals.len ? approvals.s : "");
	else if (rc == 0)
		rc = result_refuse(w, a, r->campaign, &why);
	result_context_finish(&x);
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
	struct result_answer a = {entry_id, fields,
				  result_entry_action(f, n, &err)};
	if (a.action != ACTION_RESULT)
		return a.action == ACTIONS
			       ? result_unprocessable(w, entry_id, fields, &err)
			       : process_result_step(w, &a, f, n);
	if (result_parse(f, n, &r, &err) < 0)
		return result_refuse(w, &a, r.campaign, &err);
	return check_and_answer(w, &a, &r);
}
