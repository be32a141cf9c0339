/* Inspection results against a real redis-server: valid ones are recorded,
 * made public and, when adverse, handed to the credit platform; every bad
 * one is refused with its reason, set aside and made public as refused;
 * none is lost or applied twice, also across kill -9. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inspect/core/uscc.h"

struct visit_row {
	char uscc[19], date[11], team[10][33];
	int n_team;
};

/* The campaign's visits, from <p>visits:<id>: uscc -> date, ids, ... */
static size_t read_visits(redisContext *c, const char *id,
			  struct visit_row *out, size_t max)
{
	redisReply *h = cmd(c, "HGETALL {insp}:visits:%s", id);
	size_t n = 0;
	for (size_t i = 0; i + 1 < h->elements && n < max; i += 2, n++) {
		struct visit_row *v = &out[n];
		const char *val = h->element[i + 1]->str;
		snprintf(v->uscc, sizeof(v->uscc), "%s", h->element[i]->str);
		memcpy(v->date, val, 10);
		v->date[10] = '\0';
		char ids[400];
		const char *at = val + 11, *sep = strchr(at, 0x1f);
		snprintf(ids, sizeof(ids), "%.*s", (int)(sep - at), at);
		v->n_team = 0;
		for (char *save, *t = strtok_r(ids, ";", &save); t;
		     t = strtok_r(NULL, ";", &save))
			snprintf(v->team[v->n_team++], 33, "%s", t);
	}
	freeReplyObject(h);
	return n;
}

static void result(redisContext *c, const char *campaign, const char *uscc,
		   const char *inspector, const char *date, const char *code,
		   const char *note)
{
	redisReply *r = cmd(c, "XADD {insp}:results * campaign %s uscc %s "
			    "inspector %s date %s result %s note %s", campaign,
			    uscc, inspector, date, code, note);
	freeReplyObject(r);
}

/* Waits until n results have been answered (recorded or refused). */
static bool wait_answered(redisContext *c, const char *campaign,
			  long long n, int timeout_ms)
{
	for (int t = 0; t < timeout_ms / 50; t++) {
		long long done = cmd_int(c, "HLEN {insp}:results:%s", campaign) +
				 cmd_int(c, "XLEN {insp}:results:rejected");
		if (done >= n)
			return done == n;
		sleep_ms(50);
	}
	return false;
}

