/* A deployment of the layout before hash tags moves with inspectctl
 * migrate: its keys renamed as they were ("insp:..."), the daemon serves
 * nothing until they are moved, then goes on by itself; the campaign
 * published before takes results, its intake group and pending entries
 * come along, and a second run moves nothing. So do the buckets of
 * inspections on record and history of the layout before they took hash
 * tags of their own. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16], line[64];

/* Every bucket of its own hash tag ("{insp/17}:history") renamed as an
 * older inspectd named it, under the prefix `to` ("<to>history:17"): their
 * number. */
static size_t buckets_to(redisContext *c, const char *to)
{
	redisReply *keys = cmd(c, "KEYS {insp/*");
	size_t n = keys->elements;
	for (size_t i = 0; i < n; i++) {
		const char *k = keys->element[i]->str;
		unsigned b;
		char kind[16];
		cr_assert_eq(sscanf(k, "{insp/%u}:%15s", &b, kind), 2, "%s", k);
		freeReplyObject(cmd(c, "RENAME %s %s%s:%u", k, to, kind, b));
	}
	freeReplyObject(keys);
	return n;
}

/* Every key of the new layout renamed to the old ({insp}:x -> insp:x):
 * the layout an older inspectd left, with the same values. */
static void to_old_layout(redisContext *c)
{
	buckets_to(c, "insp:");
	redisReply *keys = cmd(c, "KEYS {insp}:*");
	for (size_t i = 0; i < keys->elements; i++) {
		const char *k = keys->element[i]->str;
		freeReplyObject(cmd(c, "RENAME %s insp:%s", k, k + 7));
	}
	freeReplyObject(keys);
	/* The record named its keys as an older inspectd wrote them. */
	freeReplyObject(cmd(c, "HSET insp:campaign:M1 visits insp:visits:M1 "
			    "audit insp:audit:M1"));
}

Test(migrate, an_older_layout_moves_and_the_daemon_goes_on, .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	redis_start(&r);
	load_population(r.port, 1500, 5, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "migrator", POLICIES_DIR, NULL);
	submit(c, "type", "campaign", "id", "M1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "m1", NULL);
	cr_assert(wait_status(c, "M1", "published", 20000));
	long long visits = cmd_int(c, "HLEN {insp}:visits:M1");
	long long public = cmd_int(c, "XLEN {insp}:public");
	cr_assert_gt(visits, 3);
	redisReply *v = cmd(c, "HGETALL {insp}:visits:M1");
	char uscc[19], day[11], member[33];
	snprintf(uscc, sizeof(uscc), "%s", v->element[0]->str);
	snprintf(day, sizeof(day), "%.10s", v->element[1]->str);
	snprintf(member, sizeof(member), "%.*s",
		 (int)strcspn(v->element[1]->str + 11, ";\x1f"),
		 v->element[1]->str + 11);
	freeReplyObject(v);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	long long buckets = cmd_int(c, "EVAL %s 0", "return #redis.call("
				    "'KEYS', '{insp/*}:inspected')");
	cr_assert_gt(buckets, 3);
	to_old_layout(c);
	/* An entry left pending by the old daemon, in the old intake. */
	freeReplyObject(cmd(c, "XADD insp:intake * type campaign id M2 "
			    "department SAMR-ZZ policy henan-2021 items SC-001 "
			    "date 2026-10-09 window 2026-10-12..2026-10-23 "
			    "entropy m2"));
	/* Before the move: nothing served, and it says why. */
	daemon_start(&d, r.dir, r.port, "migrator", POLICIES_DIR, NULL);
	cr_assert(daemon_await_log(&d, "run inspectctl migrate", 10000));
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:intake"), 0);
	cr_assert_str_eq(daemon_state(&d), "running");
	/* A run cut short after its copy of M1's record, before its DEL:
	 * the record's key fields renamed in place, and copied. The next
	 * run finds the copy the same and finishes. */
	freeReplyObject(cmd(c, "HSET insp:campaign:M1 visits {insp}:visits:M1 "
			    "audit {insp}:audit:M1"));
	freeReplyObject(cmd(c, "COPY insp:campaign:M1 {insp}:campaign:M1"));
	cr_assert_eq(run(out, sizeof(out), "%s migrate --config %s",
			 INSPECTCTL_PATH, d.config), 0, "%s", out);
	cr_assert(strstr(out, "moved ") && strstr(out, "from 'insp:' to "
			 "'{insp}:'"), "%s", out);
	cr_assert_eq(cmd_int(c, "EVAL %s 0", "return #redis.call('KEYS', "
			     "'insp:*')"), 0);
	cr_assert_eq(cmd_int(c, "EVAL %s 0", "return #redis.call('KEYS', "
			     "'{insp/*}:inspected')"), buckets);
	redisReply *f = cmd(c, "HGET {insp}:campaign:M1 visits");
	cr_assert_str_eq(f->str, "{insp}:visits:M1");
	freeReplyObject(f);
	/* The daemon goes on: the pending entry is answered, the campaign
	 * published before takes a result. */
	cr_assert(wait_status(c, "M2", "published", 30000));
	cr_assert_eq(cmd_int(c, "HLEN {insp}:visits:M1"), visits);
	cr_assert_gt(cmd_int(c, "XLEN {insp}:public"), public);
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign M1 uscc %s "
			    "inspector %s date %s result 01", uscc, member, day));
	for (int t = 0; t < 200 && !cmd_int(c, "HLEN {insp}:results:M1"); t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:M1"), 1);
	/* Again: nothing left to move. */
	cr_assert_eq(run(out, sizeof(out), "%s migrate --config %s",
			 INSPECTCTL_PATH, d.config), 0, "%s", out);
	cr_assert(strstr(out, "moved 0 keys"), "%s", out);
	/* The layout before the buckets of inspections on record and
	 * history took hash tags of their own ("{insp}:history:17"): nothing
	 * is drawn on them (its cooldowns and caps would not be read) until
	 * they move. */
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	size_t spread = buckets_to(c, "{insp}:");
	cr_assert_gt(spread, (size_t)buckets);
	submit(c, "type", "campaign", "id", "M3", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "m3", NULL);
	daemon_start(&d, r.dir, r.port, "spreader", POLICIES_DIR, NULL);
	cr_assert(daemon_await_log(&d, "run inspectctl migrate", 10000));
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:campaign:M3"), 0);
	cr_assert_eq(run(out, sizeof(out), "%s migrate --config %s",
			 INSPECTCTL_PATH, d.config), 0, "%s", out);
	snprintf(line, sizeof(line), "moved %zu keys", spread);
	cr_assert(strstr(out, line), "%s", out);
	cr_assert_eq(cmd_int(c, "EVAL %s 0", "return #redis.call('KEYS', "
			     "'{insp}:history:*')"), 0);
	cr_assert(wait_status(c, "M3", "published", 30000));
	/* A configuration whose prefix has no hash tag is refused. */
	cr_assert_neq(run(out, sizeof(out), "printf 'prefix: \"insp:\"\\n' > "
			  "%s/old.yaml && %s status M1 --config %s/old.yaml",
			  r.dir, INSPECTCTL_PATH, r.dir), 0, "%s", out);
	cr_assert(strstr(out, "has no hash tag"), "%s", out);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
