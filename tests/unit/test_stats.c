/* The report's numbers on data small enough to count by hand, and the
 * ratio review's rule checked against its statement (docs/REPORT.md). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/stats.h"

static const struct result_code *code(const char *c)
{
	return result_code_find(c, 2);
}

/* Wilson's interval from its definition, independently of the closed form
 * the core uses: the p whose score statistic |k/n - p| / sqrt(p(1-p)/n)
 * equals z, the two roots of (k/n - p)^2 = z^2 p (1 - p) / n. */
static void wilson_roots(double k, double n, double *lo, double *hi)
{
	double z = 1.959963984540054, ph = k / n;
	double a = 1 + z * z / n, b = -(2 * ph + z * z / n), c = ph * ph;
	double d = sqrt(b * b - 4 * a * c);
	*lo = (-b - d) / (2 * a);
	*hi = (-b + d) / (2 * a);
}

Test(stats, wilson_intervals)
{
	static const unsigned cases[][2] = {{0, 19}, {6, 91}, {9, 38},
					    {50, 100}, {1, 1}, {400, 10000}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct stats_counts c = {0, cases[i][1], cases[i][0], 0};
		struct stats_rate r = stats_rate_of(&c);
		double lo, hi;
		wilson_roots(cases[i][0], cases[i][1], &lo, &hi);
		cr_assert_eq(r.n, cases[i][1]);
		cr_assert_float_eq(r.p, (double)cases[i][0] / cases[i][1], 1e-12);
		cr_assert_float_eq(r.lo, fmax(lo, 0), 1e-9, "%u/%u: %g vs %g",
				   cases[i][0], cases[i][1], r.lo, lo);
		cr_assert_float_eq(r.hi, fmin(hi, 1), 1e-9);
		cr_assert(r.lo <= r.p && r.p <= r.hi);
	}
	/* A result that found nothing to inspect is no trial. */
	struct stats_counts c = {10, 10, 2, 6};
	struct stats_rate r = stats_rate_of(&c);
	cr_assert_eq(r.n, 4);
	cr_assert_float_eq(r.p, 0.5, 1e-12);
	struct stats_counts none = {5, 0, 0, 0};
	cr_assert_eq(stats_rate_of(&none).n, 0);
}

