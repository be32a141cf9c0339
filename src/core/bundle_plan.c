/* The audit bundle of an annual plan's batch, checked against the plan
 * (docs/ALGORITHM.md, "Annual plans"): plan.txt is the canonical text
 * whose digest the plan was filed and the batch frozen under; the
 * campaign is its batch, field for field, and its population lies in the
 * batch's scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/bundle.h"
#include "inspect/core/date.h"
#include "inspect/core/plan.h"
#include "inspect/core/population.h"
#include "inspect/core/team_inputs.h"

/* plan.txt reads, and is canonical: written again, the same bytes. */
static int read_plan(const struct bundle *b, struct plan *p,
		     struct diag *err)
{
	if (plan_text_parse("plan.txt", b->plan.s, b->plan.len, p, err) < 0)
		return FAIL_INVALID;
	struct strbuf again = {0};
	plan_canonical(p, &again);
	bool same = !again.failed && again.len == b->plan.len &&
		    !memcmp(again.s, b->plan.s, again.len);
	sb_finish(&again);
	if (!same) {
		plan_finish(p);
		return diag_add(err, "plan.txt: not the canonical text of the "
				"plan it states");
	}
	return 0;
}

static int check_batch(const struct bundle *b, const struct plan *p,
		       const struct plan_task *t, const struct plan_batch *x,
		       const struct team_inputs *ti, struct diag *err)
{
	char want[11];
	bool items = ti->n_items == t->entry.n_items;
	for (unsigned i = 0; items && i < ti->n_items; i++)
		items = !strcmp(ti->items[i], t->entry.items[i]) &&
			ti->item_share[i] == t->entry.item_share[i];
	date_format(x->freeze, want);
	if (strcmp(p->department, b->m.department))
		return diag_add(err, "plan.txt: the plan is %s's, the campaign "
				"%s's", p->department, b->m.department);
	if (strcmp(t->policy, b->m.policy))
		return diag_add(err, "plan.txt: task %s's policy is %s, the "
				"campaign's %s", t->id, t->policy, b->m.policy);
	if (!items)
		return diag_add(err, "plan.txt: task %s's items are %s, not the "
				"item lines of teams.txt", t->id, t->items);
	if (x->window_from != ti->window_from || x->window_to != ti->window_to)
		return diag_add(err, "plan.txt: batch %s's window is not "
				"teams.txt's", x->id);
	if (x->size != b->m.size)
		return diag_add(err, "plan.txt: batch %s's size is %u, the "
				"MANIFEST's %u", x->id, x->size,
				(unsigned)b->m.size);
	if (b->m.date < x->freeze)
		return diag_add(err, "plan.txt: batch %s is frozen on %s, the "
				"campaign was drawn before", x->id, want);
	return 0;
}

int bundle_check_plan(const struct bundle *b, const struct population *pop,
		      const struct team_inputs *ti, struct diag *err)
{
	struct plan p;
	if (read_plan(b, &p, err) < 0)
		return FAIL_INVALID;
	const struct plan_task *t;
	const struct plan_batch *x = plan_find_batch(&p, b->m.campaign, &t);
	int rc = x ? check_batch(b, &p, t, x, ti, err)
		   : diag_add(err, "plan.txt: plan %s has no batch %s", p.id,
			      b->m.campaign);
	/* Drawn from the batch's scope: nothing outside it was frozen. */
	for (size_t i = 0; rc == 0 && i < pop->n; i++)
		if (!scope_contains(&t->entry.scope, &pop->v[i]))
			rc = diag_add(err, "population.csv: %.18s is outside "
				      "task %s's scope", pop->v[i].uscc, t->id);
	plan_finish(&p);
	return rc;
}
