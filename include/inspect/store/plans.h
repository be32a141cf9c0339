/* Annual plans (plan.h), as inspectd keeps them:
 *   <p>plan:<id>          HASH the filed document (text, its digest) and
 *                         what names it: department, year, title, filed
 *   <p>plan:<id>:batches  HASH campaign id -> the day inspectd sent the
 *                         batch's entry to the intake
 *   <p>plans              SET the filed plans' ids
 *   <p>plans:day          STRING the day the batches were last looked at;
 *                         removed by each filing, so that they are at once */
#ifndef INSPECT_STORE_PLANS_H
#define INSPECT_STORE_PLANS_H

#include "inspect/core/plan.h"
#include "inspect/store/store.h"

/* Files a checked plan: its record, its id in <p>plans, and a
 * type=plan_filed event on <p>public (the plan is public once filed), in
 * one transaction under a WATCH of its record. A plan is filed once: an
 * id on record is refused. Returns 0, FAIL_REFUSED (why), FAIL_CONFLICT
 * (filed meanwhile: try again) or FAIL_LOST (s->err). */
int plans_file(struct store *s, const struct plan *p, const char *text,
	       size_t len, int32_t today, struct diag *why);

#endif
