/* Hostile input against a real redis-server and inspectd: a credit
 * platform's record whose name holds the field separator, bytes that are
 * not UTF-8 and far too many characters cannot redirect a feed or break an
 * export; import refuses such names at the door, whole. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* The name that redirected a visit's feed to {insp}:feed:FAKE TEAM, then
 * 300 CJK characters (900 bytes) and a byte that is not UTF-8. */
static void hostile_name(char *name, size_t size)
{
	size_t n = (size_t)snprintf(name, size, "EVIL\x1f" "2020-01-01\x1f"
				    "zz99;zz98\x1f" "FAKE TEAM");
	for (int i = 0; i < 300 && n + 4 < size; i++)
		n += (size_t)snprintf(name + n, size - n, "名");
	snprintf(name + n, size - n, "\xff");
}

Test(hostile, a_credit_record_cannot_redirect_feeds_or_break_exports,
     .timeout = 240)
{
	struct redis_proc r;
	struct daemon_proc d;
	char name[1024], dir[256];
	redis_start(&r);
	load_population(r.port, 2000, 23, NULL);
	redisContext *c = redis_client(r.port);
	hostile_name(name, sizeof(name));
	freeReplyObject(cmd(c, "EVAL %s 0 %s", "for _, k in ipairs(redis.call("
			    "'KEYS', 'credit:ent:*')) do redis.call('HSET', k, "
			    "'name', ARGV[1]) end", name));
	daemon_start(&d, r.dir, r.port, "hostile", POLICIES_DIR,
		     "feed_hour: 0\nfeed_catch_up_days: 3660\n");
	submit(c, "type", "campaign", "id", "H1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-02",
	       "window", "2026-11-03..2026-11-13", "entropy", "66", NULL);
	cr_assert(wait_status(c, "H1", "published", 20000));
	for (int t = 0; t < 200 && cmd_int(c, "ZCARD {insp}:days"); t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(c, "ZCARD {insp}:days"), 0);
	/* Every feed is a real inspector's. */
	redisReply *keys = cmd(c, "KEYS {insp}:feed:*");
	cr_assert_gt(keys->elements, 0);
	for (size_t i = 0; i < keys->elements; i++) {
		const char *k = keys->element[i]->str;
		cr_assert(strlen(k) == strlen("{insp}:feed:t000") &&
				  !strncmp(k, "{insp}:feed:t", 13),
			  "%s", k);
	}
	/* The name arrives cleaned: the separator and the bad byte replaced,
	 * cut within 240 bytes. */
	redisReply *e = cmd(c, "XRANGE %s - + COUNT 1", keys->element[0]->str);
	const redisReply *fields = e->element[0]->element[1];
	const char *fed = NULL;
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (!strcmp(fields->element[i]->str, "name"))
			fed = fields->element[i + 1]->str;
	cr_assert_not_null(fed);
	cr_assert(!strncmp(fed, "EVIL\xef\xbf\xbd" "2020-01-01\xef\xbf\xbd", 19),
		  "%s", fed);
	cr_assert_leq(strlen(fed), 240);
	cr_assert_null(strchr(fed, '\x1f'));
	freeReplyObject(e);
	freeReplyObject(keys);
	/* Exports read the stored visits back: each works, and the JSON
	 * parses. */
	static const char *const fmt[] = {"csv", "json", "html"};
	for (int k = 0; k < 3; k++)
		cr_assert_eq(run(out, sizeof(out), "%s export --config %s "
				 "--campaign H1 --format %s --out %s/public",
				 INSPECTCTL_PATH, d.config, fmt[k], r.dir), 0,
			     "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 -m json.tool %s/public/"
			 "H1.json >/dev/null", r.dir), 0, "%s", out);
	snprintf(dir, sizeof(dir), "%s/bundle", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "H1 --bundle --out %s && %s verify %s", INSPECTCTL_PATH,
			 d.config, dir, INSPECTCTL_PATH, dir), 0, "%s", out);
	/* A hostile copy of the bundle: a byte order mark, and a file that
	 * never ends (a link to /dev/zero), refused by both verifiers. */
	cr_assert_eq(run(out, sizeof(out), "cp -r %s %s-bom && printf "
			 "'\\357\\273\\277' | cat - %s/MANIFEST > "
			 "%s-bom/MANIFEST && cp -r %s %s-zero && ln -sf /dev/zero "
			 "%s-zero/population.csv", dir, dir, dir, dir, dir, dir,
			 dir), 0, "%s", out);
	static const char *const tools[] = {INSPECTCTL_PATH " verify",
					    "python3 " POLICIES_DIR
					    "/../tools/verify.py"};
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(run(out, sizeof(out), "timeout 20 %s %s-bom",
				 tools[k], dir), 2, "%s", out);
		cr_assert(strstr(out, "MANIFEST: starts with a byte order mark"),
			  "%s", out);
		cr_assert_eq(run(out, sizeof(out), "timeout 20 %s %s-zero",
				 tools[k], dir), 2, "%s", out);
		cr_assert(strstr(out, "not a regular file"), "%s", out);
	}
	/* A result for one of its visits is taken. */
	redisReply *h = cmd(c, "HGETALL {insp}:visits:H1");
	char date[11], id[40];
	memcpy(date, h->element[1]->str, 10);
	date[10] = '\0';
	sscanf(h->element[1]->str + 11, "%39[^;\x1f]", id);
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign H1 uscc %s "
			    "inspector %s date %s result 01",
			    h->element[0]->str, id, date));
	freeReplyObject(h);
	for (int t = 0; t < 100 && !cmd_int(c, "HLEN {insp}:results:H1"); t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:H1"), 1);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(hostile, import_refuses_bad_names_whole, .timeout = 60)
{
	struct redis_proc r;
	char path[160], url[64], name[1024];
	redis_start(&r);
	redisContext *c = redis_client(r.port);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", r.port);
	snprintf(path, sizeof(path), "%s/details.csv", r.dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	hostile_name(name, sizeof(name));
	fprintf(f, "uscc,name,address\n"
		"91350100M000100Y43,郑州市好公司,郑州市金水路1号\n"
		"91350100M000100Y43,EVIL\x1f" "2020-01-01\x1fzz99,x\n"
		"91350100M000100Y43,\xb9\xab\xcb\xbe,x\n"
		"91350100M000100Y43,%s,x\n", name + 40);
	fclose(f);
	cr_assert_eq(run(out, sizeof(out), "%s import --redis %s --details %s",
			 INSPECTCTL_PATH, url, path), 2, "%s", out);
	cr_assert(strstr(out, "details.csv:3: name holds a control character"),
		  "%s", out);
	cr_assert(strstr(out, "details.csv:4: name is not valid UTF-8"), "%s",
		  out);
	cr_assert(strstr(out, "details.csv:5: name is too long"), "%s", out);
	cr_assert(strstr(out, "3 lines refused; no details written"), "%s",
		  out);
	cr_assert_eq(cmd_int(c, "EXISTS credit:ent:91350100M000100Y43"), 0);
	/* An inspector id that would name a key with a space: refused. */
	snprintf(path, sizeof(path), "%s/roster.csv", r.dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "id,name,badge,department,jurisdictions,qualifications,"
		"daily_capacity,conflicts,active\nFAKE TEAM,甲,1,SAMR-ZZ,41,,5,,1\n");
	fclose(f);
	cr_assert_eq(run(out, sizeof(out), "%s import --redis %s --inspectors "
			 "%s", INSPECTCTL_PATH, url, path), 2, "%s", out);
	cr_assert(strstr(out, "roster.csv:2: id, badge and department"), "%s",
		  out);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:roster"), 0);
	redisFree(c);
	redis_finish(&r);
}

/* The grade index as a hostile or broken writer may leave it. */
Test(hostile, a_damaged_grade_index_is_named_not_drawn, .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	char why[512];
	redis_start(&r);
	load_population(r.port, 1000, 29, NULL);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "meta", POLICIES_DIR, NULL);
	long long count = cmd_int(c, "HGET credit:meta count");
	static const struct {
		const char *set, *says;
	} cases[] = {
		{"HSET credit:meta count -5", "count must be a whole number"},
		{"HSET credit:meta count 99999999999", "up to max_population"},
		{"HSET credit:meta generation x1", "generation must be"},
	};
	for (size_t i = 0; i < 3; i++) {
		char id[8];
		freeReplyObject(cmd(c, cases[i].set));
		snprintf(id, sizeof(id), "G%zu", i);
		submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
		       "policy", "henan-2021", "items", "SC-001", "entropy", "1",
		       NULL);
		cr_assert(wait_status(c, id, "rejected", 10000), "%s", id);
		redisReply *e = cmd(c, "HGET {insp}:campaign:%s error", id);
		cr_assert(strstr(e->str, cases[i].says), "%s", e->str);
		freeReplyObject(e);
		freeReplyObject(cmd(c, "HSET credit:meta count %lld generation 1",
				    count));
	}
	/* A generation whose buckets are gone is not an empty scope. */
	freeReplyObject(cmd(c, "EVAL %s 0", "for _, k in ipairs(redis.call("
			    "'KEYS', 'credit:idx:1:*')) do redis.call('DEL', k) "
			    "end"));
	submit(c, "type", "campaign", "id", "G9", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "entropy", "1", NULL);
	cr_assert(wait_status(c, "G9", "rejected", 10000));
	redisReply *e = cmd(c, "HGET {insp}:campaign:G9 error");
	snprintf(why, sizeof(why), "holds 0 entities, its meta says %lld", count);
	cr_assert(strstr(e->str, why), "%s", e->str);
	freeReplyObject(e);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	/* A killed import's generation is removed by the next import. */
	char pop[160];
	redis_finish(&r);
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	redisFree(c);
	c = redis_client(r.port);
	load_population(r.port, 500, 31, pop);
	freeReplyObject(cmd(c, "HSET credit:idx:77:0 x y"));
	freeReplyObject(cmd(c, "HINCRBY credit:meta next_generation 100"));
	cr_assert_eq(run(out, sizeof(out), "%s import --redis redis://127.0.0.1:"
			 "%d --entities %s", INSPECTCTL_PATH, r.port, pop), 0,
		     "%s", out);
	cr_assert_eq(cmd_int(c, "EXISTS credit:idx:77:0"), 0);
	cr_assert_eq(cmd_int(c, "EXISTS credit:idx:1:0"), 0);
	cr_assert_eq(cmd_int(c, "EXISTS {credit:meta}:import"), 0);
	/* One import at a time. */
	freeReplyObject(cmd(c, "SET {credit:meta}:import other"));
	cr_assert_eq(run(out, sizeof(out), "%s import --redis redis://127.0.0.1:"
			 "%d --entities %s", INSPECTCTL_PATH, r.port, pop), 1,
		     "%s", out);
	cr_assert(strstr(out, "another import holds {credit:meta}:import"), "%s", out);
	redisFree(c);
	redis_finish(&r);
}

