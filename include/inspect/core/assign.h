/* The second random: a team and a working day for every drawn entity.
 * Pure and seeded from the campaign's seed, like the entity draw. */
#ifndef INSPECT_ASSIGN_H
#define INSPECT_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/core/roster.h"

#define TEAM_MAX 10
#define TEAM_MAX_DEPARTMENTS 8
#define ASSIGN_ALGORITHM "inspectd-teams/1"

struct team_rules {
	unsigned team_size; /* at least 2 */
	/* One member from each department whose items the campaign carries;
	 * only inspectors of these departments are sent. */
	char departments[TEAM_MAX_DEPARTMENTS][65];
	unsigned n_departments;
	uint64_t qualifications; /* the team together holds these (roster bits) */
	const char *label;       /* names the requirement in diagnoses */
};

struct visit {
	const char *uscc; /* 18 bytes */
	uint32_t region;
	/* Roster indices of the entity's previous team: not sent again. */
	const uint32_t *previous;
	unsigned n_previous;
	/* A visit that joins another campaign's: 1 + the index of its day
	 * (it is placed on that day only, and never moved); 0: any day. */
	uint16_t fixed_day;
};

struct assignment {
	int32_t day;
	unsigned n;
	uint32_t member[TEAM_MAX]; /* roster indices */
};

/* The inspector-days the roster's active inspectors of the campaign's
 * departments offer in n_days working days, regions and other campaigns
 * left aside: a campaign of more visits times team_size can never be
 * staffed, whatever its entropy draws. */
size_t assign_offered_days(const struct roster *r,
			   const struct team_rules *rules, size_t n_days);

/* A team draw's inputs: the roster and the campaign's rules, the
 * window's working days, the visits other campaigns already gave each
 * inspector each day (used[inspector * n_days + day], taken off the
 * capacity; NULL: none), and the visits. */
struct team_draw {
	const struct roster *roster;
	const struct team_rules *rules;
	const int32_t *days;
	size_t n_days;
	const uint16_t *used;
	const struct visit *v;
	size_t n;
};

/* Assigns every visit a day among in->days and a team, with every rule of
 * docs/ALGORITHM.md; out has n slots. Returns 0, or -1 with the
 * bottleneck in err when no assignment was found. */
int assign_teams(const struct team_draw *in, const uint8_t seed[32],
		 struct assignment *out, struct diag *err);

/* The team's inspector ids joined by ';' ("i7;i9"), as the published
 * records and the audit bundle write them. */
void assignment_ids(const struct roster *r, const struct assignment *a,
		    char *out, size_t size);

#endif
