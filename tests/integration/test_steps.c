/* A publication in bounded steps (docs/REDIS.md, "Publication in steps"):
 * stopped between two steps, by kill -9 or by a process that stalls, it
 * is finished from its journal, each step applied once; until its last
 * step nothing says the campaign is published. Steps are sized by their
 * time. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Steps of 4 KiB: a campaign of a few thousand tasks takes hundreds. */
#define SMALL_STEPS "publication_step_kib: 4\nclaim_idle_ms: 60000\n"

static void one_shot(redisContext *c, const char *id)
{
	submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-24",
	       "entropy", id, NULL);
}

/* Waits until a publication is under way with tasks on the department's
 * stream already. */
static bool under_way(redisContext *c)
{
	for (int i = 0; i < 60000; i++) {
		if (cmd_int(c, "EXISTS {insp}:publishing") &&
		    cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ") > 0)
			return true;
		sleep_ms(1);
	}
	return false;
}

/* A redis-server with 100,000 entities (seed), inspectd on it as
 * consumer, and campaign id submitted: returns once its publication is
 * under way. */
static redisContext *publishing(struct redis_proc *r, unsigned seed,
				struct daemon_proc *d, const char *consumer,
				const char *id)
{
	redis_start(r);
	load_population(r->port, 100000, seed, NULL);
	redisContext *c = redis_client(r->port);
	daemon_start(d, r->dir, r->port, consumer, POLICIES_DIR, SMALL_STEPS);
	one_shot(c, id);
	cr_assert(under_way(c), "no publication under way");
	return c;
}

/* What a reader sees between two steps: tasks, but not the campaign's
 * record, its place among the published or its plan event. */
static void assert_not_yet_published(redisContext *c, const char *id)
{
	cr_assert_gt(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), 0);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:campaign:%s", id), 0);
	cr_assert_eq(cmd_int(c, "SISMEMBER {insp}:published %s", id), 0);
	static char types[65536][64];
	size_t n = stream_values(c, "{insp}:public", "type", types, 65536);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_neq(types[i], "plan");
}

/* Every task and public entity of the campaigns ids once, one plan event
 * each, nothing under way and no journal left. */
static void assert_exactly_once(redisContext *c, const char *dir,
				const char *const *ids, size_t n_ids)
{
	static char uscc[65536][64], campaign[65536][64];
	long long want = 0;
	for (size_t k = 0; k < n_ids; k++)
		want += cmd_int(c, "HGET {insp}:campaign:%s selected", ids[k]);
	cr_assert_gt(want, 1000);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), want);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:public"), want + (long long)n_ids);
	size_t n = stream_values(c, "{insp}:dept:SAMR-ZZ", "uscc", uscc, 65536);
	stream_values(c, "{insp}:dept:SAMR-ZZ", "campaign", campaign, 65536);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && !strcmp(campaign[i], campaign[j]);
		     j++)
			cr_assert_str_neq(uscc[i], uscc[j], "task %zu repeats", j);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:publishing"), 0);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:intake"), 0, "every entry acked");
	char out[256];
	run(out, sizeof(out), "find %s/archive/journal -name '*.zst' | wc -l",
	    dir);
	cr_assert_eq(atoi(out), 0, "journals left: %s", out);
}

