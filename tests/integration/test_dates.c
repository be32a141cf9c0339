/* Dates against a real redis-server and inspectd: a window into a year
 * with no State Council notice is planned on a provisional calendar,
 * marked as such, kept with the campaign and re-run by both verifiers;
 * dates far back need a back-dated record, which stays out of the feeds;
 * and inspectctl's help, usage and errors. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "inspect/core/date.h"

static char out[1 << 16];

/* Today in the daemon's time zone, as a day number. */
static int32_t today(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return date_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			       (unsigned)tm.tm_mday);
}

static const char *day(int32_t d)
{
	static char buf[4][11];
	static int i;
	i = (i + 1) % 4;
	date_format(d, buf[i]);
	return buf[i];
}

static void field(redisContext *c, const char *id, const char *name,
		  char *value, size_t size)
{
	redisReply *r = cmd(c, "HGET {insp}:campaign:%s %s", id, name);
	snprintf(value, size, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
}

/* Exports id's bundle into dir (with config) and runs both verifiers;
 * inspectctl verify's output is left in out. */
static void verify_both(const char *config, const char *id, const char *dir)
{
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "%s --bundle --out %s", INSPECTCTL_PATH, config, id,
			 dir), 0, "%s", out);
	static char py[4096];
	cr_assert_eq(run(py, sizeof(py), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, dir), 0, "%s", py);
	cr_assert(strstr(py, "verified"), "%s", py);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 dir), 0, "%s", out);
}

