#include "inspect/core/rng.h"

#include <stdbool.h>
#include <stddef.h>

void rng_init(struct rng *r, u128 state, u128 inc)
{
	r->state = state;
	r->inc = inc | 1;
}

static u128 load_be128(const uint8_t *p)
{
	u128 v = 0;
	for (int i = 0; i < 16; i++)
		v = v << 8 | p[i];
	return v;
}

void rng_seed(struct rng *r, const uint8_t digest[32])
{
	rng_init(r, load_be128(digest), load_be128(digest + 16));
}

uint64_t rng_bounded(struct rng *r, uint64_t bound)
{
	u128 m = (u128)rng_next(r) * bound;
	uint64_t low = (uint64_t)m;
	if (low < bound) {
		/* Reject the few low products that would bias the result. */
		uint64_t threshold = -bound % bound;
		while (low < threshold) {
			m = (u128)rng_next(r) * bound;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double rng_double(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Floyd's algorithm (docs/ALGORITHM.md, section 8): when more than half is
 * taken, the complement is drawn and the bitmap inverted, so at most n/2
 * random numbers are used. */
void rng_subset(uint64_t *bits, uint64_t n, uint64_t take, struct rng *r)
{
	size_t words = (size_t)((n + 63) / 64);
	bool invert = take > n - take;
	uint64_t m = invert ? n - take : take;
	for (uint64_t j = n - m; j < n; j++) {
		uint64_t t = rng_bounded(r, j + 1);
		uint64_t at = bits[t >> 6] >> (t & 63) & 1 ? j : t;
		bits[at >> 6] |= 1ULL << (at & 63);
	}
	if (invert)
		for (size_t w = 0; w < words; w++)
			bits[w] = ~bits[w];
}
