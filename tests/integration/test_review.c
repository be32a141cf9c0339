/* Results after entry against a real redis-server (docs/RESULTS.md): a
 * policy that asks for review holds results until a reviewer approves
 * them; a department corrects its own published result; an entity
 * objects and the department answers; repair ends an adverse result's
 * publication. Each step is public, on the credit platform's events and in
 * the result's log, refused with its reason when it does not fit, and
 * applied once across kill -9. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

struct visit {
	char uscc[19], inspector[33], date[11];
};

/* The campaign's visits: uscc, the team's first member, the day. */
static size_t read_visits(redisContext *c, const char *id, struct visit *v,
			  size_t max)
{
	redisReply *h = cmd(c, "HGETALL {insp}:visits:%s", id);
	size_t n = 0;
	for (size_t i = 0; i + 1 < h->elements && n < max; i += 2, n++) {
		const char *val = h->element[i + 1]->str;
		snprintf(v[n].uscc, sizeof(v[n].uscc), "%s", h->element[i]->str);
		snprintf(v[n].date, sizeof(v[n].date), "%.10s", val);
		snprintf(v[n].inspector, sizeof(v[n].inspector), "%.*s",
			 (int)strcspn(val + 11, ";\x1f"), val + 11);
	}
	freeReplyObject(h);
	return n;
}

/* The tests' roster, and three reviewers: one of the campaign's
 * department holding result-review, one of another department, one
 * without it. */
static void store_reviewers(redisContext *c)
{
	store_roster(c);
	redisReply *r = cmd(c, "APPEND {insp}:roster %s",
			    "rv01,审核员01,R0001,SAMR-ZZ,9,result-review,1,,1\n"
			    "rv02,审核员02,R0002,MPA-ZZ,9,result-review,1,,1\n"
			    "rv03,审核员03,R0003,SAMR-ZZ,9,,1,,1\n");
	freeReplyObject(r);
}

/* Campaign id of SAMR-ZZ published with its visits in the past (October
 * 2026), so that results dated in its window are not in the future
 * whenever the test runs. */
static void publish_past(redisContext *c, const char *id, const char *policy,
			 const char *items)
{
	submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",
	       "policy", policy, "items", items, "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", id, NULL);
	cr_assert(wait_status(c, id, "published", 20000));
}

static void start(struct redis_proc *r, struct daemon_proc *d,
		  redisContext **c, char *policies)
{
	redis_start(r);
	load_population(r->port, 3000, 21, NULL);
	*c = redis_client(r->port);
	store_reviewers(*c);
	snprintf(policies, 512, "%s/policies", r->dir);
	cr_assert_eq(run(out, sizeof(out),
			 "mkdir -p %s && cp %s/*.yaml %s && "
			 "sed -e 's/^name: henan-2021/name: reviewed/' "
			 "%s/henan-2021.yaml > %s/reviewed.yaml && "
			 "printf 'results:\\n  review_by: result-review\\n"
			 "  objection_working_days: 10\\n' >> %s/reviewed.yaml",
			 policies, POLICIES_DIR, policies, POLICIES_DIR,
			 policies, policies),
		     0, "%s", out);
	daemon_start(d, r->dir, r->port, "review", policies, NULL);
	publish_past(*c, "R1", "reviewed", "SC-001");
}

/* The daemon stopped as an operator would, and Redis with it. */
static void stop(struct redis_proc *r, struct daemon_proc *d, redisContext *c)
{
	daemon_signal(d, SIGTERM);
	cr_assert_eq(daemon_wait(d), 0);
	redisFree(c);
	redis_finish(r);
}

/* Adds a results entry of field/value pairs (NULL-terminated). */
static void step(redisContext *c, ...)
{
	const char *argv[40] = {"XADD", "{insp}:results", "*"};
	int n = 3;
	va_list ap;
	va_start(ap, c);
	for (const char *s; (s = va_arg(ap, const char *)) && n < 40;)
		argv[n++] = s;
	va_end(ap);
	redisReply *r = redisCommandArgv(c, n, argv, NULL);
	cr_assert(r && r->type == REDIS_REPLY_STRING);
	freeReplyObject(r);
}

