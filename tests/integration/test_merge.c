/* Merged visits (进一次门、查多项事): a campaign of another department that
 * draws entities a published campaign will already visit in its window
 * joins those visits (one day, one door, the items of both) or leaves
 * them to them, as its policy says; the records, streams, feeds and
 * results show it, and both verifiers re-run it, alone and chained. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* The planned day of id's visit of uscc. */
static void visit_day(redisContext *c, const char *id, const char *uscc,
		      char day[11])
{
	redisReply *v = cmd(c, "HGET {insp}:visits:%s %s", id, uscc);
	cr_assert(v->type == REDIS_REPLY_STRING, "%s has no visit of %s", id,
		  uscc);
	snprintf(day, 11, "%.10s", v->str);
	freeReplyObject(v);
}

static long long field_ll(redisContext *c, const char *id, const char *f)
{
	redisReply *r = cmd(c, "HGET {insp}:campaign:%s %s", id, f);
	long long n = r->type == REDIS_REPLY_STRING ? atoll(r->str) : -1;
	freeReplyObject(r);
	return n;
}

/* Both verifiers re-run bundle dir/b-id. */
static void both_verify(const char *config, const char *dir, const char *id)
{
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "%s --bundle --out %s/b-%s", INSPECTCTL_PATH, config,
			 id, dir, id), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s/b-%s",
			 INSPECTCTL_PATH, dir, id), 0, "%s: %s", id, out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
			 "%s/b-%s", POLICIES_DIR, dir, id), 0, "%s: %s", id,
		     out);
}

/* The count of stream entries of key with field = value. */
static size_t entries_with(redisContext *c, const char *key,
			   const char *field, const char *value)
{
	static char v[4096][64];
	size_t n = stream_values(c, key, field, v, 4096), k = 0;
	for (size_t i = 0; i < n; i++)
		k += !strcmp(v[i], value);
	return k;
}

