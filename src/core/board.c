/* The dashboard's page and JSON, the metrics text and readiness, written
 * from a board snapshot (board.h). */
#include "inspect/core/board.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/markup.h"

const double metric_bounds[METRIC_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

void histogram_observe(struct histogram *h, double seconds)
{
	for (unsigned i = 0; i < METRIC_BUCKETS; i++)
		if (seconds <= metric_bounds[i]) {
			h->bucket[i]++;
			break;
		}
	h->count++;
	h->sum += seconds;
}

void board_free(struct board *b)
{
	free(b->consumers);
	free(b->campaigns);
	free(b->visits);
	free(b->refusals);
	free(b->batches);
	memset(b, 0, sizeof(*b));
}

bool board_view_sees(const struct board_view *v, const char *department)
{
	if (v->all)
		return true;
	for (size_t i = 0; i < v->n_departments; i++)
		if (!strcmp(v->departments[i], department))
			return true;
	return false;
}

/* Whether campaign c is on the view's page. */
static bool shown(const struct board_view *v, const char *campaign,
		  const char *department)
{
	return board_view_sees(v, department) &&
	       (!v->campaign || !strcmp(v->campaign, campaign));
}

static bool refusal_shown(const struct board_view *v,
			  const struct board_refusal *r)
{
	return (!v->campaign || !strcmp(v->campaign, r->campaign)) &&
	       (board_view_sees(v, r->department) ||
		(r->named[0] && board_view_sees(v, r->named)));
}

/* The view's left-out visits of today and tomorrow: those past the page's
 * BOARD_MAX_VISITS, and those its campaigns did not list. */
static size_t visits_left_out(const struct board *b,
			      const struct board_view *v, size_t listed)
{
	size_t n = listed > BOARD_MAX_VISITS ? listed - BOARD_MAX_VISITS : 0;
	for (size_t i = 0; i < b->n_campaigns; i++)
		if (shown(v, b->campaigns[i].id, b->campaigns[i].department))
			n += b->campaigns[i].visits_dropped;
	return n;
}

static size_t waiting(const struct board_campaign *c)
{
	return c->status[RESULT_PENDING] + c->status[RESULT_AT_RISK] +
	       c->status[RESULT_OVERDUE] + c->status[RESULT_NO_CALENDAR];
}

/* Campaigns needing attention first: overdue, then at risk, then by the
 * earliest deadline; then the rest by id. */
static int attention(const struct board_campaign *a,
		     const struct board_campaign *b)
{
	int ua = a->status[RESULT_OVERDUE] ? 2 : a->status[RESULT_AT_RISK] ? 1 : 0;
	int ub = b->status[RESULT_OVERDUE] ? 2 : b->status[RESULT_AT_RISK] ? 1 : 0;
	if (ua != ub)
		return ub - ua;
	/* No deadline (nothing due) comes after any deadline. */
	int64_t da = a->next_deadline == DATE_NONE ? INT64_MAX : a->next_deadline,
		db = b->next_deadline == DATE_NONE ? INT64_MAX : b->next_deadline;
	if (da != db)
		return da < db ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int by_attention(const void *a, const void *b)
{
	return attention(*(const struct board_campaign *const *)a,
			 *(const struct board_campaign *const *)b);
}

/* The view's campaigns, most urgent first (free the array). */
static const struct board_campaign **campaigns_of(const struct board *b,
						  const struct board_view *v,
						  size_t *n)
{
	const struct board_campaign **l = calloc(b->n_campaigns + 1,
						 sizeof(*l));
	*n = 0;
	for (size_t i = 0; l && i < b->n_campaigns; i++)
		if (shown(v, b->campaigns[i].id, b->campaigns[i].department))
			l[(*n)++] = &b->campaigns[i];
	if (l)
		qsort(l, *n, sizeof(*l), by_attention);
	return l;
}

static void day_text(int32_t day, char out[11])
{
	if (day == DATE_NONE)
		strcpy(out, "");
	else
		date_format(day, out);
}

static void cell(struct strbuf *o, const char *text)
{
	sb_puts(o, "<td>");
	html_text(o, text);
	sb_puts(o, "</td>");
}

static void cell_n(struct strbuf *o, size_t n, const char *cls)
{
	if (n && cls)
		sb_printf(o, "<td class=\"num %s\">%zu</td>", cls, n);
	else
		sb_printf(o, "<td class=\"num\">%zu</td>", n);
}

static void campaign_link(struct strbuf *o, const char *id)
{
	sb_puts(o, "<td><a href=\"/dashboard/campaign/");
	html_text(o, id);
	sb_puts(o, "\">");
	html_text(o, id);
	sb_puts(o, "</a></td>");
}

/* The script only reloads the page; the page is whole without it. */
#define BOARD_SCRIPT "setTimeout(function(){location.reload()},30000);"

static const char board_style[] =
	PAGE_STYLE
	"table{border-collapse:collapse;margin:.5em 0 1.5em}"
	"th,td{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left;"
	"vertical-align:top}td.num{text-align:right}"
	".overdue{background:#fbd5d5;font-weight:bold}.at_risk{background:#fdf0c8}"
	".ok{color:#276b2e}.bad{color:#a11}\n";

static void head(struct strbuf *o, const struct board *b,
		 const struct board_view *v)
{
	char when[11], title[160];
	date_format(v->today, when);
	if (v->campaign)
		snprintf(title, sizeof(title), "%s", v->campaign);
	else
		snprintf(title, sizeof(title), "%s", "智能看板 Dashboard");
	sb_puts(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
		"charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
		"device-width\"><title>");
	html_text(o, title);
	sb_printf(o, "</title><style>%s</style></head>\n<body>\n<h1>",
		  board_style);
	html_text(o, title);
	sb_puts(o, "</h1>\n<p>");
	if (v->all)
		sb_puts(o, "All departments");
	for (size_t i = 0; !v->all && i < v->n_departments; i++) {
		sb_puts(o, i ? ", " : "Departments: ");
		html_text(o, v->departments[i]);
	}
	sb_printf(o, " · today %s · read from Redis %.1f s ago", when,
		  v->now_ms > b->taken_ms ? (v->now_ms - b->taken_ms) / 1000.0
					  : 0.0);
	if (!b->redis_up) {
		sb_puts(o, " · <span class=\"bad\">Redis unreachable: ");
		html_text(o, b->redis_error);
		sb_puts(o, "</span>");
	}
	if (v->campaign)
		sb_puts(o, " · <a href=\"/dashboard\">all campaigns</a>");
	sb_puts(o, " · <a href=\"/logout\">sign out</a>");
	sb_puts(o, "</p>\n");
}

static void campaigns_html(struct strbuf *o, const struct board_campaign **l,
			   size_t n, const struct board_view *v)
{
	sb_puts(o, "<h2 id=\"due\">Results due 待录入结果</h2>\n");
	sb_printf(o, "<p>A result is due public within 20 working days of "
		  "the inspection; at risk within %u working days of its "
		  "deadline. Most urgent first.</p>\n", v->within);
	sb_puts(o, "<table id=\"campaigns\"><thead><tr><th>campaign</th>"
		"<th>department</th><th>type</th><th>window</th>"
		"<th>selected</th><th>results in</th><th>in review</th>"
		"<th>waiting</th><th>at risk</th><th>overdue</th>"
		"<th>next deadline</th><th>follow-ups open</th>"
		"<th>follow-ups late</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct board_campaign *c = l[i];
		char deadline[11];
		day_text(c->next_deadline, deadline);
		sb_puts(o, "<tr>");
		campaign_link(o, c->id);
		cell(o, c->department);
		cell(o, c->task_type);
		cell(o, c->visit_window);
		cell_n(o, c->selected, NULL);
		cell_n(o, c->results, NULL);
		cell_n(o, c->status[RESULT_IN_REVIEW], NULL);
		cell_n(o, waiting(c), NULL);
		cell_n(o, c->status[RESULT_AT_RISK], "at_risk");
		cell_n(o, c->status[RESULT_OVERDUE], "overdue");
		cell(o, deadline);
		cell_n(o, c->follow_ups_open, NULL);
		cell_n(o, c->follow_ups_late, "overdue");
		sb_puts(o, c->unreadable ? "<td class=\"bad\">unreadable "
				"record</td></tr>\n"
			   : c->counts_pending ? "<td>counts follow (a campaign "
				"is being drawn)</td></tr>\n" : "</tr>\n");
	}
	if (!n)
		sb_puts(o, "<tr><td colspan=\"13\">No published campaign."
			"</td></tr>\n");
	sb_puts(o, "</tbody></table>\n");
}

static void visits_html(struct strbuf *o, const struct board *b,
			const struct board_view *v)
{
	sb_puts(o, "<h2 id=\"visits\">Today's and tomorrow's visits "
		"今明两日检查</h2>\n<table><thead><tr><th>day</th>"
		"<th>campaign</th><th>team</th><th>USCC</th><th>name</th>"
		"</tr></thead><tbody>\n");
	size_t shown_n = 0;
	for (size_t i = 0; i < b->n_visits; i++) {
		const struct board_visit *x = &b->visits[i];
		if (!shown(v, x->campaign, x->department))
			continue;
		if (shown_n++ >= BOARD_MAX_VISITS)
			continue;
		char day[11];
		date_format(x->date, day);
		sb_puts(o, "<tr>");
		cell(o, day);
		campaign_link(o, x->campaign);
		cell(o, x->team);
		cell(o, x->uscc);
		cell(o, x->name);
		sb_puts(o, "</tr>\n");
	}
	if (!shown_n)
		sb_puts(o, "<tr><td colspan=\"5\">None.</td></tr>\n");
	sb_puts(o, "</tbody></table>\n");
	size_t left = visits_left_out(b, v, shown_n);
	if (left)
		sb_printf(o, "<p>%zu more visits are not listed here "
			  "(inspectctl feed lists them all).</p>\n", left);
}

static void refusals_html(struct strbuf *o, const struct board *b,
			  const struct board_view *v)
{
	sb_puts(o, "<h2 id=\"refused\">Refused entries 被拒条目</h2>\n"
		"<table><thead><tr><th>stream</th><th>entry</th>"
		"<th>campaign</th><th>department</th><th>reason</th>"
		"</tr></thead><tbody>\n");
	size_t n = 0;
	for (size_t i = 0; i < b->n_refusals; i++) {
		const struct board_refusal *r = &b->refusals[i];
		if (!refusal_shown(v, r))
			continue;
		sb_puts(o, "<tr>");
		cell(o, r->stream);
		cell(o, r->entry);
		cell(o, r->campaign);
		cell(o, r->department);
		cell(o, r->reason);
		sb_puts(o, "</tr>\n");
		n++;
	}
	if (!n)
		sb_puts(o, "<tr><td colspan=\"5\">None.</td></tr>\n");
	sb_puts(o, "</tbody></table>\n");
}

static void batches_html(struct strbuf *o, const struct board *b,
			 const struct board_view *v)
{
	sb_puts(o, "<h2 id=\"batches\">Plan batches 年度计划批次</h2>\n"
		"<table><thead><tr><th>plan</th><th>batch</th>"
		"<th>department</th><th>sent</th><th>status</th></tr>"
		"</thead><tbody>\n");
	size_t n = 0;
	for (size_t i = 0; i < b->n_batches; i++) {
		const struct board_batch *x = &b->batches[i];
		if (!shown(v, x->campaign, x->department))
			continue;
		sb_puts(o, "<tr>");
		cell(o, x->plan);
		if (!strcmp(x->status, "published"))
			campaign_link(o, x->campaign);
		else
			cell(o, x->campaign);
		cell(o, x->department);
		cell(o, x->sent);
		cell(o, !strcmp(x->status, "frozen") ? "frozen: awaiting entropy"
			: x->status[0] ? x->status : "in the intake");
		sb_puts(o, "</tr>\n");
		n++;
	}
	if (!n)
		sb_puts(o, "<tr><td colspan=\"5\">None.</td></tr>\n");
	sb_puts(o, "</tbody></table>\n");
}

/* Inspectors' load today and tomorrow, from the listed visits' teams
 * ("name badge, name badge"): each member's count, most loaded first. */
struct member_load {
	char who[80];
	int32_t date;
	unsigned visits;
};

static int by_load(const void *a, const void *b)
{
	const struct member_load *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->visits != y->visits)
		return x->visits > y->visits ? -1 : 1;
	return strcmp(x->who, y->who);
}

static void load_html(struct strbuf *o, const struct board *b,
		      const struct board_view *v)
{
	struct member_load *l = calloc(4 * b->n_visits + 1, sizeof(*l));
	size_t n = 0, listed = 0;
	for (size_t i = 0; l && i < b->n_visits; i++) {
		const struct board_visit *x = &b->visits[i];
		if (!shown(v, x->campaign, x->department) ||
		    listed++ >= BOARD_MAX_VISITS)
			continue;
		for (const char *at = x->team; *at;) {
			size_t k = strcspn(at, ",");
			char who[80];
			snprintf(who, sizeof(who), "%.*s", (int)k, at);
			size_t j = 0;
			while (j < n && (l[j].date != x->date || strcmp(l[j].who, who)))
				j++;
			if (j == n && n < 4 * b->n_visits) {
				snprintf(l[n].who, sizeof(l[n].who), "%s", who);
				l[n++].date = x->date;
			}
			if (j < n)
				l[j].visits++;
			at += k;
			while (*at == ',' || *at == ' ')
				at++;
		}
	}
	if (l)
		qsort(l, n, sizeof(*l), by_load);
	sb_puts(o, "<h2 id=\"load\">Inspectors' load 检查人员任务量</h2>\n"
		"<table><thead><tr><th>day</th><th>inspector</th>"
		"<th>visits</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char day[11];
		date_format(l[i].date, day);
		sb_puts(o, "<tr>");
		cell(o, day);
		cell(o, l[i].who);
		cell_n(o, l[i].visits, NULL);
		sb_puts(o, "</tr>\n");
	}
	if (!n)
		sb_puts(o, "<tr><td colspan=\"3\">None.</td></tr>\n");
	sb_puts(o, "</tbody></table>\n");
	free(l);
}

static void counters_html(struct strbuf *o, const struct metrics *m)
{
	static const struct {
		enum metric_counter c;
		const char *name;
	} shown_counters[] = {
		{METRIC_ENTRIES_TAKEN, "entries taken"},
		{METRIC_REFUSED_INVALID, "entries refused with a reason"},
		{METRIC_REFUSED_JUNK, "entries that were no entry"},
		{METRIC_REFUSED_UNPROCESSABLE, "entries that could not be answered"},
		{METRIC_CAMPAIGNS_PUBLISHED, "campaigns published"},
		{METRIC_RESULTS_REFUSED, "results and steps refused"},
		{METRIC_CONTENTION, "contention (another writer first)"},
		{METRIC_REDIS_RECONNECTS, "Redis reconnections"},
	};
	sb_puts(o, "<p>Since this process started:</p>\n<dl>");
	for (size_t i = 0; i < sizeof(shown_counters) / sizeof(*shown_counters);
	     i++) {
		char n[24];
		snprintf(n, sizeof(n), "%" PRIu64, m->counter[shown_counters[i].c]);
		html_pair(o, shown_counters[i].name, n, NULL);
	}
	sb_puts(o, "</dl>\n");
}

/* The deployment's own state: on the page of a token that sees every
 * department only (consumers' names are the operators' business). */
static void operations_html(struct strbuf *o, const struct board *b,
			    const struct metrics *m)
{
	sb_printf(o, "<h2 id=\"operations\">Operations</h2>\n");
	if (m)
		counters_html(o, m);
	sb_puts(o, "<dl>");
	html_pair(o, "intake group", b->intake_group ? "present" : "missing",
		  b->intake_group ? "ok" : "bad");
	html_pair(o, "results group", b->results_group ? "present" : "missing",
		  b->results_group ? "ok" : "bad");
	sb_puts(o, "</dl>\n<table><thead><tr><th>stream</th><th>consumer</th>"
		"<th>pending</th><th>idle (ms)</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < b->n_consumers; i++) {
		const struct board_consumer *c = &b->consumers[i];
		sb_puts(o, "<tr>");
		cell(o, c->stream);
		cell(o, c->name);
		sb_printf(o, "<td class=\"num\">%" PRIu64 "</td><td class=\""
			  "num\">%" PRIu64 "</td></tr>\n", c->pending,
			  c->idle_ms);
	}
	sb_puts(o, "</tbody></table>\n");
}

void board_html(const struct board *b, const struct board_view *v,
		struct strbuf *out)
{
	size_t n;
	const struct board_campaign **l = campaigns_of(b, v, &n);
	head(out, b, v);
	campaigns_html(out, l, l ? n : 0, v);
	visits_html(out, b, v);
	load_html(out, b, v);
	batches_html(out, b, v);
	refusals_html(out, b, v);
	if (v->all && !v->campaign)
		operations_html(out, b, v->metrics);
	sb_puts(out, "<p>The same data: <a href=\"/api/dashboard\">"
		"/api/dashboard</a> (JSON).</p>\n<script>\n" BOARD_SCRIPT
		"</script>\n</body></html>\n");
	free(l);
}

const char board_script[] = BOARD_SCRIPT;

/* A result status's name as a key or label: "at risk" as at_risk. */
static const char *status_key(unsigned s, char out[24])
{
	snprintf(out, 24, "%s", result_status_names[s]);
	for (char *p = out; *p; p++)
		if (*p == ' ')
			*p = '_';
	return out;
}

static void json_num(struct strbuf *o, const char *name, uint64_t n,
		     bool comma)
{
	json_string(o, name);
	sb_printf(o, ":%" PRIu64 "%s", n, comma ? "," : "");
}

static void json_day(struct strbuf *o, const char *name, int32_t day,
		     bool comma)
{
	char d[11];
	day_text(day, d);
	if (day == DATE_NONE) {
		json_string(o, name);
		sb_printf(o, ":null%s", comma ? "," : "");
	} else {
		json_member(o, name, d, comma);
	}
}

void board_json(const struct board *b, const struct board_view *v,
		struct strbuf *out)
{
	size_t n;
	const struct board_campaign **l = campaigns_of(b, v, &n);
	sb_puts(out, "{");
	json_day(out, "today", v->today, true);
	json_num(out, "read_at_ms", b->taken_ms, true);
	sb_printf(out, "\"redis_up\":%s,", b->redis_up ? "true" : "false");
	sb_puts(out, "\"campaigns\":[");
	for (size_t i = 0; l && i < n; i++) {
		const struct board_campaign *c = l[i];
		sb_puts(out, i ? ",{" : "{");
		json_member(out, "id", c->id, true);
		json_member(out, "department", c->department, true);
		json_member(out, "task_type", c->task_type, true);
		json_member(out, "plan", c->plan, true);
		json_member(out, "visit_window", c->visit_window, true);
		json_day(out, "date", c->date, true);
		json_num(out, "selected", c->selected, true);
		json_num(out, "results", c->results, true);
		sb_puts(out, "\"visits\":{");
		char key[24];
		for (unsigned s = 0; s < RESULT_STATUSES; s++)
			json_num(out, status_key(s, key), c->status[s],
				 s + 1 < RESULT_STATUSES);
		sb_puts(out, "},");
		json_num(out, "follow_ups_open", c->follow_ups_open, true);
		json_num(out, "follow_ups_late", c->follow_ups_late, true);
		json_day(out, "next_deadline", c->next_deadline, true);
		sb_printf(out, "\"unreadable\":%s,\"counts_pending\":%s}",
			  c->unreadable ? "true" : "false",
			  c->counts_pending ? "true" : "false");
	}
	sb_puts(out, "],\"visits\":[");
	bool first = true;
	size_t listed = 0;
	for (size_t i = 0; i < b->n_visits; i++) {
		const struct board_visit *x = &b->visits[i];
		if (!shown(v, x->campaign, x->department) ||
		    listed++ >= BOARD_MAX_VISITS)
			continue;
		sb_puts(out, first ? "{" : ",{");
		first = false;
		json_day(out, "date", x->date, true);
		json_member(out, "campaign", x->campaign, true);
		json_member(out, "department", x->department, true);
		json_member(out, "team", x->team, true);
		json_member(out, "uscc", x->uscc, true);
		json_member(out, "name", x->name, false);
		sb_puts(out, "}");
	}
	sb_printf(out, "],\"visits_left_out\":%zu,\"refused\":[",
		  visits_left_out(b, v, listed));
	first = true;
	for (size_t i = 0; i < b->n_refusals; i++) {
		const struct board_refusal *r = &b->refusals[i];
		if (!refusal_shown(v, r))
			continue;
		sb_puts(out, first ? "{" : ",{");
		first = false;
		json_member(out, "stream", r->stream, true);
		json_member(out, "entry", r->entry, true);
		json_member(out, "campaign", r->campaign, true);
		json_member(out, "department", r->department, true);
		json_member(out, "named", r->named, true);
		json_member(out, "reason", r->reason, false);
		sb_puts(out, "}");
	}
	sb_puts(out, "],\"batches\":[");
	first = true;
	for (size_t i = 0; i < b->n_batches; i++) {
		const struct board_batch *x = &b->batches[i];
		if (!shown(v, x->campaign, x->department))
			continue;
		sb_puts(out, first ? "{" : ",{");
		first = false;
		json_member(out, "plan", x->plan, true);
		json_member(out, "campaign", x->campaign, true);
		json_member(out, "department", x->department, true);
		json_member(out, "sent", x->sent, true);
		json_member(out, "status", x->status, false);
		sb_puts(out, "}");
	}
	sb_puts(out, "]}\n");
	free(l);
}

bool readiness_ok(const struct readiness *r)
{
	return r->redis && r->groups && r->calendars && r->moving;
}

void readiness_text(const struct readiness *r, struct strbuf *out)
{
	static const char *const names[] = {"redis", "groups", "calendars",
					    "moving"};
	const bool ok[] = {r->redis, r->groups, r->calendars, r->moving};
	sb_puts(out, readiness_ok(r) ? "ready\n" : "not ready\n");
	for (unsigned i = 0; i < 4; i++)
		sb_printf(out, "%s: %s%s%s\n", names[i], ok[i] ? "ok" : "failing",
			  r->why[i][0] ? ": " : "", r->why[i]);
}

static void family(struct strbuf *o, const char *name, const char *type,
		   const char *help)
{
	sb_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, quote and newline escaped. */
static void label(struct strbuf *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			sb_printf(o, "\\%c", *v);
		else if (*v == '\n')
			sb_puts(o, "\\n");
		else
			sb_add(o, v, 1);
	}
}

static void histogram_text(struct strbuf *o, const char *name,
			   const char *help, const struct histogram *h)
{
	family(o, name, "histogram", help);
	uint64_t cum = 0;
	for (unsigned i = 0; i < METRIC_BUCKETS; i++) {
		cum += h->bucket[i];
		sb_printf(o, "%s_bucket{le=\"%g\"} %" PRIu64 "\n", name,
			  metric_bounds[i], cum);
	}
	sb_printf(o, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n%s_sum %.6f\n"
		  "%s_count %" PRIu64 "\n", name, h->count, name, h->sum, name,
		  h->count);
}

static void counter_text(struct strbuf *o, const char *name,
			 const char *help, uint64_t v)
{
	family(o, name, "counter", help);
	sb_printf(o, "%s %" PRIu64 "\n", name, v);
}

void metrics_text(const struct metrics *m, const struct board *b,
		  uint64_t now_ms, struct strbuf *o)
{
	const uint64_t *c = m->counter;
	counter_text(o, "inspectd_entries_taken_total",
		     "New intake entries this process took off the stream.",
		     c[METRIC_ENTRIES_TAKEN]);
	family(o, "inspectd_entries_refused_total", "counter",
	       "Intake entries refused, by the class of their reason.");
	sb_printf(o, "inspectd_entries_refused_total{class=\"invalid\"} %"
		  PRIu64 "\ninspectd_entries_refused_total{class=\"junk\"} %"
		  PRIu64 "\ninspectd_entries_refused_total{class=\""
		  "unprocessable\"} %" PRIu64 "\n", c[METRIC_REFUSED_INVALID],
		  c[METRIC_REFUSED_JUNK], c[METRIC_REFUSED_UNPROCESSABLE]);
	family(o, "inspectd_campaigns_answered_total", "counter",
	       "Campaigns this process answered, by how.");
	sb_printf(o, "inspectd_campaigns_answered_total{outcome=\"frozen\"} %"
		  PRIu64 "\ninspectd_campaigns_answered_total{outcome=\""
		  "published\"} %" PRIu64 "\n", c[METRIC_CAMPAIGNS_FROZEN],
		  c[METRIC_CAMPAIGNS_PUBLISHED]);
	counter_text(o, "inspectd_feeds_delivered_total",
		     "Days of inspectors' feeds delivered.",
		     c[METRIC_FEEDS_DELIVERED]);
	family(o, "inspectd_results_total", "counter",
	       "Results entries (results and their steps), by outcome.");
	sb_printf(o, "inspectd_results_total{outcome=\"accepted\"} %" PRIu64
		  "\ninspectd_results_total{outcome=\"refused\"} %" PRIu64 "\n",
		  c[METRIC_RESULTS_ANSWERED] > c[METRIC_RESULTS_REFUSED]
			  ? c[METRIC_RESULTS_ANSWERED] - c[METRIC_RESULTS_REFUSED]
			  : 0,
		  c[METRIC_RESULTS_REFUSED]);
	counter_text(o, "inspectd_redis_reconnects_total",
		     "Connections to Redis made again after one was lost.",
		     c[METRIC_REDIS_RECONNECTS]);
	counter_text(o, "inspectd_contention_total",
		     "Transactions tried again because another writer came "
		     "first.", c[METRIC_CONTENTION]);
	counter_text(o, "inspectd_http_requests_total",
		     "HTTP requests served.", c[METRIC_HTTP_REQUESTS]);
	counter_text(o, "inspectd_http_unauthorized_total",
		     "HTTP requests answered 401.", c[METRIC_HTTP_UNAUTHORIZED]);
	histogram_text(o, "inspectd_fetch_seconds",
		       "Reading a campaign's population from the grade index.",
		       &m->histogram[METRIC_FETCH]);
	histogram_text(o, "inspectd_publication_seconds",
		       "Writing a drawn campaign's tasks, feeds and records.",
		       &m->histogram[METRIC_PUBLICATION]);
	if (!b)
		return;
	family(o, "inspectd_board_age_seconds", "gauge",
	       "Age of the dashboard's last read of Redis.");
	sb_printf(o, "inspectd_board_age_seconds %.3f\n",
		  now_ms > b->taken_ms ? (now_ms - b->taken_ms) / 1000.0 : 0.0);
	family(o, "inspectd_redis_up", "gauge",
	       "Whether the dashboard's last read reached Redis.");
	sb_printf(o, "inspectd_redis_up %d\n", b->redis_up);
	if (!b->redis_up)
		return; /* the rest would be stale */
	size_t complete = 0, status[RESULT_STATUSES] = {0};
	for (size_t i = 0; i < b->n_campaigns; i++) {
		const struct board_campaign *x = &b->campaigns[i];
		complete += x->results >= x->selected;
		for (unsigned s = 0; s < RESULT_STATUSES; s++)
			status[s] += x->status[s];
	}
	family(o, "inspectd_campaigns", "gauge",
	       "Published campaigns, by whether every result is in.");
	sb_printf(o, "inspectd_campaigns{status=\"in_progress\"} %zu\n"
		  "inspectd_campaigns{status=\"complete\"} %zu\n",
		  b->n_campaigns - complete, complete);
	family(o, "inspectd_visits", "gauge",
	       "Visits of published campaigns, by where their result stands.");
	char key[24];
	for (unsigned s = 0; s < RESULT_STATUSES; s++)
		sb_printf(o, "inspectd_visits{result=\"%s\"} %zu\n",
			  status_key(s, key), status[s]);
	family(o, "inspectd_results_overdue", "gauge",
	       "Results past their deadline of 20 working days.");
	sb_printf(o, "inspectd_results_overdue %zu\n", status[RESULT_OVERDUE]);
	family(o, "inspectd_pending_entries", "gauge",
	       "Stream entries given to a consumer and not yet acknowledged.");
	for (size_t i = 0; i < b->n_consumers; i++) {
		sb_puts(o, "inspectd_pending_entries{stream=\"");
		label(o, b->consumers[i].stream);
		sb_puts(o, "\",consumer=\"");
		label(o, b->consumers[i].name);
		sb_printf(o, "\"} %" PRIu64 "\n", b->consumers[i].pending);
	}
}