Test(dates, windows_into_years_without_a_notice_are_provisional,
     .timeout = 240)
{
	struct redis_proc r;
	struct daemon_proc d;
	char v[512], dir[256], sh[4096];
	redis_start(&r);
	load_population(r.port, 3000, 17, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "dates", POLICIES_DIR, NULL);
	/* Across the new year after the last notice shipped, and across the
	 * last new year the issue asks for. */
	submit(c, "type", "campaign", "id", "NY1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-12-20",
	       "window", "2026-12-28..2027-01-22", "entropy", "1 2 3", NULL);
	submit(c, "type", "campaign", "id", "NY2", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2035-12-20",
	       "window", "2035-12-24..2036-01-18", "entropy", "4 5 6", NULL);
	/* 2039: 中秋 and 国庆 share a Sunday, made up twice. */
	submit(c, "type", "campaign", "id", "NY3", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2039-09-20",
	       "window", "2039-09-26..2039-10-14", "entropy", "7 8", NULL);
	cr_assert(wait_status(c, "NY1", "published", 20000));
	cr_assert(wait_status(c, "NY2", "published", 20000));
	cr_assert(wait_status(c, "NY3", "published", 20000));
	field(c, "NY1", "calendar_provisional", v, sizeof(v));
	cr_assert_str_eq(v, "2027");
	field(c, "NY2", "calendar_provisional", v, sizeof(v));
	cr_assert_str_eq(v, "2035,2036");
	/* 2027-02-09 is a provisional holiday (初二 made up), so no visit of
	 * NY1 lies on a weekend or on 2027-01-01. */
	redisReply *h = cmd(c, "HVALS {insp}:visits:NY1");
	cr_assert_gt(h->elements, 10);
	for (size_t i = 0; i < h->elements; i++) {
		int32_t dd;
		cr_assert(date_parse(h->element[i]->str, 10, &dd));
		cr_assert_lt(date_weekday(dd), 5, "%.10s", h->element[i]->str);
		cr_assert(strncmp(h->element[i]->str, "2027-01-01", 10));
	}
	freeReplyObject(h);

	/* The bundle carries the calendars the plan was made on, even when
	 * an official file for 2027 has come since. */
	char cal[256], cfg2[256];
	snprintf(cal, sizeof(cal), "%s/cal", r.dir);
	snprintf(cfg2, sizeof(cfg2), "%s/later.yaml", r.dir);
	snprintf(sh, sizeof(sh), "mkdir -p %s && cp %s/calendars/cn-*.yaml %s"
		 " && printf 'year: 2027\\nholidays: [2027-01-04]\\n' > "
		 "%s/cn-2027.yaml && sed 's|^calendars:.*|calendars: %s|' %s > "
		 "%s", cal, POLICIES_DIR, cal, cal, cal, d.config, cfg2);
	cr_assert_eq(system(sh), 0);
	snprintf(dir, sizeof(dir), "%s/b-ny1", r.dir);
	verify_both(cfg2, "NY1", dir);
	cr_assert(strstr(out, "calendars provisional for 2027"), "%s", out);
	snprintf(v, sizeof(v), "%s/cn-2027.yaml", dir);
	char *kept = slurp(v);
	cr_assert(strstr(kept, "provisional: true"), "%s", kept);
	free(kept);
	snprintf(dir, sizeof(dir), "%s/b-ny2", r.dir);
	verify_both(d.config, "NY2", dir);
	cr_assert(strstr(out, "calendars provisional for 2035,2036"), "%s",
		  out);

	snprintf(dir, sizeof(dir), "%s/b-ny3", r.dir);
	verify_both(d.config, "NY3", dir);
	cr_assert(strstr(out, "calendars provisional for 2039"), "%s", out);
	snprintf(dir, sizeof(dir), "%s/b-ny2", r.dir);
	/* A provisional calendar that does not follow the rule is caught by
	 * both verifiers: 2036-01-02 made a holiday. */
	snprintf(sh, sizeof(sh), "sed -i 's/^holidays:$/holidays:\\n  - "
		 "2036-01-02/' %s/cn-2036.yaml", dir);
	cr_assert_eq(system(sh), 0);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 dir), 1, "%s", out);
	cr_assert(strstr(out, "calendar 2036 is marked provisional but "
			      "2036-01-02"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, dir), 1, "%s", out);
	cr_assert(strstr(out, "2036-01-02"), "%s", out);

	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(dates, far_back_needs_a_back_dated_record_kept_out_of_feeds,
     .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	char v[512], window[32];
	int32_t t = today();
	redis_start(&r);
	load_population(r.port, 3000, 19, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "backdate", POLICIES_DIR,
		     "max_backdate_days: 7\nfeed_hour: 0\n");
	snprintf(window, sizeof(window), "%s..%s", day(t - 35), day(t - 12));
	submit(c, "type", "campaign", "id", "B1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", day(t - 40),
	       "window", window, "entropy", "9", NULL);
	submit(c, "type", "campaign", "id", "B2", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", day(t - 40),
	       "window", window, "backdated", "yes", "entropy", "9", NULL);
	/* No window, and the calendars end before visit_days run out. */
	submit(c, "type", "campaign", "id", "B3", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2040-12-20",
	       "entropy", "9", NULL);
	cr_assert(wait_status(c, "B1", "rejected", 20000));
	cr_assert(wait_status(c, "B2", "published", 20000));
	cr_assert(wait_status(c, "B3", "rejected", 20000));
	field(c, "B1", "error", v, sizeof(v));
	cr_assert(strstr(v, "field date: ") && strstr(v, "is 40 days before "
		  "the day it was submitted") && strstr(v, "backdated=yes"),
		  "%s", v);
	field(c, "B3", "error", v, sizeof(v));
	cr_assert_str_eq(v, "no working-day calendar covers the 20 working "
			 "days after 2040-12-20 (visit_days; the entry gives "
			 "no window)");
	field(c, "B2", "backdated", v, sizeof(v));
	cr_assert_str_eq(v, "yes");
	cr_assert_gt(cmd_int(c, "HLEN {insp}:visits:B2"), 10);
	/* Its visits are on record, none of them in a feed. */
	sleep_ms(500);
	cr_assert_eq(cmd_int(c, "ZCARD {insp}:days"), 0);
	redisReply *keys = cmd(c, "KEYS {insp}:feed:*");
	cr_assert_eq(keys->elements, 0);
	freeReplyObject(keys);
	cr_assert(daemon_logged(&d, "level=warn msg=\"entry refused\""));
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(cli, help_usage_checks_and_addresses, .timeout = 120)
{
	struct redis_proc r;
	char url[64];
	redis_start(&r);
	redisContext *c = redis_client(r.port);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", r.port);
	static const char *const cmds[] = {"draw", "simulate", "import",
					   "submit", "status", "feed",
					   "overdue", "export", "verify",
					   "calendar"};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		char want[64];
		snprintf(want, sizeof(want), "usage: inspectctl %s", cmds[i]);
		cr_assert_eq(run(out, sizeof(out), "%s %s --help",
				 INSPECTCTL_PATH, cmds[i]), 0, "%s", out);
		cr_assert(!strncmp(out, want, strlen(want)), "%s", out);
		cr_assert_eq(run(out, sizeof(out), "%s %s -h", INSPECTCTL_PATH,
				 cmds[i]), 0, "%s", out);
	}
	cr_assert_eq(run(out, sizeof(out), "%s -h", INSPECTCTL_PATH), 0);
	cr_assert(strstr(out, "calendar"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s --help", INSPECTD_PATH), 0);
	cr_assert(!strncmp(out, "usage: inspectd --config", 24), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s --nope", INSPECTD_PATH), 2);
	/* Usage on a usage error, exit 2. */
	cr_assert_eq(run(out, sizeof(out), "%s status", INSPECTCTL_PATH), 2);
	cr_assert(strstr(out, "usage: inspectctl status ID"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s feed --nope", INSPECTCTL_PATH),
		     2);
	cr_assert(strstr(out, "usage: inspectctl feed"), "%s", out);
	/* A connection error names the address. */
	cr_assert_eq(run(out, sizeof(out), "%s overdue --redis redis://"
			 "127.0.0.1:1", INSPECTCTL_PATH), 1);
	cr_assert(strstr(out, "redis at 127.0.0.1:1: "), "%s", out);
	/* A time zone the tz database does not know would silently be UTC:
	 * refused. */
	cr_assert_eq(run(out, sizeof(out), "printf 'time_zone: Asia/Shangai\\n' "
			 "> %s/tz.yaml && %s status X --config %s/tz.yaml",
			 r.dir, INSPECTCTL_PATH, r.dir), 2, "%s", out);
	cr_assert(strstr(out, "'Asia/Shangai' is not a zone"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s draw --policy x --population y "
			 "--campaign C --entropy 1 --time-zone Mars/Base",
			 INSPECTCTL_PATH), 2, "%s", out);
	/* A malformed address is bad usage, not a failed connection. */
	cr_assert_eq(run(out, sizeof(out), "%s overdue --redis "
			 "'redis://[::1'", INSPECTCTL_PATH), 2, "%s", out);
	/* What the daemon would refuse is not sent. */
	static const char *const bad[][2] = {
		{"--policy nope --items SC-001", "field policy: no policy named "
						 "nope"},
		{"--policy henan-2021 --items XX-1", "field items: XX-1 is not on "
						     "the item list"},
		{"--policy henan-2021 --items SC-001 --window 2026-12-31.."
		 "2026-12-01", "field window: ends before it starts"},
		{"--policy henan-2021 --items SC-001 --date 2001-01-02",
		 "backdated=yes"},
		{"--policy henan-2021 --items SC-001 --size 0", "field size"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_eq(run(out, sizeof(out), "cd %s/.. && %s submit --redis "
				 "%s --id S%zu --department D %s", POLICIES_DIR,
				 INSPECTCTL_PATH, url, i, bad[i][0]), 2, "%s",
			     out);
		cr_assert(strstr(out, "not sent: ") && strstr(out, bad[i][1]),
			  "%s", out);
	}
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:intake"), 0);
	cr_assert_eq(run(out, sizeof(out), "cd %s/.. && %s submit --redis %s "
			 "--id S9 --department D --policy henan-2021 --items "
			 "SC-001", POLICIES_DIR, INSPECTCTL_PATH, url), 0, "%s",
		     out);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:intake"), 1);
	redisFree(c);
	redis_finish(&r);
}

Test(cli, calendar_lists_official_and_provisional_years, .timeout = 60)
{
	char sh[512], cfg[128], dir[] = "/tmp/inspectd-cal-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/c.yaml", dir);
	snprintf(sh, sizeof(sh), "cp %s/calendars/cn-2025.yaml %s && printf "
		 "'policies: %s\\ncalendars: %s\\n' > %s", POLICIES_DIR, dir,
		 POLICIES_DIR, dir, cfg);
	cr_assert_eq(system(sh), 0);
	/* Only 2025 is official: it has ended, so the exit status says so. */
	cr_assert_eq(run(out, sizeof(out), "%s calendar --config %s",
			 INSPECTCTL_PATH, cfg), 3, "%s", out);
	cr_assert(strstr(out, "2025  official"), "%s", out);
	cr_assert(strstr(out, "2026  provisional"), "%s", out);
	cr_assert(strstr(out, "2040  provisional"), "%s", out);
	cr_assert(strstr(out, "official calendars until 2025-12-31"), "%s",
		  out);
	cr_assert(strstr(out, "warning: the official calendars end"), "%s",
		  out);
	cr_assert_eq(run(out, sizeof(out), "%s calendar --config %s --year "
			 "2031", INSPECTCTL_PATH, cfg), 0, "%s", out);
	cr_assert(strstr(out, "provisional: true") &&
		  strstr(out, "2031-01-23  # 春节 初一"), "%s", out);
	/* A provisional document saved among the notices is refused, not
	 * labelled two ways. */
	cr_assert_eq(run(out, sizeof(out), "%s calendar --config %s --year "
			 "2026 > %s/x && mv %s/x %s/cn-2026.yaml && %s calendar "
			 "--config %s", INSPECTCTL_PATH, cfg, dir, dir, dir,
			 INSPECTCTL_PATH, cfg), 2, "%s", out);
	cr_assert(strstr(out, "cn-2026.yaml: marked provisional"), "%s", out);
	snprintf(sh, sizeof(sh), "rm -rf %s", dir);
	cr_assert_eq(system(sh), 0);
}

/* A two-phase campaign keeps the calendars it was frozen with: the State
 * Council's notice for 2027, added before its entropy, changes the days of
 * a campaign drawn after it, not of the frozen one. */
Test(dates, a_frozen_campaign_keeps_its_calendars, .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	char cal[256], extra[320], v[700], frozen[700], dir[256];
	redis_start(&r);
	load_population(r.port, 2000, 41, NULL);
	redisContext *c = redis_client(r.port);
	snprintf(cal, sizeof(cal), "%s/cal", r.dir);
	cr_assert_eq(run(out, sizeof(out), "mkdir -p %s && cp %s/calendars/"
			 "cn-*.yaml %s", cal, POLICIES_DIR, cal), 0, "%s", out);
	snprintf(extra, sizeof(extra), "calendars: %s\n", cal);
	daemon_start(&d, r.dir, r.port, "frozen", POLICIES_DIR, extra);
	submit(c, "type", "campaign", "id", "FZ", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-12-20",
	       "window", "2026-12-28..2027-01-15", NULL);
	cr_assert(wait_status(c, "FZ", "frozen", 20000));
	field(c, "FZ", "calendar_provisional", v, sizeof(v));
	cr_assert_str_eq(v, "2027");
	field(c, "FZ", "calendars", frozen, sizeof(frozen));
	cr_assert(strstr(frozen, "cn-2027.yaml:"), "%s", frozen);
	/* The notice: 1 to 8 January off. */
	cr_assert_eq(run(out, sizeof(out), "printf 'year: 2027\\nholidays:\\n"
			 "  - 2027-01-01..2027-01-08\\n' > %s/cn-2027.yaml", cal),
		     0, "%s", out);
	daemon_signal(&d, SIGHUP);
	cr_assert(daemon_await_log(&d, "policies reloaded", 10000));
	submit(c, "type", "campaign", "id", "OS", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-12-20",
	       "window", "2026-12-28..2027-01-15", "entropy", "os", NULL);
	cr_assert(wait_status(c, "OS", "published", 20000));
	field(c, "OS", "calendar_provisional", v, sizeof(v));
	cr_assert_str_eq(v, "");
	redisReply *h = cmd(c, "HVALS {insp}:visits:OS");
	for (size_t i = 0; i < h->elements; i++)
		cr_assert(strncmp(h->element[i]->str, "2027-01-0", 9) ||
			  h->element[i]->str[9] > '8', "%.10s",
			  h->element[i]->str);
	freeReplyObject(h);
	submit(c, "type", "entropy", "id", "FZ", "entropy", "fz", NULL);
	cr_assert(wait_status(c, "FZ", "published", 20000));
	field(c, "FZ", "calendars", v, sizeof(v));
	cr_assert_str_eq(v, frozen);
	field(c, "FZ", "calendar_provisional", v, sizeof(v));
	cr_assert_str_eq(v, "2027");
	snprintf(dir, sizeof(dir), "%s/b-fz", r.dir);
	verify_both(d.config, "FZ", dir);
	cr_assert(strstr(out, "calendars provisional for 2027"), "%s", out);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
