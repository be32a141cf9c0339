/* Inspectors' daily feeds against a real redis-server: visits planned on
 * days already past are delivered when the daemon runs (catch-up), each
 * to each member of its team exactly once, across kill -9. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Counts feed entries per (visit, member) and checks them against the
 * department's tasks: every task's team members got it once. */
static void assert_feeds_exact(redisContext *c)
{
	static char uscc[4096][64], team[4096][64], date[4096][64];
	static char campaign[4096][64];
	size_t n = stream_values(c, "{insp}:dept:SAMR-ZZ", "uscc", uscc, 4096);
	stream_values(c, "{insp}:dept:SAMR-ZZ", "team", team, 4096);
	stream_values(c, "{insp}:dept:SAMR-ZZ", "date", date, 4096);
	stream_values(c, "{insp}:dept:SAMR-ZZ", "campaign", campaign, 4096);
	cr_assert_gt(n, 10);
	long long members = 0, delivered = 0;
	/* F1's tasks (SAMR-ZZ's queue also has F2's, whose item is its:
	 * visits after today, not delivered yet). */
	for (size_t k = 0; k < n; k++)
		if (!strcmp(campaign[k], "F1"))
			members += 1 + (long long)(strchr(team[k], ',') != NULL);
	redisReply *keys = cmd(c, "KEYS {insp}:feed:*");
	for (size_t i = 0; i < keys->elements; i++) {
		const char *key = keys->element[i]->str;
		static char fu[4096][64], fd[4096][64];
		size_t m = stream_values(c, key, "uscc", fu, 4096);
		stream_values(c, key, "date", fd, 4096);
		delivered += (long long)m;
		for (size_t a = 0; a < m; a++)
			for (size_t b = a + 1; b < m; b++)
				cr_assert(strcmp(fu[a], fu[b]) ||
					  strcmp(fd[a], fd[b]),
					  "%s has %s twice", key, fu[a]);
	}
	freeReplyObject(keys);
	cr_assert_eq(delivered, members, "delivered %lld of %lld", delivered,
		     members);
}

Test(feeds, past_days_are_caught_up_exactly_once_across_kill_9,
     .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 3000, 11, NULL);
	redisContext *c = redis_client(r.port);
	/* Calendars: the shipped years, then plain years (weekends off) up to
	 * 2030, so that a window years ahead stays in the future whenever
	 * the test runs. */
	char cal[128], sh[1024], extra[256];
	snprintf(cal, sizeof(cal), "%s/calendars", r.dir);
	snprintf(sh, sizeof(sh), "mkdir -p %s && cp %s/calendars/cn-*.yaml %s "
		 "&& for y in 2027 2028 2029 2030; do printf 'year: %%s\\n"
		 "holidays: []\\n' $y > %s/cn-$y.yaml; done", cal, POLICIES_DIR,
		 cal, cal);
	cr_assert_eq(system(sh), 0);
	/* Feeds at hour 0: every day up to today is due; F1's window lies in
	 * the past, so every visit of it is a missed delivery. */
	snprintf(extra, sizeof(extra), "feed_hour: 0\nfeed_catch_up_days: "
		 "3660\ncalendars: %s\n", cal);
	daemon_start(&d, r.dir, r.port, "feeder", POLICIES_DIR, extra);
	submit(c, "type", "campaign", "id", "F1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "window", "2026-11-03..2026-11-13", "entropy", "5", NULL);
	/* A campaign whose visits lie after today: not delivered yet. */
	submit(c, "type", "campaign", "id", "F2", "department", "SAMR-FUT",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-24",
	       "window", "2030-12-02..2030-12-13", "entropy", "6", NULL);
	cr_assert(wait_status(c, "F1", "published", 10000));
	/* Kill it a few times while it catches up, and start it again. */
	for (int k = 0; k < 3; k++) {
		sleep_ms(15 * (k + 1));
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
		daemon_start(&d, r.dir, r.port, "feeder", POLICIES_DIR, extra);
	}
	cr_assert(wait_status(c, "F2", "published", 10000));
	/* Day numbers: 2026-11-13 is 20770, 2030-12-02 is 22250. */
	for (int t = 0; t < 200 && cmd_int(c, "ZCOUNT {insp}:days -inf 21000");
	     t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(c, "ZCOUNT {insp}:days -inf 21000"), 0);
	cr_assert_gt(cmd_int(c, "ZCOUNT {insp}:days 22250 +inf"), 0,
		     "future days must wait for their day");
	assert_feeds_exact(c);
	/* inspectctl feed shows an inspector's visits. */
	char cmdline[256], line[512];
	snprintf(cmdline, sizeof(cmdline), "%s feed --inspector t000 --redis "
		 "redis://127.0.0.1:%d", INSPECTCTL_PATH, r.port);
	FILE *p = popen(cmdline, "r");
	int lines = 0;
	while (fgets(line, sizeof(line), p))
		lines += strncmp(line, "2026-11-", 8) == 0;
	cr_assert_eq(pclose(p), 0);
	cr_assert_eq(lines, (int)cmd_int(c, "XLEN {insp}:feed:t000"));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
