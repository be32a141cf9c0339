/* Annual plans against a real redis-server and inspectd: a plan filed
 * once and public; its batches due today sent by inspectd itself, frozen,
 * drawn when their entropy is given and published, each once across
 * kill -9 of the daemon; a batch of a later day left scheduled; the
 * plan's progress; a bad plan refused with its line and column. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* Today in the daemon's time zone, shifted by `days`, as YYYY-MM-DD. */
static void day_from_today(int days, char d[11])
{
	cr_assert_eq(run(out, sizeof(out),
			 "TZ=Asia/Shanghai date -d '%+d days' +%%F", days),
		     0, "%s", out);
	snprintf(d, 11, "%.10s", out);
}

/* A plan of this year: an undirected task and a directed one (the
 * entities with industry C), each with a batch frozen today, its entropy
 * tomorrow and its visits from the day after; and a plan of next year,
 * whose batch is not due. */
static void write_plans(const char *dir, char path[2][160])
{
	char t0[11], t1[11], t2[11], t40[11];
	day_from_today(0, t0);
	day_from_today(1, t1);
	day_from_today(2, t2);
	day_from_today(40, t40);
	int year = atoi(t0);
	snprintf(path[0], 160, "%s/plan.yaml", dir);
	snprintf(path[1], 160, "%s/next.yaml", dir);
	FILE *f = fopen(path[0], "w");
	cr_assert_not_null(f);
	fprintf(f, "plan: P%d\ndepartment: SAMR-ZZ\nyear: %d\n"
		"title: 测试年度抽查计划\ntasks:\n", year, year);
	static const char *const kinds[][3] = {
		{"ALL", "undirected", ""}, {"MFG", "directed", "[C]"}};
	for (int k = 0; k < 2; k++) {
		fprintf(f, "  - id: %s\n    name: 任务%d\n    type: %s\n"
			"    items: [SC-001]\n    policy: national-default\n"
			"    quantity: 150\n", kinds[k][0], k + 1, kinds[k][1]);
		if (*kinds[k][2])
			fprintf(f, "    industries: %s\n", kinds[k][2]);
		fprintf(f, "    batches:\n      - freeze: %s\n        entropy: "
			"{date: %s, source: 证券交易所收盘指数}\n        "
			"window: %s..%s\n", t0, t1, t2, t40);
	}
	fclose(f);
	f = fopen(path[1], "w");
	cr_assert_not_null(f);
	fprintf(f, "plan: N%d\ndepartment: SAMR-ZZ\nyear: %d\ntitle: 明年\n"
		"tasks:\n  - id: ALL\n    name: 明年任务\n    type: undirected\n"
		"    items: [SC-001]\n    policy: national-default\n"
		"    batches:\n      - freeze: %d-01-05\n        entropy: "
		"{date: %d-01-06, source: 摇号}\n        window: "
		"%d-01-11..%d-02-26\n", year + 1, year + 1, year + 1, year + 1,
		year + 1, year + 1);
	fclose(f);
}

/* No department task of a campaign is published twice. */
static void tasks_once(redisContext *c, const char *id, long long selected)
{
	redisReply *r = cmd(c, "XRANGE {insp}:dept:SAMR-ZZ - +");
	long long n = 0;
	char (*seen)[19] = calloc(r->elements + 1, sizeof(*seen));
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *f = r->element[i]->element[1];
		const char *campaign = NULL, *uscc = NULL;
		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			if (!strcmp(f->element[k]->str, "campaign"))
				campaign = f->element[k + 1]->str;
			if (!strcmp(f->element[k]->str, "uscc"))
				uscc = f->element[k + 1]->str;
		}
		if (!campaign || strcmp(campaign, id))
			continue;
		for (long long j = 0; j < n; j++)
			cr_assert_str_neq(seen[j], uscc, "%s: %s twice", id,
					  uscc);
		snprintf(seen[n++], 19, "%s", uscc);
	}
	cr_assert_eq(n, selected, "%s: %lld tasks, %lld selected", id, n,
		     selected);
	free(seen);
	freeReplyObject(r);
}