/* The value of field name in a reply of name/value pairs, or NULL. */
static const redisReply *pair(const redisReply *r, const char *name)
{
	for (size_t j = 0; j + 1 < r->elements; j += 2)
		if (!strcmp(r->element[j]->str, name))
			return r->element[j + 1];
	return NULL;
}

/* Waits until the results stream has no entry left unanswered: the
 * group has been given its last entry and acknowledged every one. (The
 * group's lag is no measure: Redis reports none once entries were
 * deleted.) */
static void settle(redisContext *c)
{
	for (int t = 0; t < 400; t++) {
		/* In this order: every entry given out, and then none of
		 * them pending (read first, an entry given out between the
		 * reads would seem answered). */
		redisReply *st = cmd(c, "XINFO STREAM {insp}:results");
		redisReply *g = cmd(c, "XINFO GROUPS {insp}:results");
		redisReply *p = cmd(c, "XPENDING {insp}:results inspectd");
		long long pending = p->element[0]->integer;
		freeReplyObject(p);
		const redisReply *last = pair(st, "last-generated-id");
		const redisReply *given = pair(g->element[0],
					       "last-delivered-id");
		bool done = pending == 0 && last && given &&
			    !strcmp(last->str, given->str);
		freeReplyObject(st);
		freeReplyObject(g);
		if (done)
			return;
		sleep_ms(50);
	}
	cr_assert_fail("results entries left unanswered");
}

/* The last refusal's reason. */
static const char *last_refusal(redisContext *c)
{
	static char why[512];
	redisReply *x = cmd(c, "XREVRANGE {insp}:results:rejected + - COUNT 1");
	why[0] = '\0';
	if (x->elements) {
		redisReply *f = x->element[0]->element[1];
		for (size_t j = 0; j + 1 < f->elements; j += 2)
			if (!why[0] && !strcmp(f->element[j]->str, "reason"))
				snprintf(why, sizeof(why), "%s",
					 f->element[j + 1]->str);
	}
	freeReplyObject(x);
	return why;
}

static long long refusals;

/* The entry just added is refused, for a reason holding want. */
static void refused(redisContext *c, const char *want)
{
	settle(c);
	long long n = cmd_int(c, "XLEN {insp}:results:rejected");
	cr_assert_eq(n, ++refusals, "not refused: want %s; %lld refusals, "
		     "the last: %s", want, n, last_refusal(c));
	cr_assert(strstr(last_refusal(c), want), "want \"%s\", got \"%s\"",
		  want, last_refusal(c));
}

static long long count_type(redisContext *c, const char *stream,
			    const char *type)
{
	static char v[4096][64];
	size_t n = stream_values(c, stream, "type", v, 4096), k = 0;
	for (size_t i = 0; i < n; i++)
		k += !strcmp(v[i], type);
	return (long long)k;
}

/* The field of uscc's record, counted from 1 (docs/REDIS.md). */
static void record_part(redisContext *c, const char *uscc, int part,
			char *buf, size_t size)
{
	redisReply *r = cmd(c, "HGET {insp}:results:R1 %s", uscc);
	cr_assert_eq(r->type, REDIS_REPLY_STRING, "no record of %s", uscc);
	const char *at = r->str;
	for (int k = 1; k < part && at; k++)
		at = strchr(at, 0x1f) ? strchr(at, 0x1f) + 1 : NULL;
	cr_assert_not_null(at);
	snprintf(buf, size, "%.*s", (int)strcspn(at, "\x1f"), at);
	freeReplyObject(r);
}

static void assert_part(redisContext *c, const char *uscc, int part,
			const char *want)
{
	char got[256];
	record_part(c, uscc, part, got, sizeof(got));
	cr_assert_str_eq(got, want, "part %d of %s's record", part, uscc);
}

