/* The key schema: every Redis key inspectd and inspectctl read or write,
 * in one table (keys.c), with its type and the files that write and read
 * it. docs/REDIS.md's key tables are checked against it (tests/unit/
 * test_keys.c), and so is the source: a file that names a kind is one of
 * the files the table gives it. Nothing outside src/store/ formats a key:
 * it asks for one by its kind. */
#ifndef INSPECT_KEYS_H
#define INSPECT_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect/shell/config.h"

/* The consumer group of the intake and results streams. */
#define INTAKE_GROUP "inspectd"

enum key_kind {
	/* under <p> (prefix), inspectd's own */
	KEY_INTAKE,
	KEY_INTAKE_REJECTED,
	KEY_REFUSED,
	KEY_CAMPAIGN,
	KEY_DEPT,
	KEY_PUBLIC,
	KEY_INSPECTED,
	KEY_HISTORY,
	KEY_ROSTER,
	KEY_INSPECTOR,
	KEY_INSPECTORS,
	KEY_LOAD,
	KEY_LASTTEAM,
	KEY_DAY,
	KEY_DAYS,
	KEY_FEED,
	KEY_VISITS,
	KEY_AUDIT,
	KEY_MERGED,
	KEY_PUBLISHED,
	KEY_PUBLISHING,
	KEY_RESULTS,
	KEY_CAMPAIGN_RESULTS,
	KEY_RESULTS_REJECTED,
	KEY_RESULT_LOG,
	KEY_OUTBOX,
	KEY_APPROVALS,
	KEY_APPROVALS_PENDING,
	KEY_APPROVALS_CAMPAIGN,
	KEY_PLEDGED,
	KEY_PLEDGES_DAY,
	KEY_PLEDGES_RUNS,
	KEY_PLAN,
	KEY_PLAN_BATCHES,
	KEY_PLANS,
	KEY_PLANS_DAY,
	KEY_REMINDERS,
	KEY_REMINDERS_DAY,
	/* under <g> (grades_prefix), the credit platform's */
	KEY_GRADES_META,
	KEY_GRADES_IDX,
	KEY_GRADES_ENT,
	KEY_GRADES_IMPORT,
	KEY_GRADES_EVENTS,
	KEY_KINDS
};

struct key_spec {
	const char *name;    /* "KEY_CAMPAIGN", as the source names it */
	const char *doc;     /* "<p>campaign:<id>", as docs/REDIS.md names it */
	const char *pattern; /* after the prefix: "campaign:%s" */
	unsigned args;       /* the %s in pattern, filled in order (for
			      * "<p/k>", k first, in the hash tag) */
	const char *type;    /* "HASH", "STREAM", ... */
	const char *writers; /* files under src/, comma-separated */
	const char *readers;
};

extern const struct key_spec key_specs[KEY_KINDS];

/* The key of kind k with its arguments (as many as the kind has, strings;
 * NULL for none) into out[size]; its length, or 0 if it does not fit. */
size_t key_name(char *out, size_t size, const struct config *cfg,
		enum key_kind k, const char *a, const char *b);
/* The same for a kind of one numeric argument (a bucket, a chunk, a
 * generation). */
size_t key_name_u(char *out, size_t size, const struct config *cfg,
		  enum key_kind k, unsigned long long n);

/* <g>idx:<generation>:<bucket>. */
size_t idx_key(char *out, size_t size, const struct config *cfg,
	       unsigned long long generation, unsigned long long bucket);

#endif
