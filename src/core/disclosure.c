#include "inspect/core/disclosure.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/date.h"
#include "inspect/core/markup.h"

/* A visit left to another campaign's: its result is that campaign's. */
#define MERGED_TEXT "合并检查，结果见"

static const char *text_of(const struct result_code *r)
{
	return r ? r->zh : "";
}

/* The agency's name, or the department's code without one. */
static const char *agency_of(const struct disclosure *d)
{
	return d->agency && d->agency[0] ? d->agency : d->department;
}

/* A row's day of inspection, as its result states it: "" until the
 * visit took place and its result is in. The planned day is never
 * public: before the visit it would tell the firm when the inspectors
 * come. A visit left to another campaign's shows none: its result is
 * that campaign's. */
static void row_days(const struct disclosure_row *r, char day[11],
		     char rday[11])
{
	day[0] = rday[0] = '\0';
	if (!r->result || r->merged_with)
		return;
	date_format(r->result_date, day);
	date_format(r->result_date, rday);
}

/* What followed the result's publication, in words: "已更正 corrected
 * 2026-12-03", "异议处理中 objection pending since ...", "异议已答复：维持
 * objection answered: upheld ...". */
static const char *const objection_words[] = {
	"", "异议处理中 objection pending since",
	"异议已答复：维持 objection answered, result upheld,",
	"异议已答复：更正 objection answered, result corrected,"};

static void day_or_empty(int32_t day, char out[11])
{
	out[0] = '\0';
	if (day)
		date_format(day, out);
}

/* Per-item results, as JSON members and as page text. */
struct item_json {
	struct strbuf *b;
	bool first;
};

static int item_json(const char *code, const struct result_code *rc,
		     void *ctx)
{
	struct item_json *j = ctx;
	sb_puts(j->b, j->first ? "{" : ",{");
	j->first = false;
	json_member(j->b, "code", code, true);
	json_member(j->b, "result", rc->code, true);
	json_member(j->b, "text", rc->zh, false);
	sb_puts(j->b, "}");
	return 0;
}

static int item_html(const char *code, const struct result_code *rc,
		     void *ctx)
{
	struct item_json *j = ctx;
	sb_puts(j->b, j->first ? "" : "；");
	j->first = false;
	html_text(j->b, code);
	sb_printf(j->b, " %s", rc->zh);
	return 0;
}

/* ---- CSV (RFC 4180: a field with a comma, quote or line break is
 * quoted, quotes doubled) ---- */

static void items_line(const struct disclosure *d, struct strbuf *b,
		       const char *sep)
{
	for (unsigned i = 0; i < d->n_items; i++) {
		sb_printf(b, "%s%s %s", i ? sep : "", d->items[i].code,
			  d->items[i].name);
		if (d->items[i].share[0]) /* checked at that share of visits */
			sb_printf(b, " (share %s)", d->items[i].share);
	}
}

/* "official", or "provisional 2027" when some working days came from a
 * provisional calendar. */
static void calendar_label(const struct disclosure *d, char *out,
			   size_t size)
{
	const char *p = d->calendar_provisional;
	if (p && p[0])
		snprintf(out, size, "provisional %s", p);
	else
		snprintf(out, size, "official");
}

void disclosure_csv(const struct disclosure *d, struct strbuf *b)
{
	struct strbuf items = {0};
	items_line(d, &items, "; ");
	char cal[64];
	calendar_label(d, cal, sizeof(cal));
	sb_puts(b, "campaign,department,agency,task_type,items,window,calendar,"
		   "uscc,name,date,");
	if (d->teams_disclosed)
		sb_puts(b, "team,");
	sb_puts(b, "result,result_text,result_date,corrected,objection,"
		   "objection_date,publication_ended,follow_up,"
		   "follow_up_date\r\n");
	for (size_t k = 0; k < d->n; k++) {
		const struct disclosure_row *r = &d->rows[k];
		char day[11], rday[11];
		row_days(r, day, rday);
		csv_field(b, d->campaign, false);
		csv_field(b, d->department, false);
		csv_field(b, agency_of(d), false);
		csv_field(b, d->task_type, false);
		csv_field(b, items.s ? items.s : "", false);
		csv_field(b, d->window, false);
		csv_field(b, cal, false);
		csv_field(b, r->uscc, false);
		csv_field(b, r->name, false);
		csv_field(b, day, false);
		if (d->teams_disclosed)
			csv_field(b, r->team ? r->team : "", false);
		csv_field(b, r->result ? r->result->code : "", false);
		csv_field(b, r->merged_with ? MERGED_TEXT : text_of(r->result),
			  false);
		csv_field(b, rday, false);
		char corrected[11], objected[11], ended[11];
		day_or_empty(r->corrected, corrected);
		day_or_empty(r->objection_day, objected);
		day_or_empty(r->publication_ended, ended);
		csv_field(b, corrected, false);
		csv_field(b, objection_state_names[r->objection], false);
		csv_field(b, objected, false);
		csv_field(b, ended, false);
		char done[11];
		day_or_empty(r->follow_up_done, done);
		csv_field(b, r->follow_up ? r->follow_up->zh : "", false);
		csv_field(b, done, true);
	}
	b->failed |= items.failed;
	sb_finish(&items);
}

