/* The report's tables (tables.h writes them as text, CSV, JSON; stats_html
 * draws its charts from them): every number of docs/REPORT.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/stats.h"

static const char class_names[CLASS_COUNT + 1][8] = {"A", "B", "C", "D",
						      "unknown"};

static double share(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void pool_table(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(
		r, "pool", "主体与抽查覆盖 The pool and its coverage",
		"class,#entities,#inspected,#coverage,#visits_0,#visits_1,"
		"#visits_2,#visits_3_or_more");
	uint64_t all[STATS_VISIT_BINS + 2] = {0};
	for (int c = 0; c < CLASS_COUNT; c++) {
		const uint64_t *b = s->bins[c];
		table_row(r, t, "%s|%llu|%llu|%.6f|%llu|%llu|%llu|%llu",
		    class_names[c], (unsigned long long)s->pool_n[c],
		    (unsigned long long)s->inspected[c],
		    share(s->inspected[c], s->pool_n[c]),
		    (unsigned long long)b[0], (unsigned long long)b[1],
		    (unsigned long long)b[2], (unsigned long long)b[3]);
		all[0] += s->pool_n[c];
		all[1] += s->inspected[c];
		for (int k = 0; k < STATS_VISIT_BINS; k++)
			all[2 + k] += b[k];
	}
	table_row(r, t, "all|%llu|%llu|%.6f|%llu|%llu|%llu|%llu",
	    (unsigned long long)all[0], (unsigned long long)all[1],
	    share(all[1], all[0]), (unsigned long long)all[2],
	    (unsigned long long)all[3], (unsigned long long)all[4],
	    (unsigned long long)all[5]);
}

static void summary_table(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(r, "summary", "概况 Summary",
				      "measure,#value");
	uint64_t results = 0;
	for (size_t i = 0; i < n_result_codes; i++)
		results += s->by_code[i];
	table_row(r, t, "campaigns|%llu", (unsigned long long)s->campaigns);
	table_row(r, t, "visits|%llu", (unsigned long long)s->visits);
	table_row(r, t, "visits_merged_into_others|%llu",
	    (unsigned long long)s->skipped);
	table_row(r, t, "visits_outside_the_pool|%llu",
	    (unsigned long long)s->outside);
	table_row(r, t, "results|%llu", (unsigned long long)results);
}

static void results_table(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(r, "results", "检查结果 Results by code",
				      "code,text,#results,#share");
	uint64_t all = 0;
	for (size_t i = 0; i < n_result_codes; i++)
		all += s->by_code[i];
	for (size_t i = 0; i < n_result_codes; i++)
		if (s->by_code[i])
			table_row(r, t, "%s|%s|%llu|%.6f", result_codes[i].code,
			    result_codes[i].zh,
			    (unsigned long long)s->by_code[i],
			    share(s->by_code[i], all));
}

#define RATE_COLS                                                              \
	"#visits,#results,#not_inspected,#problems,#problem_rate,#ci_low,"    \
	"#ci_high"

static void rate_row(struct table_set *r, struct table *t,
		     const char *key, const struct stats_counts *c)
{
	struct stats_rate x = stats_rate_of(c);
	if (x.n)
		table_row(r, t, "%s|%llu|%llu|%llu|%llu|%.6f|%.6f|%.6f", key,
		    (unsigned long long)c->visits,
		    (unsigned long long)c->results,
		    (unsigned long long)c->not_inspected,
		    (unsigned long long)c->problems, x.p, x.lo, x.hi);
	else /* no rate without results: empty cells, not a zero */
		table_row(r, t, "%s|%llu|%llu|%llu|%llu|||", key,
		    (unsigned long long)c->visits,
		    (unsigned long long)c->results,
		    (unsigned long long)c->not_inspected,
		    (unsigned long long)c->problems);
}

static void rate_tables(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(
		r, "rate_by_class",
		"按信用风险分类的问题发现率 Problems found by credit class "
		"(at the draw)", "class," RATE_COLS);
	for (int c = 0; c <= CLASS_COUNT; c++)
		if (c < CLASS_COUNT || s->by_class[c].visits)
			rate_row(r, t, class_names[c], &s->by_class[c]);
	t = table_add(r, "rate_by_task_type",
		  "按任务类型 Problems found by task type",
		  "task_type," RATE_COLS);
	for (int k = 0; k < TASK_TYPES; k++)
		rate_row(r, t, task_type_names[k], &s->by_type[k]);
	t = table_add(r, "rate_by_item", "按抽查事项 Problems found by item",
		  "item," RATE_COLS);
	for (size_t i = 0; i < s->n_items; i++)
		rate_row(r, t, s->by_item[i].key, &s->by_item[i].c);
	t = table_add(r, "rate_by_department",
		  "按实施部门 Problems found by department",
		  "department," RATE_COLS);
	for (size_t i = 0; i < s->n_departments; i++)
		rate_row(r, t, s->by_department[i].key,
			 &s->by_department[i].c);
}

