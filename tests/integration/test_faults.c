/* inspectd through crashes, restarts, other instances and bad reloads:
 * every selected entity is published exactly once, nothing is lost. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long long selected(redisContext *c, const char *id)
{
	return cmd_int(c, "HGET {insp}:campaign:%s selected", id);
}

/* Each selected entity exactly once on the department's stream and once
 * on the public one (plus the plan). */
static void assert_exactly_once(redisContext *c, const char *dept,
				long long want)
{
	static char uscc[200000][64];
	cr_assert_eq(cmd_int(c, "XLEN %s", dept), want);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:public"), want + 1);
	size_t n = stream_values(c, dept, "uscc", uscc, 200000);
	cr_assert_eq((long long)n, want);
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(strcmp(uscc[i - 1], uscc[i]), 0, "task %zu repeats",
			     i);
}

static void one_shot(redisContext *c, const char *id)
{
	submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-24",
	       "entropy", "1 2 3", NULL);
}

/* How long one campaign takes here, to aim the kills inside it. */
static double calibrate(struct redis_proc *r)
{
	struct daemon_proc d;
	redisContext *c = redis_client(r->port);
	daemon_start(&d, r->dir, r->port, "calib", POLICIES_DIR, NULL);
	sleep_ms(300);
	double t0 = now();
	one_shot(c, "CAL");
	cr_assert(wait_status(c, "CAL", "published", 60000));
	double t = now() - t0;
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisReply *x = cmd(c, "FLUSHALL");
	freeReplyObject(x);
	redisFree(c);
	return t;
}

Test(faults, kill_9_of_inspectd_at_any_moment_publishes_exactly_once,
     .timeout = 600)
{
	struct redis_proc r;
	redis_start(&r);
	load_population(r.port, 400000, 3, NULL);
	double t = calibrate(&r);
	load_population(r.port, 400000, 3, NULL);
	redisContext *c = redis_client(r.port);
	const double at[] = {0.2, 0.5, 0.7, 0.85, 0.95, 1.1};
	for (size_t k = 0; k < sizeof(at) / sizeof(*at); k++) {
		char id[16], dept[64];
		struct daemon_proc d;
		snprintf(id, sizeof(id), "K%zu", k);
		daemon_start(&d, r.dir, r.port, "killed", POLICIES_DIR, NULL);
		sleep_ms(300);
		redisReply *x = cmd(c, "DEL {insp}:dept:SAMR-ZZ {insp}:public");
		freeReplyObject(x);
		one_shot(c, id);
		sleep_ms((int)(at[k] * t * 1000));
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
		daemon_start(&d, r.dir, r.port, "killed", POLICIES_DIR, NULL);
		cr_assert(wait_status(c, id, "published", 60000), "%s", id);
		cr_assert(wait_drained(c, 10000));
		snprintf(dept, sizeof(dept), "{insp}:dept:SAMR-ZZ");
		assert_exactly_once(c, dept, selected(c, id));
		daemon_signal(&d, SIGTERM);
		cr_assert_eq(daemon_wait(&d), 0);
	}
	redisFree(c);
	redis_finish(&r);
}

Test(faults, redis_restart_mid_publication_publishes_exactly_once,
     .timeout = 600)
{
	struct redis_proc r;
	redis_start(&r);
	load_population(r.port, 400000, 4, NULL);
	double t = calibrate(&r);
	load_population(r.port, 400000, 4, NULL);
	const double at[] = {0.3, 0.6, 0.8, 0.95};
	for (size_t k = 0; k < sizeof(at) / sizeof(*at); k++) {
		char id[16];
		struct daemon_proc d;
		redisContext *c = redis_client(r.port);
		snprintf(id, sizeof(id), "R%zu", k);
		redisReply *x = cmd(c, "DEL {insp}:dept:SAMR-ZZ {insp}:public");
		freeReplyObject(x);
		daemon_start(&d, r.dir, r.port, "survivor", POLICIES_DIR, NULL);
		sleep_ms(300);
		one_shot(c, id);
		redisFree(c);
		sleep_ms((int)(at[k] * t * 1000));
		redis_kill(&r, SIGKILL);
		sleep_ms(200);
		redis_restart(&r);
		c = redis_client(r.port);
		/* Generous: under ASan the daemon's backoff, then its fetch and
		 * draw of 400k entities, can pass a minute. */
		cr_assert(wait_status(c, id, "published", 180000),
			  "%s not published; inspectd %s", id, daemon_state(&d));
		cr_assert(wait_drained(c, 10000));
		assert_exactly_once(c, "{insp}:dept:SAMR-ZZ", selected(c, id));
		daemon_signal(&d, SIGTERM);
		cr_assert_eq(daemon_wait(&d), 0, "the daemon survived the "
			     "restart and stops cleanly");
		redisFree(c);
	}
	redis_finish(&r);
}

