/* The visits published campaigns planned, as caps count them: written by
 * the publication (<p/k>history, docs/REDIS.md), read into a population's
 * visit history before its digest. */
#ifndef INSPECT_STORE_HISTORY_H
#define INSPECT_STORE_HISTORY_H

#include <stdint.h>

#include "inspect/core/population.h"
#include "inspect/store/store.h"

/* Adds to p->visits every recorded visit of an entity of p (canonical)
 * whose day lies strictly between from and to, and puts them in canonical
 * order. Returns 0, FAIL_INVALID (an unreadable record, in err) or
 * FAIL_LOST (s->err). */
int history_read(struct store *s, struct population *p, int32_t from,
		 int32_t to, struct diag *err);

/* Removes the visits recorded for a day before `before` (an HDEL, safe to
 * repeat). Returns how many, or FAIL_LOST / FAIL_REFUSED (s->err). */
long history_prune(struct store *s, int32_t before);

#endif