/* ---- JSON ---- */

void disclosure_json(const struct disclosure *d, struct strbuf *b)
{
	sb_puts(b, "{");
	json_member(b, "campaign", d->campaign, true);
	json_member(b, "department", d->department, true);
	json_member(b, "agency", agency_of(d), true);
	json_member(b, "task_type", d->task_type, true);
	sb_puts(b, "\"items\":[");
	for (unsigned i = 0; i < d->n_items; i++) {
		sb_puts(b, i ? ",{" : "{");
		json_member(b, "code", d->items[i].code, true);
		json_member(b, "name", d->items[i].name,
			    d->items[i].share[0] != '\0');
		if (d->items[i].share[0])
			json_member(b, "share", d->items[i].share, false);
		sb_puts(b, "}");
	}
	sb_puts(b, "],");
	json_member(b, "window", d->window, true);
	sb_puts(b, "\"calendar_provisional\":[");
	const char *p = d->calendar_provisional ? d->calendar_provisional : "";
	for (bool first = true; *p; first = false) {
		size_t n = strcspn(p, ",");
		sb_printf(b, "%s%.*s", first ? "" : ",", (int)n, p);
		p += n + (p[n] == ',');
	}
	sb_puts(b, "],");
	json_member(b, "draw_date", d->draw_date, true);
	sb_printf(b, "\"population\":%zu,\"selected\":%zu,\"capped\":%zu,",
		  d->population, d->selected, d->capped);
	sb_puts(b, "\"commitment\":{");
	json_member(b, "algorithm", d->algorithm, true);
	json_member(b, "population_digest", d->population_digest, true);
	json_member(b, "policy_digest", d->policy_digest, true);
	json_member(b, "entropy", d->entropy, true);
	if (d->outcome_digest && d->outcome_digest[0]) {
		json_member(b, "roster_digest", d->roster_digest, true);
		json_member(b, "team_inputs_digest", d->team_inputs_digest,
			    true);
		json_member(b, "outcome_digest", d->outcome_digest, true);
	}
	json_member(b, "seed", d->seed, false);
	sb_puts(b, "},\"visits\":[");
	for (size_t k = 0; k < d->n; k++) {
		const struct disclosure_row *r = &d->rows[k];
		char day[11], rday[11];
		row_days(r, day, rday);
		sb_puts(b, k ? ",\n{" : "\n{");
		json_member(b, "uscc", r->uscc, true);
		json_member(b, "name", r->name, true);
		json_member(b, "date", day, true);
		if (d->teams_disclosed)
			json_member(b, "team", r->team ? r->team : "", true);
		if (r->merged_with)
			json_member(b, "merged_with", r->merged_with, true);
		sb_puts(b, "\"result\":");
		if (r->result) {
			sb_puts(b, "{");
			json_member(b, "code", r->result->code, true);
			json_member(b, "text", r->result->zh, true);
			json_member(b, "date", rday,
				    r->corrected || r->objection || r->items ||
					    r->follow_up);
			char day2[11];
			if (r->corrected) {
				day_or_empty(r->corrected, day2);
				json_member(b, "corrected", day2,
					    r->objection != OBJECTION_NONE ||
						    r->items || r->follow_up);
			}
			if (r->objection) {
				day_or_empty(r->objection_day, day2);
				sb_puts(b, "\"objection\":{");
				json_member(b, "state",
					    objection_state_names[r->objection],
					    true);
				json_member(b, "date", day2, false);
				sb_puts(b, r->items || r->follow_up ? "}," : "}");
			}
			if (r->items) {
				sb_puts(b, "\"items\":[");
				struct item_json ij = {b, true};
				result_items_each(r->items, item_json, &ij);
				sb_puts(b, r->follow_up ? "]," : "]");
			}
			if (r->follow_up) {
				day_or_empty(r->follow_up_done, day2);
				sb_puts(b, "\"follow_up\":{");
				json_member(b, "outcome", r->follow_up->zh, true);
				json_member(b, "date", day2, false);
				sb_puts(b, "}");
			}
			sb_puts(b, "}}");
		} else if (r->publication_ended) {
			char ended[11];
			day_or_empty(r->publication_ended, ended);
			sb_puts(b, "null,");
			json_member(b, "publication_ended", ended, false);
			sb_puts(b, "}");
		} else {
			sb_puts(b, "null}");
		}
	}
	sb_puts(b, "]}\n");
}

