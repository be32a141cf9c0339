/* The tokens file, and what the dashboard's page, API and metrics show
 * to whom (docs/HTTP.md). */
#include <criterion/criterion.h>
#include <string.h>

#include "inspect/core/access.h"
#include "inspect/core/board.h"
#include "inspect/core/date.h"

static const char tokens[] =
	"# staff\n"
	"samr-token-0123456789 SAMR-ZZ\n"
	"  pair-token-0123456789\tSAMR-ZZ,MPA-ZZ  \r\n"
	"\n"
	"all-token-0123456789abcd *\n";

Test(board, tokens_file)
{
	struct access_list l;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(access_parse(tokens, strlen(tokens), "t", &l, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(l.n, 3);
	const struct access_entry *e = access_find(&l, "pair-token-0123456789",
						   21);
	cr_assert(e == &l.v[1]);
	cr_assert_eq(e->n_departments, 2);
	cr_assert_str_eq(e->departments[1], "MPA-ZZ");
	cr_assert(l.v[2].all && !l.v[0].all);
	cr_assert_null(access_find(&l, "samr-token-012345678", 20));
	cr_assert_null(access_find(&l, "samr-token-0123456789x", 22));
	cr_assert_null(access_find(&l, "", 0));
	access_free(&l);
	static const char *const bad[][2] = {
		{"short SAMR-ZZ\n", "t:1: a token has 16 to 128"},
		{"# x\nsamr-token-0123456789\n", "t:2: the token names no"},
		{"samr-token-0123456789 SAMR ZZ\n", "'SAMR ZZ' is not a"},
		{"samr-token-012345678! SAMR-ZZ\n", "t:1: a token is made of"},
		{"samr-token-0123456789 A\nsamr-token-0123456789 B\n",
		 "t:2: the token of line 1 again"},
		{"samr-token-0123456789 A,,B\n", "'' is not a department"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		diag_init(&err);
		cr_assert_eq(access_parse(bad[i][0], strlen(bad[i][0]), "t", &l,
					  &err), -1, "%s", bad[i][0]);
		cr_assert(strstr(diag_text(&err), bad[i][1]), "%s: %s",
			  bad[i][0], diag_text(&err));
	}
}

static struct board sample(void)
{
	static struct board_campaign c[2];
	static struct board_visit v[1];
	static struct board_refusal r[2];
	static struct board_consumer k[1];
	static struct board_batch pb[2] = {
		{"P1", "MPA-ZZ", "P1-DRUG-1", "2026-12-02", "frozen"},
		{"P2", "SAMR-ZZ", "P2-FOOD-1", "2026-12-01", "published"}};
	memset(c, 0, sizeof(c));
	strcpy(c[0].id, "S1");
	strcpy(c[0].department, "SAMR-ZZ");
	c[0].selected = 10;
	c[0].status[RESULT_ON_TIME] = 9;
	c[0].next_deadline = DATE_NONE;
	strcpy(c[1].id, "M1");
	strcpy(c[1].department, "MPA-ZZ");
	c[1].selected = 4;
	c[1].status[RESULT_OVERDUE] = 3;
	c[1].next_deadline = date_from_civil(2026, 11, 9);
	strcpy(v[0].campaign, "M1");
	strcpy(v[0].department, "MPA-ZZ");
	strcpy(v[0].uscc, "91000000000000000X");
	strcpy(v[0].name, "<b>药店</b>");
	strcpy(v[0].team, "张三 Z0001, 李四 Z0002");
	v[0].date = date_from_civil(2026, 12, 2);
	strcpy(r[0].stream, "intake");
	strcpy(r[0].department, "SAMR-ZZ");
	strcpy(r[0].reason, "field size: 'ten'");
	strcpy(r[1].stream, "results");
	strcpy(r[1].department, "MPA-ZZ");
	strcpy(r[1].reason, "unknown campaign");
	strcpy(k[0].stream, "intake");
	strcpy(k[0].name, "a\"b");
	k[0].pending = 2;
	return (struct board){.today = date_from_civil(2026, 12, 2),
			      .redis_up = true, .intake_group = true,
			      .results_group = true, .consumers = k,
			      .n_consumers = 1, .campaigns = c, .n_campaigns = 2,
			      .visits = v, .n_visits = 1, .refusals = r,
			      .n_refusals = 2, .batches = pb, .n_batches = 2};
}

Test(board, each_department_sees_its_own)
{
	struct board b = sample();
	const char *samr[] = {"SAMR-ZZ"};
	struct board_view v = {samr, 1, false, b.today, 0, 5, NULL, NULL};
	struct strbuf o = {0};
	board_json(&b, &v, &o);
	cr_assert(strstr(o.s, "\"id\":\"S1\"") && !strstr(o.s, "M1") &&
		  !strstr(o.s, "MPA") && strstr(o.s, "field size") &&
		  !strstr(o.s, "unknown campaign"), "%s", o.s);
	cr_assert(strstr(o.s, "\"on_time\":9"), "%s", o.s);
	cr_assert(strstr(o.s, "P2-FOOD-1") && !strstr(o.s, "P1-DRUG-1"), "%s",
		  o.s);
	sb_finish(&o);
	board_html(&b, &v, &o);
	cr_assert(!strstr(o.s, "M1") && !strstr(o.s, "Operations"), "%s", o.s);
	cr_assert(!strstr(o.s, "李四"), "another department's team");
	sb_finish(&o);
	/* Every department: the overdue campaign first, text escaped, the
	 * operations section. */
	v.all = true;
	board_html(&b, &v, &o);
	const char *m = strstr(o.s, ">M1</a>"), *s = strstr(o.s, ">S1</a>");
	cr_assert(m && s && m < s, "%s", o.s);
	cr_assert(strstr(o.s, "&lt;b&gt;药店") && !strstr(o.s, "<b>药店"));
	cr_assert(strstr(o.s, "Operations") && strstr(o.s, "a&quot;b"));
	cr_assert(strstr(o.s, "<script>") && strstr(o.s, board_script));
	/* The plan's frozen batch awaits its entropy; the inspectors' load
	 * counts each member of a team. */
	cr_assert(strstr(o.s, "frozen: awaiting entropy"), "%s", o.s);
	cr_assert(strstr(o.s, "<td>李四 Z0002</td><td class=\"num\">1</td>"),
		  "%s", o.s);
	sb_finish(&o);
	/* One campaign's page. */
	v.campaign = "S1";
	board_html(&b, &v, &o);
	cr_assert(strstr(o.s, "<h1>S1</h1>") && !strstr(o.s, ">M1</a>"));
	sb_finish(&o);
}

Test(board, metrics_text)
{
	struct metrics m = {0};
	histogram_observe(&m.histogram[METRIC_PUBLICATION], 0.3);
	histogram_observe(&m.histogram[METRIC_PUBLICATION], 0.3);
	histogram_observe(&m.histogram[METRIC_PUBLICATION], 500);
	m.counter[METRIC_RESULTS_ANSWERED] = 5;
	m.counter[METRIC_RESULTS_REFUSED] = 2;
	struct board b = sample();
	struct strbuf o = {0};
	metrics_text(&m, &b, 1000, &o);
	static const char *const lines[] = {
		"inspectd_publication_seconds_bucket{le=\"0.25\"} 0\n",
		"inspectd_publication_seconds_bucket{le=\"0.5\"} 2\n",
		"inspectd_publication_seconds_bucket{le=\"120\"} 2\n",
		"inspectd_publication_seconds_bucket{le=\"+Inf\"} 3\n",
		"inspectd_publication_seconds_count 3\n",
		"inspectd_publication_seconds_sum 500.600000\n",
		"inspectd_results_total{outcome=\"accepted\"} 3\n",
		"inspectd_results_total{outcome=\"refused\"} 2\n",
		"inspectd_campaigns{status=\"in_progress\"} 2\n",
		"inspectd_visits{result=\"overdue\"} 3\n",
		"inspectd_results_overdue 3\n",
		"inspectd_pending_entries{stream=\"intake\",consumer=\"a\\\"b\"} 2\n",
		"# TYPE inspectd_fetch_seconds histogram\n"};
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		cr_assert(strstr(o.s, lines[i]), "no %s in\n%s", lines[i], o.s);
	sb_finish(&o);
	/* Redis unreachable: no stale gauges. */
	b.redis_up = false;
	metrics_text(&m, &b, 1000, &o);
	cr_assert(strstr(o.s, "inspectd_redis_up 0\n") &&
		  !strstr(o.s, "inspectd_results_overdue"));
	sb_finish(&o);
}
