/* Pledge verification (告知承诺核查): approvals granted on the applicant's
 * pledge, for a pledge item of the item list, are verified after approval
 * by a campaign inspectd makes itself, each day, for the approvals not
 * yet planned: one campaign per item and window end, drawn by the
 * entity draw from a policy the item's rule gives (docs/ALGORITHM.md,
 * "Pledge verification"). Pure: the daemon reads and writes, this
 * decides. */
#ifndef INSPECT_PLEDGES_H
#define INSPECT_PLEDGES_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/calendar.h"
#include "inspect/core/diag.h"
#include "inspect/core/items.h"
#include "inspect/core/seed.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/uscc.h"

/* The policy name of every pledge campaign; no policy file may take it. */
#define PLEDGE_POLICY "pledge"
/* An approval planned after its deadline is visited within this many
 * working days of the day it is planned. */
#define PLEDGE_LATE_DAYS 10
#define APPROVAL_MAX_NUMBER 64
#define APPROVALS_HEADER "uscc,item,date,number"

struct approval {
	char uscc[USCC_LEN + 1];
	char item[65];
	int32_t date; /* of the approval */
	char number[APPROVAL_MAX_NUMBER + 1];
};

struct approval_list {
	struct approval *v;
	size_t n, cap;
};

void approval_list_finish(struct approval_list *l);
int approval_list_add(struct approval_list *l, const struct approval *a);
/* Ascending by uscc, then by number (bytes): the order of a bundle's
 * approvals.csv. */
void approval_list_sort(struct approval_list *l);

/* One record "uscc,item,YYYY-MM-DD,number" (no line end): 0, or
 * FAIL_INVALID with the field and reason in why. The item must be a
 * pledge item of items. */
int approval_parse(const char *line, size_t len, const struct item_list *items,
		   struct approval *ret, struct diag *why);
/* A CSV file: the header APPROVALS_HEADER, then records; every bad line
 * is listed as "origin:LINE: reason" (the first 20), as is a number given
 * twice. 0 or FAIL_INVALID. */
int approvals_parse_csv(const char *origin, const char *text, size_t len,
			const struct item_list *items,
			struct approval_list *ret, struct diag *err);
/* The value the store keeps under an approval's number:
 * "uscc,item,YYYY-MM-DD". */
void approval_value(const struct approval *a, char *out, size_t size);
int approval_from_value(const char *number, const char *value, size_t len,
			const struct item_list *items, struct approval *ret,
			struct diag *why);
/* approvals.csv of a bundle: the header, then each record, each ended by
 * a line feed, in the list's order. */
void approvals_format(const struct approval_list *l, struct strbuf *out);

/* The policy document of a pledge campaign of item it: stratified, every
 * class at the item's rate, team_size 2. */
void pledge_policy_text(const struct item *it, struct strbuf *out);

/* The last day to verify an approval: the item's deadline_days-th working
 * day after its date; DATE_NONE beyond the calendar. */
int32_t pledge_deadline(const struct calendar *cal, const struct item *it,
			int32_t approved);
/* The last day of the window of a campaign planned on `today` for an
 * approval: its deadline, or, when no working day is left before it, the
 * PLEDGE_LATE_DAYS-th working day after today; DATE_NONE beyond the
 * calendar. */
int32_t pledge_window_end(const struct calendar *cal, const struct item *it,
			  int32_t approved, int32_t today);

/* Where an approval stands (inspectctl pledges). */
enum pledge_state {
	PLEDGE_AWAITING,    /* not planned yet */
	PLEDGE_PLANNED,     /* its campaign is not drawn yet */
	PLEDGE_REFUSED,     /* its campaign was refused */
	PLEDGE_VISIT,       /* a visit is planned, no outcome yet */
	PLEDGE_NOT_SAMPLED, /* its campaign did not draw it (a rate) */
	PLEDGE_NO_ENTITY,   /* nor could it: its entity was not in the grade
			     * index when its campaign was drawn */
	PLEDGE_VERIFIED,    /* its outcome is in */
	PLEDGE_STATES
};
extern const char *const pledge_state_names[PLEDGE_STATES];

/* Whether an approval still owes a verification (awaiting, planned,
 * refused, no entity, a visit without outcome) and, if so, how its deadline stands
 * on today: PLEDGE_ON_TRACK, PLEDGE_DUE (within `within` working days,
 * deadline day included) or PLEDGE_OVERDUE (deadline passed). */
enum pledge_timing { PLEDGE_SETTLED, PLEDGE_ON_TRACK, PLEDGE_DUE,
		     PLEDGE_OVERDUE };
enum pledge_timing pledge_timing_of(const struct calendar *cal,
				    enum pledge_state state, int32_t deadline,
				    int32_t today, unsigned within);

/* A campaign the daily planning makes. */
struct pledge_batch {
	char id[SEED_MAX_ID + 1];
	const struct item *item;
	int32_t window_end;
	size_t first, n; /* its approvals: plan->v[first .. first + n) */
};

struct pledge_plan {
	struct approval_list approvals; /* sorted by batch, then number */
	struct pledge_batch *batches;
	size_t n_batches;
	size_t waiting; /* approvals left for later: dated after today, or
			 * beyond the calendar */
	unsigned run;   /* the run its ids carry */
};

/* The id of the campaign of item code the run-th planning of today makes
 * for window end: PV-<today>-<end>-<run>-<code>, the dates as YYYYMMDD
 * (the run between dates and code, so that no two differ only in where
 * the code begins). */
void pledge_campaign_id(int32_t today, int32_t end, unsigned run,
			const char *code, char id[SEED_MAX_ID + 1]);

/* The run of id if it is pledge_campaign_id(today, end, run, code) for a
 * run from 1 to PLEDGE_MAX_RUNS, else 0. */
unsigned pledge_id_run(const char *id, int32_t today, int32_t end,
		       const char *code);

/* The campaigns the run-th planning of `today` that plans any (from 1)
 * makes of the approvals not yet planned (pending, in any order): those
 * dated today or before, grouped by item and window end, each with
 * pledge_campaign_id; batches ascending by id. 0, or FAIL_INVALID
 * (memory, or run beyond PLEDGE_MAX_RUNS). */
#define PLEDGE_MAX_RUNS 999
int pledge_plan_make(const struct approval *pending, size_t n,
		     const struct item_list *items, const struct calendar *cal,
		     int32_t today, unsigned run, struct pledge_plan *ret);
void pledge_plan_finish(struct pledge_plan *p);
/* The entropy of a pledge campaign planned on day: fixed by rule. */
void pledge_entropy(int32_t day, char *out, size_t size);

#endif
