/* Inspection results (抽查检查结果): the result codes, the stream entry
 * inspectors' systems send, and the checks that an entry belongs to a
 * visit a published campaign planned. Pure: the daemon reads, this
 * decides. */
#ifndef INSPECT_RESULTS_H
#define INSPECT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/assign.h"
#include "inspect/core/calendar.h"
#include "inspect/core/campaign.h"
#include "inspect/core/diag.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/uscc.h"

#define RESULT_MAX_NOTE 1024
#define RESULT_ID_LEN 32
/* Results are public within this many working days of the inspection. */
#define RESULT_DEADLINE_WORKING_DAYS 20

/* What an inspection found, for the statistics: a problem (the rate
 * risk classes are judged by), none, or nothing to inspect (deregistered,
 * moved out, no such activity): left out of problem rates. */
enum result_finding { FINDING_NONE, FINDING_PROBLEM, FINDING_NOT_INSPECTED };

struct result_code {
	const char *code; /* two digits */
	const char *zh;   /* as the national record form words it */
	const char *en;
	bool adverse;     /* handed to the credit platform */
	bool pledge;      /* an outcome of pledge verification (告知承诺核查),
			   * the only results a pledge campaign takes */
	enum result_finding finding;
};

extern const struct result_code result_codes[];
extern const size_t n_result_codes;
const struct result_code *result_code_find(const char *code, size_t len);

/* How the inspection was made (检查方式), as the record form has it. */
enum inspection_method {
	METHOD_NONE, /* not given (results entered before it was asked) */
	METHOD_ONSITE, METHOD_DOCUMENTS, METHOD_ONLINE, METHOD_SAMPLING,
	METHOD_THIRD_PARTY, METHODS
};
extern const char *const method_names[]; /* "", "onsite", ... */
extern const char *const method_zh[];    /* "", "现场检查", ... */

/* What became of a problem left for follow-up (后续处置). */
struct follow_up_outcome {
	const char *code, *zh;
};
extern const struct follow_up_outcome follow_up_outcomes[];
extern const size_t n_follow_up_outcomes;
const struct follow_up_outcome *follow_up_outcome_find(const char *code,
						       size_t len);

/* Per-item results (each item its own code): "SC-017:01,YJ-004:13", the
 * items in the order given. */
#define RESULT_ITEMS_TEXT (CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 4))

struct result_entry {
	char campaign[SEED_MAX_ID + 1];
	/* The department whose items the result is of: "" for the
	 * campaign's; another for its items on a joint visit. */
	char department[SEED_MAX_ID + 1];
	char uscc[USCC_LEN + 1];
	char inspector[RESULT_ID_LEN + 1];
	int32_t date;
	const struct result_code *result;
	char note[RESULT_MAX_NOTE + 1];
	enum inspection_method method;
	char findings[RESULT_MAX_NOTE + 1];  /* what was found */
	char follow_up[RESULT_MAX_NOTE + 1]; /* what is to follow */
	int32_t follow_up_due;               /* by when; DATE_NONE: none */
	char items[RESULT_ITEMS_TEXT];       /* per-item results, or "" */
};

/* Parses a results stream entry (campaign, uscc, inspector, date, result;
 * note, department, method, items, findings, follow_up and follow_up_due
 * optional, the last two together; a result 11 needs them, a result that
 * found no problem takes none; per-item results agree with the result:
 * a problem in one item is a problem of the visit, and the other way
 * round). Returns 0, or -1 with one line naming the field. The
 * campaign is filled as soon as it is valid, so a refusal can name it. */
int result_parse(const struct entry_field *f, size_t n,
		 struct result_entry *ret, struct diag *err);

/* The field readers entries share: a code of 1 to max letters, digits,
 * '-', '_' or '.', and a USCC (its check character checked), each copied
 * NUL-terminated into out. 0, or FAIL_INVALID with the reason. */
int result_field_code(const char *v, size_t len, char *out, size_t max,
		      struct diag *why);
int result_field_uscc(const char *v, size_t len, char out[USCC_LEN + 1],
		      struct diag *why);

/* A note or reason: at most RESULT_MAX_NOTE bytes of UTF-8, no control
 * character but the newline. 0, or FAIL_INVALID with the reason. */
int result_text_check(const char *v, size_t len, struct diag *why);

/* Calls each(code, result, ctx) for each item of per-item results text
 * (as result_entry.items keeps it), in order; stops at the first that
 * returns nonzero and returns it. */
int result_items_each(const char *items,
		      int (*each)(const char *code,
				  const struct result_code *result, void *ctx),
		      void *ctx);

/* A planned visit as the campaign's visits hash keeps it (value of
 * <p>visits:<campaign>, field uscc): "date\x1fids\x1fteam\x1fname
 * \x1fitems", ids separated by ';', team as "name badge, name badge",
 * items the codes the visit checks separated by ',' (absent from visits
 * published before they were kept). */
struct planned_visit {
	int32_t date;
	char ids[TEAM_MAX][RESULT_ID_LEN + 1];
	unsigned n_ids;
	char team[TEAM_MAX * 140];
	char name[512];
	char items[CAMPAIGN_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1)];
};

/* The team text of a visit left to another campaign's (a merged visit):
 * this, then that campaign's id; it has no inspector ids. */
