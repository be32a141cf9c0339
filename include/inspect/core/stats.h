/* The department's numbers (inspectctl report): the pool by credit class
 * and how much of it was inspected, visits per entity, results by code,
 * problem-found rates by class, item, task type and department with
 * their confidence intervals, results on time, and the inspectors' load.
 * Pure: the shell reads the store and feeds campaigns and visits in;
 * docs/REPORT.md defines every number. */
#ifndef INSPECT_STATS_H
#define INSPECT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/campaign.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"
#include "inspect/core/results.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/tables.h"

#define STATS_MAX_CODES 32  /* result codes: n_result_codes or fewer */
#define STATS_VISIT_BINS 4  /* entities with 0, 1, 2, 3 or more visits */
#define STATS_CLASS_UNKNOWN CLASS_COUNT /* a visit whose class is unknown */

/* Visits, their results, and the results that found a problem; rates
 * leave out the results that found nothing to inspect. */
struct stats_counts {
	uint64_t visits, results, problems, not_inspected;
};

/* A problem-found rate: p = problems / (results - not_inspected), with
 * its 95% Wilson score interval [lo, hi]; n the denominator (0: no
 * rate). */
struct stats_rate {
	uint64_t n, k;
	double p, lo, hi;
};
struct stats_rate stats_rate_of(const struct stats_counts *c);

struct stats_keyed {
	char key[CAMPAIGN_MAX_NAME + 1];
	struct stats_counts c;
};

struct stats_inspector {
	char id[RESULT_ID_LEN + 1];
	uint64_t visits;
};

/* A campaign as the statistics see it (stats_campaign_begin). */
struct stats_campaign {
	const char *id, *department;
	enum task_type type;
	const char *const *items;
	unsigned n_items;
};

/* A partner department's result of a joint visit (docs/RESULTS.md). */
struct stats_part {
	const char *department;
	const struct result_code *result;
	const char *item_results; /* its per-item results text, or "" */
};

/* One planned visit of the current campaign. The class, task type, code
 * and status tables count it once, by its own result; the department
 * table counts each department's result (the visit's and its
 * partners'); the item table each item's own result (docs/REPORT.md,
 * rate_by_item). */
struct stats_visit {
	const char *uscc;  /* USCC_LEN bytes */
	int cls;           /* the class the draw saw, or STATS_CLASS_UNKNOWN */
	bool skipped;      /* left to another campaign's visit (merged) */
	const char (*inspectors)[RESULT_ID_LEN + 1];
	unsigned n_inspectors;
	const struct result_code *result; /* NULL while none is in */
	enum result_status status;        /* where its result stands */
	uint32_t items; /* the campaign's items it checks (bit i: items[i]);
			 * 0: all of them */
	const char *item_results; /* the result's per-item text, or NULL */
	const struct stats_part *partners;
	unsigned n_partners;
};

struct stats {
	/* The pool: the grade index's entities in scope, canonical. */
	const struct population *pool;
	uint64_t pool_n[CLASS_COUNT];
	uint16_t *visits_of;  /* per pool entity, saturating */
	uint64_t outside;     /* visits of entities no longer in the pool */
	uint64_t campaigns, visits, skipped;
	struct stats_counts by_class[CLASS_COUNT + 1];
	struct stats_counts by_type[TASK_TYPES];
	struct stats_keyed *by_item, *by_department;
	size_t n_items, n_departments;
	uint64_t by_code[STATS_MAX_CODES];
	uint64_t by_status[RESULT_STATUSES];
	struct stats_inspector *inspectors;
	size_t n_inspectors;
	/* Filled by stats_finish. */
	uint64_t inspected[CLASS_COUNT];  /* pool entities with a visit */
	uint64_t bins[CLASS_COUNT][STATS_VISIT_BINS];
	uint64_t repeat_pairs; /* an inspector sent to the same entity again */
	double load_mean, load_sd;
	uint64_t load_min, load_max;
	/* Private. */
	size_t cap_items, cap_departments, cap_inspectors;
	uint32_t *insp_table;
	size_t insp_slots;
	uint64_t *pairs;
	size_t n_pairs, cap_pairs;
	uint32_t cur_items[CAMPAIGN_MAX_ITEMS];
	unsigned cur_n_items;
	uint32_t cur_department;
	enum task_type cur_type;
	bool failed; /* out of memory */
};

/* pool must stay valid while s is used. Returns 0 or -1 (no memory). */
int stats_init(struct stats *s, const struct population *pool);
/* Counts a campaign; its visits follow. Returns 0 or -1 (no memory). */
int stats_campaign_begin(struct stats *s, const struct stats_campaign *c);
int stats_visit_add(struct stats *s, const struct stats_visit *v);
/* Computes coverage, visit bins, the inspectors' load and repeats.
 * Returns 0 or -1 (no memory). */
int stats_finish(struct stats *s);
void stats_free(struct stats *s);

/* ---- The ratio review: next year's class rates, suggested. ---- */

struct review_class {
	uint64_t pool;               /* entities of the class in the pool */
	double expected;             /* visits the policy gives it on the pool */
	struct stats_rate observed;  /* problem-found rate at the draw */
	bool kept;                   /* too few results: rate kept */
	double scale;                /* suggested / current */
	char suggested[24];          /* rate (stratified) or weight (pps) */
	double expected_after;       /* visits the suggestion gives it */
};

struct review {
	struct review_class cls[CLASS_COUNT];
	double total, total_after;   /* expected visits */
	double inspector_days, inspector_days_after;
	bool bounded; /* the same workload was out of reach within bounds */
	uint32_t min_results;
	double max_change;
	char policy[64];
	enum design design;
	struct policy after;         /* the suggested policy */
};

struct review_params {
	const struct population *pool;
	const struct policy *policy;
	int32_t date;        /* cooldowns count back from it */
	uint32_t size;       /* pps: the sample size (0: the policy's) */
	uint32_t min_results; /* fewer results in a class: its rate is kept */
	double max_change;   /* a rate moves at most this factor either way */
	const struct stats_counts *by_class; /* stats.by_class */
};

/* The rule (docs/REPORT.md): each class's visits proportional to its pool
 * times its observed problem rate, at the same total workload, each within
 * max_change of today's; classes with too few results keep theirs. Returns
 * 0, or -1 with the reason in err (a pps size the pool cannot meet). */
int review_suggest(const struct review_params *p, struct review *ret,
		   struct diag *err);

/* ---- What the report shows, as tables (tables.h). ---- */

/* The report's scope, as its heading states it. */
struct stats_scope {
	const char *from, *to, *department, *region, *generated;
};

/* Builds the report's tables from finished statistics and, when not
 * NULL, the review; the heading "scope" holds the scope. Out of memory:
 * r->failed. Free with table_set_free. */
void stats_report_build(struct table_set *r, const struct stats *s,
			const struct review *rv,
			const struct stats_scope *scope);
/* One static page with inline SVG charts, then the tables. */
void stats_html(const struct table_set *r, struct strbuf *out);

#endif
