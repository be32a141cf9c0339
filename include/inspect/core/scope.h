/* A campaign's scope: the part of the population it may draw from, by
 * region and industry code prefixes and by list flags. */
#ifndef INSPECT_SCOPE_H
#define INSPECT_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect/core/population.h"

#define SCOPE_MAX_PREFIXES 64

struct scope {
	char regions[SCOPE_MAX_PREFIXES][7];    /* digit prefixes, 1-6 long */
	unsigned n_regions;                     /* 0: every region */
	char industries[SCOPE_MAX_PREFIXES][6]; /* GB/T 4754 prefixes */
	unsigned n_industries;                  /* 0: every industry */
	uint8_t flags;                          /* entities must carry all */
};

bool scope_contains(const struct scope *s, const struct entity *e);
/* Keeps the entities in scope, in place, in their order. */
void scope_apply(const struct scope *s, struct population *p);

#endif
