/* A published campaign as the shells read it back for results, deadlines
 * and disclosure: its record, and each visit with its result if one is
 * in, ascending by USCC (the canonical order). */
#ifndef INSPECT_CAMPAIGN_VIEW_H
#define INSPECT_CAMPAIGN_VIEW_H

#include "inspect/core/diag.h"
#include "inspect/core/results.h"
#include "inspect/store/store.h"

struct campaign_row {
	const char *uscc;
	const redisReply *visit;  /* <p>visits:<id> value */
	const redisReply *result; /* <p>results:<id> value, or NULL */
	/* The partner departments' results of this visit (a joint
	 * campaign's, docs/RESULTS.md): rows whose uscc is the field
	 * "USCC@DEPARTMENT", ascending, visit NULL. */
	const struct campaign_row *partners;
	size_t n_partners;
};

struct campaign_view {
	redisReply *record, *visits, *results; /* rows point into these */
	struct campaign_row *rows;
	size_t n;
	struct campaign_row *results_sorted; /* private */
};

/* The department of a partner's result row (after the '@'). */
const char *campaign_row_department(const struct campaign_row *partner);

/* Returns 0, -1 with the reason in err (unknown or unpublished campaign,
 * an unreadable visit), or FAIL_LOST (s->err) on a lost connection. */
int campaign_view_read(struct store *s, const char *id,
		       struct campaign_view *ret, struct diag *err);
/* The same, also for a campaign its team draw refused (its record keeps
 * what the draw read; no visits): for its audit bundle. */
int campaign_view_read_audit(struct store *s, const char *id, struct campaign_view *ret,
			     struct diag *err);
const char *campaign_view_field(const struct campaign_view *v,
				const char *name);
/* Row k's visit and result parsed (result NULL when none is in); returns
 * false if a stored value does not parse. */
bool campaign_row_parse(const struct campaign_row *row,
			struct planned_visit *visit,
			struct result_record *result, bool *has_result);
void campaign_view_finish(struct campaign_view *v);
/* The items each visit checks (docs/ALGORITHM.md, "Items per visit"):
 * the record's items read into c, and *mask[k] for row k (rows are in
 * canonical order) drawn from the record's seed when an item has a
 * share, else *mask NULL (every visit checks every item). Returns 0, or
 * -1 with the reason in err. */
int campaign_view_items(const struct campaign_view *v, struct campaign *c,
			uint32_t **mask, struct diag *err);

typedef void (*deadline_each)(const struct campaign_row *row,
			      const struct planned_visit *visit,
			      enum result_status status, int32_t deadline,
			      void *ctx);
/* Counts the visits by result status on today (result_status_of), and
 * calls each for every visit if not NULL. Returns 0, or -1 if a stored
 * visit or result does not parse. */
/* The day results are counted on: today, by the calendar, due within
 * `within` working days. */
struct deadline_day {
	const struct calendar *cal;
	int32_t today;
	unsigned within;
};
/* The follow-ups without their outcome (open) and those past their day
 * (late), each late one given to each (NULL: none). 0, or -1 if a stored
 * visit or result is unreadable. */
typedef void (*follow_up_each)(const struct campaign_row *row,
			       const struct planned_visit *visit,
			       const struct result_record *result, void *ctx);
int campaign_view_follow_ups(const struct campaign_view *v, int32_t today,
			     size_t *open, size_t *late, follow_up_each each,
			     void *ctx);
int campaign_view_deadlines(const struct campaign_view *v,
			    const struct deadline_day *on,
			    size_t counts[RESULT_STATUSES], deadline_each each,
			    void *ctx);

#endif
