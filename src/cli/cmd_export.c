/* inspectctl export: a published campaign's public disclosure (CSV, JSON
 * or HTML), or its audit bundle (--bundle, export_bundle.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/core/number.h"
#include "cli.h"
#include "inspect/core/assign.h"
#include "inspect/store/campaign_view.h"
#include "inspect/shell/archive.h"
#include "inspect/shell/catalog.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/disclosure.h"
#include "inspect/shell/file.h"
#include "inspect/store/grades.h"

struct export_args {
	const char *campaign, *format, *out;
	bool bundle;
	struct redis_opts ro;
};

static int parse_args(int argc, char **argv, struct export_args *a)
{
	static const struct option opts[] = {
		{"campaign", required_argument, 0, 'C'},
		{"format", required_argument, 0, 'f'},
		{"out", required_argument, 0, 'o'},
		{"bundle", no_argument, 0, 'b'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	int c;
	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'C': a->campaign = optarg; break;
		case 'f': a->format = optarg; break;
		case 'o': a->out = optarg; break;
		case 'b': a->bundle = true; break;
		default:
			if (!cli_redis_option(c, optarg, &a->ro))
				return -1;
		}
	}
	bool format_ok = a->format && (!strcmp(a->format, "csv") ||
				       !strcmp(a->format, "json") ||
				       !strcmp(a->format, "html") ||
				       !strcmp(a->format, "national-csv") ||
				       !strcmp(a->format, "national-json"));
	if (!a->campaign || !a->out || optind != argc ||
	    a->bundle == format_ok || (a->format && !format_ok))
		return -1;
	return 0;
}

int cli_write_out(const char *dir, const char *name, const char *data,
		     size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int r = file_write(path, data, len);
	if (r < 0)
		fprintf(stderr, "inspectctl: %s: %s\n", path, strerror(-r));
	return r;
}

const char *campaign_field(const struct campaign_view *v, const char *name)
{
	const char *s = campaign_view_field(v, name);
	return s ? s : "";
}

/* The rows' names and teams, copied into one arena. */
struct disclosure_rows {
	struct disclosure_row *rows;
	size_t n;
	struct strbuf arena;
	size_t *at; /* per row: name, team, item results offsets */
};

/* A result as the public sees it today: none while it waits for review,
 * its corrections and objection, the end of its publication. */
static void public_result(struct disclosure_row *r,
			  const struct result_record *rr,
			  const struct result_rules *rules, int32_t today)
{
	r->result = NULL;
	r->result_date = r->corrected = r->objection_day = 0;
	r->publication_ended = r->follow_up_done = 0;
	r->objection = OBJECTION_NONE;
	r->items = NULL;
	r->follow_up = NULL;
	if (rr->state != RESULT_PUBLISHED)
		return;
	int32_t until = result_public_until(rr, rules->adverse_years);
	if (until != DATE_NONE && today >= until) {
		r->publication_ended = until;
		return;
	}
	r->result = rr->result;
	r->result_date = rr->date;
	r->corrected = rr->corrected == DATE_NONE ? 0 : rr->corrected;
	r->objection = rr->objection;
	r->objection_day = rr->objection == OBJECTION_NONE
				   ? 0 : rr->objection_day;
	r->follow_up = rr->follow_up_outcome; /* items: see build_rows */
	r->follow_up_done = rr->follow_up_outcome ? rr->follow_up_done : 0;
}

static int build_rows(const struct campaign_view *v, bool teams,
		      const struct result_rules *rules, int32_t today,
		      struct disclosure_rows *out)
{
	struct planned_visit pv;
	struct result_record rr;
	bool has;
	memset(out, 0, sizeof(*out));
	out->rows = calloc(v->n + 1, sizeof(*out->rows));
	out->at = calloc(3 * v->n + 3, sizeof(*out->at));
	if (!out->rows || !out->at)
		return -1;
	for (size_t k = 0; k < v->n; k++) {
		if (!campaign_row_parse(&v->rows[k], &pv, &rr, &has)) {
			fprintf(stderr, "inspectctl: the stored visit or result "
				"of %s is unreadable\n", v->rows[k].uscc);
			return -1;
		}
		struct disclosure_row *r = &out->rows[k];
		r->uscc = v->rows[k].uscc;
		r->planned = pv.date;
		if (has)
			public_result(r, &rr, rules, today);
		out->at[3 * k] = out->arena.len;
		sb_add(&out->arena, pv.name, strlen(pv.name) + 1);
		out->at[3 * k + 1] = out->arena.len;
		sb_add(&out->arena, pv.team, strlen(pv.team) + 1);
		out->at[3 * k + 2] = out->arena.len;
		const char *items = r->result ? rr.items : "";
		sb_add(&out->arena, items, strlen(items) + 1);
	}
	out->n = v->n;
	if (out->arena.failed)
		return -1;
	static const char merged[] = RESULT_MERGED_TEAM;
	for (size_t k = 0; k < v->n; k++) {
		const char *team = out->arena.s + out->at[3 * k + 1];
		const char *items = out->arena.s + out->at[3 * k + 2];
		out->rows[k].name = out->arena.s + out->at[3 * k];
		out->rows[k].items = *items ? items : NULL;
		out->rows[k].team = teams ? team : NULL;
		if (!strncmp(team, merged, sizeof(merged) - 1))
			out->rows[k].merged_with = team + sizeof(merged) - 1;
	}
	return 0;
}

