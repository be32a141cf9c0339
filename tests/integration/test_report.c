/* inspectctl report against a real redis-server and inspectd: its numbers
 * checked against the test's own count of the same data (the population
 * file, the visits and the results the test entered), its filters, and
 * its HTML page in a real browser. */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N_POP 4000

struct fixture {
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char ctl[512];
	char pop[160];
};

/* The test's own record of an entity, from the population file. */
struct known {
	char uscc[19];
	int cls;
	char region[7];
	int visits;
};

static struct known known[N_POP];

static int by_uscc(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->uscc,
		      ((const struct known *)b)->uscc);
}

static struct known *find(const char *uscc)
{
	struct known k;
	snprintf(k.uscc, sizeof(k.uscc), "%s", uscc);
	return bsearch(&k, known, N_POP, sizeof(*known), by_uscc);
}

static void read_population(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f)); /* header */
	size_t n = 0;
	while (fgets(line, sizeof(line), f) && n < N_POP) {
		/* uscc,class,score,region,...: the score may be empty */
		const char *score = strchr(line, ',') + 3;
		const char *region = strchr(score, ',') + 1;
		cr_assert(line[18] == ',' && region[6] == ',', "%s", line);
		memcpy(known[n].uscc, line, 18);
		known[n].uscc[18] = '\0';
		memcpy(known[n].region, region, 6);
		known[n].region[6] = '\0';
		known[n].cls = line[19] - 'A';
		known[n++].visits = 0;
	}
	fclose(f);
	cr_assert_eq(n, N_POP);
	qsort(known, N_POP, sizeof(*known), by_uscc);
}

/* The result the test enters for the i-th visit of a campaign: mostly
 * 01, a problem (02, 05) every 5th and 7th, deregistered (08) every 11th,
 * none every 13th. */
static const char *result_for(size_t i)
{
	return i % 13 == 12 ? NULL : i % 11 == 10 ? "08" : i % 7 == 6 ? "05"
		: i % 5 == 4 ? "02" : "01";
}

static size_t post_results(struct fixture *f, const char *id)
{
	redisReply *h = cmd(f->c, "HGETALL {insp}:visits:%s", id);
	size_t posted = 0;
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const char *v = h->element[i + 1]->str, *code = result_for(i / 2);
		char date[11], insp[40];
		if (!code)
			continue;
		memcpy(date, v, 10);
		date[10] = '\0';
		cr_assert_eq(sscanf(v + 11, "%39[^;\x1f]", insp), 1);
		freeReplyObject(cmd(f->c, "XADD {insp}:results * campaign %s "
				    "uscc %s inspector %s date %s result %s",
				    id, h->element[i]->str, insp, date, code));
		posted++;
	}
	freeReplyObject(h);
	for (int t = 0; t < 400 && cmd_int(f->c, "HLEN {insp}:results:%s", id) <
					     (long long)posted; t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(f->c, "HLEN {insp}:results:%s", id),
		     (long long)posted);
	return posted;
}