Test(faults, a_dead_consumers_entry_is_claimed)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 5000, 5, NULL);
	redisContext *c = redis_client(r.port);
	redisReply *x = cmd(c, "XGROUP CREATE {insp}:intake inspectd 0 MKSTREAM");
	freeReplyObject(x);
	one_shot(c, "G1");
	/* A consumer takes the entry and dies without answering it. */
	x = cmd(c, "XREADGROUP GROUP inspectd ghost COUNT 1 STREAMS "
		   "{insp}:intake >");
	freeReplyObject(x);
	daemon_start(&d, r.dir, r.port, "heir", POLICIES_DIR,
		     "claim_idle_ms: 300\n");
	cr_assert(wait_status(c, "G1", "published", 20000));
	cr_assert(wait_drained(c, 5000));
	cr_assert(daemon_logged(&d, "claimed a stale entry"));
	assert_exactly_once(c, "{insp}:dept:SAMR-ZZ", selected(c, "G1"));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(faults, two_instances_share_the_intake, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc a, b;
	redis_start(&r);
	load_population(r.port, 5000, 6, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&a, r.dir, r.port, "a", POLICIES_DIR, NULL);
	daemon_start(&b, r.dir, r.port, "b", POLICIES_DIR, NULL);
	for (int i = 0; i < 40; i++) {
		char id[16], entropy[16];
		snprintf(id, sizeof(id), "S%d", i);
		snprintf(entropy, sizeof(entropy), "%d", i);
		submit(c, "type", "campaign", "id", id, "department", id,
		       "policy", "henan-2021", "items", "SC-001", "date",
		       "2026-11-24", "entropy", entropy, NULL);
	}
	cr_assert(wait_drained(c, 60000));
	for (int i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof(id), "S%d", i);
		cr_assert(wait_status(c, id, "published", 100), "%s", id);
		cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:%s", id),
			     selected(c, id), "%s", id);
	}
	cr_assert(daemon_logged(&a, "campaign published"));
	cr_assert(daemon_logged(&b, "campaign published"));
	daemon_signal(&a, SIGTERM);
	daemon_signal(&b, SIGTERM);
	cr_assert_eq(daemon_wait(&a), 0);
	cr_assert_eq(daemon_wait(&b), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(faults, refused_connection_at_start_up_is_retried)
{
	struct redis_proc r;
	struct daemon_proc d;
	int st;
	redis_reserve(&r); /* nothing listens there yet */
	daemon_start(&d, r.dir, r.port, "early", POLICIES_DIR, NULL);
	sleep_ms(1500);
	cr_assert_eq(waitpid(d.pid, &st, WNOHANG), 0, "inspectd gave up");
	cr_assert(daemon_logged(&d, "redis work failed; retrying"));
	redis_restart(&r);
	load_population(r.port, 3000, 7, NULL);
	redisContext *c = redis_client(r.port);
	one_shot(c, "E1");
	cr_assert(wait_status(c, "E1", "published", 30000));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(faults, sighup_with_a_broken_policy_keeps_the_old_set)
{
	struct redis_proc r;
	struct daemon_proc d;
	char dir[128], path[192], copy[512];
	redis_start(&r);
	load_population(r.port, 3000, 8, NULL);
	redisContext *c = redis_client(r.port);
	snprintf(dir, sizeof(dir), "%s/policies", r.dir);
	snprintf(copy, sizeof(copy), "mkdir -p %s && cp %s/henan-2021.yaml %s/",
		 dir, POLICIES_DIR, dir);
	cr_assert_eq(system(copy), 0);
	daemon_start(&d, r.dir, r.port, "hup", dir, NULL);
	cr_assert(daemon_await_log(&d, "msg=\"started\"", 5000));
	snprintf(path, sizeof(path), "%s/new.yaml", dir);
	write_file(path, "name: new\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 2}\n");
	daemon_signal(&d, SIGHUP);
	cr_assert(daemon_await_log(&d, "policy reload refused", 5000));
	cr_assert(daemon_logged(&d, "new.yaml:4:"));
	one_shot(c, "H1"); /* the old set still serves */
	cr_assert(wait_status(c, "H1", "published", 10000));
	write_file(path, "name: new\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 0.5}\n  B: {rate: 0.5}\n"
			 "  C: {rate: 0.5}\n  D: {rate: 0.5}\n");
	daemon_signal(&d, SIGHUP);
	cr_assert(daemon_await_log(&d, "policies reloaded", 5000));
	submit(c, "type", "campaign", "id", "H2", "department", "SAMR-ZZ",
	       "policy", "new", "items", "SC-001", "date", "2026-11-24",
	       "entropy", "1", NULL);
	cr_assert(wait_status(c, "H2", "published", 10000));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(faults, a_thousand_campaigns_at_once_are_all_answered,
     .timeout = 900) /* about 275 s under the sanitizers here */
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 2000, 9, NULL);
	redisContext *c = redis_client(r.port);
	for (int i = 0; i < 1000; i++) {
		char id[16];
		snprintf(id, sizeof(id), "B%d", i);
		redisAppendCommand(c, "XADD {insp}:intake * type campaign id %s "
				   "department SAMR-ZZ policy henan-2021 items "
				   "SC-001 date 2026-11-24 entropy %d", id, i);
	}
	for (int i = 0; i < 1000; i++) {
		void *x;
		cr_assert_eq(redisGetReply(c, &x), REDIS_OK);
		freeReplyObject(x);
	}
	daemon_start(&d, r.dir, r.port, "bulk", POLICIES_DIR, NULL);
	/* All answered, however slowly: a bound on liveness (the
	 * sanitizers' run took 260 s on a loaded machine), not on speed. */
	cr_assert(wait_drained(c, 540000));
	long long total = 0;
	for (int i = 0; i < 1000; i++) {
		char id[16];
		snprintf(id, sizeof(id), "B%d", i);
		cr_assert(wait_status(c, id, "published", 10), "%s", id);
		total += selected(c, id);
	}
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), total);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

