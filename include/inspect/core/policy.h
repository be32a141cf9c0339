/* Sampling policies: which design, the rate or weight of each credit class,
 * and how the list flags change them. Loaded from YAML and fully validated. */
#ifndef INSPECT_POLICY_H
#define INSPECT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"

enum { CLASS_A, CLASS_B, CLASS_C, CLASS_D, CLASS_COUNT };
/* List flags, in their canonical order: serious-violation blacklist, red
 * list, approved on a pledge, abnormal operations list. */
enum { FLAG_B, FLAG_R, FLAG_P, FLAG_E, FLAG_COUNT };

#define POLICY_CLASS_LETTERS "ABCD"
#define POLICY_FLAG_LETTERS "BRPE"
#define POLICY_MAX_SIZE (1u << 28)
#define POLICY_MAX_COOLDOWN 3660
#define POLICY_MAX_CAP_DAYS   730 /* a cap looks at most two years either way */
#define POLICY_MAX_CAP_VISITS 100
/* Largest weight x factors product, in 1e-6 units, so that the pps sums
 * fit 128-bit integers at the largest population (see docs/ALGORITHM.md). */
#define POLICY_MAX_WEIGHT (1ULL << 40)

enum design { DESIGN_STRATIFIED, DESIGN_PPS };

struct class_rule {
	uint64_t rate;          /* stratified: PI_ONE units */
	uint64_t weight;        /* pps: FACTOR_ONE units */
	uint32_t cooldown_days; /* 0: no cooldown */
};

struct flag_rule {
	uint64_t factor; /* FACTOR_ONE units; FACTOR_ONE when unset */
	bool certain;
};

/* A cap on random visits across campaigns and departments: an entity
 * that already has `visits` visits within `days` days of the draw date
 * (either side: planned visits of published campaigns count) is not drawn.
 * CAP_ANY_ITEM counts every visit; CAP_SAME_ITEM only visits that share an
 * item with the campaign. */
enum { CAP_ANY_ITEM, CAP_SAME_ITEM, CAP_COUNT };
#define POLICY_CAP_NAMES                                                       \
	{                                                                      \
		"any_item", "same_item"                                        \
	}

/* What a campaign does with a selected entity that another published
 * campaign will already visit on one of its window's working days (a
 * visit on record, population.h): nothing (MERGE_NONE); visit it that same
 * day, one door for both (MERGE_JOIN); or leave it to that visit, where it
 * counts as inspected (MERGE_SKIP). */
enum merge_mode { MERGE_NONE, MERGE_JOIN, MERGE_SKIP };

struct cap_rule {
	uint32_t visits; /* 0: no such cap */
	uint32_t days;
	uint8_t classes;      /* bit c: the cap applies to class c */
	uint8_t exempt_flags; /* bit f: an entity with flag f is never capped */
};

/* What becomes of a result after it is entered (docs/RESULTS.md): not
 * part of the draw, so not in policy.txt; the campaign's record keeps the
 * policy document it was drawn under, and its results follow that. */
#define POLICY_MAX_RESULT_DAYS 60
#define POLICY_MAX_PUBLIC_YEARS 10
struct result_rules {
	/* The roster qualification a reviewer holds: a result waits,
	 * submitted, until one approves it. "": public on entry. */
	char review_by[33];
	uint32_t correction_days; /* working days after publication */
	uint32_t objection_days;  /* working days to answer an objection */
	uint32_t adverse_years;   /* an adverse result's publication; 0: no end */
};

struct policy {
	char name[64];
	enum design design;
	uint32_t size;      /* pps: the total sample size; 0 if unset */
	uint32_t team_size; /* inspectors per visit, at least 2 */
	bool disclose_inspectors; /* the disclosure names the teams */
	struct class_rule cls[CLASS_COUNT];
	struct flag_rule flag[FLAG_COUNT];
	struct cap_rule cap[CAP_COUNT];
	enum merge_mode merge;
	/* The largest expected share of a campaign's pool that a general item
	 * (items.h) may be checked at, in millionths; 0 or FACTOR_ONE: no
	 * limit (docs/ALGORITHM.md, "Items per visit"). */
	uint32_t general_ratio_max;
	struct result_rules results;
	uint8_t digest[32]; /* SHA-256 of the policy document's bytes */
};

/* Parses and validates a policy document. `origin` names it in errors
 * ("policies/henan-2021.yaml:7:9: ..."). Returns 0 or -1 with reasons in
 * err; ret is untouched on failure. */
int policy_parse(const char *origin, const char *text, size_t len,
		 struct policy *ret, struct diag *err);

int policy_class_index(char letter); /* -1 if not A..D */
int policy_flag_index(char letter);  /* -1 if not B, R, P or E */

#endif
