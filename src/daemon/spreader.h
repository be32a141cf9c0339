/* A publication's spread commands sent on a thread and a connection of
 * their own, beside its steps (docs/REDIS.md, "Publication in steps", 3):
 * the steps write <p>'s slot, one master; the spread commands go to every
 * master, and must only be complete, and on a replica, before the last
 * step. */
#ifndef INSPECTD_SPREADER_H
#define INSPECTD_SPREADER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "inspect/core/diag.h"
#include "inspect/shell/config.h"
#include "inspect/store/journal.h"

struct spreader {
	pthread_t thread;
	bool running;
	atomic_bool stop;
	const struct config *cfg;
	struct publishing p;
	int r;           /* as journal_spread, once ended */
	struct diag err; /* why, when r is not 0 */
	double seconds;  /* the spread's own time */
};

/* Starts sending publication p's spread commands (none: at once done). */
void spreader_begin(struct spreader *sp, const struct config *cfg,
		    const struct publishing *p);
/* Waits for them to be sent and replicated, first told to stop if stop
 * (the steps ended otherwise). Returns sp->r; again, the same. */
int spreader_end(struct spreader *sp, bool stop);

#endif