static void timing_table(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(
		r, "on_time",
		"结果公示时限（20个工作日） Results public within 20 working days",
		"status,#visits");
	for (int k = 0; k < RESULT_STATUSES; k++)
		table_row(r, t, "%s|%llu", result_status_names[k],
		    (unsigned long long)s->by_status[k]);
}

static void load_table(struct table_set *r, const struct stats *s)
{
	struct table *t = table_add(r, "inspectors",
				      "执法人员工作量 The inspectors' load",
				      "measure,#value");
	uint64_t total = 0;
	for (size_t i = 0; i < s->n_inspectors; i++)
		total += s->inspectors[i].visits;
	table_row(r, t, "inspectors_sent|%zu", s->n_inspectors);
	table_row(r, t, "inspector_visits|%llu", (unsigned long long)total);
	table_row(r, t, "visits_per_inspector_mean|%.3f", s->load_mean);
	table_row(r, t, "visits_per_inspector_sd|%.3f", s->load_sd);
	table_row(r, t, "visits_per_inspector_min|%llu",
	    (unsigned long long)s->load_min);
	table_row(r, t, "visits_per_inspector_max|%llu",
	    (unsigned long long)s->load_max);
	table_row(r, t, "same_inspector_same_entity_again|%llu",
	    (unsigned long long)s->repeat_pairs);
}

static void review_tables(struct table_set *r, const struct review *v)
{
	bool pps = v->design == DESIGN_PPS;
	struct table *t = table_add(
		r, "review",
		"下一年度抽查比例建议 Class rates suggested for next year",
		pps ? "class,#entities,#expected_visits,#results,#problem_rate,"
		      "#ci_low,#ci_high,kept,#scale,#suggested_weight,"
		      "#expected_visits_after"
		    : "class,#entities,#expected_visits,#results,"
		      "#problem_rate,#ci_low,#ci_high,kept,#scale,"
		      "#suggested_rate,#expected_visits_after");
	for (int c = 0; c < CLASS_COUNT; c++) {
		const struct review_class *x = &v->cls[c];
		if (x->observed.n)
			table_row(r, t, "%s|%llu|%.3f|%llu|%.6f|%.6f|%.6f|%s|%.6f|%s|"
				  "%.3f", class_names[c],
			    (unsigned long long)x->pool, x->expected,
			    (unsigned long long)x->observed.n, x->observed.p,
			    x->observed.lo, x->observed.hi,
			    x->kept ? "yes" : "no", x->scale, x->suggested,
			    x->expected_after);
		else
			table_row(r, t, "%s|%llu|%.3f|0||||yes|%.6f|%s|%.3f",
			    class_names[c], (unsigned long long)x->pool,
			    x->expected, x->scale, x->suggested,
			    x->expected_after);
	}
	t = table_add(r, "review_totals", "建议的工作量 The workload, now and "
		  "suggested", "measure,value");
	table_row(r, t, "policy|%s", v->policy);
	table_row(r, t, "rule|rate ~ problem rate; same total; within x%g; "
		  "kept below %u results", v->max_change, v->min_results);
	table_row(r, t, "expected_visits|%.3f", v->total);
	table_row(r, t, "expected_visits_after|%.3f", v->total_after);
	table_row(r, t, "inspector_days|%.3f", v->inspector_days);
	table_row(r, t, "inspector_days_after|%.3f", v->inspector_days_after);
	table_row(r, t, "workload_out_of_reach_within_bounds|%s",
	    v->bounded ? "yes" : "no");
}

void stats_report_build(struct table_set *r, const struct stats *s,
			const struct review *rv,
			const struct stats_scope *scope)
{
	memset(r, 0, sizeof(*r));
	r->head = "scope";
	table_head(r, "from", scope->from);
	table_head(r, "to", scope->to);
	table_head(r, "department", scope->department);
	table_head(r, "region", scope->region);
	table_head(r, "generated", scope->generated);
	summary_table(r, s);
	pool_table(r, s);
	results_table(r, s);
	rate_tables(r, s);
	timing_table(r, s);
	load_table(r, s);
	if (rv)
		review_tables(r, rv);
}

