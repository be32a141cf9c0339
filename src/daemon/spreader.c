/* The spread commands beside the steps (spreader.h). */
#include "spreader.h"

#include <string.h>

#include "inspect/shell/clock.h"
#include "inspect/store/store.h"

static void *spread(void *arg)
{
	struct spreader *sp = arg;
	double t0 = clock_seconds();
	struct store s;
	struct journal_reader jr;
	memset(&s, 0, sizeof(s));
	sp->r = store_connect(&s, sp->cfg);
	if (sp->r == 0)
		sp->r = journal_reader_open(&jr, sp->cfg->archive,
					    sp->p.journal, &sp->err);
	if (sp->r == 0) {
		sp->r = journal_spread(&s, &sp->p, &jr,
				       (size_t)sp->cfg->publication_step_kib
					   << 10,
				       sp->cfg->publication_step_ms,
				       &sp->stop, &sp->err);
		journal_reader_close(&jr);
	}
	if (sp->r == FAIL_LOST)
		diag_set(&sp->err, "%s", diag_reason(&s.err));
	store_close(&s);
	sp->seconds = clock_seconds() - t0;
	return NULL;
}

void spreader_begin(struct spreader *sp, const struct config *cfg,
		    const struct publishing *p)
{
	memset(sp, 0, sizeof(*sp));
	sp->cfg = cfg;
	sp->p = *p;
	diag_init(&sp->err);
	atomic_store(&sp->stop, false);
	if (p->spread == 0)
		return;
	sp->running = pthread_create(&sp->thread, NULL, spread, sp) == 0;
	if (!sp->running) /* no thread to be had: before the steps, then */
		spread(sp);
}

int spreader_end(struct spreader *sp, bool stop)
{
	if (sp->running) {
		if (stop)
			atomic_store(&sp->stop, true);
		pthread_join(sp->thread, NULL);
		sp->running = false;
	}
	return sp->r;
}
