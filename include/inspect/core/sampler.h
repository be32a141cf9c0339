/* The entity draw: exact inclusion probabilities from a policy, a fixed size
 * per stratum, and a simple random sample inside each stratum, all from one
 * PCG stream. docs/ALGORITHM.md is its specification. */
#ifndef INSPECT_SAMPLER_H
#define INSPECT_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/caps.h"
#include "inspect/core/diag.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"
#include "inspect/core/rng.h"

/* A group is every entity with the same class, flags, cooldown state and
 * cap state: key = class | flags << 2 | in_cooldown << 6 | capped << 7. */
#define SAMPLER_GROUPS 256
#define GROUP_COOLDOWN 64
#define GROUP_CAPPED   128

struct sampler_group {
	uint64_t n;       /* entities in the group */
	uint64_t drawn;   /* of them selected */
	unsigned stratum; /* index into draw.stratum when n > 0 */
};

/* A stratum is every group with the same inclusion probability, which is
 * expected / (n * PI_ONE), exactly. */
struct sampler_stratum {
	uint64_t n;
	u128 expected; /* expected count in PI_ONE units */
	uint64_t take; /* how many the draw selects */
};

struct draw_params {
	const struct policy *policy;
	int32_t date;  /* the draw date: cooldowns count back from it */
	uint32_t size; /* pps: overrides the policy's size when not 0 */
	struct cap_items items; /* the campaign's, for caps by item */
};

struct draw {
	uint8_t *group_of; /* each entity's group key */
	uint32_t *chosen;  /* selected entities, canonical order */
	size_t n_chosen;
	struct sampler_group group[SAMPLER_GROUPS];
	struct sampler_stratum stratum[SAMPLER_GROUPS];
	unsigned n_strata;
};

/* Draws from pop (in canonical order) with the PCG stream seeded by seed.
 * Returns 0, or -1 with the reason in err (a pps size that cannot be met,
 * no memory); ret is then untouched. */
int sampler_draw(const struct population *pop, const struct draw_params *dp,
		 const uint8_t seed[32], struct draw *ret, struct diag *err);
void draw_finish(struct draw *d);

/* The inclusion probability of group g as a fraction num/den. */
void draw_group_pi(const struct draw *d, unsigned g, u128 *num, u128 *den);
/* The entities a cap held back (the groups with GROUP_CAPPED). */
uint64_t draw_capped(const struct draw *d);

#endif
