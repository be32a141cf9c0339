/* What the team draw read besides the roster, kept with a published
 * campaign (<p>audit:<id>) and in its audit bundle (teams.txt), so that
 * a verifier can run the draw again: the team rules, the window's working
 * days, other campaigns' visits on them, and each entity's previous team.
 *
 *   inspectd-team-inputs/1
 *   team_size 2
 *   department SAMR-A            (in the order the draw used)
 *   qualification food safety    (rest of the line)
 *   window 2026-11-25 2026-12-22
 *   day 2026-11-25               (each working day, ascending)
 *   used i0042 2026-11-25 3      (visits other campaigns planned)
 *   previous 91410100MA... i7;i9 (the entity's previous team)
 *   joined 91410100MA... 2026-12-02 SAMR-7  (a visit merged with one on
 *   skipped 91410100MA... 2026-12-03 MPA-2   record: docs/ALGORITHM.md)
 *   item SC-017                  (the campaign's items, in order;
 *   item SC-020 0.25              one a share of the visits check)
 *   salt 3f0c...                 (64 hex digits: not an input of the
 *                                draw, the salt of the outcome's digest)
 */
#ifndef INSPECT_TEAM_INPUTS_H
#define INSPECT_TEAM_INPUTS_H

#include "inspect/core/assign.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/uscc.h"

#define TEAM_INPUTS_HEADER "inspectd-team-inputs/1"
#define TEAM_INPUTS_MAX_DAYS 400

struct used_entry {
	char id[33];
	int32_t day;
	unsigned n;
};

struct previous_entry {
	char uscc[USCC_LEN + 1];
	char ids[TEAM_MAX * 34];
};

/* A selected entity merged with a visit on record: its visit joins it (on
 * its day) or is skipped (left to it). */
struct merge_entry {
	char uscc[USCC_LEN + 1];
	int32_t day;
	char campaign[65];
	bool skipped;
	size_t k; /* the entity's index among the chosen (not in teams.txt) */
};

/* The merges of a draw in canonical order, for team_inputs_format. */
struct merge_list {
	const struct merge_entry *v;
	size_t n;
};

struct team_inputs {
	unsigned team_size;
	char departments[TEAM_MAX_DEPARTMENTS][65];
	unsigned n_departments;
	char qualifications[64][33];
	unsigned n_qualifications;
	int32_t window_from, window_to;
	int32_t days[TEAM_INPUTS_MAX_DAYS];
	size_t n_days;
	struct used_entry *used;
	size_t n_used;
	struct previous_entry *previous; /* ascending by uscc */
	size_t n_previous;
	struct merge_entry *merged; /* ascending by uscc */
	size_t n_merged;
	char salt[65]; /* "" in bundles made before it was kept */
	char items[32][65]; /* the campaign's items (none in older bundles) */
	uint32_t item_share[32]; /* each one's share (campaign.h) */
	unsigned n_items;
};

/* The outcome's digest as the public plan commits to it: SHA-256 of
 * "salt <salt>\n" followed by outcome.csv, so that the few possible
 * outcomes of a small campaign cannot be tried against it; of outcome.csv
 * alone when salt is "". Into hex. */
void outcome_commitment(const char *salt, const char *outcome, size_t len,
			char hex[65]);

/* Writes the inputs of a team draw (as assign_teams takes them), its
 * window from..to, and the visits merged with others (m, or NULL). */
void team_inputs_format(struct strbuf *b, const struct team_draw *in,
			int32_t window_from, int32_t window_to,
			const struct merge_list *m);
int team_inputs_parse(const char *origin, const char *text, size_t len,
		      struct team_inputs *ret, struct diag *err);
void team_inputs_finish(struct team_inputs *t);

/* The visits of a draw (their uscc set) and room for each one's previous
 * team (prev[k], TEAM_MAX each). */
struct visits_in {
	struct visit *v;
	size_t n;
	uint32_t (*prev)[TEAM_MAX];
};
/* The draw's arguments from parsed inputs and a roster: rules, the used
 * matrix (calloc'd, [inspector * n_days + day]) and each visit's previous
 * team (in in->prev).
 * Returns 0, or -1 naming an id or qualification the roster lacks. */
int team_inputs_apply(const struct team_inputs *t, const struct roster *r,
		      struct team_rules *rules, uint16_t **used,
		      const struct visits_in *in, struct diag *err);

#endif
