/* Caps across campaigns and departments (policy.h, struct cap_rule): which
 * entities the visits on record hold back from a draw. Specified in
 * docs/ALGORITHM.md, section 6. */
#ifndef INSPECT_CAPS_H
#define INSPECT_CAPS_H

#include <stdint.h>

#include "inspect/core/campaign.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"

/* The campaign's items, which CAP_SAME_ITEM compares visits with. */
struct cap_items {
	const char (*code)[CAMPAIGN_MAX_NAME + 1];
	unsigned n;
};

/* Whether the policy has a cap at all (else visits are not read). */
bool caps_any(const struct policy *p);
/* The number of days either side of the draw date within which a visit
 * can count: the longest cap's. */
uint32_t caps_horizon(const struct policy *p);
/* capped[i] = 1 for each entity i (canonical order) that one of the
 * policy's caps holds back at the draw date, else 0. The population and
 * its visits are canonical. */
void caps_mark(const struct policy *p, const struct population *pop,
	       const struct cap_items *items, int32_t date, uint8_t *capped);

#endif