/* Files that are no files, and secrets others can read. */
Test(hostile, fifos_devices_and_open_secrets_are_refused, .timeout = 60)
{
	char dir[] = "/tmp/inspectd-fifo-XXXXXX", path[128];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pop.csv", dir);
	cr_assert_eq(run(out, sizeof(out), "mkfifo %s", path), 0);
	cr_assert_eq(run(out, sizeof(out), "timeout 20 %s draw --policy "
			 "%s/henan-2021.yaml --population %s --campaign C "
			 "--entropy 1", INSPECTCTL_PATH, POLICIES_DIR, path), 2,
		     "%s", out);
	cr_assert_eq(run(out, sizeof(out), "timeout 20 %s draw --policy "
			 "/dev/zero --population %s --campaign C --entropy 1",
			 INSPECTCTL_PATH, path), 2, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "printf secret > %s/pw && chmod 644 "
			 "%s/pw && printf 'redis:\n  password_file: %s/pw\n' > "
			 "%s/c.yaml", dir, dir, dir, dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s status X --config %s/c.yaml",
			 INSPECTCTL_PATH, dir), 2, "%s", out);
	cr_assert(strstr(out, "is readable by others (mode 0644): chmod 600"),
		  "%s", out);
	cr_assert_eq(run(out, sizeof(out), "rm -rf %s", dir), 0);
}