/* Ten entities (A: 0-3, B: 4-6, C: 7-8, D: 9), two campaigns. */
Test(stats, counts_on_known_data)
{
	struct population pool;
	make_population((const unsigned[]){4, 3, 2, 1}, &pool);
	struct stats s;
	cr_assert_eq(stats_init(&s, &pool), 0);
	char (*team)[RESULT_ID_LEN + 1] = calloc(4, sizeof(*team));
	strcpy(team[0], "t1");
	strcpy(team[1], "t2");
	strcpy(team[2], "t3");
	const char *items1[] = {"X", "Y"}, *items2[] = {"X"};
	char stranger[USCC_LEN];
	make_uscc(999, stranger);

	cr_assert_eq(stats_campaign_begin(&s, &(struct stats_campaign){
		"C1", "SAMR", TASK_DIRECTED, items1, 2}), 0);
	/* C1's item Y has a share: checked at the visits of 4 and 9 (and
	 * at the stranger's, whose items are all: 0). */
	const struct stats_visit v1[] = {
		{pool.v[0].uscc, CLASS_A, false, team, 2, code("01"), RESULT_ON_TIME, 1, NULL, NULL, 0},
		{pool.v[4].uscc, CLASS_B, false, team, 2, code("02"), RESULT_ON_TIME, 3, NULL, NULL, 0},
		{pool.v[7].uscc, CLASS_C, false, team + 1, 2, code("05"), RESULT_LATE, 1, NULL, NULL, 0},
		{pool.v[9].uscc, CLASS_D, false, team + 1, 2, NULL, RESULT_OVERDUE, 3, NULL, NULL, 0},
		{stranger, STATS_CLASS_UNKNOWN, false, team, 1, code("08"),
		 RESULT_ON_TIME, 0, NULL, NULL, 0},
	};
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(stats_visit_add(&s, &v1[i]), 0);
	cr_assert_eq(stats_campaign_begin(&s, &(struct stats_campaign){
		"C2", "MPA", TASK_UNDIRECTED, items2, 1}), 0);
	const struct stats_visit v2[] = {
		/* The same door again, t1 among its team again. */
		{pool.v[0].uscc, CLASS_A, false, team, 2, code("01"), RESULT_ON_TIME, 0, NULL, NULL, 0},
		{pool.v[9].uscc, CLASS_D, false, team + 2, 1, code("11"), RESULT_PENDING, 0, NULL, NULL, 0},
		{pool.v[9].uscc, CLASS_D, false, team, 2, code("03"), RESULT_ON_TIME, 0, NULL, NULL, 0},
		{pool.v[5].uscc, CLASS_B, true, NULL, 0, NULL, RESULT_PENDING, 0, NULL, NULL, 0},
	};
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(stats_visit_add(&s, &v2[i]), 0);
	cr_assert_eq(stats_finish(&s), 0);

	cr_assert_eq(s.campaigns, 2);
	cr_assert_eq(s.visits, 8);
	cr_assert_eq(s.skipped, 1);
	cr_assert_eq(s.outside, 1);
	/* Coverage: A has 0 (twice); B 4; C 7; D 9 (three times). */
	cr_assert_eq(s.pool_n[CLASS_A], 4);
	cr_assert_eq(s.inspected[CLASS_A], 1);
	cr_assert_eq(s.inspected[CLASS_B], 1);
	cr_assert_eq(s.inspected[CLASS_C], 1);
	cr_assert_eq(s.inspected[CLASS_D], 1);
	cr_assert_eq(s.bins[CLASS_A][0], 3);
	cr_assert_eq(s.bins[CLASS_A][2], 1);
	cr_assert_eq(s.bins[CLASS_B][0], 2);
	cr_assert_eq(s.bins[CLASS_D][3], 1);
	/* Problems: 02 (B), 05 (C), 11 and 03 (D); 08 is no trial. */
	cr_assert_eq(s.by_class[CLASS_A].results, 2);
	cr_assert_eq(s.by_class[CLASS_A].problems, 0);
	cr_assert_eq(s.by_class[CLASS_D].visits, 3);
	cr_assert_eq(s.by_class[CLASS_D].results, 2);
	cr_assert_eq(s.by_class[CLASS_D].problems, 2);
	cr_assert_eq(s.by_class[STATS_CLASS_UNKNOWN].not_inspected, 1);
	cr_assert_eq(s.by_type[TASK_DIRECTED].visits, 5);
	cr_assert_eq(s.by_type[TASK_DIRECTED].problems, 2);
	cr_assert_eq(s.by_type[TASK_UNDIRECTED].visits, 3);
	cr_assert_eq(s.by_type[TASK_UNDIRECTED].problems, 2);
	cr_assert_eq(s.n_items, 2);
	cr_assert_str_eq(s.by_item[0].key, "X");
	cr_assert_eq(s.by_item[0].c.visits, 8);
	cr_assert_eq(s.by_item[0].c.problems, 4);
	cr_assert_eq(s.by_item[1].c.visits, 3, "Y at 3 of C1's 5 visits");
	cr_assert_eq(s.by_item[1].c.problems, 1, "02 at 4; none yet at 9");
	cr_assert_eq(s.n_departments, 2);
	cr_assert_eq(s.by_department[1].c.visits, 3);
	cr_assert_eq(s.by_code[result_code_find("01", 2) - result_codes], 2);
	cr_assert_eq(s.by_status[RESULT_ON_TIME], 5);
	cr_assert_eq(s.by_status[RESULT_OVERDUE], 1);
	/* Load: t1 on 5 visits (entity 0 twice, 4, 9, the stranger), t2 on
	 * 6 (0 twice, 4, 7, 9 twice), t3 on 3 (7, 9 twice). */
	cr_assert_eq(s.n_inspectors, 3);
	uint64_t load[3] = {0};
	for (size_t i = 0; i < 3; i++)
		load[s.inspectors[i].id[1] - '1'] = s.inspectors[i].visits;
	cr_assert_eq(load[0], 5);
	cr_assert_eq(load[1], 6);
	cr_assert_eq(load[2], 3);
	cr_assert_float_eq(s.load_mean, 14.0 / 3, 1e-12);
	cr_assert_float_eq(s.load_sd, sqrt(14.0) / 3, 1e-12);
	cr_assert_eq(s.load_min, 3);
	cr_assert_eq(s.load_max, 6);
	/* Repeats: t1 and t2 at entity 0 again, t2 and t3 at entity 9 again
	 * (the stranger is in no pool: not counted). */
	cr_assert_eq(s.repeat_pairs, 4);
	stats_free(&s);
	free(team);
	population_finish(&pool);
}