static void start(struct fixture *f)
{
	redis_start(&f->r);
	snprintf(f->pop, sizeof(f->pop), "%s/pop.csv", f->r.dir);
	load_population(f->r.port, N_POP, 41, f->pop);
	read_population(f->pop);
	f->c = redis_client(f->r.port);
	daemon_start(&f->d, f->r.dir, f->r.port, "reporter", POLICIES_DIR,
		     NULL);
	snprintf(f->ctl, sizeof(f->ctl), "%s %%s --config %s --date 2026-12-01",
		 INSPECTCTL_PATH, f->d.config);
	/* October: an undirected and a directed campaign; November: one
	 * outside the period the tests ask for. */
	submit(f->c, "type", "campaign", "id", "R1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "r1", NULL);
	submit(f->c, "type", "campaign", "id", "R2", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-001,SC-017",
	       "task_type", "directed", "date", "2026-10-09", "window",
	       "2026-10-12..2026-10-30", "entropy", "r2", NULL);
	submit(f->c, "type", "campaign", "id", "R3", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-001", "date",
	       "2026-11-06", "window", "2026-11-09..2026-11-27", "entropy",
	       "r3", NULL);
	assert_published(f->c, "R1");
	assert_published(f->c, "R2");
	assert_published(f->c, "R3");
	post_results(f, "R1");
	post_results(f, "R2");
}

static void stop(struct fixture *f)
{
	daemon_signal(&f->d, SIGTERM);
	cr_assert_eq(daemon_wait(&f->d), 0);
	redisFree(f->c);
	redis_finish(&f->r);
}

static int ctl(const struct fixture *f, char *out, size_t size,
	       const char *args)
{
	char cmdline[2048];
	snprintf(cmdline, sizeof(cmdline), f->ctl, args);
	return run(out, size, "%s", cmdline);
}

/* A value of the report's long CSV (table,row,column,value). */
static const char *cell(const char *csv, const char *table, int row,
			const char *column)
{
	static char v[128];
	char key[128];
	snprintf(key, sizeof(key), "\n%s,%d,%s,", table, row, column);
	const char *p = strstr(csv, key);
	cr_assert_not_null(p, "no %s", key + 1);
	p += strlen(key);
	size_t n = strcspn(p, "\r");
	snprintf(v, sizeof(v), "%.*s", (int)n, p);
	return v;
}

static long long num(const char *csv, const char *table, int row,
		     const char *column)
{
	return atoll(cell(csv, table, row, column));
}

/* The test's count, from its own reading of the campaign's visits and
 * results and the population file. */
struct expect {
	long long visits[4], results[4], problems[4], not_inspected[4];
	long long type_visits[2], type_problems[2];
	long long code01, code08, inspected[4], pool[4], bins[4][4];
};

static void count_campaign(redisContext *c, const char *id, int type,
			   const char *region, struct expect *e)
{
	redisReply *h = cmd(c, "HGETALL {insp}:visits:%s", id);
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		struct known *k = find(h->element[i]->str);
		cr_assert_not_null(k);
		if (region && strncmp(k->region, region, strlen(region)))
			continue;
		k->visits++;
		e->visits[k->cls]++;
		e->type_visits[type]++;
		redisReply *r = cmd(c, "HGET {insp}:results:%s %s", id,
				    h->element[i]->str);
		if (r->type == REDIS_REPLY_STRING) {
			const char *code = strchr(r->str, '\x1f') + 1;
			bool problem = !strncmp(code, "02", 2) ||
				       !strncmp(code, "05", 2);
			e->results[k->cls]++;
			e->problems[k->cls] += problem;
			e->type_problems[type] += problem;
			e->not_inspected[k->cls] += !strncmp(code, "08", 2);
			e->code01 += !strncmp(code, "01", 2);
			e->code08 += !strncmp(code, "08", 2);
		}
		freeReplyObject(r);
	}
	freeReplyObject(h);
}

static void expect_of(redisContext *c, const char *region, struct expect *e)
{
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < N_POP; i++)
		known[i].visits = 0;
	count_campaign(c, "R1", 0, region, e);
	count_campaign(c, "R2", 1, region, e);
	for (size_t i = 0; i < N_POP; i++) {
		const struct known *k = &known[i];
		if (region && strncmp(k->region, region, strlen(region)))
			continue;
		e->pool[k->cls]++;
		e->inspected[k->cls] += k->visits > 0;
		e->bins[k->cls][k->visits < 3 ? k->visits : 3]++;
	}
}

/* Wilson's interval as the roots of (p^ - p)^2 = z^2 p (1 - p) / n. */
static void wilson(double k, double n, double *lo, double *hi)
{
	double z = 1.959963984540054, ph = k / n;
	double a = 1 + z * z / n, b = -(2 * ph + z * z / n), c = ph * ph;
	double d = sqrt(b * b - 4 * a * c);
	*lo = (-b - d) / (2 * a);
	*hi = (-b + d) / (2 * a);
}

static void check_report(const char *csv, const struct expect *e)
{
	long long all = 0;
	for (int c = 0; c < 4; c++) {
		all += e->pool[c];
		cr_assert_eq(num(csv, "pool", c, "entities"), e->pool[c]);
		cr_assert_eq(num(csv, "pool", c, "inspected"), e->inspected[c]);
		for (int k = 0; k < 4; k++) {
			static const char *const bins[] = {
				"visits_0", "visits_1", "visits_2",
				"visits_3_or_more"};
			cr_assert_eq(num(csv, "pool", c, bins[k]),
				     e->bins[c][k], "class %d bin %d", c, k);
		}
		cr_assert_eq(num(csv, "rate_by_class", c, "visits"),
			     e->visits[c]);
		cr_assert_eq(num(csv, "rate_by_class", c, "results"),
			     e->results[c]);
		cr_assert_eq(num(csv, "rate_by_class", c, "problems"),
			     e->problems[c]);
		long long n = e->results[c] - e->not_inspected[c];
		if (n == 0)
			continue;
		double lo, hi;
		wilson((double)e->problems[c], (double)n, &lo, &hi);
		cr_assert_float_eq(atof(cell(csv, "rate_by_class", c,
					     "problem_rate")),
				   (double)e->problems[c] / (double)n, 1e-6);
		cr_assert_float_eq(atof(cell(csv, "rate_by_class", c, "ci_low")),
				   fmax(lo, 0), 1e-6);
		cr_assert_float_eq(atof(cell(csv, "rate_by_class", c,
					     "ci_high")), fmin(hi, 1), 1e-6);
	}
	cr_assert_eq(num(csv, "pool", 4, "entities"), all);
	for (int t = 0; t < 2; t++) {
		cr_assert_eq(num(csv, "rate_by_task_type", t, "visits"),
			     e->type_visits[t]);
		cr_assert_eq(num(csv, "rate_by_task_type", t, "problems"),
			     e->type_problems[t]);
	}
	cr_assert_str_eq(cell(csv, "results", 0, "code"), "01");
	cr_assert_eq(num(csv, "results", 0, "results"), e->code01);
}

