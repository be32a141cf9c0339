/* Intake entries from supervision departments: a campaign, or the public
 * entropy for a campaign frozen earlier. Parsing validates every field and
 * names the one at fault. */
#ifndef INSPECT_CAMPAIGN_H
#define INSPECT_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/core/scope.h"
#include "inspect/core/seed.h"

#define CAMPAIGN_MAX_FIELDS 32
#define CAMPAIGN_MAX_VALUE 2048
#define CAMPAIGN_MAX_ITEMS 32
#define CAMPAIGN_MAX_NAME 64
#define CAMPAIGN_MAX_PLAN 32 /* an annual plan's id (plan.h) */
#define ITEM_SHARE_ONE 1000000u /* an item's share: every visit */

enum entry_type { ENTRY_CAMPAIGN, ENTRY_ENTROPY };

/* The task's type as the national record states it: undirected (不定向抽查)
 * draws from the department's whole pool (its jurisdiction: regions may
 * narrow it), directed (定向抽查) from a chosen class of entities (an
 * industry, a list flag, the approvals of a pledge campaign). */
enum task_type { TASK_UNDIRECTED, TASK_DIRECTED, TASK_TYPES };
extern const char *const task_type_names[TASK_TYPES]; /* "undirected"... */
extern const char *const task_type_zh[TASK_TYPES];    /* "不定向抽查"... */

struct campaign {
	enum entry_type type;
	char id[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	char policy[CAMPAIGN_MAX_NAME + 1];
	char items[CAMPAIGN_MAX_ITEMS][CAMPAIGN_MAX_NAME + 1];
	/* The share of the visits that check each item, in millionths
	 * (ITEM_SHARE_ONE: every visit; docs/ALGORITHM.md, "Items per
	 * visit"); one item at least has ITEM_SHARE_ONE. */
	uint32_t item_share[CAMPAIGN_MAX_ITEMS];
	unsigned n_items;
	struct scope scope;
	uint32_t size;          /* 0: the policy's */
	int32_t date;           /* DATE_NONE: the day it is drawn */
	int32_t window_from, window_to; /* DATE_NONE: not given */
	bool backdated;         /* a record of a draw made on an earlier date */
	enum task_type task_type; /* given, else directed by industries or flags */
	/* A batch of an annual plan (plan.h): the plan's id, "" for none;
	 * and, not an entry field, the digest of the plan it was checked
	 * against (set when frozen, from the filed plan). */
	char plan[CAMPAIGN_MAX_PLAN + 1];
	char plan_digest[65];
	bool has_entropy;
	char entropy[SEED_MAX_ENTROPY + 1];
};

/* One field of a stream entry. */
struct entry_field {
	const char *name, *value;
	size_t name_len, value_len;
};

/* Whether v[0..len) is 1 to max of A-Z a-z 0-9 - _ . (ids, departments,
 * policy and item codes). */
bool code_chars(const char *v, size_t len, size_t max);

/* Parses a stream entry's fields. Returns 0, or -1 with one line in err
 * naming the field and the reason ("field size: 'ten' is not a whole
 * number"). ret->id is filled as soon as a valid id is seen, so that even
 * a refused entry can be answered under its campaign when it named one. */
int campaign_parse(const struct entry_field *f, size_t n,
		   struct campaign *ret, struct diag *err);

/* An items field ("SC-001,SC-017:0.3", as a record keeps it) read into
 * c's items and shares, as campaign_parse reads it. 0 or -1 (why). */
int campaign_items_parse(const char *text, struct campaign *c,
			 struct diag *why);
/* Whether an item has a share below 1 (the visits' items are drawn). */
bool campaign_has_shares(const struct campaign *c);
/* sep and the share as a decimal ("0.25"), or "" for ITEM_SHARE_ONE. */
void item_share_text(uint32_t share, char sep, char *out, size_t size);
/* The items whose bits are set in mask (bit i: c->items[i]), in the
 * campaign's order, joined by sep, each with ":SHARE" when shares is true
 * and its share is below 1 (the entry's own form). */
void campaign_items_text(const struct campaign *c, uint32_t mask,
			 bool shares, char sep, char *out, size_t size);

#endif