Test(steps, a_kill_between_steps_is_finished_from_the_journal,
     .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c = publishing(&r, 5, &d, "stepper", "S1");
	daemon_signal(&d, SIGKILL);
	daemon_wait(&d);
	assert_not_yet_published(c, "S1");
	/* The same consumer again: its pending entry names the publication. */
	daemon_start(&d, r.dir, r.port, "stepper", POLICIES_DIR, SMALL_STEPS);
	cr_assert(wait_status(c, "S1", "published", 60000));
	cr_assert(daemon_logged(&d, "publication resumed"));
	static const char *const ids[] = {"S1"};
	assert_exactly_once(c, r.dir, ids, 1);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

/* The sum of HLEN over the keys matching pattern. */
static long long hlen_of(redisContext *c, const char *pattern)
{
	return cmd_int(c, "EVAL %s 0 %s", "local n = 0 for _, k in ipairs("
		       "redis.call('KEYS', ARGV[1])) do n = n + redis.call("
		       "'HLEN', k) end return n", pattern);
}

/* Every spread key deleted (as a failover could lose them), then the
 * publication of campaign id taken up by consumer: each selected
 * entity's inspection and visit on record once, its tasks exactly once. */
static void lose_spread_and_resume(redisContext *c, struct redis_proc *r,
				   struct daemon_proc *d, const char *consumer,
				   const char *id)
{
	cmd_int(c, "EVAL %s 0", "local ks = redis.call('KEYS', '{insp/*}:*') "
		"for _, k in ipairs(ks) do redis.call('DEL', k) end "
		"return #ks");
	daemon_start(d, r->dir, r->port, consumer, POLICIES_DIR, SMALL_STEPS);
	cr_assert(wait_status(c, id, "published", 60000));
	cr_assert(daemon_logged(d, "publication resumed"));
	long long selected = cmd_int(c, "HGET {insp}:campaign:%s selected", id);
	cr_assert_eq(hlen_of(c, "{insp/*}:inspected"), selected);
	cr_assert_eq(hlen_of(c, "{insp/*}:history"), selected);
	const char *const ids[] = {id};
	assert_exactly_once(c, r->dir, ids, 1);
	daemon_signal(d, SIGTERM);
	cr_assert_eq(daemon_wait(d), 0);
}

/* Stopped while its spread commands go out beside its steps
 * (docs/REDIS.md, "Publication in steps", 3), with what they wrote lost
 * since (as a failover could lose it): the process that takes the
 * publication up sends them all again before its last step, and each
 * entity's inspection and visit are on record once. */
Test(steps, spread_commands_cut_short_are_sent_again, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 100000, 8, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "spreader", POLICIES_DIR, SMALL_STEPS);
	one_shot(c, "P1");
	/* Stopped once its start is written, and let go on until it is
	 * stopped with some spread commands applied. */
	bool caught = false;
	for (int i = 0; i < 60000 && !caught; i++) {
		if (cmd_int(c, "EXISTS {insp}:publishing") == 0) {
			sleep_ms(1);
			continue;
		}
		daemon_signal(&d, SIGSTOP);
		caught = cmd_int(c, "EXISTS {insp}:publishing") == 1 &&
			 hlen_of(c, "{insp/*}:inspected") > 0;
		if (!caught) {
			cr_assert_eq(cmd_int(c, "EXISTS {insp}:campaign:P1"), 0,
				     "published before it was caught");
			daemon_signal(&d, SIGCONT);
			sleep_ms(3); /* let it go on a little */
		}
	}
	cr_assert(caught, "no publication caught sending its spread commands");
	daemon_signal(&d, SIGKILL);
	daemon_wait(&d);
	/* The steps start where the spread commands end. */
	cr_assert_geq(cmd_int(c, "HGET {insp}:publishing done"),
		      cmd_int(c, "HGET {insp}:publishing spread"));
	cr_assert_gt(cmd_int(c, "HGET {insp}:publishing spread"), 0);
	/* Lost: every inspection on record, and the history's visits. */
	cr_assert_gt(hlen_of(c, "{insp/*}:inspected"), 0);
	lose_spread_and_resume(c, &r, &d, "spreader", "P1");
	redisFree(c);
	redis_finish(&r);
}

/* Caught between its start and its first step: stopped, and what it had
 * sent let land. 1 if `done` is still `spread` with no task out. */
static bool caught_before_any_step(redisContext *c, struct daemon_proc *d)
{
	for (int i = 0; i < 100000; i++)
		if (cmd_int(c, "EXISTS {insp}:publishing"))
			break;
	daemon_signal(d, SIGSTOP);
	sleep_ms(100);
	return cmd_int(c, "EXISTS {insp}:publishing") &&
	       cmd_int(c, "HGET {insp}:publishing done") ==
		   cmd_int(c, "HGET {insp}:publishing spread") &&
	       cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ") == 0;
}

/* A publication as an earlier version started it, sending its spread
 * commands before its steps (`done` 0, before `spread`, nothing applied):
 * the process that takes it up moves `done` to `spread` with no command
 * and sends the spread commands beside the steps. The window between a
 * start and its first step is short, so a few tries. */
Test(steps, a_publication_begun_before_spread_went_beside_goes_on,
     .timeout = 600)
{
	bool caught = false;
	for (int attempt = 0; attempt < 5 && !caught; attempt++) {
		struct redis_proc r;
		struct daemon_proc d;
		redis_start(&r);
		load_population(r.port, 100000, 8, NULL);
		redisContext *c = redis_client(r.port);
		daemon_start(&d, r.dir, r.port, "earlier", POLICIES_DIR,
			     SMALL_STEPS);
		one_shot(c, "E1");
		caught = caught_before_any_step(c, &d);
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
		if (caught) {
			cmd_int(c, "HSET {insp}:publishing done 0");
			lose_spread_and_resume(c, &r, &d, "earlier", "E1");
		}
		redisFree(c);
		redis_finish(&r);
	}
	cr_assert(caught, "no publication caught before its first step");
}