/* ---- HTML: one static page; the table reads without JavaScript, and a
 * small script adds the search and the result filter. ---- */

static const char html_style[] =
	PAGE_STYLE
	".code,.digest{font-family:monospace}.digest{word-break:break-all}\n"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid "
	"#ccc;padding:.3em .5em;text-align:left;vertical-align:top}"
	"th{background:#f2f2f2}\n"
	"[hidden]{display:none!important}\n"
	"#filters{margin:1em 0;display:flex;gap:1.5em;flex-wrap:wrap;"
	"align-items:center}\n"
	"@media print{#filters{display:none}body{margin:0;max-width:none;"
	"font-size:10pt}thead{display:table-header-group}"
	"tr{break-inside:avoid}}\n";

static const char html_script[] =
	"(function(){\n"
	"var f=document.getElementById('filters'),q=document.getElementById('q'),"
	"s=document.getElementById('result-filter'),"
	"out=document.getElementById('count'),"
	"rows=[].slice.call(document.querySelectorAll('#visits tbody tr'));\n"
	"function apply(){var t=q.value.trim().toLowerCase(),r=s.value,n=0;\n"
	"rows.forEach(function(tr){var ok=(!t||tr.textContent.toLowerCase()"
	".indexOf(t)>=0)&&(!r||tr.getAttribute('data-result')===r);"
	"tr.hidden=!ok;if(ok)n++;});\n"
	"out.textContent='显示 '+n+' / '+rows.length+' 户';}\n"
	"f.hidden=false;q.addEventListener('input',apply);"
	"s.addEventListener('change',apply);"
	"f.addEventListener('submit',function(e){e.preventDefault();});"
	"apply();})();\n";

static void html_filters(struct strbuf *b)
{
	sb_puts(b, "<form id=\"filters\" role=\"search\" hidden>\n"
		   "<label>搜索 Search <input type=\"search\" id=\"q\" "
		   "placeholder=\"名称或统一社会信用代码\"></label>\n"
		   "<label>检查结果 Result <select id=\"result-filter\">"
		   "<option value=\"\">全部 All</option>");
	for (size_t i = 0; i < n_result_codes; i++)
		sb_printf(b, "<option value=\"%s\">%s %s</option>",
			  result_codes[i].code, result_codes[i].code,
			  result_codes[i].zh);
	sb_puts(b, "<option value=\"none\">尚无结果 Not yet in</option>"
		   "</select></label>\n<output id=\"count\"></output>\n"
		   "</form>\n");
}

static void html_rows(const struct disclosure *d, struct strbuf *b)
{
	sb_puts(b, "<table id=\"visits\"><thead><tr><th>统一社会信用代码</th>"
		   "<th>名称</th><th>检查日期</th>");
	if (d->teams_disclosed)
		sb_puts(b, "<th>检查人员</th>");
	sb_puts(b, "<th>检查结果</th><th>结果日期</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < d->n; k++) {
		const struct disclosure_row *r = &d->rows[k];
		char day[11], rday[11];
		row_days(r, day, rday);
		sb_printf(b, "<tr data-result=\"%s\"><td class=\"code\">%s</td>"
			  "<td>", r->result ? r->result->code : "none", r->uscc);
		html_text(b, r->name);
		sb_printf(b, "</td><td>%s</td>", day);
		if (d->teams_disclosed) {
			sb_puts(b, "<td>");
			html_text(b, r->team ? r->team : "");
			sb_puts(b, "</td>");
		}
		if (r->result) {
			char when[11];
			sb_printf(b, "<td>%s %s", r->result->code,
				  r->result->zh);
			if (r->corrected) {
				day_or_empty(r->corrected, when);
				sb_printf(b, " <span class=\"corrected\">已更正 "
					  "corrected %s</span>", when);
			}
			if (r->objection) {
				day_or_empty(r->objection_day, when);
				sb_printf(b, " <span class=\"objection\">%s "
					  "%s</span>",
					  objection_words[r->objection], when);
			}
			if (r->items) {
				sb_puts(b, " <span class=\"items\">（");
				bool first = true;
				result_items_each(r->items, item_html, &(struct
						  item_json){b, first});
				sb_puts(b, "）</span>");
			}
			if (r->follow_up) {
				day_or_empty(r->follow_up_done, when);
				sb_printf(b, " <span class=\"follow-up\">后续处置："
					  "%s follow-up %s</span>",
					  r->follow_up->zh, when);
			}
			sb_printf(b, "</td><td>%s</td></tr>\n", rday);
		} else if (r->publication_ended) {
			char when[11];
			day_or_empty(r->publication_ended, when);
			sb_printf(b, "<td class=\"ended\">已停止公示 publication "
				  "ended %s</td><td></td></tr>\n", when);
		} else if (r->merged_with) {
			sb_puts(b, "<td>" MERGED_TEXT " ");
			html_text(b, r->merged_with);
			sb_puts(b, "</td><td></td></tr>\n");
		} else {
			sb_puts(b, "<td>尚无结果</td><td></td></tr>\n");
		}
	}
	sb_puts(b, "</tbody></table>\n");
}

