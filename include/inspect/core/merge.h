/* Merged visits (policy.h, enum merge_mode): the visit on record another
 * published campaign planned that a selected entity's visit joins, or is
 * left to. Specified in docs/ALGORITHM.md (team draw, merged visits). */
#ifndef INSPECT_MERGE_H
#define INSPECT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/assign.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"
#include "inspect/core/team_inputs.h"

struct merge {
	const struct visit_rec *with; /* NULL: none */
	size_t day_index; /* the index of with->day in the window's days */
	const char *campaign, *items; /* with's, in the history's pool */
};

/* For each chosen entity k (canonical order, indices into pop), its
 * earliest visit on record, in canonical order, whose day is one of the
 * window's working days days[0..n_days) (ascending), into out[k].
 * Returns how many have one. */
size_t merge_find(const struct population *pop, const uint32_t *chosen,
		  size_t n, const int32_t *days, size_t n_days,
		  struct merge *out);

/* A draw's merges as teams.txt lists them, and the team draw's visits:
 * the chosen entities' visits but the skipped ones, a joined one fixed on
 * its visit's day; at[j] is visit j's index among the chosen. The caller
 * gives each array room for every chosen entity. */
struct merged_draw {
	struct merge_entry *entries;
	size_t n_entries;
	struct visit *v;
	size_t n;
	size_t *at;
};

/* Fills out from all[0..n) (the chosen entities' visits, canonical
 * order) and their merges m (NULL when the policy merges none). */
void merge_apply(enum merge_mode mode, const struct merge *m,
		 const struct visit *all, size_t n, struct merged_draw *out);

/* Each chosen entity's visit from the team draw's (a[j] for visit j of
 * md) and, for a skipped one, the day of the visit it was left to, with
 * no team: full has a slot for every chosen entity. */
void merge_scatter(const struct merged_draw *md, const struct assignment *a,
		   struct assignment *full);

#endif