Test(report, the_numbers_are_those_counted_independently, .timeout = 240)
{
	struct fixture f;
	static char out[1 << 20];
	start(&f);
	struct expect e;
	expect_of(f.c, NULL, &e);
	cr_assert_gt(e.visits[1] + e.visits[2], 20, "enough to count");
	cr_assert_gt(e.problems[0] + e.problems[1] + e.problems[2] +
			     e.problems[3], 3);
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --format csv --from "
			 "2026-10-01 --to 2026-10-31"), 0, "%s", out);
	check_report(out, &e);
	cr_assert_eq(num(out, "summary", 0, "value"), 2, "R3 is in November");
	/* Both task types, each with its own campaign's visits. */
	cr_assert_str_eq(cell(out, "rate_by_task_type", 1, "task_type"),
			 "directed");
	cr_assert_gt(num(out, "rate_by_task_type", 1, "visits"), 0);
	/* A region: the pool and the visits of its entities only. */
	expect_of(f.c, "410102", &e);
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --format csv --from "
			 "2026-10-01 --to 2026-10-31 --region 410102"), 0,
		     "%s", out);
	check_report(out, &e);
	/* Another department's report holds none of these visits. */
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --format csv --from "
			 "2026-10-01 --to 2026-10-31 --department MPA-ZZ"),
		     0, "%s", out);
	cr_assert_eq(num(out, "summary", 1, "value"), 0);
	/* The whole year: November's campaign too. */
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --format json"), 0,
		     "%s", out);
	cr_assert(strstr(out, "{\"measure\":\"campaigns\",\"value\":3}"), "%.400s",
		  out);
	/* The review suggests rates for the policy asked for, at the same
	 * workload; bad options are refused with a reason. */
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --policy henan-2021 "
			 "--min-results 5"), 0, "%s", out);
	cr_assert(strstr(out, "Class rates suggested for next year"), "%s", out);
	const char *policy = strstr(out, "\npolicy ");
	cr_assert(policy && strstr(policy, "henan-2021") &&
			  strstr(policy, "henan-2021") < strchr(policy + 1, '\n'),
		  "%s", out);
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --region 41x"), 2);
	cr_assert(strstr(out, "--region: 1 to 6 digits"), "%s", out);
	cr_assert_eq(ctl(&f, out, sizeof(out), "report --from 2026-12-01 "
			 "--to 2026-11-01"), 2);
	cr_assert(strstr(out, "--to is before --from"), "%s", out);
	stop(&f);
}

Test(report, the_html_report_works_in_a_browser, .timeout = 240)
{
	struct fixture f;
	static char out[1 << 16];
	char args[512];
	start(&f);
	snprintf(args, sizeof(args), "report --format html --from 2026-10-01 "
		 "--to 2026-10-31 --policy henan-2021 --min-results 5 --out "
		 "%s/report.html", f.r.dir);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	snprintf(args, sizeof(args), "report --format csv --from 2026-10-01 "
		 "--to 2026-10-31");
	static char csv[1 << 20];
	cr_assert_eq(ctl(&f, csv, sizeof(csv), args), 0, "%s", csv);
	char coverage[32];
	snprintf(coverage, sizeof(coverage), "%.1f%%",
		 atof(cell(csv, "pool", 3, "coverage")) * 100);
	cr_assert_eq(run(out, sizeof(out), "node %s/../tests/browser/report.mjs "
			 "%s/report.html %lld %s %s/shot.png", POLICIES_DIR,
			 f.r.dir, num(csv, "summary", 1, "value"), coverage,
			 f.r.dir), 0, "%s", out);
	cr_assert(strstr(out, "ok"), "%s", out);
	stop(&f);
}
