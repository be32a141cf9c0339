/* Merged visits (policy.h, enum merge_mode): the visit on record another
 * published campaign planned that a selected entity's visit joins, or is
 * left to. Specified in docs/ALGORITHM.md (team draw, merged visits). */
#ifndef INSPECT_MERGE_H
#define INSPECT_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/population.h"

struct merge {
	const struct visit_rec *with; /* NULL: none */
	size_t day_index; /* the index of with->day in the window's days */
};

/* For each chosen entity k (canonical order, indices into pop), its
 * earliest visit on record, in canonical order, whose day is one of the
 * window's working days days[0..n_days) (ascending), into out[k].
 * Returns how many have one. */
size_t merge_find(const struct population *pop, const uint32_t *chosen,
		  size_t n, const int32_t *days, size_t n_days,
		  struct merge *out);

#endif
