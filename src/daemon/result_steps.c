/* What happens to a result after it is entered (docs/RESULTS.md): each
 * step entry of <p>results (a reviewer's approval or return, a
 * department's correction, answer or repair, an entity's objection) is
 * decided by core/result_steps.c on the result's record, then applied,
 * logged, made public and sent to the credit platform, or refused with its
 * reason; in one transaction with its XACK under a WATCH of the campaign's
 * results, so that each step is applied once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/roster.h"
#include "inspect/shell/log.h"
#include "inspect/store/ops.h"
#include "result_answer.h"

int result_roster_member(struct worker *w, const char *id,
			 const char *qualification, struct reviewer *r)
{
	struct roster roster = {0};
	struct diag err;
	diag_init(&err);
	memset(r, 0, sizeof(*r));
	redisReply *rep = store_get(&w->store, KEY_ROSTER, NULL);
	if (!rep)
		return FAIL_LOST;
	if (rep->type == REDIS_REPLY_STRING &&
	    roster_parse_csv("the roster", rep->str, rep->len, &roster,
			     &err) == 0) {
		int q = roster_qualification(&roster, qualification);
		for (size_t i = 0; i < roster.n; i++) {
			const struct inspector *in = &roster.v[i];
			if (strcmp(in->id, id))
				continue;
			r->known = true;
			r->active = in->active;
			r->qualified = q >= 0 && (in->qualifications >> q & 1);
			snprintf(r->department, sizeof(r->department), "%s",
				 in->department);
		}
		roster_finish(&roster);
	}
	freeReplyObject(rep);
	return 0;
}

/* Whether the step can be decided on what was read; if not, why. */
static bool readable(const struct result_step *s, struct result_context *x,
		     struct diag *why)
{
	if (!result_campaign_usable(x, s->campaign, why))
		return false;
	if (x->has_current && !x->current_ok)
		diag_add(why, "the result of %.18s is unreadable", s->uscc);
	else if (x->visit->type == REDIS_REPLY_STRING &&
		 planned_visit_parse(x->visit->str, x->visit->len,
				     &x->v) < 0)
		diag_add(why, "the visit record of %.18s is unreadable",
			 s->uscc);
	else
		return true;
	return false;
}

/* A correction, public and to the credit platform: which result it
 * replaces, the new one, the day, why. */
static void corrected_events(struct tx *t, const struct result_step *s,
			     const struct result_context *x,
			     const struct result_record *next,
			     const char *entry, const char *today)
{
	char day[11], version[16];
	date_format(next->date, day);
	snprintf(version, sizeof(version), "%u", next->version);
	const struct kv ev[] = {
		KV("type", "result_corrected"),
		KV("campaign", s->campaign),
		KV("uscc", s->uscc),
		KV("name", x->v.name),
		KV("date", day),
		KV("result", next->result->code),
		KV("result_text", next->result->zh),
		KV("previous_result", x->current.result->code),
		KV("corrected", today),
		KV("version", version),
		KV("department", x->department),
		KV("note", s->reason),
		KV("entry", entry),
	};
	/* The public sees the correction and its day, not the note (it
	 * may name people); the credit platform gets it all. */
	tx_xadd(t, KEY_PUBLIC, NULL, ev, 10);
	tx_xadd(t, KEY_OUTBOX, NULL, (const struct kv[]){
			KV("type", "inspection_result_corrected"), ev[1], ev[2],
			ev[4], ev[5], ev[6], ev[7], ev[8], ev[9], ev[10],
			ev[11], ev[12]}, 12);
}

/* An objection filed or answered, or a publication ended: public
 * without the texts, the credit platform with them. */
static void step_events(struct tx *t, const char *type, const char *outbox,
			const struct result_step *s,
			const struct result_context *x, const char *day,
			const char *due, const char *entry, bool on_time)
{
	const struct kv ev[] = {
		KV("type", type),
		KV("campaign", s->campaign),
		KV("uscc", s->uscc),
		KV("name", x->v.name),
		KV("day", day),
		KV("due", due),
		KV("outcome", s->action == ACTION_ANSWER
				      ? (s->upheld ? "upheld" : "corrected")
				      : ""),
		KV("on_time", on_time ? "1" : "0"),
		KV("result", x->current.result->code),
		KV("department", x->department),
		KV("text", s->reason),
		KV("entry", entry),
	};
	tx_xadd(t, KEY_PUBLIC, NULL, ev, 9);
	tx_xadd(t, KEY_OUTBOX, NULL, (const struct kv[]){
			KV("type", outbox), ev[1], ev[2], ev[4], ev[5], ev[6],
			ev[7], ev[8], ev[9], ev[10], ev[11]}, 11);
}

/* A follow-up's outcome: public (the outcome and its day, whether by the
 * day set), and to the credit platform with the note. */
