/* inspectctl report: a department's numbers over a period (pool and
 * coverage by class, visits per entity, results, problem-found rates with
 * confidence intervals, results on time, the inspectors' load) and next
 * year's class rates suggested from them. Reads the store; the numbers
 * are the core's (stats.h), defined in docs/REPORT.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
#include "inspect/core/pledges.h"
#include "inspect/core/scope.h"
#include "inspect/core/stats.h"
#include "inspect/shell/archive.h"
#include "inspect/shell/catalog.h"
#include "inspect/shell/file.h"
#include "inspect/store/campaign_view.h"
#include "inspect/store/grades.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"

enum report_format { R_TEXT, R_CSV, R_JSON, R_HTML };

struct report_args {
	int32_t from, to, today;
	const char *department, *region, *policy, *out;
	enum report_format format;
	uint32_t min_results;
	double max_change;
	struct redis_opts ro;
};

static int parse_format(const char *s, enum report_format *f)
{
	static const char *const names[] = {"text", "csv", "json", "html"};
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum report_format)i;
			return 0;
		}
	fprintf(stderr, "inspectctl: --format: text, csv, json or html\n");
	return -1;
}

static int parse_region(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n >= 1 && n <= 6 && !s[n])
		return 0;
	fprintf(stderr, "inspectctl: --region: 1 to 6 digits, a prefix of "
		"region codes\n");
	return -1;
}

static int parse_change(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || !(v >= 1 && v <= 100)) {
		fprintf(stderr, "inspectctl: --max-change: a factor from 1 "
			"to 100\n");
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{"from", required_argument, 0, 'f'},
		{"to", required_argument, 0, 't'},
		{"date", required_argument, 0, 'd'},
		{"department", required_argument, 0, 'D'},
		{"region", required_argument, 0, 'r'},
		{"format", required_argument, 0, 'F'},
		{"out", required_argument, 0, 'o'},
		{"policy", required_argument, 0, 'p'},
		{"min-results", required_argument, 0, 'm'},
		{"max-change", required_argument, 0, 'x'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	memset(a, 0, sizeof(*a));
	a->from = a->to = a->today = DATE_NONE;
	a->department = a->region = "";
	a->min_results = 30;
	a->max_change = 2;
	int c, r = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': r = cli_date(optarg, &a->from); break;
		case 't': r = cli_date(optarg, &a->to); break;
		case 'd': r = cli_date(optarg, &a->today); break;
		case 'D': a->department = optarg; break;
		case 'r': r = parse_region(a->region = optarg); break;
		case 'F': r = parse_format(optarg, &a->format); break;
		case 'o': a->out = optarg; break;
		case 'p': a->policy = optarg; break;
		case 'm':
			r = cli_count("--min-results", optarg, 1000000,
				      &a->min_results);
			break;
		case 'x': r = parse_change(optarg, &a->max_change); break;
		default:
			r = cli_redis_option(c, optarg, &a->ro) ? 0 : -1;
		}
	}
	return r == 0 && optind == argc ? 0 : -1;
}

/* A published campaign's record, for ordering and filtering. */
struct report_campaign {
	char id[SEED_MAX_ID + 1];
	char digest[65];
	char department[CAMPAIGN_MAX_NAME + 1];
	char policy[CAMPAIGN_MAX_NAME + 1];
	enum task_type type;
};

static int by_digest(const void *a, const void *b)
{
	const struct report_campaign *x = a, *y = b;
	int c = strcmp(x->digest, y->digest);
	return c ? c : strcmp(x->id, y->id);
}

static enum task_type type_named(const char *s)
{
	return s && !strcmp(s, task_type_names[TASK_DIRECTED]) ? TASK_DIRECTED
							      : TASK_UNDIRECTED;
}

/* The published campaigns of the department (all when ""), ordered by
 * their population so that each kept population is read once. */