/* A joint campaign: SAMR's items X and Y, MPA's item Z. Each item counts
 * its own result where results list items; each department its own. */
Test(stats, per_item_and_partner_results)
{
	struct population pool;
	make_population((const unsigned[]){4, 0, 0, 0}, &pool);
	struct stats s;
	cr_assert_eq(stats_init(&s, &pool), 0);
	char team[1][RESULT_ID_LEN + 1] = {"t1"};
	const char *items[] = {"X", "Y", "Z"};
	cr_assert_eq(stats_campaign_begin(&s, &(struct stats_campaign){
		"J", "SAMR", TASK_DIRECTED, items, 3}), 0);
	const struct stats_part mpa_ok = {"MPA", code("01"), "Z:01"},
				mpa_bad = {"MPA", code("02"), "Z:02"};
	const struct stats_visit v[] = {
		/* X found a problem, Y none; MPA found one in Z. */
		{.uscc = pool.v[0].uscc, .cls = CLASS_A, .inspectors = team,
		 .n_inspectors = 1, .result = code("02"), .items = 0,
		 .item_results = "X:02,Y:01", .partners = &mpa_bad,
		 .n_partners = 1},
		/* Nothing found; MPA has not entered Z yet. */
		{.uscc = pool.v[1].uscc, .cls = CLASS_A, .inspectors = team,
		 .n_inspectors = 1, .result = code("01"),
		 .item_results = "X:01,Y:01"},
		/* Only MPA's result is in. */
		{.uscc = pool.v[2].uscc, .cls = CLASS_A, .inspectors = team,
		 .n_inspectors = 1, .partners = &mpa_ok, .n_partners = 1},
		/* A record from before per-item results: the visit's code
		 * serves every item. */
		{.uscc = pool.v[3].uscc, .cls = CLASS_A, .inspectors = team,
		 .n_inspectors = 1, .result = code("05"), .item_results = ""},
	};
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(stats_visit_add(&s, &v[i]), 0);
	cr_assert_eq(stats_finish(&s), 0);
	cr_assert_eq(s.n_items, 3);
	const struct stats_counts *x = &s.by_item[0].c, *y = &s.by_item[1].c,
				  *z = &s.by_item[2].c;
	cr_assert_eq(x->visits, 4);
	cr_assert_eq(x->results, 3, "no SAMR result at visit 2");
	cr_assert_eq(x->problems, 2, "visit 0's X and visit 3's 05");
	cr_assert_eq(y->results, 3);
	cr_assert_eq(y->problems, 1, "only visit 3's 05");
	cr_assert_eq(z->visits, 4);
	cr_assert_eq(z->results, 3, "visit 1's Z not entered by MPA");
	cr_assert_eq(z->problems, 2, "MPA's 02 at visit 0; visit 3's 05");
	cr_assert_eq(s.n_departments, 2);
	cr_assert_str_eq(s.by_department[1].key, "MPA");
	cr_assert_eq(s.by_department[0].c.results, 3);
	cr_assert_eq(s.by_department[1].c.results, 2);
	cr_assert_eq(s.by_department[1].c.problems, 1);
	/* The visit's own tables count each visit once. */
	cr_assert_eq(s.by_class[CLASS_A].visits, 4);
	cr_assert_eq(s.by_class[CLASS_A].results, 3);
	stats_free(&s);
	population_finish(&pool);
}

