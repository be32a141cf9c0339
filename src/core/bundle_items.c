/* The audit bundle's items per visit (docs/ALGORITHM.md, "Items per
 * visit"): teams.txt states each item's share; visit_items.csv must be
 * the items the draw gives each visit; and the general items within the
 * policy's limit on the pool. */
#include <stdlib.h>
#include <string.h>

#include "inspect/core/bundle.h"
#include "inspect/core/campaign.h"
#include "inspect/core/items.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"
#include "inspect/core/sampler.h"
#include "inspect/core/team_inputs.h"
#include "inspect/core/visit_items.h"

/* The first line where two texts differ, from 1. */
static size_t first_difference(const char *a, size_t na, const char *b,
			       size_t nb)
{
	size_t line = 1;
	for (size_t i = 0; i < na && i < nb && a[i] == b[i]; i++)
		line += a[i] == '\n';
	return line;
}

/* visit_items.csv as the draw gives it, compared with the bundle's. */
static int check_file(const struct bundle *b, const struct team_inputs *ti,
		      const struct population *pop, const struct draw *d,
		      const uint8_t seed[32], struct diag *err)
{
	size_t n = d->n_chosen;
	uint32_t *mask = calloc(n + 1, sizeof(*mask));
	const char **uscc = calloc(n + 1, sizeof(*uscc));
	struct strbuf want = {0};
	int rc = mask && uscc &&
			 visit_items_draw(seed, ti->item_share, ti->n_items, n,
					  mask) == 0
		     ? 0
		     : diag_add(err, "visit_items.csv: out of memory");
	for (size_t k = 0; rc == 0 && k < n; k++)
		uscc[k] = pop->v[d->chosen[k]].uscc;
	if (rc == 0)
		visit_items_format(&want, uscc, n, mask, ti->items);
	if (rc == 0 && want.failed)
		rc = diag_add(err, "visit_items.csv: out of memory");
	if (rc == 0 && (want.len != b->visit_items.len ||
			memcmp(want.s, b->visit_items.s, want.len)))
		rc = diag_add(err, "visit_items.csv: line %zu is not the items "
			      "the draw gives (docs/ALGORITHM.md, \"Items per "
			      "visit\")",
			      first_difference(want.s, want.len,
					       b->visit_items.s,
					       b->visit_items.len));
	sb_finish(&want);
	free(uscc);
	free(mask);
	return rc;
}

int bundle_check_visit_items(const struct bundle *b, const struct policy *p,
			     const struct population *pop,
			     const struct draw *d, const uint8_t seed[32],
			     struct diag *err)
{
	struct team_inputs ti = {0};
	if (team_inputs_parse("teams.txt", b->teams.s, b->teams.len, &ti,
			      err) < 0)
		return FAIL_INVALID;
	bool shares = false, every = false;
	for (unsigned i = 0; i < ti.n_items; i++) {
		shares |= ti.item_share[i] != ITEM_SHARE_ONE;
		every |= ti.item_share[i] == ITEM_SHARE_ONE;
	}
	int rc = 0;
	if (!shares && b->visit_items.s)
		rc = diag_add(err, "visit_items.csv: teams.txt gives no item a "
			      "share: every visit checks every item");
	else if (shares && !every)
		rc = diag_add(err, "teams.txt: every item has a share: none is "
			      "checked at every visit");
	else if (shares && b->outcome.s && !b->visit_items.s)
		rc = diag_add(err, "teams.txt gives items shares, but the "
			      "bundle has no visit_items.csv");
	else if (shares && !b->outcome.s && b->visit_items.s)
		rc = diag_add(err, "visit_items.csv: a refused campaign has "
			      "no visits");
	if (rc == 0 && p->general_ratio_max &&
	    p->general_ratio_max != ITEM_SHARE_ONE) {
		struct item_list list = {0};
		u128 expected = 0;
		for (unsigned s = 0; s < d->n_strata; s++)
			expected += d->stratum[s].expected;
		if (!b->items.s)
			rc = diag_add(err, "the policy limits general items, "
				      "but the bundle has no items.yaml");
		else if (item_list_parse("items.yaml", b->items.s,
					 b->items.len, &list, err) < 0)
			rc = FAIL_INVALID;
		else
			rc = visit_items_check("teams.txt", ti.items,
					       ti.item_share, ti.n_items,
					       &list, p->general_ratio_max,
					       expected, pop->n, err);
		item_list_finish(&list);
	}
	if (rc == 0 && shares && b->outcome.s)
		rc = check_file(b, &ti, pop, d, seed, err);
	team_inputs_finish(&ti);
	return rc;
}
