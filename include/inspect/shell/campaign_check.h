/* A campaign entry checked against what it will be served by (policies,
 * item list, calendars) and today: what inspectd refuses before it reads
 * any population, and what inspectctl submit checks before it sends. */
#ifndef INSPECT_CAMPAIGN_CHECK_H
#define INSPECT_CAMPAIGN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/calendar.h"
#include "inspect/core/campaign.h"
#include "inspect/shell/catalog.h"

/* Days from..to, both in. */
struct day_span {
	int32_t from, to;
};

/* The visit window: the entry's window (from the day after the draw date
 * at the earliest), or the visit_days working days after the draw date.
 * Returns 0, or -1 with the reason in err ("field window: ..." only when
 * the entry gave one). */
int campaign_window(const struct campaign *c, const struct calendar *cal,
		    int32_t date, unsigned visit_days, struct day_span *ret,
		    struct diag *err);

/* The days a campaign entry is checked against: today, the day it was
 * submitted, and the configuration's limits. */
struct campaign_dates {
	int32_t today, submitted;
	unsigned max_backdate_days, visit_days;
};

/* The policy and items exist, the date is not further back than
 * max_backdate_days before the day the entry was submitted unless it is a
 * back-dated record, and the window's days (from the date, or today) are
 * known. Returns 0, or -1 with the reason in err. */
int campaign_check(const struct campaign *c, const struct catalog *cat,
		   const struct campaign_dates *t, struct diag *err);

#endif
