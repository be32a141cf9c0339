/* The report as one static page for people: charts drawn as inline SVG
 * from the same tables the machines' formats write, then the tables
 * themselves. No script, nothing fetched: it opens from a file, prints,
 * and a Content-Security-Policy lets nothing else run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/markup.h"
#include "inspect/core/stats.h"

static const char style[] =
	PAGE_STYLE
	"table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px "
	"solid #ccc;padding:.2em .5em;text-align:left}th{background:#f2f2f2}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".charts{display:flex;flex-wrap:wrap;gap:1em 2em}"
	"figure{margin:0}figcaption{font-weight:bold;margin-bottom:.3em}\n"
	"svg text{font-size:12px;fill:#222}.bar{fill:#4a78b5}.bar2{fill:#d08c2e}"
	".ci{stroke:#222;stroke-width:1.5}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}"
	"figure,table{break-inside:avoid}}\n";

/* One horizontal bar chart: a bar per label (two when v2 is given: today
 * and suggested), a whisker from lo to hi when given. Values are drawn
 * against max (the largest, when 0). */
struct chart {
	const char *id, *caption;
	const char *const *labels;
	const double *v, *v2, *lo, *hi;
	size_t n;
	bool percent;
};

static void value_text(char *out, size_t size, double v, bool percent)
{
	if (percent)
		snprintf(out, size, "%.1f%%", v * 100);
	else
		snprintf(out, size, "%.0f", v);
}

static void chart(struct strbuf *b, const struct chart *c)
{
	enum { LABEL = 70, WIDTH = 300, ROW = 22, BAR = 14 };
	double max = 0;
	for (size_t i = 0; i < c->n; i++) {
		double m = c->hi ? c->hi[i] : c->v[i];
		if (c->v2 && c->v2[i] > m)
			m = c->v2[i];
		max = m > max ? m : max;
	}
	int per = c->v2 ? 2 : 1;
	size_t height = c->n * (size_t)(ROW * per) + 6;
	sb_printf(b, "<figure id=\"%s\"><figcaption>%s</figcaption>\n"
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		  "width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\">\n",
		  c->id, c->caption, LABEL + WIDTH + 90, height,
		  LABEL + WIDTH + 90, height);
	for (size_t i = 0; i < c->n; i++) {
		for (int s = 0; s < per; s++) {
			double v = s ? c->v2[i] : c->v[i];
			double w = max > 0 ? v / max * WIDTH : 0;
			size_t y = i * (size_t)(ROW * per) + (size_t)(s * ROW) + 3;
			char t[32];
			value_text(t, sizeof(t), v, c->percent);
			if (s == 0) {
				sb_printf(b, "<text x=\"0\" y=\"%zu\">", y + 12);
				html_text(b, c->labels[i]);
				sb_puts(b, "</text>");
			}
			sb_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%zu\" "
				  "width=\"%.1f\" height=\"%d\"><title>",
				  s ? "bar2" : "bar", LABEL, y, w, BAR);
			html_text(b, c->labels[i]);
			sb_printf(b, " %s</title></rect>", t);
			double end = w;
			if (c->lo && c->hi && max > 0) {
				double x0 = LABEL + c->lo[i] / max * WIDTH;
				double x1 = LABEL + c->hi[i] / max * WIDTH;
				sb_printf(b, "<line class=\"ci\" x1=\"%.1f\" "
					  "x2=\"%.1f\" y1=\"%zu\" y2=\"%zu\"/>",
					  x0, x1, y + BAR / 2, y + BAR / 2);
				end = x1 - LABEL;
			}
			sb_printf(b, "<text x=\"%.1f\" y=\"%zu\">%s</text>\n",
				  LABEL + end + 6, y + 12, t);
		}
	}
	sb_puts(b, "</svg></figure>\n");
}

/* A numeric column of a table as doubles (empty cells as 0); labels from
 * column 0. Rows whose label is "all" are left out. */
struct series {
	const char *labels[64];
	double v[64];
	size_t n;
};

