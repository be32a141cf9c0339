/* What the answers to results entries share (result_entries.c: an
 * inspector's result; result_steps.c: review, correction, objection,
 * repair). Each answer is one transaction with the entry's XACK, under a
 * WATCH of the campaign's results. */
#ifndef INSPECTD_RESULT_ANSWER_H
#define INSPECTD_RESULT_ANSWER_H

#include <stdbool.h>

#include "inspect/core/policy.h"
#include "inspect/core/result_steps.h"
#include "inspect/core/results.h"
#include "inspect/core/strbuf.h"
#include "answer.h"

struct result_answer {
	const char *entry_id;
	const redisReply *fields;
	enum result_action action;
};

/* What an entry about one entity's result is checked against, read after
 * WATCHing the campaign's results: the campaign's record (status, visit
 * window, department, policy), the visit, the result already in. */
struct result_context {
	redisReply *rec, *visit, *old;
	const char *lead;       /* the campaign's department ("" if none) */
	/* The department whose result it is: the lead's, or a partner's
	 * on a joint visit (its own items); and the result's field in
	 * <p>results:<id>: the USCC, or "USCC@DEPARTMENT" for a partner's. */
	char department[SEED_MAX_ID + 1];
	char field[USCC_LEN + SEED_MAX_ID + 2];
	bool pledge;
	bool policy_ok;         /* the campaign's policy parsed */
	struct policy policy;
	bool has_current, current_ok;
	struct result_record current;
	struct planned_visit v;
	int32_t deadline;       /* the result's: 20 working days */
};
/* department: whose result ("" or the lead's: the campaign's). */
int result_context_read(struct worker *w, const char *campaign,
			const char *uscc, const char *department,
			struct result_context *x);
/* Refuses (false, the reason in why) a campaign not published, or whose
 * policy does not read. */
bool result_campaign_usable(const struct result_context *x,
			    const char *campaign, struct diag *why);
/* Refuses (false, the reason in why) a partner department that checks
 * none of the visit's items; the visit must have been read. */
bool result_department_fits(const struct worker *w, const char *uscc,
			    const struct result_context *x, struct diag *why);
/* The roster's entry for id (<p>roster, as teams are drawn from it):
 * whether known and active, its department, and whether it holds
 * qualification ("" for none). FAIL_LOST or 0. */
int result_roster_member(struct worker *w, const char *id,
			 const char *qualification, struct reviewer *r);
void result_context_finish(struct result_context *x);

/* Set aside on <p>results:rejected as it came, with the reason, and a
 * public "result_rejected" event. */
int result_refuse(struct worker *w, const struct result_answer *a,
		  const char *campaign, struct diag *why);

/* WATCHes and checks the streams an answer adds to: 0 or FAIL_LOST. */
int result_streams_usable(struct worker *w, const char *campaign);
/* HSET of the record in the campaign's results, at x->field. */
void result_write(struct tx *t, const char *campaign,
		  const struct result_context *x,
		  const struct result_record *rec);
/* The step on <p>result-log:<campaign>: the action, the entity and the
 * department whose result it is, its entry, who took it, the record after
 * it (NULL: taken back) and the reason given. */
void result_log(struct tx *t, const struct result_answer *a,
		const char *campaign, const char *uscc,
		const struct result_context *x, const char *by,
		const struct result_record *after, const char *reason);
/* A public event of the result: type, the entity, the department whose
 * result it is, its date and code. */
void result_public_event(struct tx *t, const char *type,
			 const char *campaign, const char *uscc,
			 const char *department, const char *name,
			 const struct result_record *r, bool on_time);
/* The result made public: its "result" event, and if adverse its event
 * to the credit platform (approvals: a false pledge's, ';'-joined). */
void result_publish(struct tx *t, const struct result_context *x,
		    const char *campaign, const char *uscc,
		    const struct result_record *rec, const char *entry,
		    const char *approvals, int32_t today);
/* The numbers of the approvals of the entity that its pledge campaign
 * verifies, ';'-joined, into out. 0 or FAIL_LOST. */
int result_approvals(struct worker *w, const char *campaign,
		     const char *uscc, struct strbuf *out);

/* A step entry (result_steps.c), its action already read. */
int process_result_step(struct worker *w, const struct result_answer *a,
			const struct entry_field *f, size_t n);

#endif