static const char stratified[] =
	"name: s\ndesign: stratified\nteam_size: 2\nclasses:\n"
	"  A: {rate: 0.01}\n  B: {rate: 0.02}\n  C: {rate: 0.1}\n"
	"  D: {rate: 0.5}\n";

/* The rule on numbers worked out by hand: 10,000 A, 5,000 B, 1,000 C,
 * 100 D; today 100 + 100 + 100 + 50 = 350 visits. Observed rates A 1%,
 * B 4%, C 10%, D too few results to judge. */
Test(stats, review_follows_its_rule)
{
	struct population pool;
	make_population((const unsigned[]){10000, 5000, 1000, 100}, &pool);
	struct policy p;
	policy_from_text(stratified, &p);
	const struct stats_counts by[CLASS_COUNT + 1] = {
		{100, 100, 1, 0}, {100, 100, 4, 0}, {100, 100, 10, 0},
		{50, 20, 10, 0}};
	const struct review_params rp = {&pool, &p, date_from_civil(2026, 1, 1),
					 0, 30, 2, by};
	struct review r;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(review_suggest(&rp, &r, &err), 0, "%s", diag_text(&err));
	cr_assert_float_eq(r.total, 350, 1e-6);
	cr_assert_float_eq(r.cls[CLASS_A].expected, 100, 1e-6);
	cr_assert(r.cls[CLASS_D].kept);
	cr_assert_str_eq(r.cls[CLASS_D].suggested, "0.5");
	/* A, B, C share 300 visits in proportion to N x p = 100 : 200 : 100,
	 * 75 : 150 : 75, all within a factor 2 of 100. */
	cr_assert_float_eq(r.cls[CLASS_A].scale, 0.75, 1e-9);
	cr_assert_float_eq(r.cls[CLASS_B].scale, 1.5, 1e-9);
	cr_assert_float_eq(r.cls[CLASS_C].scale, 0.75, 1e-9);
	cr_assert_str_eq(r.cls[CLASS_A].suggested, "0.0075");
	cr_assert_str_eq(r.cls[CLASS_B].suggested, "0.03");
	cr_assert_str_eq(r.cls[CLASS_C].suggested, "0.075");
	cr_assert_float_eq(r.total_after, 350, 1e-6);
	cr_assert_float_eq(r.inspector_days_after, 700, 1e-6);
	cr_assert(!r.bounded);
	cr_assert_eq(r.after.cls[CLASS_B].rate, 30000000000ULL);

	/* A tighter bound: B may only grow by 1.2 (to 120); the 30 visits it
	 * cannot take go to A and C in their proportion (1 : 1). */
	struct review_params tight = rp;
	tight.max_change = 1.2;
	cr_assert_eq(review_suggest(&tight, &r, &err), 0);
	cr_assert_float_eq(r.cls[CLASS_B].scale, 1.2, 1e-9);
	cr_assert_float_eq(r.cls[CLASS_A].scale, 0.9, 1e-9);
	cr_assert_float_eq(r.cls[CLASS_C].scale, 0.9, 1e-9);
	cr_assert_float_eq(r.total_after, 350, 1e-6);

	/* No problem found anywhere: every class at its lower bound, and the
	 * same workload out of reach, said so. */
	const struct stats_counts clean[CLASS_COUNT + 1] = {
		{100, 100, 0, 0}, {100, 100, 0, 0}, {100, 100, 0, 0},
		{50, 50, 0, 0}};
	struct review_params zero = rp;
	zero.by_class = clean;
	cr_assert_eq(review_suggest(&zero, &r, &err), 0);
	cr_assert(r.bounded);
	cr_assert_float_eq(r.total_after, 175, 1e-6);
	population_finish(&pool);
}

/* A pps policy keeps its size: the suggestion moves weights, and the
 * expected visits still add up to the size. */
