/* PCG64 with the DXSM output function (as numpy's PCG64DXSM): a 128-bit LCG
 * with the cheap 64-bit multiplier, output taken from the state before the
 * step. Bounded integers by Lemire's nearly-divisionless method. */
#ifndef INSPECT_RNG_H
#define INSPECT_RNG_H

#include <stdint.h>

__extension__ typedef unsigned __int128 u128;

struct rng {
	u128 state;
	u128 inc; /* always odd */
};

void rng_init(struct rng *r, u128 state, u128 inc);
/* Seeds from a 32-byte digest: state = bytes 0..15, inc = bytes 16..31 | 1,
 * both read big-endian. */
void rng_seed(struct rng *r, const uint8_t digest[32]);

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t hi = (uint64_t)(r->state >> 64);
	uint64_t lo = (uint64_t)r->state | 1;
	hi ^= hi >> 32;
	hi *= 0xda942042e4dd58b5ULL;
	hi ^= hi >> 48;
	hi *= lo;
	r->state = r->state * 0xda942042e4dd58b5ULL + r->inc;
	return hi;
}

/* Uniform integer in [0, bound); bound > 0. */
uint64_t rng_bounded(struct rng *r, uint64_t bound);
/* Uniform double in [0, 1): (x >> 11) * 2^-53. */
double rng_double(struct rng *r);
/* A uniform random take-subset of [0, n), set in the zeroed bitmap bits
 * ((n + 63) / 64 words; bits past n in the last word may be set too). */
void rng_subset(uint64_t *bits, uint64_t n, uint64_t take, struct rng *r);

#endif
