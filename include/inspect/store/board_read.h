/* Reading the dashboard's snapshot (core/board.h) from Redis: consumer
 * groups and their pending entries, the published campaigns with where
 * their results stand, today's and tomorrow's visits, the latest refused
 * entries. A campaign's visits are read again only when its count of
 * results or the day has changed (the cache). */
#ifndef INSPECT_BOARD_READ_H
#define INSPECT_BOARD_READ_H

#include <stdatomic.h>

#include "inspect/core/board.h"
#include "inspect/core/calendar.h"
#include "inspect/store/store.h"

struct board_cache {
	struct board_cached *v; /* ascending by campaign id */
	size_t n, cap;
};
void board_cache_free(struct board_cache *c);

struct board_reading {
	unsigned within;         /* working days to a deadline: at risk */
	unsigned reread_seconds; /* a campaign's visits read again at most
				  * this often while results come in */
	/* While this is set, no campaign's visits are read (a campaign of
	 * millions takes seconds of Redis and of a core): the last counts
	 * stand, or a campaign never read shows its counts as pending. NULL:
	 * never. */
	const atomic_bool *defer;
};

/* Fills out (board_free it) as of today. Returns 0, or FAIL_LOST with
 * out->redis_up false and the reason in out->redis_error. */
int board_read(struct store *s, const struct calendar *cal, int32_t today,
	       const struct board_reading *how, struct board_cache *cache,
	       struct board *out);

#endif
