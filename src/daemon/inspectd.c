/* inspectd: takes campaigns off the intake stream, draws and publishes
 * them. The libuv loop owns signals and timers and never blocks; each unit
 * of Redis work runs as a queued job on the worker's own connection, one
 * job at a time, so the connection has a single user. */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/shell/log.h"
#include "inspect/shell/catalog.h"
#include "inspect/store/board_read.h"
#include "http.h"
#include "metrics.h"
#include "worker.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 10000

struct daemon {
	uv_loop_t *loop;
	uv_signal_t sigterm, sigint, sighup;
	uv_timer_t timer;
	uv_work_t work;
	struct config cfg;
	struct catalog cat;
	struct worker worker;
	int result;           /* of the last job */
	unsigned failures;    /* connection failures in a row */
	bool busy, stopping, reload;
	int32_t calendar_checked; /* the day calendar_warn last ran */
	unsigned closing;
	uint64_t job_started; /* uv_now of the running job's start */
	/* The worker's failures of one entry, as of its last job (read on
	 * the loop's thread, never while a job runs). */
	unsigned entry_failures;
	char failing[64];
	/* The HTTP endpoint, when configured, and the dashboard's board: read
	 * now and then on a connection of its own, in the thread pool. */
	struct http_server *http;
	uv_timer_t board_timer;
	uv_work_t board_work;
	struct store board_store;
	struct board_cache board_cache;
	struct board *board, *board_next;
	int32_t board_today;
	bool board_busy;
};

/* Capped exponential backoff with full jitter in its upper half. */
static uint64_t backoff_ms(unsigned failures)
{
	uint64_t cap = BACKOFF_FIRST_MS;
	for (unsigned i = 1; i < failures && cap < BACKOFF_MAX_MS; i++)
		cap *= 2;
	if (cap > BACKOFF_MAX_MS)
		cap = BACKOFF_MAX_MS;
	return cap / 2 + (uint64_t)rand() % (cap / 2 + 1);
}

static void on_closed(uv_handle_t *h)
{
	struct daemon *d = h->data;
	d->closing--;
}

static void close_all(struct daemon *d)
{
	if (d->board_busy)
		return; /* board_done closes when the read is back */
	http_stop(d->http);
	d->http = NULL;
	uv_handle_t *handles[] = {(uv_handle_t *)&d->sigterm,
				  (uv_handle_t *)&d->sigint,
				  (uv_handle_t *)&d->sighup,
				  (uv_handle_t *)&d->timer,
				  (uv_handle_t *)&d->board_timer};
	for (size_t i = 0; i < sizeof(handles) / sizeof(*handles); i++)
		if (!uv_is_closing(handles[i])) {
			d->closing++;
			uv_close(handles[i], on_closed);
		}
}

/* Official calendars ending within this many days are warned of. */
#define CALENDAR_WARN_DAYS 60

/* Once a day and after each load: past the last official calendar the
 * windows are planned on provisional ones (calendar_provisional.c), so
 * the operator is told in time to add the State Council's notice. */
static void calendar_warn(struct daemon *d)
{
	int32_t today = d->worker.today;
	int32_t end = calendar_official_end(&d->cat.calendar);
	d->calendar_checked = today;
	if (end != DATE_NONE && end - today > CALENDAR_WARN_DAYS)
		return;
	char e[11] = "none";
	if (end != DATE_NONE)
		date_format(end, e);
	log_warn("official calendars end soon: later windows are planned on "
		 "provisional calendars", "official_until=%s days_left=%ld "
		 "provisional_until=%d-12-31 action=%s", e,
		 end == DATE_NONE ? 0L : (long)(end - today),
		 d->cat.calendar.first_year + (int)d->cat.calendar.n_years - 1,
		 log_quote("add the State Council notice as "
			   "calendars/cn-YYYY.yaml, then SIGHUP"));
}