#define RESULT_MERGED_TEAM "merged:"

/* Returns 0, or -1 if the value does not parse. A visit without a team
 * (n_ids 0, team RESULT_MERGED_TEAM...) was left to another campaign's. */
int planned_visit_parse(const char *value, size_t len,
			struct planned_visit *ret);

/* Checks a parsed result against its campaign: visit is the entity's
 * planned visit (NULL if the campaign did not draw it), the window is the
 * campaign's first and last visit day, today the day it arrives. */
int result_check(const struct result_entry *r,
		 const struct planned_visit *visit, int32_t window_from,
		 int32_t window_to, int32_t today, struct diag *err);

/* Pledge campaigns (policy PLEDGE_POLICY) take the pledge outcomes, and
 * only they do: 0, or FAIL_INVALID with the reason in err. */
int result_fits_campaign(const struct result_code *code, bool pledge,
			 struct diag *err);

/* The last day a result of an inspection on day may be made public, or
 * DATE_NONE when the calendar does not reach it. */
int32_t result_deadline(const struct calendar *cal, int32_t day);

/* Where a result stands (docs/RESULTS.md): waiting for a reviewer, or
 * public. */
enum result_state { RESULT_SUBMITTED, RESULT_PUBLISHED };

/* An entity's objection (异议) to a published result. */
enum objection_state {
	OBJECTION_NONE,
	OBJECTION_OPEN,      /* filed, not yet answered */
	OBJECTION_UPHELD,    /* answered: the result stands */
	OBJECTION_CORRECTED, /* answered: the result corrected */
};
extern const char *const objection_state_names[];

/* An accepted result as <p>results:<campaign> keeps it (field uscc):
 * "date\x1fcode\x1finspector\x1fentry\x1freceived\x1fnote", then, for
 * one written since results are reviewed and corrected,
 * "\x1fstate\x1fversion\x1fpublished\x1fcorrected\x1fobjection
 * \x1fobjection_day\x1fobjection_due\x1frepaired" (dates or "", state
 * "submitted" or "published", objection as objection_state_names), then,
 * since the record form's fields are kept, "\x1fmethod\x1fitems
 * \x1ffollow_up_due
 * \x1ffollow_up_outcome\x1ffollow_up_done\x1ffindings\x1ffollow_up". A
 * record of six parts is version 1, published on the day received. */
struct result_record {
	int32_t date, received;
	const struct result_code *result;
	char inspector[RESULT_ID_LEN + 1];
	char entry[48]; /* a stream entry id */
	char note[RESULT_MAX_NOTE + 1];
	enum result_state state;
	unsigned version;      /* 1, and one more for each correction */
	int32_t published;     /* DATE_NONE while submitted */
	int32_t corrected;     /* the last correction's day, or DATE_NONE */
	enum objection_state objection;
	int32_t objection_day; /* filed (open), else answered */
	int32_t objection_due;
	int32_t repaired;      /* publication ended on repair, or DATE_NONE */
	/* The record form (absent from records written before it): */
	enum inspection_method method;
	char items[RESULT_ITEMS_TEXT]; /* per-item results, or "" */
	int32_t follow_up_due; /* DATE_NONE: nothing to follow up */
	const struct follow_up_outcome *follow_up_outcome; /* NULL: open */
	int32_t follow_up_done;
	char findings[RESULT_MAX_NOTE + 1];
	char follow_up[RESULT_MAX_NOTE + 1];
};
int result_record_parse(const char *value, size_t len,
			struct result_record *ret);
/* The record's value, as result_record_parse reads it. */
void result_record_format(const struct result_record *r, struct strbuf *out);

/* The day an adverse result's publication ends under the policy's rules
 * (adverse_years after publication, or its repair), or DATE_NONE while it
 * has no end. A result that is not adverse is public for good. */
int32_t result_public_until(const struct result_record *r,
			    unsigned adverse_years);

/* Where a result's follow-up (后续处置) stands on today: none to follow,
 * open (no outcome yet), or open past its day. */
enum follow_up_state { FOLLOW_UP_NONE, FOLLOW_UP_OPEN, FOLLOW_UP_LATE };
enum follow_up_state result_follow_up_state(const struct result_record *r,
					    int32_t today);

enum result_status {
	RESULT_ON_TIME,   /* public by its deadline */
	RESULT_LATE,      /* public, after its deadline */
	RESULT_PENDING,   /* not in yet, deadline more than `within` away */
	RESULT_AT_RISK,   /* not in yet, deadline within `within` working days */
	RESULT_OVERDUE,   /* not in yet, deadline passed */
	RESULT_NO_CALENDAR, /* the calendar does not reach the deadline */
	RESULT_IN_REVIEW, /* in, waiting for a reviewer (not yet public) */
	RESULT_STATUSES
};
extern const char *const result_status_names[];

/* Where a visit stands on today: result is NULL while none is in. Its
 * deadline is 20 working days after the inspection (the result's date,
 * else the planned day); a result waiting for review is public on none. */
enum result_status result_status_of(const struct calendar *cal,
				    int32_t today, unsigned within,
				    int32_t planned,
				    const struct result_record *result,
				    int32_t *deadline);

#endif
