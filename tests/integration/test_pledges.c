/* Pledge verification: approvals imported with their dates are planned
 * by inspectd itself, each once, across kill -9 of the daemon, visited
 * before their deadline by a team qualified for the item (or sampled at
 * the item's rate), listed while they owe a verification, and verified
 * by both verifiers from the bundle. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* Redis with a population of n entities (seed) and, with it, the tests'
 * roster; the population file's text (its path into pop). */
static char *start(struct redis_proc *r, size_t n, unsigned seed,
		   char pop[160])
{
	redis_start(r);
	snprintf(pop, 160, "%s/pop.csv", r->dir);
	load_population(r->port, n, seed, pop);
	return slurp(pop);
}

/* Today in the daemon's time zone, shifted by `days`, as YYYY-MM-DD. */
static void day_from_today(int days, char d[11])
{
	cr_assert_eq(run(out, sizeof(out),
			 "TZ=Asia/Shanghai date -d '%+d days' +%%F", days),
		     0, "%s", out);
	snprintf(d, 11, "%.10s", out);
}

/* The k-th entity of the population file (k from 0). */
static void nth_uscc(const char *csv, size_t k, char u[19])
{
	const char *at = strchr(csv, '\n') + 1;
	for (size_t i = 0; i < k; i++)
		at = strchr(at, '\n') + 1;
	snprintf(u, 19, "%.18s", at);
}

/* Approvals of three items: food (verify all, 20 working days), an
 * address pledge (sampled at 0.2) and a production licence (all, 30),
 * dated from today back over a week; and one of 90 days ago, overdue.
 * Their count. */
static size_t write_approvals(const char *csv, const char *path)
{
	static const char *const items[] = {"PL-FOOD-01", "PL-ADDR-01",
					    "PL-PROD-01"};
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("uscc,item,date,number\n", f);
	size_t n = 0;
	char u[19], d[11];
	for (size_t k = 0; k < 90; k++, n++) {
		nth_uscc(csv, 7 * k + 3, u);
		day_from_today(-(int)(k % 8), d);
		fprintf(f, "%s,%s,%s,AP-%03zu\n", u, items[k % 3], d, k);
	}
	nth_uscc(csv, 900, u);
	day_from_today(-90, d);
	fprintf(f, "%s,PL-FOOD-01,%s,AP-LATE\n", u, d);
	fclose(f);
	return n + 1;
}

/* The pledge campaigns the approvals went to, each published. */
static size_t pledge_campaigns(redisContext *c, char (*ids)[80], size_t max)
{
	redisReply *r = cmd(c, "HVALS {insp}:approvals:campaign");
	size_t n = 0;
	for (size_t i = 0; i < r->elements; i++) {
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen |= !strcmp(ids[j], r->element[i]->str);
		if (!seen && n < max)
			snprintf(ids[n++], 80, "%s", r->element[i]->str);
	}
	freeReplyObject(r);
	return n;
}

/* Every task of the department streams once per campaign and entity. */
static void tasks_once(redisContext *c)
{
	static const char *const depts[] = {"SAMR-ZZ", "MPA-ZZ"};
	for (int k = 0; k < 2; k++) {
		redisReply *r = cmd(c, "XRANGE {insp}:dept:%s - +", depts[k]);
		for (size_t i = 0; i < r->elements; i++)
			for (size_t j = i + 1; j < r->elements; j++) {
				redisReply *a = r->element[i]->element[1],
					   *b = r->element[j]->element[1];
				char x[160] = "", y[160] = "";
				for (size_t m = 0; m + 1 < a->elements; m += 2)
					if (!strcmp(a->element[m]->str, "campaign") ||
					    !strcmp(a->element[m]->str, "uscc"))
						strcat(x, a->element[m + 1]->str);
				for (size_t m = 0; m + 1 < b->elements; m += 2)
					if (!strcmp(b->element[m]->str, "campaign") ||
					    !strcmp(b->element[m]->str, "uscc"))
						strcat(y, b->element[m + 1]->str);
				cr_assert_str_neq(x, y, "task %s published twice",
						  x);
			}
		freeReplyObject(r);
	}
}