Test(stats, review_of_a_pps_policy)
{
	struct population pool;
	make_population((const unsigned[]){1000, 1000, 1000, 1000}, &pool);
	struct policy p;
	policy_from_text("name: p\ndesign: pps\nsize: 400\nteam_size: 2\n"
			 "classes:\n  A: {weight: 1}\n  B: {weight: 1}\n"
			 "  C: {weight: 1}\n  D: {weight: 1}\n", &p);
	const struct stats_counts by[CLASS_COUNT + 1] = {
		{100, 100, 5, 0}, {100, 100, 10, 0}, {100, 100, 15, 0},
		{100, 100, 10, 0}};
	const struct review_params rp = {&pool, &p, date_from_civil(2026, 1, 1),
					 0, 30, 2, by};
	struct review r;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(review_suggest(&rp, &r, &err), 0, "%s", diag_text(&err));
	cr_assert_float_eq(r.total, 400, 1e-6);
	cr_assert_float_eq(r.total_after, 400, 1e-6);
	/* 5 : 10 : 15 : 10 of 400 = 50 : 100 : 150 : 100. */
	cr_assert_float_eq(r.cls[CLASS_A].expected_after, 50, 1e-6);
	cr_assert_float_eq(r.cls[CLASS_C].expected_after, 150, 1e-6);
	cr_assert_str_eq(r.cls[CLASS_C].suggested, "1.5");
	population_finish(&pool);
}

/* Every format writes the same tables; the page fetches nothing. */
Test(stats, formats_agree)
{
	struct population pool;
	make_population((const unsigned[]){2, 1, 1, 1}, &pool);
	struct stats s;
	cr_assert_eq(stats_init(&s, &pool), 0);
	const char *items[] = {"X"};
	char team[2][RESULT_ID_LEN + 1] = {"a", "b"};
	stats_campaign_begin(&s, &(struct stats_campaign){"C", "D<&>", 0,
							  items, 1});
	stats_visit_add(&s, &(struct stats_visit){pool.v[0].uscc, CLASS_A,
		false, team, 2, code("02"), RESULT_ON_TIME, 0, NULL, NULL, 0});
	cr_assert_eq(stats_finish(&s), 0);
	struct table_set rep;
	stats_report_build(&rep, &s, NULL, &(struct stats_scope){
		"2026-01-01", "2026-12-31", "", "41", "2026-12-01"});
	cr_assert(!rep.failed);
	const struct table *t = table_find(&rep, "pool");
	cr_assert_str_eq(table_cell(t, 0, 2), "1");        /* A inspected */
	cr_assert_str_eq(table_cell(t, 4, 1), "5");        /* all entities */
	cr_assert_str_eq(table_cell(t, 0, 3), "0.500000"); /* coverage */
	struct strbuf csv = {0}, json = {0}, html = {0}, text = {0};
	tables_csv(&rep, &csv);
	tables_json(&rep, &json);
	stats_html(&rep, &html);
	tables_text(&rep, "report", &text);
	cr_assert(strstr(csv.s, "pool,0,coverage,0.500000\r\n"), "%s", csv.s);
	cr_assert(strstr(csv.s, "scope,0,region,41\r\n"));
	cr_assert(strstr(json.s, "{\"class\":\"A\",\"entities\":2,\"inspected\":1,"
			 "\"coverage\":0.500000,"), "%s", json.s);
	/* No result, no rate: null, not 0. */
	cr_assert(strstr(json.s, "\"class\":\"B\",\"visits\":0,\"results\":0,"
			 "\"not_inspected\":0,\"problems\":0,\"problem_rate\":"
			 "null"), "%s", json.s);
	cr_assert(strstr(html.s, "D&lt;&amp;&gt;"));
	cr_assert_null(strstr(html.s, "D<&>"));
	cr_assert(strstr(html.s, "Content-Security-Policy\" content=\""
			 "default-src 'none'; style-src 'sha256-"));
	cr_assert_null(strstr(html.s, "src=\"http"));
	cr_assert_null(strstr(html.s, "href=\"http"));
	cr_assert(strstr(html.s, "<svg"));
	cr_assert(strstr(text.s, "coverage"));
	sb_finish(&csv);
	sb_finish(&json);
	sb_finish(&html);
	sb_finish(&text);
	table_set_free(&rep);
	stats_free(&s);
	population_finish(&pool);
}
