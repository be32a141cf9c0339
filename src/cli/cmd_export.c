/* inspectctl export: a published campaign's public disclosure (CSV, JSON
 * or HTML), or its audit bundle (--bundle) for inspectctl verify. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "inspect/assign.h"
#include "inspect/bundle.h"
#include "inspect/campaign_view.h"
#include "inspect/catalog.h"
#include "inspect/date.h"
#include "inspect/disclosure.h"
#include "inspect/file.h"
#include "inspect/grades.h"
#include "inspect/team_inputs.h"

struct export_args {
	const char *campaign, *format, *out;
	bool bundle;
	struct redis_opts ro;
};

static const char export_usage[] =
	"usage: inspectctl export --campaign ID --format csv|json|html "
	"--out DIR\n"
	"       inspectctl export --campaign ID --bundle --out DIR\n"
	"       [--config FILE] [--redis URL]\n";

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
				       !strcmp(a->format, "html"));
	if (!a->campaign || !a->out || optind != argc ||
	    a->bundle == format_ok || (a->format && !format_ok))
		return -1;
	return 0;
}

/* Writes dir/name; prints the reason on failure. */
static int write_out(const char *dir, const char *name, const char *data,
		     size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int r = file_write(path, data, len);
	if (r < 0)
		fprintf(stderr, "inspectctl: %s: %s\n", path, strerror(-r));
	return r;
}

static const char *field(const struct campaign_view *v, const char *name)
{
	const char *s = campaign_view_field(v, name);
	return s ? s : "";
}

/* The rows' names and teams, copied into one arena. */
struct disclosure_rows {
	struct disclosure_row *rows;
	struct strbuf arena;
	size_t *at; /* per row: name, team offsets */
};

static int build_rows(const struct campaign_view *v, bool teams,
		      struct disclosure_rows *out)
{
	struct planned_visit pv;
	struct result_record rr;
	bool has;
	memset(out, 0, sizeof(*out));
	out->rows = calloc(v->n + 1, sizeof(*out->rows));
	out->at = calloc(2 * v->n + 2, sizeof(*out->at));
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
		r->result = has ? rr.result : NULL;
		r->result_date = has ? rr.date : 0;
		out->at[2 * k] = out->arena.len;
		sb_add(&out->arena, pv.name, strlen(pv.name) + 1);
		out->at[2 * k + 1] = out->arena.len;
		sb_add(&out->arena, pv.team, strlen(pv.team) + 1);
	}
	if (out->arena.failed)
		return -1;
	for (size_t k = 0; k < v->n; k++) {
		out->rows[k].name = out->arena.s + out->at[2 * k];
		out->rows[k].team = teams ? out->arena.s + out->at[2 * k + 1]
					  : NULL;
	}
	return 0;
}

static void rows_finish(struct disclosure_rows *r)
{
	free(r->rows);
	free(r->at);
	sb_finish(&r->arena);
}

