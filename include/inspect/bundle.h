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
 *
 * Verification is pure: the texts in, "verified" or the first difference
 * out. */
#ifndef INSPECT_BUNDLE_H
#define INSPECT_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/calendar.h"
#include "inspect/diag.h"
#include "inspect/policy.h"
#include "inspect/seed.h"
#include "inspect/strbuf.h"

#define BUNDLE_FORMAT "inspectd-bundle/1"
#define POLICY_NUMBERS_HEADER "inspectd-policy-numbers/1"
#define OUTCOME_HEADER "uscc,date,team"

struct text {
	const char *s;
	size_t len;
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
};

struct bundle {
	struct bundle_manifest m;
	struct text policy_yaml, policy_numbers, population, roster, teams,
		outcome;
	struct text items;  /* items.yaml: the item list; s NULL if absent */
	struct text calendars[CALENDAR_MAX_YEARS]; /* in year order */
	unsigned n_calendars;
	/* Set by bundle_verify: the window's years whose calendar is
	 * provisional, as checked against the provisional rule; and the salt
	 * of the outcome's commitment from teams.txt ("" if none). */
	char provisional_years[48];
	char outcome_salt[65];
};

/* The file names of the fixed files, in the order above. */
extern const char *const bundle_files[];
extern const size_t n_bundle_files;

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
 * each with the bundle. Returns 0 (verified), or -1 with the first
 * difference in err. */
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
