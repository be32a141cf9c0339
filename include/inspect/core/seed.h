/* The draw's seed: SHA-256 over a canonical encoding of everything the draw
 * depends on, so that anyone holding the published inputs gets the same
 * seed and nobody can pick a seed after seeing the population. */
#ifndef INSPECT_SEED_H
#define INSPECT_SEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/rng.h"

#define ALGORITHM_VERSION "inspectd-draw/1"
#define SEED_MAX_ID 64
#define SEED_MAX_ENTROPY 256

struct seed_input {
	const char *campaign_id;
	const uint8_t *policy_digest;     /* 32 bytes */
	const uint8_t *population_digest; /* 32 bytes */
	int32_t date;                     /* the draw date, a day number */
	const char *entropy;              /* public entropy, UTF-8 */
};

/* Writes the canonical encoding into out (size bytes); returns its length,
 * or 0 if a field is over its limit or out is too small. */
size_t seed_encode(const struct seed_input *in, char *out, size_t size);
/* seed = SHA-256(encoding). Returns 0, or -1 if the input is over limits. */
int seed_derive(const struct seed_input *in, uint8_t seed[32]);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void seed_hex(const uint8_t *bytes, size_t n, char *out);
/* The stream of a draw of its own after the entity draw (the team draw,
 * the visits' items): PCG64 DXSM seeded with the SHA-256 of
 * "<len>:<algorithm>,64:<hex(seed)>," (docs/ALGORITHM.md), so that it
 * never shares numbers with another. algorithm: at most 64 bytes. */
void seed_stream(const uint8_t seed[32], const char *algorithm,
		 struct rng *r);
/* A seed's 64 lower-case hex digits (and nothing after them) into out;
 * false if hex is not that. */
bool seed_unhex(const char *hex, uint8_t out[32]);

#endif
