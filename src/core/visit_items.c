#include "inspect/core/visit_items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/decimal.h"
#include "inspect/core/rng.h"
#include "inspect/core/seed.h"

int visit_items_draw(const uint8_t seed[32], const uint32_t *share,
		     unsigned n_items, size_t n, uint32_t *mask)
{
	uint32_t every = 0;
	bool drawn = false;
	for (unsigned i = 0; i < n_items; i++) {
		if (share[i] == ITEM_SHARE_ONE)
			every |= 1u << i;
		drawn |= share[i] != ITEM_SHARE_ONE;
	}
	for (size_t k = 0; k < n; k++)
		mask[k] = every;
	if (!drawn || n == 0)
		return 0;
	size_t words = (n + 63) / 64;
	uint64_t *bits = malloc(words * sizeof(*bits));
	if (!bits)
		return -1;
	struct rng r;
	/* A stream of its own: neither draw's numbers change when a
	 * campaign gives its items shares. */
	seed_stream(seed, ITEMS_ALGORITHM, &r);
	for (unsigned i = 0; i < n_items; i++) {
		if (share[i] == ITEM_SHARE_ONE)
			continue;
		/* share × n visits, rounded at random so that the expected
		 * count is exact: floor, plus one with the remainder's
		 * chance. */
		u128 x = (u128)share[i] * n;
		uint64_t take = (uint64_t)(x / ITEM_SHARE_ONE);
		uint64_t rest = (uint64_t)(x % ITEM_SHARE_ONE);
		if (rest && rng_bounded(&r, ITEM_SHARE_ONE) < rest)
			take++;
		memset(bits, 0, words * sizeof(*bits));
		rng_subset(bits, n, take, &r);
		for (size_t k = 0; k < n; k++)
			if (bits[k >> 6] >> (k & 63) & 1)
				mask[k] |= 1u << i;
	}
	free(bits);
	return 0;
}

int visit_items_check(const char *where, const char (*items)[65],
		      const uint32_t *share, unsigned n,
		      const struct item_list *list, uint32_t max,
		      u128 expected, uint64_t pool, struct diag *err)
{
	/* share/10^6 × (expected/10^12) / pool <= max/10^6, in integers:
	 * at most 2^20 × 2^68 on either side. */
	u128 limit = (u128)max * pool * PI_ONE;
	for (unsigned i = 0; max && max != ITEM_SHARE_ONE && i < n; i++) {
		const struct item *it = item_find(list, items[i]);
		u128 reach = (u128)share[i] * expected;
		if (!it || it->key || reach <= limit)
			continue;
		char r[32], m[24];
		decimal_format_ratio(reach, (u128)ITEM_SHARE_ONE * pool * PI_ONE,
				     r, sizeof(r));
		decimal_format(max, FACTOR_SCALE, m, sizeof(m));
		return diag_add(err, "%s: %s is a general item: the draw "
				"would check it at %s of the pool, above the "
				"policy's general_items_max_ratio %s (a key "
				"item has no limit)", where, items[i], r, m);
	}
	return 0;
}

void visit_items_format(struct strbuf *b, const char *const *uscc, size_t n,
			const uint32_t *mask, const char (*items)[65])
{
	sb_puts(b, VISIT_ITEMS_HEADER "\n");
	for (size_t k = 0; k < n; k++) {
		sb_printf(b, "%.18s,", uscc[k]);
		const char *sep = "";
		for (unsigned i = 0; i < 32; i++)
			if (mask[k] >> i & 1) {
				sb_printf(b, "%s%s", sep, items[i]);
				sep = "+";
			}
		sb_puts(b, "\n");
	}
}
