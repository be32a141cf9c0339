/* inspectctl plan: a department's annual plan (plan.h) checked, filed, and
 * shown with its progress: each batch's campaign as it stands (scheduled,
 * sent, frozen awaiting its entropy, published, refused), the visits it
 * planned and the results in, against the tasks' quantities. What it
 * shows is public once filed: it carries no credit class. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
#include "inspect/core/markup.h"
#include "inspect/core/number.h"
#include "inspect/core/plan.h"
#include "inspect/core/tables.h"
#include "inspect/shell/catalog.h"
#include "inspect/shell/file.h"
#include "inspect/shell/plan_check.h"
#include "inspect/store/ops.h"
#include "inspect/store/plans.h"

#define PLAN_MAX_BYTES (1 << 20)

/* Reads, parses and checks the plan file against the catalog the
 * configuration names; prints every reason on failure. */
static int load_checked(const char *path, const struct config *cfg,
			struct plan *p, char **text, size_t *len)
{
	int r = file_read(path, PLAN_MAX_BYTES, text, len);
	if (r < 0) {
		fprintf(stderr, "inspectctl: %s: %s\n", path, strerror(-r));
		return EXIT_INPUT;
	}
	struct diag err;
	struct catalog cat;
	diag_init(&err);
	if (catalog_load(cfg, &cat, &err) < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		free(*text);
		return EXIT_FAIL;
	}
	const struct yaml_doc d = {path, *text, *len, &err};
	r = plan_parse(path, *text, *len, p, &err);
	if (r == 0 && plan_check(p, &d, &cat, cfg->max_backdate_days,
				 cfg->visit_days) < 0) {
		plan_finish(p);
		r = -1;
	}
	catalog_finish(&cat);
	if (r < 0) {
		fprintf(stderr, "%s", diag_text(&err));
		free(*text);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static void print_batches(const struct plan *p)
{
	unsigned n = 0;
	for (unsigned t = 0; t < p->n_tasks; t++)
		n += p->tasks[t].n_batches;
	printf("plan %s: %s, %d, %u tasks, %u batches\n", p->id,
	       p->department, p->year, p->n_tasks, n);
	for (unsigned t = 0; t < p->n_tasks; t++)
		for (unsigned b = 0; b < p->tasks[t].n_batches; b++) {
			const struct plan_batch *x = &p->tasks[t].batches[b];
			char f[11], e[11], w0[11], w1[11];
			date_format(x->freeze, f);
			date_format(x->entropy_date, e);
			date_format(x->window_from, w0);
			date_format(x->window_to, w1);
			printf("  %s  %s  frozen %s  entropy %s  visits "
			       "%s..%s\n", x->id,
			       task_type_names[p->tasks[t].type], f, e, w0, w1);
		}
}

static int check_or_submit(bool submit, const char *path,
			   const struct redis_opts *ro)
{
	struct config cfg;
	struct plan p;
	char *text;
	size_t len;
	int r = cli_config_load(ro, &cfg);
	if (r)
		return r;
	if ((r = load_checked(path, &cfg, &p, &text, &len)) != EXIT_OK)
		return r;
	print_batches(&p);
	struct store s;
	if (submit && (r = cli_store_open(ro, &cfg, &s)) == EXIT_OK) {
		struct diag why;
		diag_init(&why);
		int c = plans_file(&s, &p, text, len, cli_today(cfg.time_zone),
				   &why);
		if (c == 0)
			printf("filed: plan %s is public; inspectd freezes each "
			       "batch on its day\n", p.id);
		else if (c == FAIL_REFUSED)
			fprintf(stderr, "inspectctl: not filed: %s\n",
				diag_reason(&why));
		else if (c == FAIL_CONFLICT)
			fprintf(stderr, "inspectctl: plan %s was filed at this "
				"very moment by another: see inspectctl plan "
				"show %s\n", p.id, p.id);
		else
			fprintf(stderr, "inspectctl: redis: %s\n",
				diag_reason(&s.err));
		r = c == 0 ? EXIT_OK : c == FAIL_LOST ? EXIT_FAIL : EXIT_INPUT;
		store_close(&s);
	}
	plan_finish(&p);
	free(text);
	return r;
}

/* ---- plan show ---- */

/* Where a batch stands, from its campaign's record. */
struct batch_state {
	const char *status;
	unsigned long long selected, results;
	char note[TABLE_CELL];
};

static int batch_state(struct store *s, const struct plan_batch *b,
		       const redisReply *sent, int32_t today,
		       struct batch_state *st)
{
	static const char *const f[] = {"status", "selected", "results",
					"error"};
	memset(st, 0, sizeof(*st));
	if (!reply_field(sent, b->id)) {
		st->status = b->freeze > today ? "scheduled" : "due";
		return 0;
	}
	redisReply *r = store_hmget(s, KEY_CAMPAIGN, b->id, f, 4);
	if (!r)
		return FAIL_LOST;
	const char *status = reply_str(r, 0);
	st->status = !status                       ? "sent"
		     : !strcmp(status, "frozen")    ? "frozen, awaiting entropy"
		     : !strcmp(status, "published") ? "published"
						    : "refused";
	if (reply_str(r, 1))
		number_parse_str(reply_str(r, 1), UINT64_MAX, &st->selected);
	if (reply_str(r, 2))
		number_parse_str(reply_str(r, 2), UINT64_MAX, &st->results);
	if (reply_str(r, 3))
		snprintf(st->note, sizeof(st->note), "%s", reply_str(r, 3));
	/* the table's cells are cut at '|' */
	for (char *c = strchr(st->note, '|'); c; c = strchr(c, '|'))
		*c = '/';
	freeReplyObject(r);
	return 0;
}

static int progress(struct store *s, const struct plan *p,
		    const redisReply *sent, int32_t today, struct table_set *ts)
{
	struct table *tasks = table_add(
		ts, "tasks", "抽查任务 Tasks",
		"task,name,type,items,regions,industries,policy,#quantity,"
		"#batches,#published,#visits,#results");
	struct table *batches = table_add(
		ts, "batches", "抽查批次 Batches",
		"campaign,task,freeze,entropy_date,entropy_source,window,"
		"status,#visits,#results,note");
	for (unsigned t = 0; t < p->n_tasks; t++) {
		const struct plan_task *task = &p->tasks[t];
		unsigned long long visits = 0, results = 0, published = 0;
		for (unsigned b = 0; b < task->n_batches; b++) {
			const struct plan_batch *x = &task->batches[b];
			struct batch_state st;
			if (batch_state(s, x, sent, today, &st) < 0)
				return FAIL_LOST;
			char f[11], e[11], w0[11], w1[11];
			date_format(x->freeze, f);
			date_format(x->entropy_date, e);
			date_format(x->window_from, w0);
			date_format(x->window_to, w1);
			table_row(ts, batches, "%s|%s|%s|%s|%.90s|%s..%s|%s|%llu|"
				  "%llu|%s", x->id, task->id, f, e,
				  x->entropy_source, w0, w1, st.status,
				  st.selected, st.results, st.note);
			visits += st.selected;
			results += st.results;
			published += !strcmp(st.status, "published");
		}
		char quantity[16] = "";
		if (task->quantity)
			snprintf(quantity, sizeof(quantity), "%u",
				 task->quantity);
		table_row(ts, tasks, "%s|%.90s|%s|%s|%s|%s|%s|%s|%u|%llu|%llu|"
			  "%llu", task->id, task->name,
			  task_type_names[task->type], task->items,
			  task->regions, task->industries, task->policy,
			  quantity, task->n_batches, published, visits,
			  results);
	}
	return 0;
}

static const char page_style[] =
	PAGE_STYLE
	"table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px "
	"solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
	"th{background:#f2f2f2}td.n{text-align:right}\n"
	"@media print{body{margin:0;max-width:none;font-size:9pt}}\n";

static void plan_page(const struct table_set *ts, const char *title,
		      struct strbuf *b)
{
	html_page_begin(b, title, page_style);
	sb_puts(b, "<header><h1>");
	html_text(b, title);
	sb_puts(b, "</h1>\n<p>年度随机抽查工作计划（备案公示） Annual random "
		   "inspection plan, filed and public</p><dl>\n");
	for (unsigned i = 0; i < ts->n_head; i++)
		html_pair(b, ts->head_names[i], ts->head_values[i], NULL);
	sb_puts(b, "</dl></header>\n");
	tables_html(ts, b);
	sb_puts(b, "<footer><p>每批次抽查名录摘要在公开随机数之前公布；抽取结果"
		   "可按公开算法复核。本页不含企业信用风险分类。Each batch's "
		   "population digest is published before its entropy; this "
		   "page carries no credit class.</p></footer>\n</body>\n"
		   "</html>\n");
}

static int show(const char *id, const char *format, const char *out,
		const struct redis_opts *ro)
{
	struct config cfg;
	struct store s;
	int r = cli_store_open(ro, &cfg, &s);
	if (r)
		return r;
	redisReply *rec = store_hgetall(&s, KEY_PLAN, id);
	redisReply *sent = rec ? store_hgetall(&s, KEY_PLAN_BATCHES, id) : NULL;
	struct plan p = {0};
	struct diag err;
	diag_init(&err);
	const redisReply *text = rec ? reply_field(rec, "text") : NULL;
	if (!sent) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
		r = EXIT_FAIL;
	} else if (!text) {
		fprintf(stderr, "inspectctl: no plan %s is filed\n", id);
		r = EXIT_INPUT;
	} else if (plan_parse(id, text->str, text->len, &p, &err) < 0) {
		fprintf(stderr, "inspectctl: plan %s does not read: %s", id,
			diag_text(&err));
		r = EXIT_FAIL;
	}
	struct table_set ts = {.head = "plan"};
	struct strbuf b = {0};
	char year[8], today[11];
	if (r == 0) {
		int32_t day = cli_today(cfg.time_zone);
		date_format(day, today);
		snprintf(year, sizeof(year), "%d", p.year);
		table_head(&ts, "plan", p.id);
		table_head(&ts, "department", p.department);
		table_head(&ts, "year", year);
		table_head(&ts, "title", p.title);
		table_head(&ts, "filed", reply_field(rec, "filed")->str);
		table_head(&ts, "digest", reply_field(rec, "digest")->str);
		table_head(&ts, "as_of", today);
		if (progress(&s, &p, sent, day, &ts) < 0) {
			fprintf(stderr, "inspectctl: redis: %s\n",
				diag_reason(&s.err));
			r = EXIT_FAIL;
		}
	}
	if (r == 0) {
		if (!strcmp(format, "csv"))
			tables_csv(&ts, &b);
		else if (!strcmp(format, "json"))
			tables_json(&ts, &b);
		else if (!strcmp(format, "html"))
			plan_page(&ts, p.title, &b);
		else
			tables_text(&ts, "inspectd plan", &b);
		if (b.failed || ts.failed) {
			fprintf(stderr, "inspectctl: out of memory\n");
			r = EXIT_FAIL;
		} else if (out) {
			int w = file_write(out, b.s, b.len);
			if (w < 0)
				fprintf(stderr, "inspectctl: %s: %s\n", out,
					strerror(-w));
			r = w < 0 ? EXIT_FAIL : EXIT_OK;
		} else {
			fwrite(b.s, 1, b.len, stdout);
		}
	}
	sb_finish(&b);
	table_set_free(&ts);
	plan_finish(&p);
	freeReplyObject(rec);
	freeReplyObject(sent);
	store_close(&s);
	return r;
}

int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, 0, 'F'},
		{"out", required_argument, 0, 'o'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *format = "text", *out = NULL;
	struct redis_opts ro = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'F')
			format = optarg;
		else if (c == 'o')
			out = optarg;
		else if (!cli_redis_option(c, optarg, &ro))
			return cli_usage("plan");
	}
	static const char *const formats[] = {"text", "csv", "json", "html"};
	bool known = false;
	for (int i = 0; i < 4; i++)
		known |= !strcmp(format, formats[i]);
	if (!known || argc - optind != 2)
		return cli_usage("plan");
	const char *verb = argv[optind], *arg = argv[optind + 1];
	if (!strcmp(verb, "check") || !strcmp(verb, "submit"))
		return check_or_submit(verb[0] == 's', arg, &ro);
	if (!strcmp(verb, "show"))
		return show(arg, format, out, &ro);
	return cli_usage("plan");
}
