/* A department's annual random-inspection work plan (年度抽查工作计划,
 * 国市监信〔2019〕38号): tasks, each of a type (定向/不定向), items, scope
 * and policy, drawn in batches on set days. Filed and published before
 * the year's work; inspectd then freezes each batch's population on its
 * day as a two-phase campaign, which draws when the batch's public
 * entropy is given. Parsed from YAML and checked whole: every error names
 * its file, line and column. */
#ifndef INSPECT_PLAN_H
#define INSPECT_PLAN_H

#include <stdint.h>

#include "inspect/core/campaign.h"
#include "inspect/core/policy.h"
#include "inspect/core/diag.h"

#define PLAN_MAX_ID 32      /* "<plan>-<task>-<batch>" fits a campaign id */
#define PLAN_MAX_TASK_ID 24
#define PLAN_MAX_TASKS 64
#define PLAN_MAX_BATCHES 12
#define PLAN_MAX_JOINING 8
#define PLAN_MAX_TEXT 256

struct plan_batch {
	int32_t freeze;       /* the day inspectd freezes its population */
	int32_t entropy_date; /* the day its public entropy is drawn */
	char entropy_source[PLAN_MAX_TEXT + 1]; /* where it is drawn */
	int32_t window_from, window_to;
	uint32_t size;        /* pps: the sample size; 0: the policy's */
	char id[SEED_MAX_ID + 1]; /* its campaign: <plan>-<task>-<n> */
};

struct plan_task {
	char id[PLAN_MAX_TASK_ID + 1];
	char name[PLAN_MAX_TEXT + 1];
	enum task_type type;
	char items[CAMPAIGN_MAX_VALUE + 1];      /* codes, comma-separated */
	char policy[CAMPAIGN_MAX_NAME + 1];
	char regions[CAMPAIGN_MAX_VALUE + 1];    /* "" for all */
	char industries[CAMPAIGN_MAX_VALUE + 1]; /* "" for all */
	char flags[FLAG_COUNT + 1];
	uint32_t quantity; /* visits planned over the year; 0: not stated */
	struct plan_batch batches[PLAN_MAX_BATCHES];
	unsigned n_batches;
	struct campaign scope; /* the first batch's entry, parsed */
};

struct plan {
	char id[PLAN_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	int year;
	char title[PLAN_MAX_TEXT + 1];
	char joining[PLAN_MAX_JOINING][CAMPAIGN_MAX_NAME + 1];
	unsigned n_joining;
	struct plan_task *tasks;
	unsigned n_tasks;
};

/* Parses and checks a plan document; origin names it in errors
 * ("plan-2027.yaml:12:16: tasks.0.batches.1.window: ..."). Every batch's
 * intake entry is checked by campaign_parse. Returns 0, or -1 with every
 * reason found in err. */
int plan_parse(const char *origin, const char *text, size_t len,
	       struct plan *ret, struct diag *err);
void plan_finish(struct plan *p);

/* A batch's intake entry (type=campaign, no date and no entropy: frozen
 * on the day inspectd adds it, drawn when its entropy is given). */
struct plan_entry {
	struct entry_field f[16];
	size_t n;
	char window[32], size[16];
};
void plan_batch_entry(const struct plan *p, const struct plan_task *t,
		      const struct plan_batch *b, struct plan_entry *ret);

/* Where in the document a batch is: "tasks.<t>.batches.<b>". */
void plan_batch_path(unsigned t, unsigned b, char *out, size_t size);

#endif