Test(plans, a_plan_runs_end_to_end_across_kill9, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char path[2][160], pop[160], id[2][40], year[5];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 3000, 53, pop);
	redisContext *c = redis_client(r.port);
	daemon_start(&d, r.dir, r.port, "plans", POLICIES_DIR, NULL);
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	write_plans(r.dir, path);
	char today[11];
	day_from_today(0, today);
	snprintf(year, sizeof(year), "%.4s", today);
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(run(out, sizeof(out), "%s plan submit %s --config %s",
				 INSPECTCTL_PATH, path[k], d.config),
			     0, "%s", out);
		cr_assert(strstr(out, "filed"), "%s", out);
	}
	/* Filed once: public, and not filed again. */
	cr_assert_eq(run(out, sizeof(out), "%s plan submit %s --config %s",
			 INSPECTCTL_PATH, path[0], d.config),
		     2, "%s", out);
	cr_assert(strstr(out, "was filed on"), "%s", out);
	char events[8][64];
	cr_assert_eq(stream_values(c, "{insp}:public", "plan", events, 8), 2);
	snprintf(id[0], sizeof(id[0]), "P%s-ALL-1", year);
	snprintf(id[1], sizeof(id[1]), "P%s-MFG-1", year);

	/* The daemon killed again and again while it sends and freezes. */
	for (int k = 0; k < 5; k++) {
		daemon_start(&d, r.dir, r.port, "plans", POLICIES_DIR, NULL);
		sleep_ms(40 + 70 * k);
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
	}
	daemon_start(&d, r.dir, r.port, "plans", POLICIES_DIR, NULL);
	for (int k = 0; k < 2; k++)
		cr_assert(wait_status(c, id[k], "frozen", 30000), "%s", id[k]);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:plan:P%s:batches", year), 2);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:plan:N%d:batches", atoi(year) + 1),
		     0, "next year's batch is not due");
	cr_assert_eq(stream_values(c, "{insp}:public", "population_digest",
				   events, 8), 2, "each batch frozen once");
	redisReply *t = cmd(c, "HGET {insp}:campaign:%s task_type", id[1]);
	cr_assert_str_eq(t->str, "directed");
	freeReplyObject(t);

	/* The entropies given, the daemon killed while it publishes. */
	for (int k = 0; k < 2; k++)
		cr_assert_eq(run(out, sizeof(out), "%s submit --config %s "
				 "--entropy-for %s --entropy '%d 17 4'",
				 INSPECTCTL_PATH, d.config, id[k], k),
			     0, "%s", out);
	sleep_ms(30);
	daemon_signal(&d, SIGKILL);
	daemon_wait(&d);
	daemon_start(&d, r.dir, r.port, "plans", POLICIES_DIR, NULL);
	long long visits = 0;
	for (int k = 0; k < 2; k++) {
		assert_published(c, id[k]);
		long long selected = cmd_int(c, "HGET {insp}:campaign:%s "
					     "selected", id[k]);
		cr_assert_gt(selected, 0);
		tasks_once(c, id[k], selected);
		visits += selected;
	}
	/* The progress: both published, the visits they planned. */
	cr_assert_eq(run(out, sizeof(out), "%s plan show P%s --format csv "
			 "--config %s", INSPECTCTL_PATH, year, d.config),
		     0, "%s", out);
	cr_assert(strstr(out, "\r\nbatches,0,status,published\r\n"), "%s", out);
	cr_assert(strstr(out, "\r\nbatches,1,status,published\r\n"), "%s", out);
	cr_assert(strstr(out, "\r\ntasks,1,type,directed\r\n"), "%s", out);
	long long shown = 0;
	for (int k = 0; k < 2; k++) {
		char key[64];
		snprintf(key, sizeof(key), "\r\ntasks,%d,visits,", k);
		const char *v = strstr(out, key);
		cr_assert_not_null(v, "%s", out);
		shown += atoll(v + strlen(key));
	}
	cr_assert_eq(shown, visits);
	cr_assert_eq(run(out, sizeof(out), "%s plan show N%d --config %s",
			 INSPECTCTL_PATH, atoi(year) + 1, d.config),
		     0, "%s", out);
	cr_assert(strstr(out, "scheduled"), "%s", out);
	/* The directed batch's bundle: verified against its plan by both
	 * verifiers, with the digest the plan was filed under. */
	char b[200], filed[80];
	snprintf(b, sizeof(b), "%s/bundle", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign %s "
			 "--bundle --out %s", INSPECTCTL_PATH, d.config, id[1],
			 b), 0, "%s", out);
	cr_assert_eq(stream_values(c, "{insp}:public", "plan_digest", events,
				   8), 6, "filed twice, frozen and drawn twice");
	/* (stream_values keeps 63 of its 64 digits) */
	snprintf(filed, sizeof(filed), "plan_digest %.63s", events[0]);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH, b),
		     0, "%s", out);
	cr_assert(strstr(out, filed), "%s\nnot %s", out, filed);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, b), 0, "%s", out);
	cr_assert(strstr(out, filed), "%s\nnot %s", out, filed);
	/* The plan said otherwise (digests restated): refused by both. */
	static const char *const edits[] = {
		"s/^\\(batch [^ ]*-MFG-1 MFG [^ ]* [^ ]* [^ ]*\\) [^ ]*/\\1 2099-01-01/",
		"s/^\\(task MFG [^ ]* [^ ]* [^ ]* [^ ]*\\) C /\\1 F /",
		("s/^\\(batch [^ ]*-MFG-1 [^ ]* [^ ]* [^ ]* [^ ]* [^ ]*\\) "
		 "\\([0-9]*\\) /\\1 0\\2 /"),
	};
	static const char *const why[] = {"window", "outside task MFG's scope",
					  "not the canonical text"};
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(run(out, sizeof(out), "rm -rf %s-x && cp -r %s %s-x "
				 "&& cd %s-x && sed -i '%s' plan.txt && h=$("
				 "sha256sum plan.txt | cut -c1-64) && sed -i "
				 "\"s/^file: plan.txt .*/file: plan.txt $h/\" "
				 "MANIFEST", b, b, b, b, edits[k]), 0, "%s", out);
		cr_assert_eq(run(out, sizeof(out), "%s verify %s-x",
				 INSPECTCTL_PATH, b), 1, "%s", out);
		cr_assert(strstr(out, why[k]), "%s", out);
		cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/"
				 "verify.py %s-x", POLICIES_DIR, b), 1, "%s",
			     out);
		cr_assert(strstr(out, why[k]), "%s", out);
	}
	/* The public page holds no class. */
	cr_assert_eq(run(out, sizeof(out), "%s plan show P%s --format html "
			 "--out %s/plan.html --config %s", INSPECTCTL_PATH,
			 year, r.dir, d.config),
		     0, "%s", out);
	snprintf(out, sizeof(out), "%s/plan.html", r.dir);
	char *page = slurp(out);
	cr_assert(strstr(page, "测试年度抽查计划"));
	cr_assert(strstr(page, "Content-Security-Policy"));
	free(page);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(plans, a_bad_plan_is_refused_with_its_line_and_column, .timeout = 60)
{
	struct redis_proc r;
	struct daemon_proc d;
	char path[2][160], bad[200];
	redis_start(&r);
	daemon_start(&d, r.dir, r.port, "plans", POLICIES_DIR, NULL);
	write_plans(r.dir, path);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", r.dir);
	/* The directed task told undirected, while it chooses industries:
	 * line 18 of the file, where its type is. */
	cr_assert_eq(run(out, sizeof(out), "sed 's/type: directed/type: "
			 "undirected/' %s >%s", path[0], bad), 0);
	cr_assert_eq(run(out, sizeof(out), "%s plan submit %s --config %s",
			 INSPECTCTL_PATH, bad, d.config), 2, "%s", out);
	cr_assert(strstr(out, "bad.yaml:18:11: tasks.1.type: undirected draws "
			 "from the whole pool, but the entry chooses "
			 "industries"), "%s", out);
	/* A key no plan has. */
	cr_assert_eq(run(out, sizeof(out), "sed 's/^year:/colour: red\\nyear:/' "
			 "%s >%s", path[0], bad), 0);
	cr_assert_eq(run(out, sizeof(out), "%s plan check %s --config %s",
			 INSPECTCTL_PATH, bad, d.config), 2, "%s", out);
	cr_assert(strstr(out, "bad.yaml:3:1: Unexpected key: colour"), "%s",
		  out);
	/* A window the calendars cannot hold, on the batch's line. */
	cr_assert_eq(run(out, sizeof(out), "sed '0,/window: .*/s//window: "
			 "2049-01-04..2049-02-01/' %s >%s", path[0], bad), 0);
	cr_assert_eq(run(out, sizeof(out), "%s plan check %s --config %s",
			 INSPECTCTL_PATH, bad, d.config), 2, "%s", out);
	cr_assert(strstr(out, "bad.yaml:13:9: tasks.0.batches.0: campaign P"),
		  "%s", out);
	cr_assert(strstr(out, "no working-day calendar covers"), "%s", out);
	redisContext *c = redis_client(r.port);
	cr_assert_eq(cmd_int(c, "EXISTS {insp}:plans"), 0, "nothing filed");
	redisFree(c);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redis_finish(&r);
}