static int list_campaigns(struct store *s, const char *department,
			  struct report_campaign **ret, size_t *n)
{
	redisReply *ids = store_smembers(s, KEY_PUBLISHED);
	if (!ids || ids->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(ids);
		return FAIL_LOST;
	}
	struct report_campaign *v = calloc(ids->elements + 1, sizeof(*v));
	*n = 0;
	int rc = v ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < ids->elements; i++) {
		redisReply *rec = store_hgetall(s, KEY_CAMPAIGN,
						ids->element[i]->str);
		if (!rec) {
			rc = FAIL_LOST;
			break;
		}
		const redisReply *f[4];
		static const char *const names[4] = {
			"department", "population_digest", "policy",
			"task_type"};
		for (int k = 0; k < 4; k++)
			f[k] = reply_field(rec, names[k]);
		if (f[0] && (!department[0] || !strcmp(f[0]->str, department))) {
			struct report_campaign *c = &v[(*n)++];
			snprintf(c->id, sizeof(c->id), "%s", ids->element[i]->str);
			snprintf(c->department, sizeof(c->department), "%s",
				 f[0]->str);
			snprintf(c->digest, sizeof(c->digest), "%s",
				 f[1] ? f[1]->str : "");
			snprintf(c->policy, sizeof(c->policy), "%s",
				 f[2] ? f[2]->str : "");
			c->type = type_named(f[3] ? f[3]->str : NULL);
		}
		freeReplyObject(rec);
	}
	freeReplyObject(ids);
	if (rc < 0) {
		free(v);
		return rc;
	}
	qsort(v, *n, sizeof(*v), by_digest);
	*ret = v;
	return 0;
}

/* The population a campaign drew from, as kept for audits: the classes
 * and regions its entities had at the draw. One is held at a time. */
struct kept_pop {
	char digest[65];
	struct population pop;
	bool ok;
};

/* The campaign's population from the archive, unless it is the one held.
 * One that is missing or does not read is a note: its visits' classes
 * are counted as unknown. */
static void kept_load(const char *archive, const struct report_campaign *c,
		      struct kept_pop *k)
{
	if (!strcmp(k->digest, c->digest))
		return;
	population_finish(&k->pop);
	memset(k, 0, sizeof(*k));
	snprintf(k->digest, sizeof(k->digest), "%s", c->digest);
	struct strbuf text = {0};
	struct diag err;
	diag_init(&err);
	k->ok = archive_get(archive, ARCHIVE_POPULATION, c->digest, &text,
			    &err) == 0 &&
		text.len &&
		population_parse_csv("kept population", text.s, text.len,
				     &k->pop, &err) == 0;
	sb_finish(&text);
	if (!k->ok)
		fprintf(stderr, "inspectctl: note: campaign %s: its archived "
			"population is unreadable (%s); its visits' classes "
			"are counted as unknown\n", c->id, diag_reason(&err));
}