static void reload_policies(struct daemon *d)
{
	struct catalog fresh;
	struct diag err;
	diag_init(&err);
	d->reload = false;
	if (catalog_load(&d->cfg, &fresh, &err) < 0) {
		log_error("policy reload refused; the old policies stay",
			  "reason=%s", log_quote(diag_text(&err)));
		return;
	}
	catalog_finish(&d->cat);
	d->cat = fresh;
	log_info("policies reloaded", "count=%zu items=%zu calendar_years=%u",
		 d->cat.policies.n, d->cat.items.n, d->cat.calendar.n_years);
	d->calendar_checked = DATE_NONE; /* warned again at the next job */
}

static void run_job(uv_work_t *req)
{
	struct daemon *d = req->data;
	d->result = worker_step(&d->worker);
}

static void schedule(struct daemon *d, uint64_t ms);

static void job_done(uv_work_t *req, int status)
{
	struct daemon *d = req->data;
	d->busy = false;
	d->entry_failures = d->worker.failures;
	memcpy(d->failing, d->worker.failing, sizeof(d->failing));
	uint64_t wait_ms = 0;
	if (d->result < 0 && d->result != FAIL_CONFLICT) {
		d->failures++;
		log_warn("redis work failed; retrying",
			 "reason=%s "
			 "failures=%u",
			 log_quote(diag_reason(&d->worker.store.err)),
			 d->failures);
		wait_ms = backoff_ms(d->failures);
	} else {
		d->failures = 0;
	}
	if (d->result == FAIL_CONFLICT && d->worker.awaiting) {
		/* Waiting for a publication under way (publication.c logged
		 * it once): no contention, a short pause. */
		wait_ms = 50;
	} else if (d->result == FAIL_CONFLICT) {
		metric_count(METRIC_CONTENTION, 1);
		/* Another instance wrote first: a short random pause, so two
		 * instances do not keep colliding in step. */
		log_info("contention; retrying", "reason=%s",
			 log_quote(diag_reason(&d->worker.store.err)));
		wait_ms = (uint64_t)rand() % 100;
	}
	if (d->stopping) {
		close_all(d);
		return;
	}
	schedule(d, wait_ms);
}

static void on_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;
	if (d->stopping || d->busy)
		return;
	if (d->reload && !d->board_busy)
		reload_policies(d);
	d->worker.cat = &d->cat;
	d->worker.today = clock_today(d->cfg.time_zone, &d->worker.hour);
	if (d->worker.today != d->calendar_checked)
		calendar_warn(d);
	d->busy = true;
	d->job_started = uv_now(d->loop);
	if (uv_queue_work(d->loop, &d->work, run_job, job_done) != 0) {
		d->busy = false;
		schedule(d, 1000);
	}
}

static void schedule(struct daemon *d, uint64_t ms)
{
	uv_timer_start(&d->timer, on_timer, ms, 0);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;
	if (signum == SIGHUP) {
		d->reload = true; /* applied between jobs */
		if (!d->busy && !d->board_busy)
			reload_policies(d);
		return;
	}
	log_info("stopping", "signal=%d busy=%d", signum, d->busy);
	d->stopping = true;
	uv_timer_stop(&d->timer);
	uv_timer_stop(&d->board_timer);
	if (!d->busy)
		close_all(d);
}

/* The board read in the thread pool: the catalog is not reloaded while it
 * runs (reload_policies waits for both jobs). */