static void follow_up_events(struct tx *t, const struct result_step *s,
			     const struct result_context *x,
			     const struct result_record *next,
			     const char *entry, const char *today,
			     bool on_time)
{
	char due[11];
	date_format(next->follow_up_due, due);
	const struct kv ev[] = {
		KV("type", "follow_up_done"),
		KV("campaign", s->campaign),
		KV("uscc", s->uscc),
		KV("name", x->v.name),
		KV("day", today),
		KV("due", due),
		KV("outcome", next->follow_up_outcome->code),
		KV("outcome_text", next->follow_up_outcome->zh),
		KV("on_time", on_time ? "1" : "0"),
		KV("department", x->department),
		KV("note", s->reason),
		KV("entry", entry),
	};
	tx_xadd(t, KEY_PUBLIC, NULL, ev, 10);
	tx_xadd(t, KEY_OUTBOX, NULL, (const struct kv[]){
			KV("type", "inspection_follow_up"), ev[1], ev[2], ev[4],
			ev[5], ev[6], ev[7], ev[8], ev[9], ev[10], ev[11]}, 11);
}

/* The step applied: the record (or its removal), the log, the events. */
static int apply(struct worker *w, const struct result_answer *a,
		 const struct result_step *s, const struct result_context *x,
		 const struct result_record *next, bool removed,
		 const char *approvals)
{
	char today[11], due[11] = "";
	date_format(w->today, today);
	if (next->objection == OBJECTION_OPEN)
		date_format(next->objection_due, due);
	if (result_streams_usable(w, s->campaign) < 0)
		return FAIL_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	if (removed) {
		const char *field[] = {x->field};
		tx_hdel(&t, KEY_CAMPAIGN_RESULTS, s->campaign, field, 1);
		if (!strcmp(x->department, x->lead))
			tx_hincrby(&t, KEY_CAMPAIGN, s->campaign, "results",
				   -1);
	} else {
		result_write(&t, s->campaign, x, next);
	}
	result_log(&t, a, s->campaign, s->uscc, x,
		   *s->reviewer ? s->reviewer
		   : s->action != ACTION_OBJECT ? s->department : "entity",
		   removed ? NULL : next, s->reason);
	switch (s->action) {
	case ACTION_APPROVE:
		result_publish(&t, x, s->campaign, s->uscc, next, a->entry_id,
			       approvals, w->today);
		break;
	case ACTION_OBJECT:
		step_events(&t, "objection", "objection_filed", s, x, today,
			    due, a->entry_id, true);
		break;
	case ACTION_ANSWER:
		step_events(&t, "objection_answered", "objection_answered", s,
			    x, today, "", a->entry_id,
			    w->today <= x->current.objection_due);
		if (!s->upheld)
			corrected_events(&t, s, x, next, a->entry_id, today);
		break;
	case ACTION_CORRECT:
		corrected_events(&t, s, x, next, a->entry_id, today);
		break;
	case ACTION_FOLLOW_UP:
		follow_up_events(&t, s, x, next, a->entry_id, today,
				 w->today <= next->follow_up_due);
		break;
	case ACTION_REPAIR:
		step_events(&t, "result_publication_ended",
			    "inspection_result_repaired", s, x, today, "",
			    a->entry_id, true);
		break;
	default: /* a return: the result was never public */
		break;
	}
	tx_ack(&t, KEY_RESULTS, a->entry_id);
	int rc = answer_commit(w, &t, "apply a result step");
	if (rc == 0)
		log_info("result step", "action=%s campaign=%s uscc=%s "
			 "version=%u", result_action_names[s->action],
			 s->campaign, s->uscc, removed ? 0 : next->version);
	return rc;
}

static int decide(struct worker *w, const struct result_answer *a,
		  const struct result_step *s, struct result_context *x)
{
	struct reviewer rv = {0};
	struct result_record next;
	struct strbuf approvals = {0};
	bool removed = false;
	struct diag why;
	diag_init(&why);
	if (!readable(s, x, &why) ||
	    (x->visit->type == REDIS_REPLY_STRING &&
	     !result_department_fits(w, s->uscc, x, &why)))
		return result_refuse(w, a, s->campaign, &why);
	if ((s->action == ACTION_APPROVE || s->action == ACTION_RETURN) &&
	    result_roster_member(w, s->reviewer, x->policy.results.review_by,
				 &rv) < 0)
		return FAIL_LOST;
	const struct step_context sx = {
		&x->policy.results, &w->cat->calendar, w->today,
		x->department, x->pledge, x->has_current ? &x->current : NULL,
		&rv};
	if (result_step_apply(s, &sx, &next, &removed, &why) < 0)
		return result_refuse(w, a, s->campaign, &why);
	int rc = 0;
	if (s->action == ACTION_APPROVE) {
		x->deadline = result_deadline(&w->cat->calendar, next.date);
		if (next.result->pledge && next.result->adverse)
			rc = result_approvals(w, s->campaign, s->uscc,
					      &approvals);
		if (approvals.failed)
			rc = FAIL_LOST;
	}
	if (rc == 0)
		rc = apply(w, a, s, x, &next, removed,
			   approvals.len ? approvals.s : "");
	sb_finish(&approvals);
	return rc;
}

int process_result_step(struct worker *w, const struct result_answer *a,
			const struct entry_field *f, size_t n)
{
	struct result_step s;
	struct result_context x;
	struct diag err;
	diag_init(&err);
	if (result_step_parse(f, n, &s, &err) < 0)
		return result_refuse(w, a, s.campaign, &err);
	int rc = result_context_read(w, s.campaign, s.uscc, s.department, &x);
	if (rc == 0)
		rc = decide(w, a, &s, &x);
	result_context_finish(&x);
	return rc;
}