/* After each visit's row, the rows of the partner departments' results
 * (docs/REDIS.md), each with its agency. Returns 0 or -1. */
static int add_partner_rows(const struct campaign_view *v,
			    const struct department_list *departments,
			    const struct result_rules *rules, int32_t today,
			    struct disclosure_rows *out)
{
	size_t n = 0;
	for (size_t k = 0; k < v->n; k++)
		n += v->rows[k].n_partners;
	struct disclosure_row *all = calloc(out->n + n + 1, sizeof(*all));
	if (!all)
		return -1;
	size_t m = 0;
	for (size_t k = 0; k < out->n; k++) {
		const struct campaign_row *row = &v->rows[k];
		all[m++] = out->rows[k];
		for (size_t j = 0; j < row->n_partners; j++) {
			const struct campaign_row *p = &row->partners[j];
			struct result_record rr;
			if (result_record_parse(p->result->str, p->result->len,
						&rr) < 0) {
				fprintf(stderr, "inspectctl: the stored result "
					"%s is unreadable\n", p->uscc);
				free(all);
				return -1;
			}
			struct disclosure_row r = out->rows[k];
			public_result(&r, &rr, rules, today);
			const char *dept = campaign_row_department(p);
			const char *name = department_name(departments, dept);
			r.agency = name && *name ? name : dept;
			all[m++] = r;
		}
	}
	free(out->rows);
	out->rows = all;
	out->n = m;
	return 0;
}

static void rows_finish(struct disclosure_rows *r)
{
	free(r->rows);
	free(r->at);
	sb_finish(&r->arena);
}

/* The item list the plan used (archived under its items_digest), whose
 * names the disclosure shows: 0 with ret filled, 1 for a campaign
 * published before it was kept (the current list serves), or -1. */
static int plan_items(const struct config *cfg, const struct campaign_view *v,
		      struct item_list *ret)
{
	const char *hex = campaign_field(v, "items_digest");
	struct strbuf text = {0};
	struct diag err;
	if (!hex[0])
		return 1;
	diag_init(&err);
	int rc = archive_get(cfg->archive, ARCHIVE_ITEMS, hex, &text, &err);
	if (rc < 0)
		fprintf(stderr, "inspectctl: %s\n", diag_reason(&err));
	else if (item_list_parse("the plan's item list", text.s ? text.s : "",
				 text.len, ret, &err) < 0) {
		fputs(diag_text(&err), stderr);
		rc = -1;
	}
	sb_finish(&text);
	return rc < 0 ? -1 : 0;
}

