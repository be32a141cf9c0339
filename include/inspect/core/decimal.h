/* Exact decimal fixed point. Policies state rates and factors as decimals;
 * the draw works on integers scaled by a power of ten, so that every
 * probability it publishes is exactly the one it uses. */
#ifndef INSPECT_DECIMAL_H
#define INSPECT_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/rng.h"

#define PI_SCALE 12                      /* probabilities: 1e-12 units */
#define PI_ONE 1000000000000ULL
#define FACTOR_SCALE 6                   /* factors and weights: 1e-6 */
#define FACTOR_ONE 1000000ULL

/* Parses a plain decimal ("0.01", "3", "12.5") into units of 10^-scale.
 * Fails on signs, exponents, more than `scale` fraction digits, or values
 * above max_units. */
bool decimal_parse(const char *s, unsigned scale, uint64_t max_units,
		   uint64_t *ret_units);
/* Formats units of 10^-scale as a minimal decimal ("0.01", "3"). */
void decimal_format(uint64_t units, unsigned scale, char *out, size_t size);
/* Formats the fraction num/den (0 <= num <= den, den > 0) as a decimal of
 * 15 significant digits, truncated, trailing zeros dropped: "0", "1",
 * "0.0123456789012345". */
void decimal_format_ratio(u128 num, u128 den, char *out, size_t size);

#endif