/* "定向抽查 directed", or the text as it is if it names no type. */
static const char *task_type_label(const char *t)
{
	static const char *const labels[TASK_TYPES] = {
		"不定向抽查 undirected", "定向抽查 directed"};
	for (int k = 0; k < TASK_TYPES; k++)
		if (!strcmp(t, task_type_names[k]))
			return labels[k];
	return t;
}

/* The plan: campaign, department, items, window, calendars, date and
 * counts. */
static void html_plan(const struct disclosure *d, struct strbuf *b)
{
	char count[32];
	sb_puts(b, "</p></header>\n<section id=\"plan\"><h2>抽查计划 Plan</h2>"
		   "<dl>\n");
	html_pair(b, "抽查任务 Campaign", d->campaign, NULL);
	char agency[400];
	snprintf(agency, sizeof(agency), "%s", agency_of(d));
	if (strcmp(agency, d->department))
		snprintf(agency, sizeof(agency), "%s（%s）", agency_of(d),
			 d->department);
	html_pair(b, "检查实施机关 Agency", agency, NULL);
	if (d->task_type[0])
		html_pair(b, "抽查类型 Type", task_type_label(d->task_type),
			  NULL);
	sb_puts(b, "<dt>抽查事项 Items</dt><dd><ul>");
	for (unsigned i = 0; i < d->n_items; i++) {
		sb_puts(b, "<li><span class=\"code\">");
		html_text(b, d->items[i].code);
		sb_puts(b, "</span> ");
		html_text(b, d->items[i].name);
		if (d->items[i].share[0]) {
			sb_puts(b, " <span class=\"share\">（抽取比例 share of "
				   "visits ");
			html_text(b, d->items[i].share);
			sb_puts(b, "）</span>");
		}
		sb_puts(b, "</li>");
	}
	sb_puts(b, "</ul></dd>\n");
	html_pair(b, "检查期间 Window", d->window, NULL);
	if (d->calendar_provisional && d->calendar_provisional[0]) {
		char note[160];
		snprintf(note, sizeof(note), "%s 年按暂定日历安排（国务院放假"
			 "通知尚未发布） provisional for %s",
			 d->calendar_provisional, d->calendar_provisional);
		html_pair(b, "工作日历 Calendar", note, NULL);
	}
	html_pair(b, "抽取日期 Draw date", d->draw_date, NULL);
	snprintf(count, sizeof(count), "%zu 户", d->population);
	html_pair(b, "抽查范围 Population", count, NULL);
	snprintf(count, sizeof(count), "%zu 户", d->selected);
	html_pair(b, "抽取户数 Selected", count, NULL);
	if (d->capped) { /* held back: visited often enough already */
		snprintf(count, sizeof(count), "%zu 户", d->capped);
		html_pair(b, "限次免抽 Held back by visit caps", count, NULL);
	}
}

/* What a verifier compares an audit bundle with. */
static void html_commitments(const struct disclosure *d, struct strbuf *b)
{
	sb_puts(b, "</dl></section>\n<section id=\"commitment\"><h2>随机抽取"
		   "复核 Verification</h2><dl>\n");
	html_pair(b, "算法 Algorithm", d->algorithm, NULL);
	html_pair(b, "名录摘要 Population digest", d->population_digest,
		  "digest");
	html_pair(b, "规则摘要 Policy digest", d->policy_digest, "digest");
	html_pair(b, "公开随机数 Entropy", d->entropy, "digest");
	html_pair(b, "种子 Seed", d->seed, "digest");
	if (d->outcome_digest && d->outcome_digest[0]) {
		html_pair(b, "人员名录摘要 Roster digest", d->roster_digest,
			  "digest");
		html_pair(b, "人员抽取输入摘要 Team draw inputs digest",
			  d->team_inputs_digest, "digest");
		html_pair(b, "抽取结果摘要 Outcome digest", d->outcome_digest,
			  "digest");
	}
}

