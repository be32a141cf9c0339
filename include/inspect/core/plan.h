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
#include "inspect/core/strbuf.h"

#define PLAN_MAX_ID CAMPAIGN_MAX_PLAN /* "<plan>-<task>-<n>" fits an id */
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
	char items[CAMPAIGN_MAX_VALUE + 1];      /* CODE[:SHARE], comma-joined */
	char policy[CAMPAIGN_MAX_NAME + 1];
	char regions[CAMPAIGN_MAX_VALUE + 1];    /* "" for all */
	char industries[CAMPAIGN_MAX_VALUE + 1]; /* "" for all */
	char flags[FLAG_COUNT + 1];
	uint32_t quantity; /* visits planned over the year; 0: not stated */
	struct plan_batch batches[PLAN_MAX_BATCHES];
	unsigned n_batches;
	struct campaign entry; /* its first batch's entry, parsed */
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

/* The plan's canonical text (docs/ALGORITHM.md, "Annual plans"): what
 * its public digest commits to and audit bundles carry as plan.txt. */
#define PLAN_FORMAT "inspectd-plan/1"
void plan_canonical(const struct plan *p, struct strbuf *out);
/* SHA-256 of the canonical text, as 64 lower-case hex digits. */
void plan_digest_hex(const struct plan *p, char hex[65]);
/* Reads a canonical text back (its fields, each task's entry parsed);
 * 0, or FAIL_INVALID with the line at fault in err. Whether it is
 * canonical is for the caller to check: written again, the same bytes. */
int plan_text_parse(const char *origin, const char *text, size_t len,
		    struct plan *ret, struct diag *err);

/* The batch whose campaign is id, or NULL (its task into *task). */
const struct plan_batch *plan_find_batch(const struct plan *p, const char *id,
					 const struct plan_task **task);
/* A campaign entry naming plan p is p's batch of its id, field for field
 * (department, policy, items, scope, task type, window, size; no date,
 * no entropy): 0, or FAIL_INVALID with the first difference in why. */
int plan_batch_matches(const struct plan *p, const struct campaign *c,
		       struct diag *why);

/* Where in the document a batch is: "tasks.<t>.batches.<b>". */
void plan_batch_path(unsigned t, unsigned b, char *out, size_t size);

#endif