/* A population the archive cannot take (where its folder goes, a file):
 * the population is archived beside the draw, on a thread, and its error
 * still stops the publication. Nothing of the campaign reaches Redis, its
 * entry is refused after its attempts with the archive's reason, and the
 * daemon goes on: once the archive takes entries again, a campaign is
 * published, its population in the archive. */
Test(faults, a_population_the_archive_cannot_take_is_not_published,
     .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	char blocker[160], out[512];
	redis_start(&r);
	load_population(r.port, 4000, 5, NULL);
	snprintf(blocker, sizeof(blocker), "%s/archive/population", r.dir);
	cr_assert_eq(run(out, sizeof(out), "mkdir -p %s/archive && : > %s",
			 r.dir, blocker), 0, "%s", out);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "archiver", POLICIES_DIR, NULL);
	one_shot(c, "A1");
	cr_assert(daemon_await_log(&d, "entry refused after repeated failures",
				   60000), "inspectd %s", daemon_state(&d));
	cr_assert(daemon_logged(&d, "/archive/population/"));
	cr_assert(daemon_logged(&d, "Not a directory"));
	cr_assert(wait_drained(c, 10000));
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), 0);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:visits:A1"), 0);
	cr_assert_eq(cmd_int(c, "SISMEMBER {insp}:published A1"), 0);

	cr_assert_eq(unlink(blocker), 0);
	one_shot(c, "A2");
	cr_assert(wait_status(c, "A2", "published", 30000), "inspectd %s",
		  daemon_state(&d));
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), selected(c, "A2"));
	cr_assert_gt(selected(c, "A2"), 0);
	cr_assert_eq(run(out, sizeof(out), "ls %s/archive/population/*/*.zst",
			 r.dir), 0, "no population archived: %s", out);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