Test(review, a_result_reviewed_corrected_objected_to_and_repaired,
     .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char policies[512];
	start(&r, &d, &c, policies);
	static struct visit v[512];
	size_t n = read_visits(c, "R1", v, 512);
	cr_assert_gt(n, 3);
	const char *u = v[0].uscc;
	refusals = 0;
	/* Entered: it waits, submitted, neither public nor on the credit
	 * platform's events. */
	step(c, "campaign", "R1", "uscc", u, "inspector", v[0].inspector,
	     "date", v[0].date, "result", "02", NULL);
	settle(c);
	assert_part(c, u, 7, "submitted");
	cr_assert_eq(count_type(c, "{insp}:public", "result"), 0);
	cr_assert_eq(cmd_int(c, "XLEN credit:events"), 0);
	/* Reviewers who may not review it, each for its reason. */
	step(c, "action", "approve", "campaign", "R1", "uscc", u, "reviewer",
	     "rv03", NULL);
	refused(c, "rv03 does not hold result-review");
	step(c, "action", "approve", "campaign", "R1", "uscc", u, "reviewer",
	     "rv02", NULL);
	refused(c, "rv02 is of MPA-ZZ, not of SAMR-ZZ");
	step(c, "action", "approve", "campaign", "R1", "uscc", u, "reviewer",
	     "nobody", NULL);
	refused(c, "nobody is not in the roster");
	step(c, "action", "return", "campaign", "R1", "uscc", u, "reviewer",
	     "rv01", NULL);
	refused(c, "field note: missing");
	/* A second entry while it waits is refused and says why. */
	step(c, "campaign", "R1", "uscc", u, "inspector", v[0].inspector,
	     "date", v[0].date, "result", "01", NULL);
	refused(c, "waiting for review");
	/* Returned: taken back, entered again, approved: public now. */
	step(c, "action", "return", "campaign", "R1", "uscc", u, "reviewer",
	     "rv01", "note", "日期有误", NULL);
	settle(c);
	cr_assert_eq(cmd_int(c, "HEXISTS {insp}:results:R1 %s", u), 0);
	step(c, "campaign", "R1", "uscc", u, "inspector", v[0].inspector,
	     "date", v[0].date, "result", "02", NULL);
	step(c, "action", "approve", "campaign", "R1", "uscc", u, "reviewer",
	     "rv01", NULL);
	settle(c);
	assert_part(c, u, 7, "published");
	cr_assert_eq(count_type(c, "{insp}:public", "result"), 1);
	cr_assert(wait_xlen(c, "credit:events", 1, 5000));
	cr_assert_eq(count_type(c, "credit:events", "inspection_result"), 1);
	cr_assert_eq(cmd_int(c, "HGET {insp}:campaign:R1 results"), 1);
	/* Approving twice finds nothing waiting. */
	step(c, "action", "approve", "campaign", "R1", "uscc", u, "reviewer",
	     "rv01", NULL);
	refused(c, "no result of");
	/* Corrections: by the campaign's department only, to another
	 * result; then version 2, public with its day, and on the events. */
	step(c, "action", "correct", "campaign", "R1", "uscc", u, "department",
	     "MPA-ZZ", "result", "05", "note", "录入错误", NULL);
	refused(c, "MPA-ZZ checks none of the items of the visit");
	step(c, "action", "correct", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "result", "02", "note", "录入错误", NULL);
	refused(c, "nothing to correct");
	step(c, "action", "correct", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "result", "99", "note", "录入错误", NULL);
	refused(c, "field result: must be a result code");
	step(c, "action", "correct", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "result", "05", "note", "录入错误", NULL);
	settle(c);
	assert_part(c, u, 2, "05");
	assert_part(c, u, 8, "2");
	cr_assert_eq(count_type(c, "{insp}:public", "result_corrected"), 1);
	cr_assert(wait_xlen(c, "credit:events", 2, 5000));
	cr_assert_eq(count_type(c, "credit:events",
				"inspection_result_corrected"), 1);
	/* The entity objects; one objection at a time; no correction while
	 * it is open; answered, upheld: no second objection. */
	step(c, "action", "object", "campaign", "R1", "uscc", u, "statement",
	     "我司已按期整改", NULL);
	settle(c);
	assert_part(c, u, 11, "open");
	step(c, "action", "object", "campaign", "R1", "uscc", u, "statement",
	     "again", NULL);
	refused(c, "is open");
	step(c, "action", "correct", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "result", "01", "note", "x", NULL);
	refused(c, "answer it");
	step(c, "action", "answer", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "outcome", "upheld", "result", "01", "note", "x",
	     NULL);
	refused(c, "an upheld result stands");
	step(c, "action", "answer", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "outcome", "upheld", "note", "经核查，结果无误",
	     NULL);
	settle(c);
	assert_part(c, u, 11, "upheld");
	step(c, "action", "object", "campaign", "R1", "uscc", u, "statement",
	     "again", NULL);
	refused(c, "it stands");
	cr_assert_eq(count_type(c, "{insp}:public", "objection"), 1);
	cr_assert_eq(count_type(c, "{insp}:public", "objection_answered"), 1);
	/* The public disclosure shows the correction and the objection's
	 * answer, with their days. */
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/public", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "R1 --format html --out %s", INSPECTCTL_PATH, d.config,
			 dir), 0, "%s", out);
	snprintf(dir, sizeof(dir), "%s/public/R1.html", r.dir);
	char *html = slurp(dir);
	cr_assert(strstr(html, "05 发现问题已责令改正 <span class=\"corrected\">"
			 "已更正 corrected "), "%.3000s", html);
	cr_assert(strstr(html, "objection answered, result upheld,"));
	free(html);
	/* Repair: only of an adverse result, then its publication ends:
	 * no more objections. */
	step(c, "action", "repair", "campaign", "R1", "uscc", u, "department",
	     "SAMR-ZZ", "note", "信用修复", NULL);
	settle(c);
	cr_assert_eq(count_type(c, "{insp}:public",
				"result_publication_ended"), 1);
	step(c, "action", "object", "campaign", "R1", "uscc", u, "statement",
	     "again", NULL);
	refused(c, "publication ended on");
	snprintf(dir, sizeof(dir), "%s/public", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "R1 --format national-csv --out %s", INSPECTCTL_PATH,
			 d.config, dir), 0, "%s", out);
	snprintf(dir, sizeof(dir), "%s/public/R1.national.csv", r.dir);
	char *nat = slurp(dir);
	cr_assert_null(strstr(nat, u), "%s", nat);
	free(nat);
	/* What does not fit at all. */
	step(c, "action", "erase", "campaign", "R1", "uscc", u, NULL);
	refused(c, "field action: must be");
	step(c, "action", "answer", "campaign", "R1", "uscc", v[1].uscc,
	     "department", "SAMR-ZZ", "outcome", "upheld", "note", "x", NULL);
	refused(c, "no result of");
	step(c, "action", "object", "campaign", "R1", "uscc", u, "reviewer",
	     "rv01", "statement", "x", NULL);
	refused(c, "field reviewer: not a field of an entry with action "
		"object");
	/* The log: every step taken, none refused, in order. */
	static char actions[64][64];
	size_t k = stream_values(c, "{insp}:result-log:R1", "action", actions,
				 64);
	static const char *const want[] = {"result", "return", "result",
					   "approve", "correct", "object",
					   "answer", "repair"};
	cr_assert_eq(k, 8);
	for (size_t i = 0; i < k; i++)
		cr_assert_str_eq(actions[i], want[i]);
	/* The bundle carries that history for the auditor; what the
	 * verifiers prove is unchanged (results are not part of the draw). */
	snprintf(dir, sizeof(dir), "%s/bundle", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "R1 --bundle --out %s", INSPECTCTL_PATH, d.config,
			 dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, dir), 0, "%s", out);
	snprintf(dir, sizeof(dir), "%s/bundle/results_log.csv", r.dir);
	char *log = slurp(dir);
	size_t lines = 0;
	for (const char *p = log; (p = strchr(p, '\n')); p++)
		lines++;
	cr_assert_eq(lines, 9, "%s", log);
	cr_assert(strstr(log, ",return,"), "%s", log);
	cr_assert(strstr(log, ",correct,"), "%s", log);
	char line[128];
	snprintf(line, sizeof(line), ",repair,%s,", u);
	cr_assert(strstr(log, line), "%s", log);
	cr_assert(strstr(log, ",05,published,"), "%s", log);
	free(log);
	cr_assert_str_eq(daemon_state(&d), "running");
	stop(&r, &d, c);
}

