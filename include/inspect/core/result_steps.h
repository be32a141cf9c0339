/* What happens to a result after it is entered (docs/RESULTS.md): a
 * reviewer approves or returns it, its department corrects it, the entity
 * objects and the department answers, publication of an adverse result
 * ends on repair. Each is an entry of the results stream with an `action`
 * field; this parses it and decides, from the result's record, the
 * record that follows or the reason it is refused. Pure. */
#ifndef INSPECT_RESULT_STEPS_H
#define INSPECT_RESULT_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/calendar.h"
#include "inspect/core/campaign.h"
#include "inspect/core/diag.h"
#include "inspect/core/policy.h"
#include "inspect/core/results.h"

enum result_action {
	ACTION_RESULT,  /* an inspector's result (results.h) */
	ACTION_APPROVE, /* a reviewer makes a submitted result public */
	ACTION_RETURN,  /* a reviewer sends it back: it is entered again */
	ACTION_CORRECT, /* the department corrects a published result */
	ACTION_OBJECT,  /* the entity objects to a published result (异议) */
	ACTION_ANSWER,  /* the department answers the objection */
	ACTION_REPAIR,  /* credit repair: an adverse result's publication ends */
	ACTION_FOLLOW_UP, /* the department records its follow-up's outcome */
	ACTIONS
};
extern const char *const result_action_names[];

/* The action an entry names (no `action` field: ACTION_RESULT), or
 * ACTIONS with the reason in err. */
enum result_action result_entry_action(const struct entry_field *f, size_t n,
				       struct diag *err);

struct result_step {
	enum result_action action;
	char campaign[SEED_MAX_ID + 1];
	char uscc[USCC_LEN + 1];
	char reviewer[RESULT_ID_LEN + 1];    /* approve, return */
	/* correct, answer, repair: the department acting; approve, return,
	 * object: whose result (optional: the campaign's). */
	char department[SEED_MAX_ID + 1];
	const struct result_code *result;    /* correct; answer corrected */
	int32_t date;                        /* correct: DATE_NONE keeps it */
	bool upheld;                         /* answer */
	const struct follow_up_outcome *outcome; /* follow_up */
	char reason[RESULT_MAX_NOTE + 1];    /* the entity's statement for
					      * object */
};

/* Parses a step entry: 0, or -1 with one line naming the field. The
 * campaign is filled as soon as it is valid, so a refusal can name it. */
int result_step_parse(const struct entry_field *f, size_t n,
		      struct result_step *ret, struct diag *err);

/* A reviewer as the roster has them. */
struct reviewer {
	bool known, active, qualified;
	char department[SEED_MAX_ID + 1];
};

/* What a step is decided on. */
struct step_context {
	const struct result_rules *rules;
	const struct calendar *cal;
	int32_t today;
	const char *department;  /* whose result it is: the campaign's, or a
				  * partner's on a joint visit */
	bool pledge;             /* a pledge campaign (results.h) */
	const struct result_record *current; /* NULL: none in */
	const struct reviewer *reviewer;     /* approve, return */
};

/* The record after the step into next (removed: the result is taken back
 * and its visit waits for another), or FAIL_INVALID with the reason. */
int result_step_apply(const struct result_step *s,
		      const struct step_context *x, struct result_record *next,
		      bool *removed, struct diag *why);

#endif
