/* An annual plan checked against what its batches will be served by: the
 * policies, the item list and the calendars of the catalog, each batch's
 * entry as inspectd will check it on the day it is frozen. */
#ifndef INSPECT_PLAN_CHECK_H
#define INSPECT_PLAN_CHECK_H

#include "inspect/core/plan.h"
#include "inspect/core/yaml_doc.h"
#include "inspect/shell/campaign_check.h"

/* d is the document the plan was parsed from (errors name its lines).
 * Each item must be a listed item, not a pledge item, of the plan's
 * department or one joining it; each batch's entry must pass
 * campaign_check on its freeze day. Returns 0, or -1 with the reasons in
 * d->err. */
int plan_check(const struct plan *p, const struct yaml_doc *d,
	       const struct catalog *cat, unsigned max_backdate_days,
	       unsigned visit_days);

#endif