Test(review, every_step_is_applied_once_across_kill_9, .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char policies[512];
	start(&r, &d, &c, policies);
	static struct visit v[512];
	size_t n = read_visits(c, "R1", v, 512), adverse = 0;
	cr_assert_gt(n, 20);
	for (size_t i = 0; i < n; i++) {
		step(c, "campaign", "R1", "uscc", v[i].uscc, "inspector",
		     v[i].inspector, "date", v[i].date, "result",
		     i % 3 ? "01" : "04", NULL);
		adverse += i % 3 == 0;
	}
	for (size_t i = 0; i < n; i++)
		step(c, "action", "approve", "campaign", "R1", "uscc",
		     v[i].uscc, "reviewer", "rv01", NULL);
	for (size_t i = 0; i < n; i++)
		step(c, "action", "object", "campaign", "R1", "uscc",
		     v[i].uscc, "statement", "异议", NULL);
	for (size_t i = 0; i < n; i += 2)
		step(c, "action", "answer", "campaign", "R1", "uscc",
		     v[i].uscc, "department", "SAMR-ZZ", "outcome",
		     "corrected", "result", i % 3 ? "05" : "01", "note",
		     "核查更正", NULL);
	for (int k = 0; k < 3; k++) {
		sleep_ms(30 * (k + 1));
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
		daemon_start(&d, r.dir, r.port, "review", policies, NULL);
	}
	settle(c);
	size_t answered = (n + 1) / 2;
	cr_assert_eq(cmd_int(c, "XLEN {insp}:results:rejected"), 0, "%s",
		     last_refusal(c));
	cr_assert_eq(cmd_int(c, "HGET {insp}:campaign:R1 results"),
		     (long long)n);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:result-log:R1"),
		     (long long)(3 * n + answered));
	cr_assert_eq(count_type(c, "{insp}:public", "result"), (long long)n);
	cr_assert_eq(count_type(c, "{insp}:public", "objection"),
		     (long long)n);
	cr_assert_eq(count_type(c, "{insp}:public", "result_corrected"),
		     (long long)answered);
	long long events = (long long)(adverse + n + 2 * answered);
	cr_assert(wait_xlen(c, "credit:events", events, 10000));
	cr_assert_eq(cmd_int(c, "XLEN credit:events"), events);
	for (size_t i = 0; i < n; i++) {
		assert_part(c, v[i].uscc, 7, "published");
		assert_part(c, v[i].uscc, 8, i % 2 ? "1" : "2");
		assert_part(c, v[i].uscc, 11, i % 2 ? "open" : "corrected");
	}
	stop(&r, &d, c);
}

