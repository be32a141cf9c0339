/* Which of a campaign's items each visit checks (docs/ALGORITHM.md,
 * "Items per visit"): an item with a share below 1 is checked at a random
 * subset of the visits, of that share of them, so that an entity's chance
 * of being checked for it is its chance of being drawn times the share. */
#ifndef INSPECT_VISIT_ITEMS_H
#define INSPECT_VISIT_ITEMS_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/core/items.h"
#include "inspect/core/rng.h"
#include "inspect/core/strbuf.h"

#define ITEMS_ALGORITHM "inspectd-items/1"

/* mask[k], for the n visits k (the selected entities in canonical order):
 * bit i set when visit k checks item i of share[0..n_items) (millionths;
 * ITEM_SHARE_ONE: every visit). seed is the campaign's (section 4).
 * Draws nothing when no share is below 1. Returns 0, or -1 out of
 * memory. */
int visit_items_draw(const uint8_t seed[32], const uint32_t *share,
		     unsigned n_items, size_t n, uint32_t *mask);

/* The policy's limit on general items: a general item of items[0..n)
 * (codes of 64 bytes at most, on the list) is checked at an expected
 * share of the pool of share × expected / pool (share in millionths,
 * expected the draw's expected visits in PI_ONE units, pool its
 * entities), at most max (millionths; 0 or ITEM_SHARE_ONE: no limit).
 * Returns 0, or -1 with "<where>: ..." in err. A key item has no limit. */
int visit_items_check(const char *where, const char (*items)[65],
		      const uint32_t *share, unsigned n,
		      const struct item_list *list, uint32_t max,
		      u128 expected, uint64_t pool, struct diag *err);

#define VISIT_ITEMS_HEADER "uscc,items"
/* The audit bundle's visit_items.csv: the header, then a line
 * "<uscc>,<item>+<item>" for each visit, in canonical order, its items in
 * the campaign's order. */
void visit_items_format(struct strbuf *b, const char *const *uscc, size_t n,
			const uint32_t *mask, const char (*items)[65]);

#endif
