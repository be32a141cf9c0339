/* What inspectctl prints about a draw: the selection (CSV or JSON lines)
 * and the summary for the regulator. */
#ifndef INSPECTCTL_REPORT_H
#define INSPECTCTL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "inspect/core/sampler.h"
#include "inspect/core/seed.h"

enum format { FORMAT_CSV, FORMAT_JSONL };

/* Writes the selected entities, or every entity when all is set, as
 * uscc,class,pi,selected. Returns 0 or -errno of a failed write. */
int report_selection(FILE *out, enum format fmt, bool all,
		     const struct population *pop, const struct draw *d);

/* Group table (class, flags, cooldown, N, pi, expected, drawn), totals. */
void report_groups(FILE *out, const struct draw *d);

/* Digests, seed and the draw's inputs, one per line. */
void report_header(FILE *out, const struct inputs *in,
		   const struct seed_input *si, const uint8_t seed[32]);

#endif
