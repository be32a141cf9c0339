#include "inspect/core/result_steps.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/text.h"

const char *const result_action_names[] = {
	"result", "approve", "return", "correct", "object", "answer", "repair",
	"follow_up",
};

#define BIT(a) (1u << (a))
#define REVIEW (BIT(ACTION_APPROVE) | BIT(ACTION_RETURN))
#define BY_DEPT (BIT(ACTION_CORRECT) | BIT(ACTION_ANSWER) | \
		 BIT(ACTION_REPAIR) | BIT(ACTION_FOLLOW_UP))
#define STEPS (REVIEW | BY_DEPT | BIT(ACTION_OBJECT))

static bool named(const struct entry_field *f, const char *name)
{
	return f->name_len == strlen(name) &&
	       !memcmp(f->name, name, f->name_len);
}

enum result_action result_entry_action(const struct entry_field *f, size_t n,
				       struct diag *err)
{
	for (size_t i = 0; i < n; i++) {
		if (!named(&f[i], "action"))
			continue;
		for (unsigned a = 0; a < ACTIONS; a++)
			if (f[i].value_len == strlen(result_action_names[a]) &&
			    !memcmp(f[i].value, result_action_names[a],
				    f[i].value_len))
				return (enum result_action)a;
		diag_add(err, "field action: must be result, approve, return, "
			 "correct, object, answer, repair or follow_up");
		return ACTIONS;
	}
	return ACTION_RESULT;
}

static int p_campaign(const char *v, size_t len, struct result_step *s,
		      struct diag *why)
{
	return result_field_code(v, len, s->campaign, SEED_MAX_ID, why);
}

static int p_uscc(const char *v, size_t len, struct result_step *s,
		  struct diag *why)
{
	return result_field_uscc(v, len, s->uscc, why);
}

static int p_reviewer(const char *v, size_t len, struct result_step *s,
		      struct diag *why)
{
	return result_field_code(v, len, s->reviewer, RESULT_ID_LEN, why);
}

static int p_department(const char *v, size_t len, struct result_step *s,
			struct diag *why)
{
	return result_field_code(v, len, s->department, SEED_MAX_ID, why);
}

static int p_result(const char *v, size_t len, struct result_step *s,
		    struct diag *why)
{
	s->result = result_code_find(v, len);
	return s->result ? 0
			 : diag_add(why, "must be a result code 01 to 13, "
					 "or 21 to 23 for a pledge");
}

static int p_date(const char *v, size_t len, struct result_step *s,
		  struct diag *why)
{
	return date_parse(v, (unsigned)len, &s->date)
		       ? 0
		       : diag_add(why, "must be a date YYYY-MM-DD");
}

static int p_outcome(const char *v, size_t len, struct result_step *s,
		     struct diag *why)
{
	if (len == 6 && !memcmp(v, "upheld", 6))
		s->upheld = true;
	else if (!(len == 9 && !memcmp(v, "corrected", 9)))
		return diag_add(why, "must be upheld (the result stands) or "
				"corrected (with the corrected result)");
	return 0;
}

static int p_follow_up_outcome(const char *v, size_t len,
			       struct result_step *s, struct diag *why)
{
	s->outcome = follow_up_outcome_find(v, len);
	return s->outcome ? 0
			  : diag_add(why, "must be rectified, case_filed, "
				     "transferred or closed");
}

static int p_reason(const char *v, size_t len, struct result_step *s,
		    struct diag *why)
{
	if (len == 0)
		return diag_add(why, "is empty");
	if (result_text_check(v, len, why) < 0)
		return FAIL_INVALID;
	memcpy(s->reason, v, len);
	s->reason[len] = '\0';
	return 0;
}

/* Each field: the actions that take it and those that need it. The
 * entity's objection names its text `statement`; the others give their
 * reasons as `note` (a refused entry's dead letter has a `reason` of its
 * own). */
static const struct {
	const char *name;
	int (*parse)(const char *v, size_t len, struct result_step *s,
		     struct diag *why);
	unsigned takes, needs;
} fields[] = {
	{"campaign", p_campaign, STEPS, STEPS},
	{"uscc", p_uscc, STEPS, STEPS},
	{"reviewer", p_reviewer, REVIEW, REVIEW},
	{"department", p_department, STEPS, BY_DEPT},
	{"result", p_result, BIT(ACTION_CORRECT) | BIT(ACTION_ANSWER),
	 BIT(ACTION_CORRECT)},
	{"date", p_date, BIT(ACTION_CORRECT) | BIT(ACTION_ANSWER), 0},
	{"outcome", p_outcome, BIT(ACTION_ANSWER), BIT(ACTION_ANSWER)},
	{"follow_up_outcome", p_follow_up_outcome, BIT(ACTION_FOLLOW_UP),
	 BIT(ACTION_FOLLOW_UP)},
	{"note", p_reason, REVIEW | BY_DEPT,
	 (BY_DEPT & ~BIT(ACTION_FOLLOW_UP)) | BIT(ACTION_RETURN)},
	{"statement", p_reason, BIT(ACTION_OBJECT), BIT(ACTION_OBJECT)},
};
#define N_FIELDS (sizeof(fields) / sizeof(*fields))