void disclosure_html(const struct disclosure *d, struct strbuf *b)
{

	char style[60], script[60];
	csp_hash(html_style, style);
	csp_hash(html_script, script);
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
		   "<meta charset=\"utf-8\">\n");
	/* Nothing but this page's own style and script runs, and nothing is
	 * fetched: a name that slipped markup past the escaping could do
	 * nothing. */
	sb_printf(b, "<meta http-equiv=\"Content-Security-Policy\" content=\""
		  "default-src 'none'; style-src %s; script-src %s; "
		  "base-uri 'none'; form-action 'none'\">\n", style, script);
	sb_puts(b, "<meta name=\"viewport\" "
		   "content=\"width=device-width, initial-scale=1\">\n"
		   "<title>双随机抽查结果公示 · ");
	html_text(b, d->campaign);
	sb_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		  html_style);
	sb_puts(b, "<header><h1>“双随机、一公开”抽查检查结果公示</h1>\n"
		   "<p>Random inspection plan and results, campaign ");
	html_text(b, d->campaign);
	html_plan(d, b);
	html_commitments(d, b);
	sb_puts(b, "</dl><p>名录摘要在公开随机数之前公布；任何人可按公开的"
		   "算法说明复核抽取结果。The population digest was published "
		   "before the entropy; the draw can be re-run from the "
		   "campaign's audit bundle.</p></section>\n"
		   "<section id=\"results\"><h2>检查结果 Results</h2>\n");
	html_filters(b);
	html_rows(d, b);
	sb_puts(b, "</section>\n<footer><p>本页不含企业信用风险分类、分值、"
		   "名单标记或入选概率。This page carries no credit class, "
		   "score, list flag or inclusion probability.</p></footer>\n"
		   "<script>\n");
	sb_puts(b, html_script);
	sb_puts(b, "</script>\n</body>\n</html>\n");
}

/* ---- The national record (抽查检查结果信息) ---- */

static const char *task_type_zh_of(const char *t)
{
	for (int k = 0; k < TASK_TYPES; k++)
		if (!strcmp(t, task_type_names[k]))
			return task_type_zh[k];
	return "双随机抽查";
}

/* Whether row r is a visit that took place, this campaign's. */
static bool national_row(const struct disclosure_row *r)
{
	return r->result && !r->merged_with;
}

void disclosure_national_csv(const struct disclosure *d, struct strbuf *b)
{
	sb_puts(b, "统一社会信用代码,企业名称,检查实施机关,类型,日期,结果\r\n");
	for (size_t k = 0; k < d->n; k++) {
		const struct disclosure_row *r = &d->rows[k];
		char day[11], rday[11];
		if (!national_row(r))
			continue;
		row_days(r, day, rday);
		csv_field(b, r->uscc, false);
		csv_field(b, r->name, false);
		csv_field(b, r->agency ? r->agency : agency_of(d), false);
		csv_field(b, task_type_zh_of(d->task_type), false);
		csv_field(b, day, false);
		csv_field(b, r->result->zh, true);
	}
}

void disclosure_national_json(const struct disclosure *d, struct strbuf *b)
{
	sb_puts(b, "{");
	json_member(b, "campaign", d->campaign, true);
	sb_puts(b, "\"records\":[");
	bool first = true;
	for (size_t k = 0; k < d->n; k++) {
		const struct disclosure_row *r = &d->rows[k];
		char day[11], rday[11];
		if (!national_row(r))
			continue;
		row_days(r, day, rday);
		sb_puts(b, first ? "\n{" : ",\n{");
		first = false;
		json_member(b, "uscc", r->uscc, true);
		json_member(b, "name", r->name, true);
		json_member(b, "agency", r->agency ? r->agency : agency_of(d),
			    true);
		json_member(b, "type", task_type_zh_of(d->task_type), true);
		json_member(b, "date", day, true);
		json_member(b, "result_code", r->result->code, true);
		json_member(b, "result", r->result->zh, false);
		sb_puts(b, "}");
	}
	sb_puts(b, "]}\n");
}
