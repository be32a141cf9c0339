/* The grade index in Redis, as the credit platform (or inspectctl import)
 * writes it and inspectd reads it:
 *   <g>meta            HASH schema, buckets (a power of two), generation,
 *                      count
 *   <g>idx:<gen>:<b>   HASH uscc -> "class,score,region,industry,flags,
 *                      last_inspected"; b = FNV-1a 32 of the uscc mod buckets
 *   <g>ent:<uscc>      HASH name, address, ... (read for selected entities)
 * and inspectd's own record of the inspections it planned:
 *   <p/k>inspected    HASH uscc -> YYYY-MM-DD, k = FNV-1a mod 1024
 * A writer fills a new generation, then switches meta to it in one step, so
 * a reader that sees the same generation before and after its reads has a
 * whole snapshot. */
#ifndef INSPECT_GRADES_H
#define INSPECT_GRADES_H

#include <stdint.h>

#include "inspect/core/population.h"
#include "inspect/store/store.h"

#define GRADES_SCHEMA "inspectd-grades/1"
#define GRADES_MAX_BUCKETS (1u << 20)
#define INSPECTED_BUCKETS 1024u

/* Reads the whole population, canonical, with inspectd's recorded
 * inspections merged into last_inspected. Returns 0, FAIL_INVALID with
 * reasons in err (a missing or malformed index, invalid records), or
 * FAIL_LOST (the connection failed: s->err). */
struct grades_timing {
	double fetch, order, merge; /* seconds */
};

int grades_read(struct store *s, struct population *ret,
		uint64_t *ret_generation, struct grades_timing *t,
		struct diag *err);

/* The entities of n codes (usccs: USCC_LEN bytes each, one after the
 * other, none twice) as grades_read would give them, canonical, read one
 * by one (a code the index lacks is left out): what a pledge campaign
 * draws from, without reading the whole index. Returns 0, FAIL_INVALID
 * (err) or FAIL_LOST. */
int grades_read_some(struct store *s, const char *usccs, size_t n,
		     struct population *ret, uint64_t *ret_generation,
		     struct diag *err);

/* Writes pop as a new generation and switches to it, then removes the old
 * one (and any a killed import left), under the import lock <g>import.
 * progress(done, total) is called now and then. Returns 0, or FAIL_LOST
 * (with the reason in s->err: the connection, or another import). */
int grades_write(struct store *s, const struct population *pop,
		 void (*progress)(size_t done, size_t total));

/* Pipelines HGETALL <g>ent:<uscc> for the given entities and calls
 * each(i, reply) in order. Returns 0 or FAIL_LOST. */
int grades_details(struct store *s, const struct population *pop,
		   const uint32_t *which, size_t n,
		   void (*each)(size_t k, const redisReply *hash, void *ctx),
		   void *ctx);

#endif