static int export_disclosure(const struct export_args *a,
			     const struct item_list *item_list,
			     const struct department_list *departments,
			     const struct campaign_view *v, int32_t today)
{
	struct disclosure_item items[CAMPAIGN_MAX_ITEMS];
	char share[CAMPAIGN_MAX_ITEMS][24], name[128];
	struct campaign c;
	struct policy p;
	struct diag err;
	struct disclosure_rows rows;
	struct strbuf out = {0};
	const char *ext = strrchr(a->format, '-'); /* national-csv: "-csv" */
	diag_init(&err);
	const char *pt = campaign_field(v, "policy_text");
	if (policy_parse("the campaign's policy", pt, strlen(pt), &p, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_FAIL;
	}
	struct disclosure d = {
		.campaign = a->campaign, .department = campaign_field(v, "department"),
		.task_type = campaign_field(v, "task_type"),
		.window = *campaign_field(v, "window") ? campaign_field(v, "window")
					      : campaign_field(v, "visit_window"),
		.draw_date = campaign_field(v, "date"), .items = items,
		.population = number_or(campaign_field(v, "population"),
					SIZE_MAX, 0),
		.selected = number_or(campaign_field(v, "selected"), SIZE_MAX,
				      0),
		.capped = number_or(campaign_field(v, "capped"), SIZE_MAX, 0),
		.population_digest = campaign_field(v, "population_digest"),
		.policy_digest = campaign_field(v, "policy_digest"),
		.seed = campaign_field(v, "seed"), .entropy = campaign_field(v, "entropy"),
		.algorithm = ALGORITHM_VERSION " + " ASSIGN_ALGORITHM,
		.calendar_provisional = campaign_field(v, "calendar_provisional"),
		.teams_disclosed = p.disclose_inspectors,
		.roster_digest = campaign_field(v, "roster_digest"),
		.team_inputs_digest = campaign_field(v, "team_inputs_digest"),
		.outcome_digest = campaign_field(v, "outcome_digest"),
		.agency = department_name(departments,
					  campaign_field(v, "department"))};
	if (campaign_items_parse(campaign_field(v, "items"), &c, &err) < 0) {
		fprintf(stderr, "inspectctl: campaign %s: its items: %s",
			a->campaign, diag_text(&err));
		return EXIT_FAIL;
	}
	for (unsigned i = 0; i < c.n_items; i++) {
		const struct item *it = item_find(item_list, c.items[i]);
		share[i][0] = '\0';
		if (c.item_share[i] != ITEM_SHARE_ONE)
			decimal_format(c.item_share[i], FACTOR_SCALE, share[i],
				       sizeof(share[i]));
		items[d.n_items++] = (struct disclosure_item){
			c.items[i], it ? it->name : "", share[i]};
	}
	if (build_rows(v, d.teams_disclosed, &p.results, today, &rows) < 0) {
		rows_finish(&rows);
		return EXIT_FAIL;
	}
	d.rows = rows.rows;
	d.n = v->n;
	/* The national record has a line for each department's result. */
	if (ext && add_partner_rows(v, departments, &p.results, today,
				    &rows) < 0) {
		rows_finish(&rows);
		return EXIT_FAIL;
	}
	if (ext) {
		d.rows = rows.rows;
		d.n = rows.n;
	}
	if (!strcmp(a->format, "csv"))
		disclosure_csv(&d, &out);
	else if (!strcmp(a->format, "json"))
		disclosure_json(&d, &out);
	else if (!strcmp(a->format, "national-csv"))
		disclosure_national_csv(&d, &out);
	else if (!strcmp(a->format, "national-json"))
		disclosure_national_json(&d, &out);
	else
		disclosure_html(&d, &out);
	/* C-1.csv, C-1.national.csv */
	snprintf(name, sizeof(name), "%s.%s%s", a->campaign,
		 ext ? "national." : "", ext ? ext + 1 : a->format);
	int r = out.failed ? -ENOMEM : cli_write_out(a->out, name, out.s, out.len);
	if (r == 0)
		printf("%s/%s\n", a->out, name);
	sb_finish(&out);
	rows_finish(&rows);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a;
	if (parse_args(argc, argv, &a) < 0) {
		return cli_usage("export");
	}
	struct config cfg;
	struct store s;
	struct catalog cat;
	struct campaign_view v;
	struct diag err;
	diag_init(&err);
	int32_t today = DATE_NONE;
	int r = cli_open_catalog_on(&a.ro, &cfg, &s, &cat, &today);
	if (r)
		return r;
	r = (a.bundle ? campaign_view_read_audit : campaign_view_read)(
		&s, a.campaign, &v, &err);
	if (r == FAIL_LOST) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
		r = EXIT_FAIL;
	} else if (r < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		r = EXIT_INPUT;
	} else if (!a.bundle && mkdir(a.out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "inspectctl: %s: %s\n", a.out, strerror(errno));
		r = EXIT_FAIL;
	} else if (a.bundle) {
		r = export_bundle(a.campaign, a.out, &cfg, &s, &v);
	} else {
		struct item_list kept = {0};
		int k = plan_items(&cfg, &v, &kept);
		r = k < 0 ? EXIT_FAIL
			  : export_disclosure(&a, k ? &cat.items : &kept,
					      &cat.departments, &v, today);
		if (k == 0)
			item_list_finish(&kept);
	}
	campaign_view_finish(&v);
	catalog_finish(&cat);
	store_close(&s);
	return r;
}
