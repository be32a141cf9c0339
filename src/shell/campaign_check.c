#include "inspect/shell/campaign_check.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/pledges.h"

int campaign_window(const struct campaign *c, const struct calendar *cal,
		    int32_t date, unsigned visit_days, struct day_span *ret,
		    struct diag *err)
{
	char a[11], b[11];
	if (c->window_from == DATE_NONE) {
		int32_t to = calendar_add_working_days(cal, date, visit_days);
		date_format(date, a);
		if (to == DATE_NONE)
			return diag_add(err, "no working-day calendar covers "
					"the %u working days after %s "
					"(visit_days; the entry gives no "
					"window)", visit_days, a);
		*ret = (struct day_span){date + 1, to};
		return 0;
	}
	int32_t from = c->window_from > date ? c->window_from : date + 1;
	date_format(from, a);
	date_format(c->window_to, b);
	if (c->window_to < from)
		return diag_add(err, "field window: no working day between %s "
				"and %s (the window starts after the draw "
				"date)", a, b);
	if (calendar_is_working(cal, from) < 0 ||
	    calendar_is_working(cal, c->window_to) < 0)
		return diag_add(err, "field window: no working-day calendar "
				"covers %s..%s (add "
				"policies/calendars/cn-YYYY.yaml)", a, b);
	*ret = (struct day_span){from, c->window_to};
	return 0;
}

static int back_dated(const struct campaign *c,
		      const struct campaign_dates *t, struct diag *err)
{
	if (c->date == DATE_NONE || c->backdated ||
	    c->date >= t->submitted - (int32_t)t->max_backdate_days)
		return 0;
	char d[11], s[11];
	date_format(c->date, d);
	date_format(t->submitted, s);
	return diag_add(err, "field date: %s is %ld days before the day it was "
			"submitted (%s), more than max_backdate_days (%u): a "
			"record of a draw made then says backdated=yes", d,
			(long)(t->submitted - c->date), s,
			t->max_backdate_days);
}

/* A pledge campaign is inspectd's own, and nothing of it is chosen: its
 * id, date, window and entropy are the planning's rule's (pledges.h), so
 * that an entry in its place could only be the same campaign. Ids
 * beginning PV- are pledge campaigns'. */
static int pledge_rule(const struct campaign *c, bool pledge,
		       struct diag *err)
{
	char entropy[64];
	if (!pledge)
		return strncmp(c->id, "PV-", 3)
			       ? 0
			       : diag_add(err, "field id: ids beginning PV- "
					  "are inspectd's pledge campaigns'");
	if (c->date == DATE_NONE || c->window_from == DATE_NONE ||
	    c->window_from != c->date + 1)
		return diag_add(err, "field window: a pledge campaign's starts "
				"the day after its date");
	pledge_entropy(c->date, entropy, sizeof(entropy));
	if (!c->has_entropy || strcmp(c->entropy, entropy))
		return diag_add(err, "field entropy: a pledge campaign's is "
				"'%s'", entropy);
	if (!pledge_id_run(c->id, c->date, c->window_to, c->items[0]))
		return diag_add(err, "field id: not the id the planning gives "
				"a pledge campaign of this date, window and "
				"item");
	return 0;
}

int campaign_check(const struct campaign *c, const struct catalog *cat,
		   const struct campaign_dates *t, struct diag *err)
{
	bool pledge = !strcmp(c->policy, PLEDGE_POLICY);
	if (!pledge && !catalog_policy(cat, c))
		return diag_add(err, "field policy: no policy named %s",
				c->policy);
	for (unsigned i = 0; i < c->n_items; i++) {
		const struct item *it = item_find(&cat->items, c->items[i]);
		if (!it)
			return diag_add(err, "field items: %s is not on the "
					"item list", c->items[i]);
		if (it->pledge.on != pledge)
			return diag_add(err, "field items: %s %s", c->items[i],
					pledge ? "is not a pledge item"
					       : "is a pledge item: inspectd "
						 "plans its verification "
						 "itself");
	}
	if (pledge && !catalog_policy(cat, c))
		return diag_add(err, "field items: a pledge campaign names one "
				"pledge item");
	if (pledge_rule(c, pledge, err) < 0)
		return -1;
	if (back_dated(c, t, err) < 0)
		return -1;
	struct day_span w;
	return campaign_window(c, &cat->calendar,
			       c->date != DATE_NONE ? c->date : t->today,
			       t->visit_days, &w, err);
}
