/* The audit bundle of a published campaign: everything needed to re-run
 * its draw, as files of one directory (docs/ALGORITHM.md, "Audit
 * bundles"):
 *
 *   MANIFEST        key: value lines (campaign, date, entropy, digests...)
 *   policy.yaml     the policy document (its SHA-256 is the policy digest)
 *   policy.txt      the same policy as numbers, for verifiers without YAML
 *   population.csv  the frozen population, canonical text
 *   roster.csv      the inspector roster the team draw read
 *   teams.txt       the team draw's other inputs (team_inputs.h)
 *   items.yaml      the item list the departments and qualifications
 *                   came from (absent from bundles made before it was
 *                   kept)
 *   cn-YYYY.yaml    the working-day calendars of the window's years
 *                   (a provisional one says so, and must follow the
 *                   provisional rule)
 *   outcome.csv     what was published: uscc,date,team per visit
 *   refusal.txt     instead of outcome.csv, for a campaign its team draw
 *                   refused: the reason, which the verifiers reproduce
 *
 * The MANIFEST ends with the SHA-256 of every other file.
 *
 * Verification is pure: the texts in, "verified" or the first difference
 * out. */
#ifndef INSPECT_BUNDLE_H
#define INSPECT_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/calendar.h"
#include "inspect/core/diag.h"
#include "inspect/core/policy.h"
#include "inspect/core/seed.h"
#include "inspect/core/strbuf.h"

#define BUNDLE_FORMAT "inspectd-bundle/1"
#define POLICY_NUMBERS_HEADER "inspectd-policy-numbers/1"
#define OUTCOME_HEADER "uscc,date,team"
#define REFUSAL_HEADER "inspectd-refusal/1"
#define BUNDLE_MAX_FILES 24

struct text {
	const char *s;
	size_t len;
};

/* A "file: NAME SHA256" line of the MANIFEST. */
struct bundle_file_digest {
	char name[32], sha256[65];
};

struct bundle_manifest {
	char campaign[SEED_MAX_ID + 1], department[65], policy[64];
	char algorithm[32], teams_algorithm[32];
	int32_t date;
	uint32_t size;
	char entropy[SEED_MAX_ENTROPY + 1];
	char seed[65], population_digest[65], policy_digest[65];
	char roster_digest[65];
	size_t population, selected;
	/* Every other file of the bundle, ascending by name. */
	struct bundle_file_digest files[BUNDLE_MAX_FILES];
	unsigned n_files;
};

struct bundle {
	struct bundle_manifest m;
	struct text policy_yaml, policy_numbers, population, roster, teams;
	/* outcome.csv of a published campaign, or refusal.txt of a refused
	 * one: exactly one has s set. */
	struct text outcome, refusal;
	struct text items;  /* items.yaml: the item list; s NULL if absent */
	struct text approvals; /* approvals.csv of a pledge campaign, or none */
	struct text plan;      /* plan.txt of an annual plan's batch, or none */
	/* visit_items.csv: each visit's items, when an item has a share */
	struct text visit_items;
	struct text calendars[CALENDAR_MAX_YEARS]; /* in year order */
	char calendar_names[CALENDAR_MAX_YEARS][16]; /* cn-YYYY.yaml */
	unsigned n_calendars;
	/* Set by bundle_verify: the window's years whose calendar is
	 * provisional, as checked against the provisional rule; and the salt
	 * of the outcome's commitment from teams.txt ("" if none). */
	char provisional_years[48];
	char outcome_salt[65];
};

/* A pledge campaign's bundle (docs/ALGORITHM.md, "Pledge verification"):
 * its approvals, policy, entropy, id, population and window are those
 * the rules give (bundle_pledges.c). 0, or FAIL_INVALID with the first
 * difference in err. */
struct population;
struct team_inputs;
int bundle_check_pledges(const struct bundle *b, const struct population *pop,
			 const struct team_inputs *ti, struct diag *err);

/* An annual plan's batch (docs/ALGORITHM.md, "Annual plans"): plan.txt
 * is canonical, the campaign is a batch of it field for field, and its
 * population lies in the batch's scope (bundle_plan.c). 0, or
 * FAIL_INVALID with the first difference in err. */
/* Items per visit (docs/ALGORITHM.md): when teams.txt gives an item a
 * share, visit_items.csv is each visit's items as the draw gives them
 * (without shares the bundle has none); no general item reaches more of
 * the pool than the policy allows (bundle_items.c). 0, or FAIL_INVALID
 * with the first difference in err. */
struct draw;
struct policy;
int bundle_check_visit_items(const struct bundle *b, const struct policy *p,
			     const struct population *pop,
			     const struct draw *d, const uint8_t seed[32],
			     struct diag *err);

int bundle_check_plan(const struct bundle *b, const struct population *pop,
		      const struct team_inputs *ti, struct diag *err);

/* The file names of the files every bundle has, in the order above
 * (MANIFEST to teams.txt). */
extern const char *const bundle_files[];
extern const size_t n_bundle_files;

/* Adds file name's digest to the MANIFEST's file lines, in name order;
 * false if there are BUNDLE_MAX_FILES already. */
bool bundle_manifest_add_file(struct bundle_manifest *m, const char *name,
			      const char *text, size_t len);
void bundle_manifest_format(const struct bundle_manifest *m,
			    struct strbuf *out);
int bundle_manifest_parse(const char *text, size_t len,
			  struct bundle_manifest *ret, struct diag *err);
/* One line of outcome.csv: "uscc,YYYY-MM-DD,id;id\n" into out[size];
 * returns its length. Publication digests the same lines. */
size_t bundle_outcome_line(char *out, size_t size, const char *uscc,
			   int32_t day, const char *ids);
/* The policy as the integers docs/ALGORITHM.md section 3 defines. */
void policy_numbers_format(const struct policy *p, struct strbuf *out);

/* Recomputes digests, seed, entity draw, teams and schedule, and compares
 * each with the bundle (for a refusal: that the team draw refuses it for
 * the reason of refusal.txt); last, every file's digest with the
 * MANIFEST's. Returns 0 (verified), or -1 with the first difference in
 * err. */
int bundle_verify(struct bundle *b, struct diag *err);

/* One bundle of a chain: its name (for errors) and the files the chain
 * reads. */
struct bundle_link {
	const char *name;
	struct text roster, teams, outcome;
};

/* The bundles of a deployment in publication order, from its first
 * campaign on (each verified on its own first): each one's load (`used`
 * lines) and previous teams are those the outcomes of the bundles before
 * it give (bundle_chain.c). Returns 0, or -1 with the first difference. */
int bundle_chain_check(const struct bundle_link *links, size_t n,
		       struct diag *err);

#endif