int result_step_parse(const struct entry_field *f, size_t n,
		      struct result_step *s, struct diag *err)
{
	bool seen[N_FIELDS] = {false};
	memset(s, 0, sizeof(*s));
	s->date = DATE_NONE;
	if (n > CAMPAIGN_MAX_FIELDS)
		return diag_add(err, "entry has more than %d fields",
				CAMPAIGN_MAX_FIELDS);
	if ((s->action = result_entry_action(f, n, err)) == ACTIONS)
		return FAIL_INVALID;
	const char *action = result_action_names[s->action];
	for (size_t i = 0; i < n; i++)
		if (named(&f[i], "campaign"))
			p_campaign(f[i].value, f[i].value_len, s, NULL);
	for (size_t i = 0; i < n; i++) {
		if (named(&f[i], "action"))
			continue;
		size_t k = 0;
		while (k < N_FIELDS && !named(&f[i], fields[k].name))
			k++;
		if (k == N_FIELDS || !(fields[k].takes & BIT(s->action))) {
			char name[3 * 64 + 1]; /* cleaned, as in campaign.c */
			text_clean(f[i].name, f[i].name_len < 64 ? f[i].name_len
								 : 64,
				   name, sizeof(name));
			return diag_add(err, "field %s: not a field of an "
					"entry with action %s", name, action);
		}
		if (seen[k])
			return diag_add(err, "field %s: given twice",
					fields[k].name);
		seen[k] = true;
		struct diag why;
		diag_init(&why);
		if (fields[k].parse(f[i].value, f[i].value_len, s, &why) < 0)
			return diag_add(err, "field %s: %s", fields[k].name,
					diag_reason(&why));
	}
	for (size_t k = 0; k < N_FIELDS; k++)
		if ((fields[k].needs & BIT(s->action)) && !seen[k])
			return diag_add(err, "field %s: missing",
					fields[k].name);
	if (s->action == ACTION_ANSWER && s->upheld == !!s->result)
		return diag_add(err, "field result: %s", s->upheld
				? "an upheld result stands: give none"
				: "missing (the corrected result)");
	if (s->action == ACTION_ANSWER && s->upheld && s->date != DATE_NONE)
		return diag_add(err, "field date: an upheld result stands: "
				"give none");
	return 0;
}

/* ---- deciding ---- */

static int refuse_day(struct diag *why, const char *what, int32_t day)
{
	char s[11];
	date_format(day, s);
	return diag_add(why, what, s);
}

static int check_department(const struct result_step *s,
			    const struct step_context *x, struct diag *why)
{
	if (strcmp(s->department, x->department))
		return diag_add(why, "field department: the result in %s "
				"is %s's, not %s's", s->campaign,
				x->department, s->department);
	return 0;
}

static int check_reviewer(const struct result_step *s,
			  const struct step_context *x, struct diag *why)
{
	const struct reviewer *r = x->reviewer;
	if (!*x->rules->review_by)
		return diag_add(why, "field action: the campaign's policy "
				"asks for no review: its results are public "
				"on entry");
	if (!x->current || x->current->state != RESULT_SUBMITTED)
		return diag_add(why, "field uscc: no result of %s waits for "
				"review in %s", s->uscc, s->campaign);
	if (!r->known || !r->active)
		return diag_add(why, "field reviewer: %s is %s", s->reviewer,
				r->known ? "not active" : "not in the roster");
	if (strcmp(r->department, x->department))
		return diag_add(why, "field reviewer: %s is of %s, not of %s",
				s->reviewer, r->department, x->department);
	if (!r->qualified)
		return diag_add(why, "field reviewer: %s does not hold %s",
				s->reviewer, x->rules->review_by);
	if (!strcmp(s->reviewer, x->current->inspector))
		return diag_add(why, "field reviewer: %s entered the result "
				"and cannot review it", s->reviewer);
	return 0;
}

/* A published result still public today. */
static int check_public(const struct result_step *s,
			const struct step_context *x, struct diag *why)
{
	const struct result_record *c = x->current;
	if (!c)
		return diag_add(why, "field uscc: no result of %s in %s",
				s->uscc, s->campaign);
	if (c->state != RESULT_PUBLISHED)
		return diag_add(why, "field uscc: the result of %s waits for "
				"review and is not public", s->uscc);
	int32_t until = result_public_until(c, x->rules->adverse_years);
	/* A follow-up is recorded whether or not the result is still
	 * public. */
	if (s->action != ACTION_FOLLOW_UP && until != DATE_NONE &&
	    x->today >= until)
		return refuse_day(why, "field uscc: the result's publication "
				  "ended on %s", until);
	return 0;
}

