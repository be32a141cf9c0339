/* Approvals granted on a pledge (pledges.h), as inspectd keeps them:
 *   <p>approvals           HASH number -> "uscc,item,YYYY-MM-DD", every
 *                          approval recorded
 *   <p>approvals:pending   HASH the same, for those not yet planned
 *   <p>approvals:campaign  HASH number -> the pledge campaign verifying it
 *   <p>pledged:<id>        HASH the approvals pledge campaign <id> verifies
 *   <p>pledges:day         STRING the day the planning last ran; removed
 *                          by each import, so that it runs again */
#ifndef INSPECT_STORE_APPROVALS_H
#define INSPECT_STORE_APPROVALS_H

#include "inspect/core/pledges.h"
#include "inspect/store/keys.h"
#include "inspect/store/store.h"

/* Records the approvals of l not recorded yet, into <p>approvals and
 * <p>approvals:pending (and removes <p>pledges:day), in transactions of up to APPROVALS_BATCH under a
 * WATCH of <p>approvals. An approval recorded before with the same
 * value is left as it is (importing a file twice records it once); one
 * recorded with another value is listed in err, and then nothing is
 * written. Returns how many were new, FAIL_INVALID (err) or FAIL_LOST
 * (s->err). */
#define APPROVALS_BATCH 1000
long approvals_record(struct store *s, const struct approval_list *l,
		      struct diag *err);

/* The approvals of the hash of kind k (KEY_APPROVALS,
 * KEY_APPROVALS_PENDING, or KEY_PLEDGED with its campaign id) into ret,
 * unsorted; a value that does not read (its item no longer a pledge
 * item) is left out and counted in *ret_bad, its reason added to err (the
 * first few). 0 or FAIL_LOST. */
int approvals_read(struct store *s, enum key_kind k, const char *arg,
		   const struct item_list *items, struct approval_list *ret,
		   size_t *ret_bad, struct diag *err);

#endif
