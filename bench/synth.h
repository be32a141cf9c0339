#ifndef BENCH_SYNTH_H
#define BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/population.h"
#include "inspect/core/rng.h"

/* One synthetic entity; today anchors the past inspection dates. */
void synth_entity(struct rng *r, int32_t today, struct entity *e);

/* A synthetic name and address for e, as "name,address". */
void synth_details(struct rng *r, const struct entity *e, char *out,
		   size_t size);

#endif
