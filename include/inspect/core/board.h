/* The staff dashboard (智能看板), the operators' metrics and readiness:
 * what inspectd's HTTP endpoint serves (docs/HTTP.md). A board is a
 * snapshot read from Redis now and then; the pages, the JSON API and the
 * Prometheus text are written from it here, with no I/O. */
#ifndef INSPECT_BOARD_H
#define INSPECT_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/campaign.h"
#include "inspect/core/results.h"
#include "inspect/core/seed.h"
#include "inspect/core/strbuf.h"

/* A published campaign as the board shows it. */
struct board_campaign {
	char id[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	char task_type[16];
	char plan[SEED_MAX_ID + 1];
	char visit_window[24]; /* first..last visit day, as the record says */
	int32_t date;          /* the draw's */
	size_t selected, results;
	size_t status[RESULT_STATUSES]; /* visits by where their result stands */
	size_t follow_ups_open, follow_ups_late;
	int32_t next_deadline; /* the earliest deadline of a result not in, or
				* DATE_NONE */
	bool unreadable;       /* a stored visit or result does not parse */
	bool counts_pending;   /* its visits not read yet (board_read.h) */
	size_t visits_dropped; /* of today and tomorrow, past the listed ones */
};

/* A visit of today or tomorrow. */
struct board_visit {
	char campaign[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	char uscc[USCC_LEN + 1];
	char name[128];
	char team[160];
	int32_t date;
};

/* A refused entry, as its dead-letter stream keeps it. */
struct board_refusal {
	char stream[16]; /* "intake" or "results" */
	char entry[48];
	char campaign[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1]; /* the campaign's, if known */
	char named[CAMPAIGN_MAX_NAME + 1]; /* a department the entry named */
	char reason[256];
};

/* A batch of an annual plan whose entry inspectd has sent. */
struct board_batch {
	char plan[SEED_MAX_ID + 1];
	char department[CAMPAIGN_MAX_NAME + 1];
	char campaign[SEED_MAX_ID + 1];
	char sent[11];   /* the day its entry was sent */
	char status[16]; /* frozen (awaiting entropy), published, rejected,
			  * or "" while its entry waits in the intake */
};

/* Entries given out to a consumer and not yet acknowledged. */
struct board_consumer {
	char stream[16];
	char name[64];
	uint64_t pending;
	uint64_t idle_ms; /* since it last read (XINFO CONSUMERS) */
};

#define BOARD_MAX_VISITS 500   /* today's and tomorrow's listed, a page */
#define BOARD_MAX_REFUSALS 50  /* the latest of each stream */

struct board {
	int32_t today;
	uint64_t taken_ms;   /* when it was read (Unix ms) */
	double read_seconds; /* how long the read took */
	bool redis_up;
	char redis_error[160];
	bool intake_group, results_group; /* the consumer groups exist */
	struct board_consumer *consumers;
	size_t n_consumers;
	struct board_campaign *campaigns; /* ascending by id */
	size_t n_campaigns;
	struct board_visit *visits; /* by day, campaign, team, USCC: up to
				     * BOARD_MAX_VISITS a campaign */
	size_t n_visits;
	struct board_refusal *refusals; /* newest first, by stream */
	size_t n_refusals;
	struct board_batch *batches; /* by plan, then campaign */
	size_t n_batches;
};
void board_free(struct board *b);

struct metrics;

/* Who may see what: NULL (every department: the deployment's page) or
 * a set of department codes. */
struct board_view {
	const char *const *departments;
	size_t n_departments;
	bool all;
	int32_t today;
	uint64_t now_ms;
	unsigned within; /* "due soon": within so many working days */
	const char *campaign; /* one campaign's page, or NULL */
	/* The process's counters, shown to a token of every department
	 * (NULL: not shown). */
	const struct metrics *metrics;
};
bool board_view_sees(const struct board_view *v, const char *department);

/* The dashboard page (HTML that works without script; a small inline
 * script only reloads it) and the same data as JSON. */
void board_html(const struct board *b, const struct board_view *v,
		struct strbuf *out);
void board_json(const struct board *b, const struct board_view *v,
		struct strbuf *out);
/* The page's only script (its Content-Security-Policy hash is of it). */
extern const char board_script[];

/* Counters the daemon keeps while it runs (docs/HTTP.md, "Metrics"). */
enum metric_counter {
	METRIC_ENTRIES_TAKEN,         /* new intake entries read */
	METRIC_REFUSED_INVALID,       /* a valid entry refused (its reason) */
	METRIC_REFUSED_JUNK,          /* no valid entry at all */
	METRIC_REFUSED_UNPROCESSABLE, /* failed every time with Redis up */
	METRIC_CAMPAIGNS_FROZEN,
	METRIC_CAMPAIGNS_PUBLISHED,
	METRIC_FEEDS_DELIVERED,
	METRIC_RESULTS_ANSWERED,      /* accepted or refused */
	METRIC_RESULTS_REFUSED,
	METRIC_REDIS_RECONNECTS,
	METRIC_CONTENTION,
	METRIC_HTTP_REQUESTS,
	METRIC_HTTP_UNAUTHORIZED,
	METRIC_COUNTERS
};
enum metric_histogram { METRIC_FETCH, METRIC_PUBLICATION, METRIC_HISTOGRAMS };

#define METRIC_BUCKETS 14
extern const double metric_bounds[METRIC_BUCKETS]; /* seconds, ascending */

struct histogram {
	uint64_t bucket[METRIC_BUCKETS]; /* observations <= bound, each its own */
	uint64_t count;
	double sum;
};
void histogram_observe(struct histogram *h, double seconds);

struct metrics {
	uint64_t counter[METRIC_COUNTERS];
	struct histogram histogram[METRIC_HISTOGRAMS];
};

/* Readiness (docs/HTTP.md, "/readyz"): each check and why it fails. */
struct readiness {
	bool redis, groups, calendars, moving;
	char why[4][200];
};
bool readiness_ok(const struct readiness *r);
void readiness_text(const struct readiness *r, struct strbuf *out);

/* The Prometheus text exposition (version 0.0.4) of the counters and of
 * the board's gauges (b NULL before the first read). */
void metrics_text(const struct metrics *m, const struct board *b,
		  uint64_t now_ms, struct strbuf *out);

#endif