Test(steps, a_stalled_publication_is_finished_by_another_instance,
     .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc a, b;
	redisContext *c = publishing(&r, 6, &a, "stalls", "T1");
	daemon_signal(&a, SIGSTOP);
	/* Another instance, with a campaign of its own: it waits for T1,
	 * then finishes it (T1's entry pending with the stopped one), then
	 * draws T2 on what T1 left. */
	daemon_start(&b, r.dir, r.port, "helper", POLICIES_DIR, SMALL_STEPS);
	one_shot(c, "T2");
	cr_assert(wait_status(c, "T1", "published", 120000));
	cr_assert(wait_status(c, "T2", "published", 120000));
	cr_assert(daemon_logged(&b, "waiting for a publication under way"));
	cr_assert(daemon_logged(&b, "publication resumed"));
	/* The stopped one wakes up between two steps: its next step finds
	 * the publication finished, and it goes on as if it had. */
	daemon_signal(&a, SIGCONT);
	sleep_ms(1000);
	cr_assert_str_eq(daemon_state(&a), "running");
	static const char *const ids[] = {"T1", "T2"};
	assert_exactly_once(c, r.dir, ids, 2);
	daemon_signal(&a, SIGTERM);
	daemon_signal(&b, SIGTERM);
	cr_assert_eq(daemon_wait(&a), 0);
	cr_assert_eq(daemon_wait(&b), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(steps, a_damaged_journal_stops_the_publication_until_it_is_restored,
     .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c = publishing(&r, 7, &d, "damaged", "D1");
	daemon_signal(&d, SIGKILL);
	daemon_wait(&d);
	char path[512];
	run(path, sizeof(path), "find %s/archive/journal -name '*.zst'",
	    r.dir);
	path[strcspn(path, "\n")] = '\0';
	cr_assert(strstr(path, ".zst"), "no journal: %s", path);
	/* A byte of it changed, the original kept aside. */
	char out[64];
	run(out, sizeof(out), "cp %s %s/kept && printf '\\125' | dd of=%s "
	    "bs=1 seek=$(($(stat -c %%s %s) / 2)) conv=notrunc 2>/dev/null "
	    "&& echo ok", path, r.dir, path, path);
	cr_assert_str_eq(out, "ok\n");
	daemon_start(&d, r.dir, r.port, "damaged", POLICIES_DIR, SMALL_STEPS);
	cr_assert(daemon_await_log(&d, "a publication under way cannot go on",
				  60000));
	cr_assert(daemon_logged(&d, path), "the error names the journal");
	cr_assert_str_eq(daemon_state(&d), "running");
	long long tasks = cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ");
	assert_not_yet_published(c, "D1");
	/* No step of it was applied, and none is once it is restored. */
	sleep_ms(1000);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), tasks);
	run(out, sizeof(out), "cp %s/kept %s && echo ok", r.dir, path);
	cr_assert_str_eq(out, "ok\n");
	cr_assert(wait_status(c, "D1", "published", 60000));
	static const char *const ids[] = {"D1"};
	assert_exactly_once(c, r.dir, ids, 1);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

/* "publication steps applied" of the daemon's log: its steps and the
 * journal's KiB. */
static void steps_logged(const struct daemon_proc *d, size_t *steps,
			 size_t *kib)
{
	char *log = slurp(d->log);
	const char *at = log ? strstr(log, "publication steps applied") : NULL;
	cr_assert(at, "no publication in steps");
	const char *s = strstr(at, "steps="), *k = strstr(at, "journal_kib=");
	cr_assert(s && k);
	*steps = strtoul(s + 6, NULL, 10);
	*kib = strtoul(k + 12, NULL, 10);
	free(log);
}

/* Steps sized by their time (docs/REDIS.md, "Publication in steps"): for
 * a target of 1 ms, which no step of 64 KiB or more meets (a round trip,
 * an EXEC and an fsync), steps of at most 1024 KiB are cut to 64 KiB,
 * and grow at most twice after a faster one; the target off, each step
 * holds 1024 KiB. */
Test(steps, steps_are_cut_to_their_time, .timeout = 300)
{
	static const char *const ids[] = {"Z1"};
	size_t steps[2], kib[2];
	for (int timed = 0; timed < 2; timed++) {
		struct redis_proc r;
		struct daemon_proc d;
		redis_start(&r);
		load_population(r.port, 100000, 7, NULL);
		redisContext *c = redis_client(r.port);
		daemon_start(&d, r.dir, r.port, "timed", POLICIES_DIR,
			     timed ? "publication_step_kib: 1024\n"
				     "publication_step_ms: 1\n"
				   : "publication_step_kib: 1024\n"
				     "publication_step_ms: 0\n");
		one_shot(c, "Z1");
		cr_assert(wait_status(c, "Z1", "published", 60000));
		assert_exactly_once(c, r.dir, ids, 1);
		steps_logged(&d, &steps[timed], &kib[timed]);
		daemon_signal(&d, SIGTERM);
		cr_assert_eq(daemon_wait(&d), 0);
		redisFree(c);
		redis_finish(&r);
	}
	cr_log_info("%zu KiB in %zu steps of 1024 KiB at most; %zu KiB in %zu "
		    "steps sized for 1 ms", kib[0], steps[0], kib[1], steps[1]);
	cr_assert(kib[0] > 2048 && kib[1] > 2048, "journals of several steps");
	cr_assert_leq(steps[0], kib[0] / 1024 + 3, "%zu steps of %zu KiB",
		      steps[0], kib[0]);
	cr_assert_geq(steps[1], kib[1] / 128, "%zu steps of %zu KiB",
		      steps[1], kib[1]);
}
