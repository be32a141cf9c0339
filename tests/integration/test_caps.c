/* Caps across campaigns and departments: the visits published campaigns
 * planned hold entities back from later draws, as the policy says, and
 * both verifiers re-run the draw with the visits in the bundle. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* The population file's entities that a low-risk cap protects: class A or
 * B without the flags B, P or E (national-default's any_item cap). */
static bool protected_entity(const char *csv, const char *uscc)
{
	const char *at = strstr(csv, uscc);
	cr_assert_not_null(at, "%s is not in the population", uscc);
	const char *cls = at + 19, *flags = cls;
	for (int i = 0; i < 4; i++)
		flags = strchr(flags, ',') + 1;
	size_t n = strcspn(flags, ",");
	return (*cls == 'A' || *cls == 'B') && !memchr(flags, 'B', n) &&
	       !memchr(flags, 'P', n) && !memchr(flags, 'E', n);
}

/* The entities campaign id visits. */
static redisReply *visited(redisContext *c, const char *id)
{
	return cmd(c, "HKEYS {insp}:visits:%s", id);
}

/* How many of b's visits are of entities a visits too, and of those how
 * many are protected. */
static void repeats(redisContext *c, const char *a, const char *b,
		    const char *csv, size_t *all, size_t *low_risk)
{
	redisReply *x = visited(c, a), *y = visited(c, b);
	*all = *low_risk = 0;
	for (size_t i = 0; i < y->elements; i++)
		for (size_t j = 0; j < x->elements; j++)
			if (!strcmp(y->element[i]->str, x->element[j]->str)) {
				++*all;
				*low_risk +=
				    protected_entity(csv, y->element[i]->str);
			}
	freeReplyObject(x);
	freeReplyObject(y);
}

/* Both verifiers re-run the draw from the bundle. */
static void both_verify(const char *config, const char *bundle, const char *id)
{
	cr_assert_eq(run(out, sizeof(out),
			 "%s export --config %s --campaign "
			 "%s --bundle --out %s",
			 INSPECTCTL_PATH, config, id, bundle),
		     0, "%s", out);
	cr_assert_eq(
	    run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH, bundle), 0,
	    "%s: %s", id, out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, bundle),
		     0, "%s: %s", id, out);
}

Test(caps, two_departments_visit_no_low_risk_entity_twice, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], policies[160], b[200];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 20000, 41, pop);
	char *csv = slurp(pop);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	/* The shipped policy, and the same rates without its caps. */
	snprintf(policies, sizeof(policies), "%s/policies", r.dir);
	cr_assert_eq(run(out, sizeof(out),
			 "mkdir -p %s && cp %s/*.yaml %s && "
			 "sed -e 's/^name: national-default/name: uncapped/' "
			 "-e '/^caps:/,$d' %s/national-default.yaml > "
			 "%s/uncapped.yaml",
			 policies, POLICIES_DIR, policies, POLICIES_DIR,
			 policies),
		     0, "%s", out);
	/* A visit too old for any cap, and one a cap still counts: the
	 * daemon removes the first once a day and keeps the second. */
	freeReplyObject(cmd(c, "HSET {insp/7}:history 91350100M000100Y43:OLD "
			    "2012-01-02,SC-001 91350100M000100Y43:NEW "
			    "2026-06-01,SC-001"));
	daemon_start(&d, r.dir, r.port, "caps", policies, NULL);
	submit(c, "type", "campaign", "id", "SAMR-1", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-001", "date",
	       "2026-12-14", "window", "2026-12-21..2027-03-26", "entropy",
	       "s1", NULL);
	assert_published(c, "SAMR-1");
	submit(c, "type", "campaign", "id", "MPA-1", "department", "MPA-ZZ",
	       "policy", "national-default", "items", "YJ-004", "date",
	       "2026-12-15", "window", "2026-12-21..2027-03-26", "entropy",
	       "m1", NULL);
	assert_published(c, "MPA-1");
	/* The control: the same draw without caps repeats low-risk ones. */
	submit(c, "type", "campaign", "id", "MPA-2", "department", "MPA-ZZ",
	       "policy", "uncapped", "items", "YJ-004", "date", "2026-12-15",
	       "window", "2026-12-21..2027-03-26", "entropy", "m1", NULL);
	assert_published(c, "MPA-2");
	size_t all, low;
	repeats(c, "SAMR-1", "MPA-2", csv, &all, &low);
	cr_assert_gt(low, 0,
		     "without caps no low-risk entity repeats: the "
		     "test shows nothing");
	repeats(c, "SAMR-1", "MPA-1", csv, &all, &low);
	cr_assert_eq(low, 0, "%zu low-risk entities visited twice", low);
	cr_assert_gt(all, 0, "higher-risk entities may be visited again");
	/* The second draw held them back on the record of the first. */
	redisReply *h = cmd(c, "HGET {insp}:campaign:MPA-1 capped");
	cr_assert(h->str && atol(h->str) > 0, "MPA-1 capped no entity");
	freeReplyObject(h);
	snprintf(b, sizeof(b), "%s/b-MPA-1", r.dir);
	both_verify(d.config, b, "MPA-1");
	cr_assert_eq(run(out, sizeof(out),
			 "grep -c '^uscc,date,campaign,items$' "
			 "%s/population.csv",
			 b),
		     0, "%s", out);
	/* A visit taken out of the bundle: its digest no longer holds. */
	cr_assert_eq(run(out, sizeof(out),
			 "cp -r %s %s-x && sed -i '$d' "
			 "%s-x/population.csv",
			 b, b, b),
		     0, "%s", out);
	cr_assert_eq(
	    run(out, sizeof(out), "%s verify %s-x", INSPECTCTL_PATH, b), 1,
	    "%s", out);
	cr_assert_eq(run(out, sizeof(out),
			 "python3 %s/../tools/verify.py "
			 "%s-x",
			 POLICIES_DIR, b),
		     1, "%s", out);
	cr_assert(strstr(out, "population.csv: its digest"), "%s", out);
	cr_assert(daemon_logged(&d, "old visits removed from the history"));
	cr_assert_eq(cmd_int(c, "HEXISTS {insp/7}:history "
			     "91350100M000100Y43:OLD"), 0);
	cr_assert_eq(cmd_int(c, "HEXISTS {insp/7}:history "
			     "91350100M000100Y43:NEW"), 1);
	free(csv);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}