Test(pledges, each_approval_verified_once_before_its_deadline_across_kill9,
     .timeout = 400)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], approvals[160];
	char *csv = start(&r, 3000, 47, pop);
	snprintf(approvals, sizeof(approvals), "%s/approvals.csv", r.dir);
	size_t n = write_approvals(csv, approvals);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "pledges", POLICIES_DIR, NULL);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	/* Imported twice: recorded once. */
	for (int k = 0; k < 2; k++)
		cr_assert_eq(run(out, sizeof(out),
				 "%s import --config %s --pledges %s",
				 INSPECTCTL_PATH, d.config, approvals),
			     0, "%s", out);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:approvals"), (long long)n);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:approvals:pending"), (long long)n);
	/* The daemon killed again and again while it plans and publishes. */
	for (int k = 0; k < 6; k++) {
		daemon_start(&d, r.dir, r.port, "pledges", POLICIES_DIR, NULL);
		sleep_ms(60 + 90 * k);
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
	}
	daemon_start(&d, r.dir, r.port, "pledges", POLICIES_DIR, NULL);
	cr_assert(daemon_await_log(&d, "connected to redis", 10000));
	cr_assert(wait_drained(c, 60000));
	cr_assert_eq(cmd_int(c, "HLEN {insp}:approvals:pending"), 0);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:approvals:campaign"),
		     (long long)n);
	char ids[64][80];
	size_t m = pledge_campaigns(c, ids, 64);
	cr_assert_gt(m, 3);
	size_t visits = 0;
	for (size_t i = 0; i < m; i++) {
		assert_published(c, ids[i]);
		visits += (size_t)cmd_int(c, "HLEN {insp}:visits:%s", ids[i]);
		/* Its window ends on its deadline (the id's second date). */
		redisReply *w = cmd(c, "HGET {insp}:campaign:%s visit_window",
				    ids[i]);
		char end[9];
		snprintf(end, sizeof(end), "%.4s%.2s%.2s", w->str + 12,
			 w->str + 17, w->str + 20);
		cr_assert(strstr(ids[i], end), "%s: window %s", ids[i],
			  w->str);
		freeReplyObject(w);
	}
	tasks_once(c);
	/* All of food and production, about a fifth of the address pledges. */
	cr_assert_geq(visits, 61);
	cr_assert_leq(visits, 61 + 25);
	cr_assert_eq(run(out, sizeof(out),
			 "%s pledges --config %s --within 3", INSPECTCTL_PATH,
			 d.config),
		     0, "%s", out);
	cr_assert(strstr(out, "AP-LATE"), "%s", out);
	cr_assert(strstr(out, "overdue"), "%s", out);
	cr_assert(strstr(out, "0 awaiting planning, 0 planned, 0 refused"),
		  "%s", out);
	/* A campaign of each rule, and the late one, verified from their
	 * bundles. */
	for (size_t i = 0; i < m; i++) {
		char b[200];
		snprintf(b, sizeof(b), "%.60s/b-%.79s", r.dir, ids[i]);
		cr_assert_eq(run(out, sizeof(out),
				 "%s export --config %s --campaign %s --bundle "
				 "--out %s",
				 INSPECTCTL_PATH, d.config, ids[i], b),
			     0, "%s", out);
		cr_assert_eq(run(out, sizeof(out), "%s verify %s",
				 INSPECTCTL_PATH, b),
			     0, "%s: %s", ids[i], out);
		cr_assert_eq(run(out, sizeof(out),
				 "python3 %s/../tools/verify.py %s",
				 POLICIES_DIR, b),
			     0, "%s: %s", ids[i], out);
		if (i == 0) { /* an approval taken out, its digest re-stated */
			cr_assert_eq(run(out, sizeof(out),
					 "cd %s && sed -i 2d approvals.csv && "
					 "h=$(sha256sum approvals.csv | cut "
					 "-c1-64) && sed -i \"s/^file: "
					 "approvals.csv .*/file: approvals.csv "
					 "$h/\" MANIFEST && %s verify .",
					 b, INSPECTCTL_PATH),
				     1, "%s", out);
			cr_assert(strstr(out, "is no approval's entity"), "%s",
				  out);
			cr_assert_eq(run(out, sizeof(out),
					 "python3 %s/../tools/verify.py %s",
					 POLICIES_DIR, b),
				     1, "%s", out);
			cr_assert(strstr(out, "is no approval's entity"), "%s",
				  out);
		}
	}
	free(csv);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}

/* The October pledge campaign of the outcomes' test, by the rule. */
#define PV "PV-20261009-20261023-1-PL-FOOD-01"

/* A visit of campaign id: its entity, day and first inspector. */
static void first_visit(redisContext *c, const char *id, size_t k,
			char uscc[19], char day[11], char inspector[33])
{
	redisReply *h = cmd(c, "HGETALL {insp}:visits:%s", id);
	cr_assert_gt(h->elements, 2 * k + 1);
	const char *v = h->element[2 * k + 1]->str;
	snprintf(uscc, 19, "%s", h->element[2 * k]->str);
	snprintf(day, 11, "%.10s", v);
	snprintf(inspector, 33, "%.*s", (int)strcspn(v + 11, ";\x1f"), v + 11);
	freeReplyObject(h);
}

