/* Merged visits: the visit on record each selected entity merges with,
 * and the team draw's visits a merge leaves. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/merge.h"

#define DAY date_from_civil(2027, 1, 4)

static void visit(struct population *p, size_t e, int days,
		  const char *campaign, const char *items)
{
	struct diag why;
	diag_init(&why);
	const struct visit_text t = {p->v[e].uscc, DAY + days, campaign, items,
				     strlen(campaign), strlen(items)};
	cr_assert_eq(visits_add(&p->visits, &t, &why), 0, "%s",
		     diag_text(&why));
}

Test(merge, the_earliest_visit_on_a_working_day_in_canonical_order)
{
	const unsigned counts[] = {5, 0, 0, 0};
	struct population p;
	make_population(counts, &p);
	visit(&p, 0, 2, "S-2", "SC-001");   /* day 2 */
	visit(&p, 0, 1, "S-9", "SC-002");   /* day 1: the earliest */
	visit(&p, 1, 1, "S-9", "SC-001");   /* day 1, two campaigns: */
	visit(&p, 1, 1, "S-10", "SC-001");  /* "S-10" < "S-9" */
	visit(&p, 2, 5, "S-2", "SC-001");   /* a day off: not a working day */
	visit(&p, 3, -1, "S-2", "SC-001");  /* before the window */
	struct diag err;
	diag_init(&err);
	cr_assert_eq(population_canonicalize(&p, "t", 0, &err), 0, "%s",
		     diag_text(&err));
	const int32_t days[] = {DAY, DAY + 1, DAY + 2, DAY + 3, DAY + 4};
	const uint32_t chosen[] = {0, 1, 2, 3, 4};
	struct merge m[5];
	cr_assert_eq(merge_find(&p, chosen, 5, days, 5, m), 2);
	cr_assert_eq(m[0].with->day, DAY + 1);
	cr_assert_eq(m[0].day_index, 1);
	cr_assert_str_eq(m[0].campaign, "S-9");
	cr_assert_str_eq(m[0].items, "SC-002");
	cr_assert_str_eq(m[1].campaign, "S-10");
	cr_assert_null(m[2].with);
	cr_assert_null(m[3].with);
	cr_assert_null(m[4].with);

	/* join: every visit stays, entity 0 and 1 on their days; skip: they
	 * leave the team draw, their entries say so. */
	struct visit all[5];
	for (size_t k = 0; k < 5; k++)
		all[k] = (struct visit){p.v[k].uscc, 440304, NULL, 0, 0};
	struct merge_entry e[5];
	struct visit v[5];
	size_t at[5];
	struct merged_draw md = {e, 0, v, 0, at};
	merge_apply(MERGE_JOIN, m, all, 5, &md);
	cr_assert_eq(md.n, 5);
	cr_assert_eq(md.n_entries, 2);
	cr_assert_eq(v[0].fixed_day, 2);
	cr_assert_eq(v[1].fixed_day, 2);
	cr_assert_eq(v[2].fixed_day, 0);
	cr_assert(!e[0].skipped);
	cr_assert_str_eq(e[1].campaign, "S-10");
	merge_apply(MERGE_SKIP, m, all, 5, &md);
	cr_assert_eq(md.n, 3);
	cr_assert_eq(at[0], 2);
	cr_assert(e[0].skipped && e[1].skipped);
	cr_assert_eq(e[1].k, 1);
	struct assignment a[3] = {{DAY, 0, {0}}, {DAY + 2, 0, {0}},
				  {DAY + 3, 0, {0}}};
	struct assignment full[5];
	merge_scatter(&md, a, full);
	cr_assert_eq(full[0].day, DAY + 1);
	cr_assert_eq(full[0].n, 0);
	cr_assert_eq(full[2].day, DAY);
	cr_assert_eq(full[4].day, DAY + 3);
	merge_apply(MERGE_NONE, m, all, 5, &md);
	cr_assert_eq(md.n, 5);
	cr_assert_eq(md.n_entries, 0);
	population_finish(&p);
}