static const struct entity *kept_find(const struct kept_pop *k,
				      const char *uscc)
{
	size_t lo = 0, hi = k->ok ? k->pop.n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(k->pop.v[mid].uscc, uscc, USCC_LEN);
		if (!c)
			return &k->pop.v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct report_run {
	const struct report_args *a;
	const struct calendar *cal;
	struct scope region;
	struct stats st;
	struct kept_pop kept;
	unsigned policy_uses[64];
	char policy_names[64][CAMPAIGN_MAX_NAME + 1];
	unsigned n_policies;
};

static void policy_used(struct report_run *x, const char *name)
{
	unsigned i = 0;
	while (i < x->n_policies && strcmp(x->policy_names[i], name))
		i++;
	if (i == x->n_policies && i < 64)
		snprintf(x->policy_names[x->n_policies++], CAMPAIGN_MAX_NAME + 1,
			 "%s", name);
	if (i < 64)
		x->policy_uses[i]++;
}

enum { REPORT_MAX_PARTNERS = 8 };

/* Adds the campaign's visits planned within the period (and region). */
static int one_campaign(struct store *s, struct report_run *x,
			const struct report_campaign *c)
{
	struct campaign_view v;
	struct diag err;
	diag_init(&err);
	int r = campaign_view_read(s, c->id, &v, &err);
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0) {
		fprintf(stderr, "inspectctl: note: %s", diag_text(&err));
		return 0;
	}
	kept_load(s->cfg->archive, c, &x->kept);
	/* Each visit's items: the campaign's, or those drawn for it when
	 * an item has a share (rows are in canonical order). */
	struct campaign items;
	const char *item[CAMPAIGN_MAX_ITEMS];
	uint32_t *mask = NULL;
	diag_init(&err);
	if (campaign_view_items(&v, &items, &mask, &err) < 0)
		fprintf(stderr, "inspectctl: note: campaign %s: %s", c->id,
			diag_text(&err));
	for (unsigned i = 0; i < items.n_items; i++)
		item[i] = items.items[i];
	const struct stats_campaign sc = {c->id, c->department, c->type, item,
					  items.n_items};
	bool begun = false;
	for (size_t i = 0; i < v.n && r == 0; i++) {
		struct planned_visit pv;
		struct result_record rr;
		bool has;
		if (!campaign_row_parse(&v.rows[i], &pv, &rr, &has)) {
			fprintf(stderr, "inspectctl: note: campaign %s: a "
				"stored visit of %s is unreadable, left out\n",
				c->id, v.rows[i].uscc);
			continue;
		}
		if (pv.date < x->a->from || pv.date > x->a->to)
			continue;
		const struct entity *e = kept_find(&x->kept, v.rows[i].uscc);
		if (x->region.n_regions && (!e || !scope_contains(&x->region, e)))
			continue;
		if (!begun) {
			r = stats_campaign_begin(&x->st, &sc);
			policy_used(x, c->policy);
			begun = true;
		}
		/* Partners' results (a joint visit has a few departments). */
		struct stats_part part[REPORT_MAX_PARTNERS];
		struct result_record pr[REPORT_MAX_PARTNERS];
		unsigned np = 0;
		if (v.rows[i].n_partners > REPORT_MAX_PARTNERS)
			fprintf(stderr, "inspectctl: note: campaign %s: %s has "
				"%zu partner results, the first %d counted\n",
				c->id, v.rows[i].uscc, v.rows[i].n_partners,
				REPORT_MAX_PARTNERS);
		for (size_t j = 0; j < v.rows[i].n_partners &&
				   np < REPORT_MAX_PARTNERS; j++) {
			const struct campaign_row *p = &v.rows[i].partners[j];
			if (result_record_parse(p->result->str, p->result->len,
						&pr[np]) < 0) {
				fprintf(stderr, "inspectctl: note: campaign %s: "
					"the stored result %s is unreadable, "
					"left out\n", c->id, p->uscc);
				continue;
			}
			part[np] = (struct stats_part){
				campaign_row_department(p), pr[np].result,
				pr[np].items};
			np++;
		}
		int32_t deadline;
		const struct stats_visit sv = {
			.uscc = v.rows[i].uscc,
			.cls = e ? e->cls : STATS_CLASS_UNKNOWN,
			.skipped = pv.n_ids == 0,
			.inspectors = pv.ids, .n_inspectors = pv.n_ids,
			.result = has ? rr.result : NULL,
			.status = result_status_of(x->cal, x->a->today, 5,
						   pv.date, has ? &rr : NULL,
						   &deadline),
			.items = mask ? mask[i] : 0,
			.item_results = has ? rr.items : NULL,
			.partners = part, .n_partners = np};
		if (r == 0)
			r = stats_visit_add(&x->st, &sv);
	}
	free(mask);
	campaign_view_finish(&v);
	return r;
}

/* The policy reviewed: --policy, else the one most of the period's
 * campaigns used (pledge campaigns' aside). */
static const struct policy *review_policy(const struct report_run *x,
					  const struct catalog *cat)
{
	const char *name = x->a->policy;
	unsigned best = 0;
	for (unsigned i = 0; !name && i < x->n_policies; i++)
		if (x->policy_uses[i] > best &&
		    strcmp(x->policy_names[i], PLEDGE_POLICY)) {
			best = x->policy_uses[i];
			name = x->policy_names[i];
		}
	const struct policy_entry *pe = name ? policy_set_find(&cat->policies,
								name)
					     : NULL;
	if (name && !pe)
		fprintf(stderr, "inspectctl: note: no policy %s: no review\n",
			name);
	return pe ? &pe->policy : NULL;
}

static int write_out(const struct report_args *a, const struct strbuf *b)
{
	if (b->failed) {
		fprintf(stderr, "inspectctl: out of memory\n");
		return EXIT_FAIL;
	}
	if (!a->out)
		return fwrite(b->s, 1, b->len, stdout) == b->len ? EXIT_OK
								  : EXIT_FAIL;
	int r = file_write(a->out, b->s, b->len);
	if (r < 0)
		fprintf(stderr, "inspectctl: %s: %s\n", a->out, strerror(-r));
	return r < 0 ? EXIT_FAIL : EXIT_OK;
}

