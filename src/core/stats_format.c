/* The report's tables, and the report as text, CSV and JSON. The tables
 * are built once; each format only writes them, so the numbers agree
 * between formats by construction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/markup.h"
#include "inspect/core/stats.h"

static const char class_names[CLASS_COUNT + 1][8] = {"A", "B", "C", "D",
						      "unknown"};

static struct stats_table *table(struct stats_report *r, const char *name,
				 const char *title, const char *cols)
{
	struct stats_table *t = &r->t[r->n++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
	/* cols: "name,#number,..." (a leading '#' marks a number) */
	for (const char *c = cols; *c && t->n_cols < STATS_MAX_COLS;) {
		size_t n = strcspn(c, ",");
		bool num = *c == '#';
		snprintf(t->cols[t->n_cols], sizeof(t->cols[0]), "%.*s",
			 (int)(n - num), c + num);
		t->numeric |= (unsigned)num << t->n_cols++;
		c += n + (c[n] == ',');
	}
	return t;
}

/* Adds a row; each value printf-formatted in turn from fmt's
 * '|'-separated parts. */
static void row(struct stats_report *r, struct stats_table *t,
		const char *fmt, ...)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 8;
		void *g = realloc(t->cells, cap * t->n_cols * STATS_CELL);
		if (!g) {
			r->failed = true;
			return;
		}
		t->cells = g;
		t->cap_rows = cap;
	}
	char line[STATS_MAX_COLS * STATS_CELL];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	char(*cell)[STATS_CELL] = t->cells + t->n_rows++ * t->n_cols;
	const char *c = line;
	for (unsigned i = 0; i < t->n_cols; i++) {
		size_t n = strcspn(c, "|");
		snprintf(cell[i], STATS_CELL, "%.*s", (int)n, c);
		c += n + (c[n] == '|');
	}
}

const char *stats_cell(const struct stats_table *t, size_t row_, unsigned col)
{
	return t->cells[row_ * t->n_cols + col];
}

const struct stats_table *stats_report_table(const struct stats_report *r,
					     const char *name)
{
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->t[i].name, name))
			return &r->t[i];
	return NULL;
}