static void column(const struct table *t, unsigned col,
		   struct series *s)
{
	s->n = 0;
	for (size_t i = 0; t && i < t->n_rows && s->n < 64; i++) {
		if (!strcmp(table_cell(t, i, 0), "all"))
			continue;
		s->labels[s->n] = table_cell(t, i, 0);
		s->v[s->n++] = atof(table_cell(t, i, col));
	}
}

static void charts(const struct table_set *r, struct strbuf *b)
{
	struct series a, lo, hi, x;
	const struct table *t = table_find(r, "pool");
	sb_puts(b, "<section id=\"charts\"><h2>图表 Charts</h2>"
		   "<div class=\"charts\">\n");
	column(t, (unsigned)table_col(t, "coverage"), &a);
	chart(b, &(struct chart){"chart-coverage", "覆盖率 Coverage by class",
				 a.labels, a.v, NULL, NULL, NULL, a.n, true});
	/* Entities by how many visits they saw, every class together; those
	 * with none, most of the pool, only in the table. */
	const struct table *p = t;
	size_t all = p && p->n_rows ? p->n_rows - 1 : 0;
	static const char *const bins[] = {"1", "2", "3+"};
	double nb[3] = {0};
	int v1 = table_col(p, "visits_1");
	for (unsigned k = 0; p && v1 >= 0 && k < 3; k++)
		nb[k] = atof(table_cell(p, all, (unsigned)v1 + k));
	chart(b, &(struct chart){"chart-visits", "受检次数 Entities visited "
				 "once, twice, 3+ times", bins, nb, NULL, NULL,
				 NULL, 3, false});
	t = table_find(r, "rate_by_class");
	column(t, (unsigned)table_col(t, "problem_rate"), &a);
	column(t, (unsigned)table_col(t, "ci_low"), &lo);
	column(t, (unsigned)table_col(t, "ci_high"), &hi);
	chart(b, &(struct chart){"chart-rates", "问题发现率（95%置信区间） "
				 "Problem rate by class, 95% CI", a.labels,
				 a.v, NULL, lo.v, hi.v, a.n, true});
	t = table_find(r, "results");
	column(t, (unsigned)table_col(t, "results"), &a);
	chart(b, &(struct chart){"chart-results", "检查结果 Results by code",
				 a.labels, a.v, NULL, NULL, NULL, a.n, false});
	t = table_find(r, "review");
	if (t) {
		column(t, (unsigned)table_col(t, "expected_visits"), &a);
		column(t, (unsigned)table_col(t, "expected_visits_after"), &x);
		chart(b, &(struct chart){"chart-review", "预期检查户数：现行 / "
					 "建议 Expected visits: today (blue) "
					 "and suggested (orange)", a.labels,
					 a.v, x.v, NULL, NULL, a.n, false});
	}
	sb_puts(b, "</div></section>\n");
}

void stats_html(const struct table_set *r, struct strbuf *b)
{
	html_page_begin(b, "双随机抽查统计 · Inspection report", style);
	sb_puts(b, "<header><h1>“双随机、一公开”抽查统计分析</h1>\n<p>Random "
		   "inspections: coverage, results and the rates they suggest."
		   "</p><dl>\n");
	static const char *const labels[] = {
		"统计期间 From", "至 To", "实施部门 Department", "区域 Region",
		"生成日期 Generated"};
	for (unsigned i = 0; i < r->n_head && i < 5; i++)
		html_pair(b, labels[i], *r->head_values[i] ? r->head_values[i]
							    : "全部 all", NULL);
	sb_puts(b, "</dl></header>\n");
	charts(r, b);
	tables_html(r, b);
	sb_puts(b, "<footer><p>内部资料：含企业信用风险分类，不予公开。For the "
		   "department: this report carries credit classes and is not "
		   "for publication. 建议比例仅供参考，不自动改变抽查规则。"
		   "Suggested rates are a suggestion; no policy is changed."
		   "</p></footer>\n</body>\n</html>\n");
}