static int render(struct report_run *x, const struct review *rv)
{
	const struct report_args *a = x->a;
	char from[11], to[11], today[11];
	date_format(a->from, from);
	date_format(a->to, to);
	date_format(a->today, today);
	const struct stats_scope scope = {from, to, a->department, a->region,
					  today};
	struct table_set rep;
	struct strbuf out = {0};
	stats_report_build(&rep, &x->st, rv, &scope);
	if (a->format == R_TEXT)
		tables_text(&rep, "inspectd report", &out);
	else if (a->format == R_CSV)
		tables_csv(&rep, &out);
	else if (a->format == R_JSON)
		tables_json(&rep, &out);
	else
		stats_html(&rep, &out);
	out.failed |= rep.failed;
	int r = write_out(a, &out);
	sb_finish(&out);
	table_set_free(&rep);
	return r;
}

static int report(struct store *s, const struct catalog *cat,
		  struct report_run *x)
{
	struct population pool = {0};
	struct diag err;
	diag_init(&err);
	uint64_t generation;
	int r = grades_read(s, &pool, &generation, NULL, &err);
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0) {
		fprintf(stderr, "inspectctl: the grade index: %s",
			diag_text(&err));
		return EXIT_FAIL;
	}
	scope_apply(&x->region, &pool);
	struct report_campaign *cs = NULL;
	size_t n = 0;
	if (stats_init(&x->st, &pool) < 0 ||
	    (r = list_campaigns(s, x->a->department, &cs, &n)) != 0) {
		population_finish(&pool);
		stats_free(&x->st);
		return r == FAIL_LOST ? FAIL_LOST : EXIT_FAIL;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = one_campaign(s, x, &cs[i]);
	population_finish(&x->kept.pop);
	free(cs);
	if (r == 0)
		r = stats_finish(&x->st);
	struct review rv;
	const struct policy *p = r == 0 ? review_policy(x, cat) : NULL;
	const struct review_params rp = {&pool, p, x->a->today, 0,
					 x->a->min_results, x->a->max_change,
					 x->st.by_class};
	bool reviewed = p && review_suggest(&rp, &rv, &err) == 0;
	if (p && !reviewed)
		fprintf(stderr, "inspectctl: note: no review: %s",
			diag_text(&err));
	if (r == 0)
		r = render(x, reviewed ? &rv : NULL);
	else if (r != FAIL_LOST)
		fprintf(stderr, "inspectctl: out of memory\n");
	stats_free(&x->st);
	population_finish(&pool);
	return r == FAIL_LOST ? FAIL_LOST : r ? EXIT_FAIL : EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a;
	if (parse_args(argc, argv, &a) < 0)
		return cli_usage("report");
	struct config cfg;
	struct store s;
	struct catalog cat;
	int r = cli_open_catalog_on(&a.ro, &cfg, &s, &cat, &a.today);
	if (r)
		return r;
	int y;
	unsigned m, d;
	date_to_civil(a.today, &y, &m, &d);
	if (a.from == DATE_NONE) /* the year so far, and what it planned */
		a.from = date_from_civil(y, 1, 1);
	if (a.to == DATE_NONE)
		a.to = date_from_civil(y, 12, 31);
	struct report_run *x = calloc(1, sizeof(*x));
	if (!x || a.to < a.from) {
		fprintf(stderr, "inspectctl: %s\n", x ? "--to is before --from"
						      : "out of memory");
		r = x ? EXIT_INPUT : EXIT_FAIL;
	} else {
		x->a = &a;
		x->cal = &cat.calendar;
		if (a.region[0]) {
			snprintf(x->region.regions[0], 7, "%s", a.region);
			x->region.n_regions = 1;
		}
		r = report(&s, &cat, x);
		if (r == FAIL_LOST) {
			fprintf(stderr, "inspectctl: redis: %s\n",
				diag_reason(&s.err));
			r = EXIT_FAIL;
		}
	}
	free(x);
	catalog_finish(&cat);
	store_close(&s);
	return r;
}