static int export_disclosure(const struct export_args *a,
			     const struct catalog *cat,
			     const struct campaign_view *v)
{
	struct disclosure_item items[CAMPAIGN_MAX_ITEMS];
	char codes[CAMPAIGN_MAX_ITEMS * 66], name[128];
	struct policy p;
	struct diag err;
	struct disclosure_rows rows;
	struct strbuf out = {0};
	diag_init(&err);
	const char *pt = field(v, "policy_text");
	if (policy_parse("the campaign's policy", pt, strlen(pt), &p, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_FAIL;
	}
	struct disclosure d = {
		.campaign = a->campaign, .department = field(v, "department"),
		.window = *field(v, "window") ? field(v, "window")
					      : field(v, "visit_window"),
		.draw_date = field(v, "date"), .items = items,
		.population = strtoull(field(v, "population"), NULL, 10),
		.selected = strtoull(field(v, "selected"), NULL, 10),
		.population_digest = field(v, "population_digest"),
		.policy_digest = field(v, "policy_digest"),
		.seed = field(v, "seed"), .entropy = field(v, "entropy"),
		.algorithm = ALGORITHM_VERSION " + " ASSIGN_ALGORITHM,
		.teams_disclosed = p.disclose_inspectors};
	snprintf(codes, sizeof(codes), "%s", field(v, "items"));
	for (char *save, *c = strtok_r(codes, ",", &save);
	     c && d.n_items < CAMPAIGN_MAX_ITEMS; c = strtok_r(NULL, ",", &save)) {
		const struct item *it = item_find(&cat->items, c);
		items[d.n_items++] = (struct disclosure_item){c, it ? it->name
								    : ""};
	}
	if (build_rows(v, d.teams_disclosed, &rows) < 0) {
		rows_finish(&rows);
		return EXIT_FAIL;
	}
	d.rows = rows.rows;
	d.n = v->n;
	if (!strcmp(a->format, "csv"))
		disclosure_csv(&d, &out);
	else if (!strcmp(a->format, "json"))
		disclosure_json(&d, &out);
	else
		disclosure_html(&d, &out);
	snprintf(name, sizeof(name), "%s.%s", a->campaign, a->format);
	int r = out.failed ? -ENOMEM : write_out(a->out, name, out.s, out.len);
	if (r == 0)
		printf("%s/%s\n", a->out, name);
	sb_finish(&out);
	rows_finish(&rows);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}

/* GET key into out; false (with the reason printed) if it is missing. */
static bool get_text(struct store *s, const char *key, struct strbuf *out)
{
	redisReply *r = store_runv(s, "GET", key, NULL);
	bool ok = r && r->type == REDIS_REPLY_STRING;
	if (ok)
		sb_add(out, r->str, r->len);
	else
		fprintf(stderr, "inspectctl: %s: %s\n", key,
			r ? "missing" : s->err);
	freeReplyObject(r);
	return ok;
}

/* The manifest from the campaign's record. */
static bool manifest_of(const struct campaign_view *v, const char *id,
			struct bundle_manifest *m)
{
	memset(m, 0, sizeof(*m));
#define COPY(f, name) snprintf(m->f, sizeof(m->f), "%s", field(v, name))
	snprintf(m->campaign, sizeof(m->campaign), "%s", id);
	COPY(department, "department");
	COPY(policy, "policy");
	COPY(entropy, "entropy");
	COPY(seed, "seed");
	COPY(population_digest, "population_digest");
	COPY(policy_digest, "policy_digest");
	COPY(roster_digest, "roster_digest");
#undef COPY
	snprintf(m->algorithm, sizeof(m->algorithm), "%s", ALGORITHM_VERSION);
	snprintf(m->teams_algorithm, sizeof(m->teams_algorithm), "%s",
		 ASSIGN_ALGORITHM);
	m->size = (uint32_t)strtoul(field(v, "size"), NULL, 10);
	m->population = strtoull(field(v, "population"), NULL, 10);
	m->selected = strtoull(field(v, "selected"), NULL, 10);
	return date_parse(field(v, "date"), 10, &m->date) && m->roster_digest[0];
}

/* The outcome as published: uscc,date,team ids, ascending by uscc. */
static int outcome_of(const struct campaign_view *v, struct strbuf *out)
{
	struct planned_visit pv;
	struct result_record rr;
	bool has;
	sb_puts(out, OUTCOME_HEADER "\n");
	for (size_t k = 0; k < v->n; k++) {
		char day[11];
		if (!campaign_row_parse(&v->rows[k], &pv, &rr, &has))
			return -1;
		date_format(pv.date, day);
		sb_printf(out, "%s,%s,", v->rows[k].uscc, day);
		for (unsigned m = 0; m < pv.n_ids; m++)
			sb_printf(out, "%s%s", m ? ";" : "", pv.ids[m]);
		sb_puts(out, "\n");
	}
	return 0;
}

/* The calendars of the window's years, copied beside the rest. */
static int copy_calendars(const struct config *cfg, const char *dir,
			  const struct strbuf *teams)
{
	struct team_inputs ti;
	struct diag err;
	diag_init(&err);
	if (team_inputs_parse("teams", teams->s, teams->len, &ti, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return -1;
	}
	int y0, y1, rc = 0;
	unsigned m, d;
	date_to_civil(ti.window_from, &y0, &m, &d);
	date_to_civil(ti.window_to, &y1, &m, &d);
	team_inputs_finish(&ti);
	for (int y = y0; rc == 0 && y <= y1; y++) {
		char path[1024], name[32], *text;
		size_t len;
		snprintf(name, sizeof(name), "cn-%04d.yaml", y);
		snprintf(path, sizeof(path), "%s/%s", cfg->calendars, name);
		if (file_read(path, 1 << 20, &text, &len) < 0) {
			fprintf(stderr, "inspectctl: %s: cannot read\n", path);
			return -1;
		}
		rc = write_out(dir, name, text, len);
		free(text);
	}
	return rc;
}

static int export_bundle(const struct export_args *a, const struct config *cfg,
			 struct store *s, const struct campaign_view *v)
{
	struct bundle_manifest m;
	struct strbuf f[7] = {{0}}; /* in bundle_files order */
	struct policy p;
	struct diag err;
	char key[200];
	diag_init(&err);
	if (!manifest_of(v, a->campaign, &m)) {
		fprintf(stderr, "inspectctl: campaign %s was published before "
			"audit bundles were kept\n", a->campaign);
		return EXIT_FAIL;
	}
	bundle_manifest_format(&m, &f[0]);
	sb_puts(&f[1], field(v, "policy_text"));
	int rc = policy_parse("the campaign's policy", f[1].s, f[1].len, &p,
			      &err);
	if (rc < 0)
		fputs(diag_text(&err), stderr);
	else
		policy_numbers_format(&p, &f[2]);
	unsigned chunks = (unsigned)strtoul(field(v, "frozen_chunks"), NULL, 10);
	for (unsigned k = 0; rc == 0 && k < chunks; k++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), ":%u", k);
		store_key(key, sizeof(key), cfg->prefix, "frozen:%s%s",
			  a->campaign, suffix);
		rc = get_text(s, key, &f[3]) ? 0 : -1;
	}
	store_key(key, sizeof(key), cfg->prefix, "roster:%s", m.roster_digest);
	if (rc == 0 && !get_text(s, key, &f[4]))
		rc = -1;
	store_key(key, sizeof(key), cfg->prefix, "audit:%s", a->campaign);
	if (rc == 0 && !get_text(s, key, &f[5]))
		rc = -1;
	if (rc == 0 && outcome_of(v, &f[6]) < 0)
		rc = -1;
	if (rc == 0 && mkdir(a->out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "inspectctl: %s: %s\n", a->out, strerror(errno));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n_bundle_files; i++)
		rc = f[i].failed ? -1
				 : write_out(a->out, bundle_files[i],
					     f[i].s ? f[i].s : "", f[i].len);
	if (rc == 0)
		rc = copy_calendars(cfg, a->out, &f[5]);
	for (size_t i = 0; i < n_bundle_files; i++)
		sb_finish(&f[i]);
	if (rc == 0)
		printf("%s\n", a->out);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a;
	if (parse_args(argc, argv, &a) < 0) {
		fputs(export_usage, stderr);
		return EXIT_INPUT;
	}
	struct config cfg;
	struct store s;
	struct catalog cat;
	struct campaign_view v;
	struct diag err;
	diag_init(&err);
	int r = cli_open_catalog(&a.ro, &cfg, &s, &cat);
	if (r)
		return r;
	r = campaign_view_read(&s, cfg.prefix, a.campaign, &v, &err);
	if (r == STORE_LOST) {
		fprintf(stderr, "inspectctl: redis: %s\n", s.err);
		r = EXIT_FAIL;
	} else if (r < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		r = EXIT_INPUT;
	} else if (!a.bundle && mkdir(a.out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "inspectctl: %s: %s\n", a.out, strerror(errno));
		r = EXIT_FAIL;
	} else {
		r = a.bundle ? export_bundle(&a, &cfg, &s, &v)
			     : export_disclosure(&a, &cat, &v);
	}
	campaign_view_finish(&v);
	catalog_finish(&cat);
	store_close(&s);
	return r;
}