/* The corrected result: its code (and date) checked as an entry's. */
static int correct(const struct result_step *s, const struct step_context *x,
		   struct result_record *next, struct diag *why)
{
	if (result_fits_campaign(s->result, x->pledge, why) < 0)
		return FAIL_INVALID;
	if (s->result == x->current->result && (s->date == DATE_NONE ||
						s->date == x->current->date))
		return diag_add(why, "field result: %s is the result already "
				"public: nothing to correct", s->result->code);
	if (s->date != DATE_NONE && s->date > x->today)
		return diag_add(why, "field date: in the future");
	next->result = s->result;
	if (s->date != DATE_NONE)
		next->date = s->date;
	next->version++;
	next->corrected = x->today;
	/* A correction states the visit's result: per-item results given
	 * with the one it replaces no longer hold (the log keeps them). */
	next->items[0] = '\0';
	return 0;
}

static int apply(const struct result_step *s, const struct step_context *x,
		 struct result_record *next, bool *removed, struct diag *why)
{
	const struct result_record *c = x->current;
	int32_t due;
	switch (s->action) {
	case ACTION_APPROVE:
		next->state = RESULT_PUBLISHED;
		next->published = x->today;
		return 0;
	case ACTION_RETURN:
		*removed = true;
		return 0;
	case ACTION_CORRECT:
		if (c->objection == OBJECTION_OPEN)
			return diag_add(why, "field action: an objection to "
					"this result is open: answer it");
		due = calendar_add_working_days(x->cal, c->published,
						(int)x->rules->correction_days);
		if (due == DATE_NONE || x->today > due)
			return refuse_day(why, "field action: a correction is "
					  "due within the policy's working "
					  "days of publication (by %s); "
					  "after that, on an objection",
					  due == DATE_NONE ? c->published : due);
		return correct(s, x, next, why);
	case ACTION_OBJECT:
		/* One objection to each version of the result. */
		if (c->objection == OBJECTION_OPEN)
			return refuse_day(why, "field uscc: an objection of "
					  "%s is open", c->objection_day);
		if (c->objection == OBJECTION_UPHELD &&
		    (c->corrected == DATE_NONE ||
		     c->corrected <= c->objection_day))
			return refuse_day(why, "field uscc: an objection to "
					  "this result was answered on %s: "
					  "it stands", c->objection_day);
		due = calendar_add_working_days(x->cal, x->today,
						(int)x->rules->objection_days);
		if (due == DATE_NONE)
			return diag_add(why, "no working-day calendar reaches "
					"the objection's answer");
		next->objection = OBJECTION_OPEN;
		next->objection_day = x->today;
		next->objection_due = due;
		return 0;
	case ACTION_ANSWER:
		if (c->objection != OBJECTION_OPEN)
			return diag_add(why, "field uscc: no objection of %s "
					"is open", s->uscc);
		next->objection = s->upheld ? OBJECTION_UPHELD
					    : OBJECTION_CORRECTED;
		next->objection_day = x->today;
		return s->upheld ? 0 : correct(s, x, next, why);
	case ACTION_FOLLOW_UP:
		if (c->follow_up_due == DATE_NONE)
			return diag_add(why, "field uscc: the result of %s "
					"left nothing to follow up", s->uscc);
		if (c->follow_up_outcome)
			return refuse_day(why, "field uscc: its follow-up was "
					  "recorded on %s", c->follow_up_done);
		next->follow_up_outcome = s->outcome;
		next->follow_up_done = x->today;
		return 0;
	case ACTION_REPAIR:
		if (!c->result->adverse)
			return diag_add(why, "field uscc: the result of %s is "
					"not adverse: nothing to repair",
					s->uscc);
		next->repaired = x->today;
		return 0;
	default:
		return diag_add(why, "field action: not a step");
	}
}

int result_step_apply(const struct result_step *s,
		      const struct step_context *x, struct result_record *next,
		      bool *removed, struct diag *why)
{
	*removed = false;
	bool review = s->action == ACTION_APPROVE || s->action == ACTION_RETURN;
	bool by_department = !review && s->action != ACTION_OBJECT;
	if (review && check_reviewer(s, x, why) < 0)
		return FAIL_INVALID;
	if (by_department && check_department(s, x, why) < 0)
		return FAIL_INVALID;
	if (!review && check_public(s, x, why) < 0)
		return FAIL_INVALID;
	*next = *x->current;
	return apply(s, x, next, removed, why);
}