/* 谁检查、谁录入、谁公开: on a joint visit each department enters the
 * result of its own items, by one of its own inspectors; the partner's
 * result is its own record, corrected by it alone, and a line of the
 * national record under its agency's name. */
Test(review, joint_visits_take_each_departments_own_result, .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char policies[512];
	start(&r, &d, &c, policies);
	publish_past(c, "J1", "henan-2021", "SC-017,YJ-004");
	/* A visit, its SAMR-ZZ and MPA-ZZ members (the tests' roster: an
	 * id ending in 9 is MPA-ZZ's). */
	redisReply *h = cmd(c, "HGETALL {insp}:visits:J1");
	cr_assert_gt(h->elements, 2);
	char uscc[19], day[11], samr[8] = "", mpa[8] = "";
	const char *val = h->element[1]->str;
	snprintf(uscc, sizeof(uscc), "%s", h->element[0]->str);
	snprintf(day, sizeof(day), "%.10s", val);
	cr_assert(strstr(val, "SC-017,YJ-004"), "the visit keeps its items: %s",
		  val);
	for (const char *at = val + 11; *at == 't'; at += 5)
		snprintf(at[3] == '9' ? mpa : samr, 8, "%.4s", at);
	freeReplyObject(h);
	cr_assert(samr[0] && mpa[0], "team %s %s", samr, mpa);
	refusals = 0;
	/* Per-item results: the department's own items, all of them, and
	 * agreeing with the visit's result. */
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "items", "SC-017:01,YJ-004:01", NULL);
	refused(c, "YJ-004 is not an item of SAMR-ZZ");
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "items", "SC-017:02", NULL);
	refused(c, "an item found a problem, and the result did not");
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "items", "SC-017:01,SC-017:05", NULL);
	refused(c, "SC-017 is given twice");
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "items", "SC-017:01", "method", "onsite", NULL);
	step(c, "campaign", "J1", "uscc", uscc, "inspector", mpa, "date", day,
	     "result", "13", "department", "MPA-ZZ", "items", "YJ-004:13",
	     NULL);
	settle(c);
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:J1"), 2);
	cr_assert_eq(cmd_int(c, "HGET {insp}:campaign:J1 results"), 1);
	char field[64];
	snprintf(field, sizeof(field), "%s@MPA-ZZ", uscc);
	redisReply *mine = cmd(c, "HGET {insp}:results:J1 %s", field);
	cr_assert(mine->str && !strncmp(mine->str + 11, "13\x1f", 3));
	cr_assert(strstr(mine->str, "\x1fYJ-004:13\x1f"), "%s", mine->str);
	freeReplyObject(mine);
	/* Only MPA-ZZ's result is adverse: its event names MPA-ZZ. */
	cr_assert(wait_xlen(c, "credit:events", 1, 5000));
	static char who[8][64];
	cr_assert_eq(stream_values(c, "credit:events", "department", who, 8),
		     1);
	cr_assert_str_eq(who[0], "MPA-ZZ");
	/* Refused: an inspector of another department, a second result, a
	 * department with no item on the visit. */
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "department", "MPA-ZZ", NULL);
	refused(c, "already recorded");
	snprintf(field, sizeof(field), "%s is not of MPA-ZZ", samr);
	cr_assert_eq(cmd_int(c, "HDEL {insp}:results:J1 %s@MPA-ZZ", uscc), 1);
	step(c, "campaign", "J1", "uscc", uscc, "inspector", samr, "date", day,
	     "result", "01", "department", "MPA-ZZ", NULL);
	refused(c, field);
	step(c, "campaign", "J1", "uscc", uscc, "inspector", mpa, "date", day,
	     "result", "13", "department", "MPA-ZZ", NULL);
	settle(c);
	step(c, "campaign", "J1", "uscc", uscc, "inspector", mpa, "date", day,
	     "result", "01", "department", "CUSTOMS-ZZ", NULL);
	refused(c, "CUSTOMS-ZZ checks none of the items");
	/* MPA-ZZ corrects its own result; SAMR-ZZ's stands. */
	step(c, "action", "correct", "campaign", "J1", "uscc", uscc,
	     "department", "MPA-ZZ", "result", "05", "note", "复核", NULL);
	settle(c);
	mine = cmd(c, "HGET {insp}:results:J1 %s@MPA-ZZ", uscc);
	cr_assert(!strncmp(mine->str + 11, "05\x1f", 3), "%s", mine->str);
	freeReplyObject(mine);
	mine = cmd(c, "HGET {insp}:results:J1 %s", uscc);
	cr_assert(!strncmp(mine->str + 11, "01\x1f", 3), "%s", mine->str);
	freeReplyObject(mine);
	/* The national record: a line for each department's result. */
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/public", r.dir);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "J1 --format national-csv --out %s", INSPECTCTL_PATH,
			 d.config, dir), 0, "%s", out);
	snprintf(dir, sizeof(dir), "%s/public/J1.national.csv", r.dir);
	char *nat = slurp(dir);
	char line[256];
	snprintf(line, sizeof(line), "%s,", uscc);
	const char *first = strstr(nat, line);
	cr_assert(first && strstr(first + 1, line), "%s", nat);
	/* (No departments list here: agencies by their codes.) */
	snprintf(line, sizeof(line), ",SAMR-ZZ,不定向抽查,%s,未发现问题\r\n",
		 day);
	cr_assert(strstr(nat, line), "%s", nat);
	snprintf(line, sizeof(line), ",MPA-ZZ,不定向抽查,%s,发现问题已责令改正"
		 "\r\n", day);
	cr_assert(strstr(nat, line), "%s", nat);
	free(nat);
	/* The report counts each item by its own result (YJ-004's problem
	 * is MPA-ZZ's corrected one, SC-017 had none) and each department by
	 * its own. */
	cr_assert_eq(run(out, sizeof(out), "%s report --config %s --from "
			 "2000-01-01 --to 2100-12-31 --format csv",
			 INSPECTCTL_PATH, d.config), 0, "%s", out);
	static const char *const rows[] = {
		"rate_by_item,1,item,SC-017\r\n",
		"rate_by_item,1,results,1\r\n",
		"rate_by_item,1,problems,0\r\n",
		"rate_by_item,2,item,YJ-004\r\n",
		"rate_by_item,2,results,1\r\n",
		"rate_by_item,2,problems,1\r\n",
		"rate_by_department,0,department,SAMR-ZZ\r\n",
		"rate_by_department,0,problems,0\r\n",
		"rate_by_department,1,department,MPA-ZZ\r\n",
		"rate_by_department,1,results,1\r\n",
		"rate_by_department,1,problems,1\r\n"};
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++)
		cr_assert(strstr(out, rows[i]), "no %s in\n%s", rows[i], out);
	stop(&r, &d, c);
}