static void board_job(uv_work_t *req)
{
	struct daemon *d = req->data;
	struct board *b = calloc(1, sizeof(*b));
	d->board_next = b;
	if (!b)
		return;
	uint64_t t0 = uv_hrtime();
	if (!store_connected(&d->board_store) &&
	    store_connect(&d->board_store, &d->cfg) < 0) {
		b->today = d->board_today;
		snprintf(b->redis_error, sizeof(b->redis_error), "%s",
			 diag_reason(&d->board_store.err));
	} else if (board_read(&d->board_store, &d->cat.calendar,
			      d->board_today,
			      &(struct board_reading){d->cfg.http.within_days,
						      d->cfg.http.reread_seconds,
						      &d->worker.drawing},
			      &d->board_cache, b) < 0) {
		store_close(&d->board_store);
	}
	b->read_seconds = (double)(uv_hrtime() - t0) / 1e9;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	b->taken_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void board_done(uv_work_t *req, int status)
{
	struct daemon *d = req->data;
	d->board_busy = false;
	if (d->board_next) {
		if (d->board)
			board_free(d->board);
		free(d->board);
		d->board = d->board_next;
		d->board_next = NULL;
	}
	if (d->stopping && !d->busy)
		close_all(d);
	else if (d->reload && !d->busy)
		reload_policies(d);
}

static void on_board_timer(uv_timer_t *t)
{
	struct daemon *d = t->data;
	if (d->stopping || d->board_busy)
		return;
	d->board_today = clock_today(d->cfg.time_zone, NULL);
	d->board_busy = true;
	if (uv_queue_work(d->loop, &d->board_work, board_job, board_done) != 0)
		d->board_busy = false;
}

static const struct board *current_board(void *ctx)
{
	return ((struct daemon *)ctx)->board;
}

static int32_t board_today(void *ctx)
{
	return clock_today(((struct daemon *)ctx)->cfg.time_zone, NULL);
}

/* Readiness (docs/HTTP.md): Redis reached by the last board read, and
 * recently; both consumer groups there; calendars (official or
 * provisional) reaching 60 days ahead; the worker neither failing one
 * entry again and again nor on one job for longer than stuck_seconds. */
static void readiness(void *ctx, struct readiness *r)
{
	struct daemon *d = ctx;
	const struct board *b = d->board;
	uint64_t now = uv_now(d->loop);
	memset(r, 0, sizeof(*r));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t wall = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	uint64_t fresh = 3000ULL * d->cfg.http.refresh_seconds + 5000;
	r->redis = b && b->redis_up && wall - b->taken_ms <= fresh;
	if (!b)
		snprintf(r->why[0], sizeof(r->why[0]), "not read yet");
	else if (!b->redis_up)
		snprintf(r->why[0], sizeof(r->why[0]), "%s", b->redis_error);
	else if (!r->redis)
		snprintf(r->why[0], sizeof(r->why[0]), "last read %.0f s ago",
			 (double)(wall - b->taken_ms) / 1000);
	r->groups = r->redis && b->intake_group && b->results_group;
	if (r->redis && !r->groups)
		snprintf(r->why[1], sizeof(r->why[1]), "the %s consumer group "
			 "is missing", b->intake_group ? "results" : "intake");
	int32_t today = board_today(d), ahead = today + CALENDAR_WARN_DAYS;
	int y;
	unsigned m, day;
	date_to_civil(ahead, &y, &m, &day);
	const struct calendar *cal = &d->cat.calendar;
	r->calendars = cal->n_years && y <= cal->first_year + (int)cal->n_years - 1;
	if (!r->calendars)
		snprintf(r->why[2], sizeof(r->why[2]), "no calendar for %d "
			 "(add policies/calendars/cn-%d.yaml, then SIGHUP)", y,
			 y);
	bool stuck = d->busy && now - d->job_started >
				      1000ULL * d->cfg.http.stuck_seconds;
	r->moving = !stuck && d->entry_failures < 2;
	if (stuck)
		snprintf(r->why[3], sizeof(r->why[3]), "one job has run for "
			 "%llu s", (unsigned long long)(now - d->job_started) / 1000);
	else if (!r->moving)
		snprintf(r->why[3], sizeof(r->why[3]), "entry %s failed %u "
			 "times in a row", d->failing, d->entry_failures);
}

static int start_http(struct daemon *d)
{
	if (!d->cfg.http.on)
		return 0;
	struct diag err;
	diag_init(&err);
	const struct http_source src = {current_board, readiness, board_today,
					d};
	d->http = http_start(d->loop, &d->cfg, &src, &err);
	if (!d->http) {
		fprintf(stderr, "inspectd: %s", diag_text(&err));
		return -1;
	}
	d->board_work.data = d;
	uv_timer_start(&d->board_timer, on_board_timer, 0,
		       1000ULL * d->cfg.http.refresh_seconds);
	log_info("http listening", "address=%s:%d tls=%d tokens=%s",
		 d->cfg.http.host, d->cfg.http.port,
		 d->cfg.http.tls_certificate[0] != 0,
		 d->cfg.http.tokens_file[0] ? d->cfg.http.tokens_file : "none");
	return 0;
}

static int usage(FILE *out)
{
	fputs("usage: inspectd --config FILE [--redis redis://HOST:PORT]\n"
	      "Configuration: deploy/inspectd.example.yaml; keys and streams: "
	      "docs/REDIS.md.\n", out);
	return out == stdout ? 1 : 2; /* 1: exit 0 after --help */
}

static int setup(struct daemon *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, 0, 'c'},
		{"redis", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0}};
	const char *config = NULL, *redis = NULL;
	struct diag err;
	int c;
	diag_init(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else if (c == 'r')
			redis = optarg;
		else if (c == 'h')
			return usage(stdout);
		else
			return usage(stderr);
	}
	if (!config || optind != argc)
		return usage(stderr);
	config_defaults(&d->cfg);
	int r = config_load(config, &d->cfg, &err);
	if (r == 0 && redis)
		r = config_redis_url(redis, &d->cfg.redis, &err);
	config_finish_paths(&d->cfg);
	if (r < 0 || config_check(&d->cfg, &err) < 0 ||
	    catalog_load(&d->cfg, &d->cat, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return 2;
	}
	if (d->cfg.block_ms >= d->cfg.redis.command_timeout_ms)
		d->cfg.block_ms = d->cfg.redis.command_timeout_ms / 2;
	log_set_level(d->cfg.log_level);
	return 0;
}