static void start(struct redis_proc *r, struct daemon_proc *d,
		  redisContext **c)
{
	redis_start(r);
	load_population(r->port, 3000, 21, NULL);
	*c = redis_client(r->port);
	daemon_start(d, r->dir, r->port, "resulter", POLICIES_DIR, NULL);
	/* Visits in the past, so that results dated inside the window are
	 * not in the future whenever the test runs. */
	submit(*c, "type", "campaign", "id", "P1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "r", NULL);
	cr_assert(wait_status(*c, "P1", "published", 20000));
}

Test(results, valid_results_are_public_and_bad_ones_refused_with_a_reason,
     .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	start(&r, &d, &c);
	static struct visit_row v[512];
	size_t n = read_visits(c, "P1", v, 512);
	cr_assert_gt(n, 3);
	/* A valid code that was not drawn, and one with a wrong check. */
	char not_drawn[19] = "91110000000000001", bad[19];
	not_drawn[17] = uscc_check_char(not_drawn);
	memcpy(bad, not_drawn, 19);
	bad[17] = bad[17] == '0' ? '1' : '0';
	result(c, "P1", v[0].uscc, v[0].team[0], v[0].date, "01", "");
	result(c, "P1", v[1].uscc, v[1].team[1], v[1].date, "02",
	       "未按时公示年度报告");
	/* Each of these is refused, for the reason after it. */
	static const char *const reasons[] = {
		"already recorded", "field result:", "was not drawn",
		"was not on the team", "outside the campaign's window",
		"is unknown", "field inspector: missing",
		"not a field of a result entry", "field uscc:",
	};
	result(c, "P1", v[0].uscc, v[0].team[1], v[0].date, "05", "");
	result(c, "P1", v[2].uscc, v[2].team[0], v[2].date, "99", "");
	result(c, "P1", not_drawn, v[2].team[0], v[2].date, "01", "");
	result(c, "P1", v[2].uscc, "nobody", v[2].date, "01", "");
	result(c, "P1", v[2].uscc, v[2].team[0], "2026-09-01", "01", "");
	result(c, "NOPE", v[2].uscc, v[2].team[0], v[2].date, "01", "");
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign P1 uscc %s "
			    "date %s result 01", v[2].uscc, v[2].date));
	freeReplyObject(cmd(c, "XADD {insp}:results * campaign P1 uscc %s "
			    "inspector %s date %s result 01 grade A",
			    v[2].uscc, v[2].team[0], v[2].date));
	result(c, "P1", bad, v[2].team[0], v[2].date, "01", "");
	cr_assert(wait_answered(c, "P1", 11, 20000));
	cr_assert_eq(cmd_int(c, "HLEN {insp}:results:P1"), 2);
	cr_assert_eq(cmd_int(c, "HGET {insp}:campaign:P1 results"), 2);
	/* Refused: set aside in order, each with its reason. */
	static char why[16][64];
	size_t k = stream_values(c, "{insp}:results:rejected", "reason", why, 16);
	cr_assert_eq(k, 9);
	redisReply *x = cmd(c, "XRANGE {insp}:results:rejected - +");
	for (size_t i = 0; i < x->elements; i++) {
		redisReply *f = x->element[i]->element[1];
		const char *reason = f->element[3]->str;
		cr_assert(strstr(reason, reasons[i]), "refusal %zu: %s", i,
			  reason);
	}
	freeReplyObject(x);
	/* Public: two results and nine refusals, and no note, inspector,
	 * class, score, flags or probability. */
	x = cmd(c, "XRANGE {insp}:public - +");
	int results = 0, refused = 0;
	for (size_t i = 0; i < x->elements; i++) {
		redisReply *f = x->element[i]->element[1];
		results += !strcmp(f->element[1]->str, "result");
		refused += !strcmp(f->element[1]->str, "result_rejected");
		for (size_t j = 0; j < f->elements; j += 2) {
			const char *name = f->element[j]->str;
			cr_assert(strcmp(name, "note") && strcmp(name, "inspector")
				  && strcmp(name, "class") && strcmp(name, "score")
				  && strcmp(name, "flags") && strcmp(name, "pi"),
				  "public field %s", name);
		}
	}
	freeReplyObject(x);
	cr_assert_eq(results, 2);
	cr_assert_eq(refused, 9);
	/* Only the adverse result reaches the credit platform. */
	static char ev[4][64];
	wait_xlen(c, "credit:events", 1, 5000);
	cr_assert_eq(stream_values(c, "credit:events", "uscc", ev, 4), 1);
	cr_assert_str_eq(ev[0], v[1].uscc);
	stream_values(c, "credit:events", "result", ev, 4);
	cr_assert_str_eq(ev[0], "02");
	cr_assert_str_eq(daemon_state(&d), "running");
	/* A daemon's first step of a day logs the campaigns with results
	 * due: P1's visits of October without a result are overdue. */
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	daemon_start(&d, r.dir, r.port, "resulter", POLICIES_DIR, NULL);
	char want[96];
	snprintf(want, sizeof(want), "msg=\"results due\" campaign=P1 "
		 "overdue=%zu ", n - 2);
	cr_assert(daemon_await_log(&d, want, 10000), "%s", want);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

Test(results, every_result_is_applied_once_across_kill_9, .timeout = 120)
{
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	start(&r, &d, &c);
	static struct visit_row v[512];
	size_t n = read_visits(c, "P1", v, 512);
	cr_assert_gt(n, 20);
	for (size_t i = 0; i < n; i++)
		result(c, "P1", v[i].uscc, v[i].team[0], v[i].date,
		       i % 3 ? "01" : "04", "");
	for (int k = 0; k < 3; k++) {
		sleep_ms(20 * (k + 1));
		daemon_signal(&d, SIGKILL);
		daemon_wait(&d);
		daemon_start(&d, r.dir, r.port, "resulter", POLICIES_DIR, NULL);
	}
	cr_assert(wait_answered(c, "P1", (long long)n, 30000));
	cr_assert_eq(cmd_int(c, "XLEN {insp}:results:rejected"), 0);
	cr_assert_eq(cmd_int(c, "HGET {insp}:campaign:P1 results"),
		     (long long)n);
	static char u[512][64];
	size_t m = stream_values(c, "{insp}:public", "result", u, 512);
	cr_assert_eq(m, n, "public results: %zu of %zu", m, n);
	wait_xlen(c, "credit:events", (long long)((n + 2) / 3), 5000);
	cr_assert_eq(cmd_int(c, "XLEN credit:events"),
		     (long long)((n + 2) / 3));
	cr_assert_eq(cmd_int(c, "XLEN {insp}:outbox"), 0);
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