/* The record form: how the inspection was made, what it found, and a
 * follow-up (后续处置) with its own day and outcome; a result 11 needs
 * one, a result that found nothing takes none. */
Test(review, follow_ups_have_their_day_and_outcome, .timeout = 180)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char policies[512];
	start(&r, &d, &c, policies);
	publish_past(c, "F1", "henan-2021", "SC-001");
	static struct visit v[512];
	size_t n = read_visits(c, "F1", v, 512);
	cr_assert_gt(n, 2);
	refusals = 0;
	step(c, "campaign", "F1", "uscc", v[0].uscc, "inspector",
	     v[0].inspector, "date", v[0].date, "result", "11", NULL);
	refused(c, "field follow_up: missing (result 11");
	step(c, "campaign", "F1", "uscc", v[0].uscc, "inspector",
	     v[0].inspector, "date", v[0].date, "result", "01", "follow_up",
	     "复查", "follow_up_due", "2026-11-30", NULL);
	refused(c, "result 01 found no problem to follow up");
	step(c, "campaign", "F1", "uscc", v[0].uscc, "inspector",
	     v[0].inspector, "date", v[0].date, "result", "11", "method",
	     "onsite", "findings", "未按规定公示年度报告", "follow_up",
	     "责令限期补报", "follow_up_due", "2026-11-13", NULL);
	step(c, "campaign", "F1", "uscc", v[1].uscc, "inspector",
	     v[1].inspector, "date", v[1].date, "result", "05", "method",
	     "telepathy", NULL);
	refused(c, "field method: must be onsite");
	settle(c);
	/* Open and past its day: overdue lists it. */
	cr_assert_eq(run(out, sizeof(out), "%s overdue --config %s --campaign "
			 "F1", INSPECTCTL_PATH, d.config), 0, "%s", out);
	cr_assert(strstr(out, "follow-up due 2026-11-13  overdue: 责令限期补报"),
		  "%s", out);
	cr_assert(strstr(out, "1 follow-ups open, 1 past their day"), "%s",
		  out);
	/* Its outcome, once; public with whether it was on time. */
	step(c, "action", "follow_up", "campaign", "F1", "uscc", v[0].uscc,
	     "department", "SAMR-ZZ", "follow_up_outcome", "prosecuted", NULL);
	refused(c, "field follow_up_outcome: must be rectified");
	step(c, "action", "follow_up", "campaign", "F1", "uscc", v[1].uscc,
	     "department", "SAMR-ZZ", "follow_up_outcome", "closed", NULL);
	refused(c, "no result of");
	step(c, "action", "follow_up", "campaign", "F1", "uscc", v[0].uscc,
	     "department", "SAMR-ZZ", "follow_up_outcome", "case_filed",
	     "note", "已立案", NULL);
	settle(c);
	step(c, "action", "follow_up", "campaign", "F1", "uscc", v[0].uscc,
	     "department", "SAMR-ZZ", "follow_up_outcome", "closed", NULL);
	refused(c, "its follow-up was recorded on");
	cr_assert_eq(count_type(c, "{insp}:public", "follow_up_done"), 1);
	static char late[4][64];
	cr_assert_eq(stream_values(c, "{insp}:public", "on_time", late, 4), 2);
	cr_assert_str_eq(late[1], "0");
	cr_assert(wait_xlen(c, "credit:events", 2, 5000));
	cr_assert_eq(count_type(c, "credit:events", "inspection_follow_up"), 1);
	static char method[4][64];
	stream_values(c, "credit:events", "method", method, 4);
	cr_assert_str_eq(method[0], "onsite");
	cr_assert_eq(run(out, sizeof(out), "%s overdue --config %s --campaign "
			 "F1", INSPECTCTL_PATH, d.config), 0, "%s", out);
	cr_assert(strstr(out, "0 follow-ups open, 0 past their day"), "%s",
		  out);
	stop(&r, &d, c);
}