Test(merge, joined_and_skipped_visits_of_two_departments, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char policies[160];
	redis_start(&r);
	load_population(r.port, 600, 47, NULL);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	/* Every entity drawn: SAMR's campaign plans a visit of each; MPA's
	 * join them, or leave them to them. */
	snprintf(policies, sizeof(policies), "%s/policies", r.dir);
	static const char *const every = "design: stratified\\nteam_size: 2\\n"
		"classes:\\n  A: {rate: 1}\\n  B: {rate: 1}\\n  C: {rate: 1}\\n"
		"  D: {rate: 1}\\n";
	cr_assert_eq(run(out, sizeof(out), "mkdir -p %s && cd %s && printf "
			 "'name: every\\n%s' > every.yaml && printf 'name: "
			 "join\\n%smerge: join\\n' > join.yaml && printf 'name: "
			 "skip\\n%smerge: skip\\n' > skip.yaml", policies,
			 policies, every, every, every), 0, "%s", out);
	daemon_start(&d, r.dir, r.port, "merge", policies, NULL);
	static const char *const ids[] = {"S1", "J1", "K1"};
	static const char *const depts[] = {"SAMR-ZZ", "MPA-ZZ", "MPA-ZZ"};
	static const char *const pols[] = {"every", "join", "skip"};
	static const char *const items[] = {"SC-001", "YJ-004", "YJ-004"};
	for (int k = 0; k < 3; k++) {
		submit(c, "type", "campaign", "id", ids[k], "department",
		       depts[k], "policy", pols[k], "items", items[k],
		       "regions", "440304", "date", "2026-12-14", "window",
		       "2027-01-04..2027-01-15", "entropy", ids[k], NULL);
		assert_published(c, ids[k]);
	}
	long long n = field_ll(c, "S1", "selected");
	cr_assert_gt(n, 0);
	/* J1: every visit joined S1's, on its day, with the items of both. */
	cr_assert_eq(field_ll(c, "J1", "selected"), n);
	cr_assert_eq(field_ll(c, "J1", "joined"), n);
	cr_assert_eq(field_ll(c, "J1", "skipped"), 0);
	redisReply *keys = cmd(c, "HKEYS {insp}:visits:J1");
	for (size_t i = 0; i < keys->elements; i++) {
		char a[11], b[11];
		visit_day(c, "S1", keys->element[i]->str, a);
		visit_day(c, "J1", keys->element[i]->str, b);
		cr_assert_str_eq(a, b, "%s: S1 on %s, J1 on %s",
				 keys->element[i]->str, a, b);
	}
	char first[11];
	visit_day(c, "J1", keys->element[0]->str, first);
	redisReply *plan = cmd(c, "HGETALL {insp}:day:%s", first);
	bool both = false;
	for (size_t i = 0; i + 1 < plan->elements; i += 2)
		both |= !strncmp(plan->element[i]->str, "J1|", 3) &&
			strstr(plan->element[i + 1]->str, "YJ-004,SC-001");
	cr_assert(both, "J1's feed lines of %s do not show the items of both",
		  first);
	freeReplyObject(plan);
	freeReplyObject(keys);
	cr_assert_eq(entries_with(c, "{insp}:dept:MPA-ZZ", "merge", "join"),
		     (size_t)n);
	/* A merged visit's task names its entity as any other (its USCC,
	 * 18 characters: the field is not NUL-terminated in memory). */
	static char usccs[4096][64];
	size_t nu = stream_values(c, "{insp}:dept:MPA-ZZ", "uscc", usccs, 4096);
	cr_assert_gt(nu, 0);
	for (size_t i = 0; i < nu; i++)
		cr_assert_eq(strlen(usccs[i]), 18, "task %zu's uscc: %s", i,
			     usccs[i]);
	/* K1: every visit left to one already planned that day: no team of
	 * its own, no result owed, none accepted. */
	cr_assert_eq(field_ll(c, "K1", "skipped"), n);
	cr_assert_eq(entries_with(c, "{insp}:dept:MPA-ZZ", "merge", "skip"),
		     (size_t)n);
	/* Of two visits on record the same day, the first in canonical
	 * order: J1's ("J1" < "S1"). */
	cr_assert_eq(field_ll(c, "S1", "merged_in"), n);
	cr_assert_eq(field_ll(c, "J1", "merged_in"), n);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:merged:S1"), n);
	keys = cmd(c, "HKEYS {insp}:visits:K1");
	redisReply *v = cmd(c, "HGET {insp}:visits:K1 %s",
			    keys->element[0]->str);
	cr_assert(strstr(v->str, "\x1f\x1fmerged:J1\x1f"), "%s", v->str);
	freeReplyObject(v);
	char day[11];
	visit_day(c, "K1", keys->element[0]->str, day);
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign K1 uscc %s "
			    "inspector t009 date %s result 01",
			    keys->element[0]->str, day));
	cr_assert(wait_xlen(c, "{insp}:results:rejected", 1, 10000));
	cr_assert_eq(run(out, sizeof(out), "redis-cli -p %d --raw XRANGE "
			 "{insp}:results:rejected - + | grep -c 'left to "
			 "another campaign'", r.port), 0, "%s", out);
	freeReplyObject(keys);
	/* The public record says where K1's results are. */
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign K1 "
			 "--format json --out %s/public && cat %s/public/*K1*",
			 INSPECTCTL_PATH, d.config, r.dir, r.dir), 0, "%s", out);
	cr_assert(strstr(out, "\"merged_with\":\"J1\""), "%s", out);
	/* Both verifiers re-run each draw, and the chain of the three. */
	for (int k = 0; k < 3; k++)
		both_verify(d.config, r.dir, ids[k]);
	cr_assert_eq(run(out, sizeof(out), "grep -c '^joined ' %s/b-J1/teams.txt",
			 r.dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "cd %s && %s verify --chain b-S1 "
			 "b-J1 b-K1 && python3 %s/../tools/verify.py --chain "
			 "b-S1 b-J1 b-K1", r.dir, INSPECTCTL_PATH,
			 POLICIES_DIR), 0, "%s", out);
	/* A joined visit taken out of teams.txt: both refuse. */
	cr_assert_eq(run(out, sizeof(out), "cp -r %s/b-J1 %s/b-x && sed -i "
			 "'0,/^joined /{/^joined /d}' %s/b-x/teams.txt",
			 r.dir, r.dir, r.dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s/b-x", INSPECTCTL_PATH,
			 r.dir), 1, "%s", out);
	cr_assert(strstr(out, "joined and skipped"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
			 "%s/b-x", POLICIES_DIR, r.dir), 1, "%s", out);
	cr_assert(strstr(out, "joined and skipped"), "%s", out);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}