int main(int argc, char **argv)
{
	static struct daemon d;
	int r = setup(&d, argc, argv);
	if (r)
		return r == 1 ? 0 : r;
	/* A write to a Redis that died must fail with EPIPE and be retried,
	 * not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
#ifdef M_MMAP_THRESHOLD
	/* A campaign's large buffers (its population's records, the draw's
	 * and the plan's arrays) mapped on their own and given back to the
	 * system when freed: glibc's threshold otherwise rises to 32 MiB
	 * after the first such free, and what a campaign frees stays in the
	 * heap (bench/RESULTS.md, "The journal streamed"). */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
	srand((unsigned)time(NULL) ^ (unsigned)(uintptr_t)&d);
	d.loop = uv_default_loop();
	d.worker.cfg = &d.cfg;
	d.worker.cat = &d.cat;
	d.work.data = &d;
	uv_handle_t *h[] = {(uv_handle_t *)&d.sigterm, (uv_handle_t *)&d.sigint,
			    (uv_handle_t *)&d.sighup, (uv_handle_t *)&d.timer};
	uv_signal_init(d.loop, &d.sigterm);
	uv_signal_init(d.loop, &d.sigint);
	uv_signal_init(d.loop, &d.sighup);
	uv_timer_init(d.loop, &d.timer);
	uv_timer_init(d.loop, &d.board_timer);
	for (size_t i = 0; i < 4; i++)
		h[i]->data = &d;
	d.board_timer.data = &d; /* closed by close_all, HTTP or not */
	if (start_http(&d) < 0)
		return 2;
	uv_signal_start(&d.sigterm, on_signal, SIGTERM);
	uv_signal_start(&d.sigint, on_signal, SIGINT);
	uv_signal_start(&d.sighup, on_signal, SIGHUP);
	log_info("started", "consumer=%s policies=%zu redis=%s:%d",
		 d.cfg.consumer, d.cat.policies.n,
		 d.cfg.redis.unix_path[0] ? d.cfg.redis.unix_path
					  : d.cfg.redis.host,
		 d.cfg.redis.port);
	schedule(&d, 0);
	uv_run(d.loop, UV_RUN_DEFAULT);
	store_close(&d.worker.store);
	store_close(&d.board_store);
	board_cache_free(&d.board_cache);
	if (d.board)
		board_free(d.board);
	free(d.board);
	catalog_finish(&d.cat);
	r = uv_loop_close(d.loop);
	log_info("stopped", "clean=%d", r == 0);
	return r == 0 ? 0 : 1;
}