Test(caps, a_cap_by_item_counts_only_visits_of_the_same_item, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], policies[160], b[200];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 600, 43, pop);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	/* Every entity drawn, but none of class A to C twice a year on the
	 * same item. */
	snprintf(policies, sizeof(policies), "%s/policies", r.dir);
	cr_assert_eq(
	    run(out, sizeof(out),
		"mkdir -p %s && printf 'name: "
		"every\\ndesign: stratified\\nteam_size: 2\\nclasses:"
		"\\n  A: {rate: 1}\\n  B: {rate: 1}\\n  C: {rate: 1}\\n"
		"  D: {rate: 1}\\ncaps:\\n  same_item: {visits: 1, "
		"days: 365, classes: ABC}\\n' > %s/every.yaml",
		policies, policies),
	    0, "%s", out);
	daemon_start(&d, r.dir, r.port, "caps", policies, NULL);
	static const char *const ids[] = {"I1", "I2", "I3"};
	static const char *const items[] = {"SC-001", "SC-001,SC-017",
					    "SC-002"};
	for (int k = 0; k < 3; k++) {
		submit(c, "type", "campaign", "id", ids[k], "department",
		       "SAMR-ZZ", "policy", "every", "items", items[k],
		       "regions", "440304", "date", "2026-12-14", "window",
		       "2027-01-04..2027-03-26", "entropy", ids[k], NULL);
		assert_published(c, ids[k]);
	}
	redisReply *n1 = visited(c, "I1"), *n2 = visited(c, "I2"),
		   *n3 = visited(c, "I3");
	cr_assert_gt(n1->elements, 0);
	/* I2 shares SC-001 with I1: only class D comes back; I3 shares no
	 * item and draws every entity again. */
	char *csv = slurp(pop);
	for (size_t i = 0; i < n2->elements; i++) {
		const char *row = strstr(csv, n2->element[i]->str);
		cr_assert_not_null(row);
		cr_assert_eq(row[19], 'D',
			     "%s (class %c) visited again on "
			     "SC-001",
			     n2->element[i]->str, row[19]);
	}
	free(csv);
	cr_assert_lt(n2->elements, n1->elements);
	cr_assert_eq(n3->elements, n1->elements);
	freeReplyObject(n1);
	freeReplyObject(n2);
	freeReplyObject(n3);
	snprintf(b, sizeof(b), "%s/b-I2", r.dir);
	both_verify(d.config, b, "I2");
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}
