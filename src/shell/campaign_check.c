#include "inspect/shell/campaign_check.h"

#include <stdio.h>

#include "inspect/core/date.h"

int campaign_window(const struct campaign *c, const struct calendar *cal,
		    int32_t date, unsigned visit_days, int32_t *ret_from,
		    int32_t *ret_to, char *why, size_t size)
{
	char a[11], b[11];
	if (c->window_from == DATE_NONE) {
		int32_t to = calendar_add_working_days(cal, date, visit_days);
		date_format(date, a);
		if (to == DATE_NONE) {
			snprintf(why, size, "no working-day calendar covers the "
				 "%u working days after %s (visit_days; the "
				 "entry gives no window)", visit_days, a);
			return -1;
		}
		*ret_from = date + 1;
		*ret_to = to;
		return 0;
	}
	int32_t from = c->window_from > date ? c->window_from : date + 1;
	date_format(from, a);
	date_format(c->window_to, b);
	if (c->window_to < from) {
		snprintf(why, size, "field window: no working day between %s "
			 "and %s (the window starts after the draw date)", a,
			 b);
		return -1;
	}
	if (calendar_is_working(cal, from) < 0 ||
	    calendar_is_working(cal, c->window_to) < 0) {
		snprintf(why, size, "field window: no working-day calendar "
			 "covers %s..%s (add policies/calendars/cn-YYYY.yaml)",
			 a, b);
		return -1;
	}
	*ret_from = from;
	*ret_to = c->window_to;
	return 0;
}

static int back_dated(const struct campaign *c, int32_t submitted,
		      unsigned max_days, char *why, size_t size)
{
	if (c->date == DATE_NONE || c->backdated ||
	    c->date >= submitted - (int32_t)max_days)
		return 0;
	char d[11], t[11];
	date_format(c->date, d);
	date_format(submitted, t);
	snprintf(why, size, "field date: %s is %ld days before the day it was "
		 "submitted (%s), more than max_backdate_days (%u): a record "
		 "of a draw made then says backdated=yes", d,
		 (long)(submitted - c->date), t, max_days);
	return -1;
}

int campaign_check(const struct campaign *c, const struct catalog *cat,
		   int32_t today, int32_t submitted, unsigned max_backdate_days,
		   unsigned visit_days, char *why, size_t size)
{
	if (!policy_set_find(&cat->policies, c->policy)) {
		snprintf(why, size, "field policy: no policy named %s",
			 c->policy);
		return -1;
	}
	for (unsigned i = 0; i < c->n_items; i++)
		if (!item_find(&cat->items, c->items[i])) {
			snprintf(why, size, "field items: %s is not on the "
				 "item list", c->items[i]);
			return -1;
		}
	if (back_dated(c, submitted, max_backdate_days, why, size) < 0)
		return -1;
	int32_t from, to;
	return campaign_window(c, &cat->calendar,
			       c->date != DATE_NONE ? c->date : today,
			       visit_days, &from, &to, why, size);
}