static double share(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void pool_table(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(
		r, "pool", "主体与抽查覆盖 The pool and its coverage",
		"class,#entities,#inspected,#coverage,#visits_0,#visits_1,"
		"#visits_2,#visits_3_or_more");
	uint64_t all[STATS_VISIT_BINS + 2] = {0};
	for (int c = 0; c < CLASS_COUNT; c++) {
		const uint64_t *b = s->bins[c];
		row(r, t, "%s|%llu|%llu|%.6f|%llu|%llu|%llu|%llu",
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
	row(r, t, "all|%llu|%llu|%.6f|%llu|%llu|%llu|%llu",
	    (unsigned long long)all[0], (unsigned long long)all[1],
	    share(all[1], all[0]), (unsigned long long)all[2],
	    (unsigned long long)all[3], (unsigned long long)all[4],
	    (unsigned long long)all[5]);
}

static void summary_table(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(r, "summary", "概况 Summary",
				      "measure,#value");
	uint64_t results = 0;
	for (size_t i = 0; i < n_result_codes; i++)
		results += s->by_code[i];
	row(r, t, "campaigns|%llu", (unsigned long long)s->campaigns);
	row(r, t, "visits|%llu", (unsigned long long)s->visits);
	row(r, t, "visits_merged_into_others|%llu",
	    (unsigned long long)s->skipped);
	row(r, t, "visits_outside_the_pool|%llu",
	    (unsigned long long)s->outside);
	row(r, t, "results|%llu", (unsigned long long)results);
}

static void results_table(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(r, "results", "检查结果 Results by code",
				      "code,text,#results,#share");
	uint64_t all = 0;
	for (size_t i = 0; i < n_result_codes; i++)
		all += s->by_code[i];
	for (size_t i = 0; i < n_result_codes; i++)
		if (s->by_code[i])
			row(r, t, "%s|%s|%llu|%.6f", result_codes[i].code,
			    result_codes[i].zh,
			    (unsigned long long)s->by_code[i],
			    share(s->by_code[i], all));
}

#define RATE_COLS                                                              \
	"#visits,#results,#not_inspected,#problems,#problem_rate,#ci_low,"    \
	"#ci_high"

static void rate_row(struct stats_report *r, struct stats_table *t,
		     const char *key, const struct stats_counts *c)
{
	struct stats_rate x = stats_rate_of(c);
	if (x.n)
		row(r, t, "%s|%llu|%llu|%llu|%llu|%.6f|%.6f|%.6f", key,
		    (unsigned long long)c->visits,
		    (unsigned long long)c->results,
		    (unsigned long long)c->not_inspected,
		    (unsigned long long)c->problems, x.p, x.lo, x.hi);
	else /* no rate without results: empty cells, not a zero */
		row(r, t, "%s|%llu|%llu|%llu|%llu|||", key,
		    (unsigned long long)c->visits,
		    (unsigned long long)c->results,
		    (unsigned long long)c->not_inspected,
		    (unsigned long long)c->problems);
}

static void rate_tables(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(
		r, "rate_by_class",
		"按信用风险分类的问题发现率 Problems found by credit class "
		"(at the draw)", "class," RATE_COLS);
	for (int c = 0; c <= CLASS_COUNT; c++)
		if (c < CLASS_COUNT || s->by_class[c].visits)
			rate_row(r, t, class_names[c], &s->by_class[c]);
	t = table(r, "rate_by_task_type",
		  "按任务类型 Problems found by task type",
		  "task_type," RATE_COLS);
	for (int k = 0; k < TASK_TYPES; k++)
		rate_row(r, t, task_type_names[k], &s->by_type[k]);
	t = table(r, "rate_by_item", "按抽查事项 Problems found by item",
		  "item," RATE_COLS);
	for (size_t i = 0; i < s->n_items; i++)
		rate_row(r, t, s->by_item[i].key, &s->by_item[i].c);
	t = table(r, "rate_by_department",
		  "按实施部门 Problems found by department",
		  "department," RATE_COLS);
	for (size_t i = 0; i < s->n_departments; i++)
		rate_row(r, t, s->by_department[i].key,
			 &s->by_department[i].c);
}

static void timing_table(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(
		r, "on_time",
		"结果公示时限（20个工作日） Results public within 20 working days",
		"status,#visits");
	for (int k = 0; k < RESULT_STATUSES; k++)
		row(r, t, "%s|%llu", result_status_names[k],
		    (unsigned long long)s->by_status[k]);
}

static void load_table(struct stats_report *r, const struct stats *s)
{
	struct stats_table *t = table(r, "inspectors",
				      "执法人员工作量 The inspectors' load",
				      "measure,#value");
	uint64_t total = 0;
	for (size_t i = 0; i < s->n_inspectors; i++)
		total += s->inspectors[i].visits;
	row(r, t, "inspectors_sent|%zu", s->n_inspectors);
	row(r, t, "inspector_visits|%llu", (unsigned long long)total);
	row(r, t, "visits_per_inspector_mean|%.3f", s->load_mean);
	row(r, t, "visits_per_inspector_sd|%.3f", s->load_sd);
	row(r, t, "visits_per_inspector_min|%llu",
	    (unsigned long long)s->load_min);
	row(r, t, "visits_per_inspector_max|%llu",
	    (unsigned long long)s->load_max);
	row(r, t, "same_inspector_same_entity_again|%llu",
	    (unsigned long long)s->repeat_pairs);
}

static void review_tables(struct stats_report *r, const struct review *v)
{
	bool pps = v->design == DESIGN_PPS;
	struct stats_table *t = table(
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
			row(r, t, "%s|%llu|%.3f|%llu|%.6f|%.6f|%.6f|%s|%.6f|%s|"
				  "%.3f", class_names[c],
			    (unsigned long long)x->pool, x->expected,
			    (unsigned long long)x->observed.n, x->observed.p,
			    x->observed.lo, x->observed.hi,
			    x->kept ? "yes" : "no", x->scale, x->suggested,
			    x->expected_after);
		else
			row(r, t, "%s|%llu|%.3f|0||||yes|%.6f|%s|%.3f",
			    class_names[c], (unsigned long long)x->pool,
			    x->expected, x->scale, x->suggested,
			    x->expected_after);
	}
	t = table(r, "review_totals", "建议的工作量 The workload, now and "
		  "suggested", "measure,value");
	row(r, t, "policy|%s", v->policy);
	row(r, t, "rule|rate ~ problem rate; same total; within x%g; "
		  "kept below %u results", v->max_change, v->min_results);
	row(r, t, "expected_visits|%.3f", v->total);
	row(r, t, "expected_visits_after|%.3f", v->total_after);
	row(r, t, "inspector_days|%.3f", v->inspector_days);
	row(r, t, "inspector_days_after|%.3f", v->inspector_days_after);
	row(r, t, "workload_out_of_reach_within_bounds|%s",
	    v->bounded ? "yes" : "no");
}

void stats_report_build(struct stats_report *r, const struct stats *s,
			const struct review *rv,
			const struct stats_scope *scope)
{
	memset(r, 0, sizeof(*r));
	r->scope = *scope;
	summary_table(r, s);
	pool_table(r, s);
	results_table(r, s);
	rate_tables(r, s);
	timing_table(r, s);
	load_table(r, s);
	if (rv)
		review_tables(r, rv);
}

void stats_report_free(struct stats_report *r)
{
	for (unsigned i = 0; i < r->n; i++)
		free(r->t[i].cells);
	memset(r, 0, sizeof(*r));
}

static void scope_pairs(const struct stats_report *r, const char *names[5],
			const char *values[5])
{
	const struct stats_scope *s = &r->scope;
	const char *n[5] = {"from", "to", "department", "region", "generated"};
	const char *v[5] = {s->from, s->to, s->department, s->region,
			    s->generated};
	memcpy(names, n, sizeof(n));
	memcpy(values, v, sizeof(v));
}

/* Columns a terminal shows the text in: CJK characters (three-byte
 * UTF-8 and up) take two. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe0 ? 2 : 1;
	return w;
}

void stats_text(const struct stats_report *r, struct strbuf *b)
{
	const char *names[5], *values[5];
	scope_pairs(r, names, values);
	sb_puts(b, "inspectd report:");
	for (int i = 0; i < 5; i++)
		sb_printf(b, " %s %s", names[i], *values[i] ? values[i] : "all");
	sb_puts(b, "\n");
	for (unsigned k = 0; k < r->n; k++) {
		const struct stats_table *t = &r->t[k];
		size_t w[STATS_MAX_COLS];
		for (unsigned c = 0; c < t->n_cols; c++) {
			w[c] = width(t->cols[c]);
			for (size_t i = 0; i < t->n_rows; i++)
				if (width(stats_cell(t, i, c)) > w[c])
					w[c] = width(stats_cell(t, i, c));
		}
		sb_printf(b, "\n%s\n", t->title);
		for (size_t i = 0; i <= t->n_rows; i++) {
			for (unsigned c = 0; c < t->n_cols; c++) {
				const char *v = i ? stats_cell(t, i - 1, c)
						  : t->cols[c];
				bool right = i && (t->numeric >> c & 1);
				int pad = (int)(w[c] - width(v));
				sb_printf(b, "%s%*s%s", c ? "  " : "",
					  right ? pad : 0, "", v);
				if (!right && c + 1 < t->n_cols)
					sb_printf(b, "%*s", pad, "");
			}
			sb_puts(b, "\n");
		}
	}
}

void stats_csv(const struct stats_report *r, struct strbuf *b)
{
	const char *names[5], *values[5];
	scope_pairs(r, names, values);
	sb_puts(b, "table,row,column,value\r\n");
	for (int i = 0; i < 5; i++) {
		sb_puts(b, "scope,0,");
		csv_field(b, names[i], false);
		csv_field(b, values[i], true);
	}
	for (unsigned k = 0; k < r->n; k++) {
		const struct stats_table *t = &r->t[k];
		for (size_t i = 0; i < t->n_rows; i++)
			for (unsigned c = 0; c < t->n_cols; c++) {
				sb_printf(b, "%s,%zu,", t->name, i);
				csv_field(b, t->cols[c], false);
				csv_field(b, stats_cell(t, i, c), true);
			}
	}
}

void stats_json(const struct stats_report *r, struct strbuf *b)
{
	const char *names[5], *values[5];
	scope_pairs(r, names, values);
	sb_puts(b, "{\"scope\":{");
	for (int i = 0; i < 5; i++)
		json_member(b, names[i], values[i], i < 4);
	sb_puts(b, "},\"tables\":{");
	for (unsigned k = 0; k < r->n; k++) {
		const struct stats_table *t = &r->t[k];
		sb_printf(b, "%s\n\"%s\":[", k ? "," : "", t->name);
		for (size_t i = 0; i < t->n_rows; i++) {
			sb_puts(b, i ? ",\n{" : "\n{");
			for (unsigned c = 0; c < t->n_cols; c++) {
				const char *v = stats_cell(t, i, c);
				json_string(b, t->cols[c]);
				if (t->numeric >> c & 1)
					sb_puts(b, *v ? ":" : ":null");
				else
					sb_puts(b, ":");
				if (t->numeric >> c & 1)
					sb_puts(b, v);
				else
					json_string(b, v);
				sb_puts(b, c + 1 < t->n_cols ? "," : "}");
			}
		}
		sb_puts(b, "]");
	}
	sb_puts(b, "}}\n");
}
