#include "inspect/core/rng.h"

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