static void result(redisContext *c, const char *campaign, size_t k,
		   const char *code, char uscc[19])
{
	char day[11], who[33];
	first_visit(c, campaign, k, uscc, day, who);
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign %s uscc %s "
			    "inspector %s date %s result %s note n",
			    campaign, uscc, who, day, code));
}

Test(pledges, outcomes_kept_to_rectify_false_and_a_false_one_revokes,
     .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], u[3][19];
	char *csv = start(&r, 2000, 48, pop);
	redisContext *c = redis_client(r.port);
	/* A pledge campaign of visits in October (a record of one planned
	 * then), so that its results are not in the future; and an ordinary
	 * campaign beside it. */
	for (int k = 0; k < 3; k++)
		nth_uscc(csv, 10 * (size_t)k + 1, u[k]);
	freeReplyObject(cmd(c, "HSET {insp}:pledged:" PV " AP-1 "
			    "%s,PL-FOOD-01,2026-09-30 AP-2 %s,PL-FOOD-01,"
			    "2026-09-30 AP-3 %s,PL-FOOD-01,2026-09-30 AP-4 "
			    "%s,PL-FOOD-01,2026-09-29", u[0], u[1], u[2],
			    u[0]));
	daemon_start(&d, r.dir, r.port, "pledges", POLICIES_DIR, NULL);
	submit(c, "type", "campaign", "id", PV, "department", "SAMR-ZZ",
	       "policy", "pledge", "items", "PL-FOOD-01", "date", "2026-10-09",
	       "window", "2026-10-10..2026-10-23", "entropy",
	       "inspectd-pledges/1 2026-10-09", NULL);
	assert_published(c, PV);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:visits:" PV), 3);
	submit(c, "type", "campaign", "id", "N1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "n", NULL);
	assert_published(c, "N1");
	/* A department cannot name a pledge item, nor the pledge policy
	 * for an ordinary item. */
	submit(c, "type", "campaign", "id", "X1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "PL-FOOD-01", "entropy", "x",
	       NULL);
	submit(c, "type", "campaign", "id", "X2", "department", "SAMR-ZZ",
	       "policy", "pledge", "items", "SC-001", "entropy", "x", NULL);
	/* Nor send a pledge campaign but by its rule, which inspectd did not
	 * plan, nor take an id of the pledge campaigns'. */
	submit(c, "type", "campaign", "id", "X3", "department", "SAMR-ZZ",
	       "policy", "pledge", "items", "PL-FOOD-01", "entropy", "x", NULL);
	submit(c, "type", "campaign", "id", "PV-20261009-20261023-2-PL-FOOD-01",
	       "department", "SAMR-ZZ", "policy", "pledge", "items",
	       "PL-FOOD-01", "date", "2026-10-09", "window",
	       "2026-10-10..2026-10-23", "entropy",
	       "inspectd-pledges/1 2026-10-09", NULL);
	submit(c, "type", "campaign", "id", "PV-1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "entropy", "x", NULL);
	static const char *const refused[][2] = {
	    {"X1", "PL-FOOD-01 is a pledge item"},
	    {"X2", "SC-001 is not a pledge item"},
	    {"X3", "a pledge campaign's starts the day after its date"},
	    {"PV-20261009-20261023-2-PL-FOOD-01",
	     "no approval of the grade index's entities was planned"},
	    {"PV-1", "ids beginning PV- are inspectd's"}};
	for (int k = 0; k < 5; k++) {
		cr_assert(wait_status(c, refused[k][0], "rejected", 10000));
		redisReply *e = cmd(c, "HGET {insp}:campaign:%s error",
				    refused[k][0]);
		cr_assert(strstr(e->str, refused[k][1]), "%s", e->str);
		freeReplyObject(e);
	}
	char who[4][19];
	result(c, PV, 0, "01", who[0]); /* no pledge outcome */
	result(c, "N1", 0, "21", who[0]);     /* a pledge outcome, no pledge */
	result(c, PV, 0, "21", who[0]);
	result(c, PV, 1, "22", who[1]);
	result(c, PV, 2, "23", who[2]);
	cr_assert(wait_xlen(c, "{insp}:results:rejected", 2, 10000));
	static char why[4][64];
	stream_values(c, "{insp}:results:rejected", "reason", why, 4);
	cr_assert(strstr(why[0], "no outcome of pledge verification"), "%s",
		  why[0]);
	cr_assert(strstr(why[1], "21 is an outcome of pledge"), "%s", why[1]);
	for (int t = 0; t < 200 && cmd_int(c, "HLEN {insp}:results:" PV) < 3;
	     t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:" PV), 3);
	/* Only the false pledge reaches the credit platform, naming the
	 * approvals to revoke. */
	cr_assert(wait_xlen(c, "credit:events", 1, 5000));
	static char ev[4][64];
	cr_assert_eq(stream_values(c, "credit:events", "uscc", ev, 4), 1);
	cr_assert_str_eq(ev[0], who[2]);
	stream_values(c, "credit:events", "result", ev, 4);
	cr_assert_str_eq(ev[0], "23");
	stream_values(c, "credit:events", "approvals", ev, 4);
	const char *want = !strcmp(who[2], u[0])   ? "AP-1;AP-4"
			   : !strcmp(who[2], u[1]) ? "AP-2"
						   : "AP-3";
	cr_assert_str_eq(ev[0], want);
	free(csv);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}

/* Imports approvals of PL-FOOD-01 dated yesterday, numbered from first,
 * of the population's entities from the k-th on. */
static void import_food(const struct daemon_proc *d, const char *dir,
			const char *csv, int first, int n)
{
	char path[200], u[19], day[11];
	snprintf(path, sizeof(path), "%s/a%d.csv", dir, first);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("uscc,item,date,number\n", f);
	day_from_today(-1, day);
	for (int i = first; i < first + n; i++) {
		nth_uscc(csv, (size_t)(5 * i + 2), u);
		fprintf(f, "%s,PL-FOOD-01,%s,N-%d\n", u, day, i);
	}
	fclose(f);
	cr_assert_eq(run(out, sizeof(out), "%s import --config %s --pledges %s",
			 INSPECTCTL_PATH, d->config, path),
		     0, "%s", out);
}

/* The campaign approval number went to ("" while pending), after
 * waiting for the intake to drain. */
static void campaign_of(redisContext *c, const char *number, char id[80])
{
	cr_assert(wait_drained(c, 20000));
	redisReply *r = cmd(c, "HGET {insp}:approvals:campaign %s", number);
	snprintf(id, 80, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
}

Test(pledges, each_import_plans_again_and_a_refused_one_waits, .timeout = 200)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], roster[200], id1[80], id2[80], id3[80];
	char *csv = start(&r, 2000, 49, pop);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "pledges", POLICIES_DIR, NULL);
	import_food(&d, r.dir, csv, 0, 2);
	for (int t = 0; t < 200 && cmd_int(c, "HLEN {insp}:approvals:pending");
	     t++)
		sleep_ms(50);
	campaign_of(c, "N-0", id1);
	assert_published(c, id1);
	/* A second import the same day: its own id, numbered. */
	import_food(&d, r.dir, csv, 2, 1);
	for (int t = 0; t < 200 && cmd_int(c, "HLEN {insp}:approvals:pending");
	     t++)
		sleep_ms(50);
	campaign_of(c, "N-2", id2);
	assert_published(c, id2);
	cr_assert(strstr(id1, "-1-PL-FOOD-01") && strstr(id2, "-2-PL-FOOD-01"),
		  "%s after %s", id2, id1);
	cr_assert(!strncmp(id1, id2, 21), "%s after %s", id2, id1);
	/* No inspector holds food-safety any more: the third is refused,
	 * and its approval waits to be planned again. */
	snprintf(roster, sizeof(roster), "%s/roster.csv", r.dir);
	cr_assert_eq(run(out, sizeof(out),
			 "redis-cli -p %d --raw GET {insp}:roster | sed "
			 "s/food-safety// > %s && %s import --config %s "
			 "--inspectors %s",
			 r.port, roster, INSPECTCTL_PATH, d.config, roster),
		     0, "%s", out);
	import_food(&d, r.dir, csv, 3, 1);
	char refused[80];
	snprintf(refused, sizeof(refused), "%.21s3-PL-FOOD-01", id1);
	cr_assert(wait_status(c, refused, "rejected", 20000), "%s", refused);
	cr_assert(wait_drained(c, 20000));
	cr_assert_eq(cmd_int(c, "HEXISTS {insp}:approvals:pending N-3"), 1);
	campaign_of(c, "N-3", id3);
	cr_assert_str_eq(id3, "");
	cr_assert_eq(run(out, sizeof(out), "%s pledges --config %s",
			 INSPECTCTL_PATH, d.config),
		     0, "%s", out);
	cr_assert(strstr(out, "N-3 ") && strstr(out, "awaiting"), "%s", out);
	cr_assert(strstr(out, "1 awaiting planning"), "%s", out);
	free(csv);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}
