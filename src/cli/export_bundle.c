/* inspectctl export --bundle: a published campaign's audit bundle
 * (docs/ALGORITHM.md, "Audit bundles"), for inspectctl verify and
 * tools/verify.py. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/core/number.h"
#include "cli.h"
#include "inspect/store/ops.h"
#include "inspect/core/assign.h"
#include "inspect/core/bundle.h"
#include "inspect/store/approvals.h"
#include "inspect/core/plan.h"
#include "inspect/core/visit_items.h"
#include "inspect/store/keys.h"
#include "inspect/store/campaign_view.h"
#include "inspect/core/date.h"
#include "inspect/core/markup.h"
#include "inspect/core/results.h"
#include "inspect/shell/archive.h"
#include "inspect/shell/file.h"
#include "inspect/core/team_inputs.h"

/* GET of the key of kind k (args a, b) into out; false (with the reason
 * printed) if it is missing. */
static bool get_text(struct store *s, enum key_kind k, const char *a,
		     const char *b, struct strbuf *out)
{
	redisReply *r = store_get2(s, k, a, b);
	bool ok = r && r->type == REDIS_REPLY_STRING;
	if (ok)
		sb_add(out, r->str, r->len);
	else
		fprintf(stderr, "inspectctl: %s %s%s%s: %s\n", key_specs[k].doc,
			a ? a : "", b ? ":" : "", b ? b : "",
			r ? "missing" : diag_reason(&s->err));
	freeReplyObject(r);
	return ok;
}

/* The manifest from the campaign's record. */
static bool manifest_of(const struct campaign_view *v, const char *id,
			struct bundle_manifest *m)
{
	memset(m, 0, sizeof(*m));
#define COPY(f, name) snprintf(m->f, sizeof(m->f), "%s", campaign_field(v, name))
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
	m->size = (uint32_t)number_or(campaign_field(v, "size"), UINT32_MAX, 0);
	m->population = number_or(campaign_field(v, "population"), SIZE_MAX, 0);
	m->selected = number_or(campaign_field(v, "selected"), SIZE_MAX, 0);
	return date_parse(campaign_field(v, "date"), 10, &m->date) && m->roster_digest[0];
}

/* The outcome as published: uscc,date,team ids, ascending by uscc. */
static int outcome_of(const struct campaign_view *v, struct strbuf *out)
{
	struct planned_visit pv;
	struct result_record rr;
	bool has;
	sb_puts(out, OUTCOME_HEADER "\n");
	for (size_t k = 0; k < v->n; k++) {
		char ids[TEAM_MAX * 34] = "", line[sizeof(ids) + 64];
		size_t n = 0;
		if (!campaign_row_parse(&v->rows[k], &pv, &rr, &has))
			return -1;
		for (unsigned m = 0; m < pv.n_ids && n < sizeof(ids); m++)
			n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s%s",
					      m ? ";" : "", pv.ids[m]);
		sb_add(out, line, bundle_outcome_line(line, sizeof(line),
						      v->rows[k].uscc, pv.date,
						      ids));
	}
	return 0;
}

/* The bundle's files other than the MANIFEST, as they are gathered. */
struct bundle_out {
	struct bundle_manifest m;
	const char *names[BUNDLE_MAX_FILES];
	struct strbuf text[BUNDLE_MAX_FILES];
	char calendar_names[CALENDAR_MAX_YEARS][16];
	size_t n;
	bool full;
};

static struct strbuf *add_file(struct bundle_out *o, const char *name)
{
	if (o->n == BUNDLE_MAX_FILES) {
		o->full = true;
		return &o->text[0];
	}
	o->names[o->n] = name;
	return &o->text[o->n++];
}

/* visit_items.csv, for a campaign whose items have shares: each visit's
 * items as published (drawn again from the record's seed, as the daemon
 * drew them). */
static int visit_items_of(const struct campaign_view *v,
			  struct bundle_out *o)
{
	struct campaign c;
	uint32_t *mask;
	struct diag err;
	diag_init(&err);
	if (campaign_view_items(v, &c, &mask, &err) < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		return -1;
	}
	if (!mask)
		return 0;
	const char **uscc = calloc(v->n + 1, sizeof(*uscc));
	for (size_t k = 0; uscc && k < v->n; k++)
		uscc[k] = v->rows[k].uscc;
	if (uscc)
		visit_items_format(add_file(o, "visit_items.csv"), uscc, v->n,
				   mask, c.items);
	free(uscc);
	free(mask);
	return uscc ? 0 : -1;
}

/* The archive's entry of kind under hex as the bundle's file name: read
 * back only as what its digest says, or an error naming its path. */
static int archived_file(const struct config *cfg, struct bundle_out *o,
			 enum archive_kind kind, const char *hex,
			 const char *name)
{
	struct diag err;
	diag_init(&err);
	if (archive_get(cfg->archive, kind, hex, add_file(o, name), &err) < 0) {
		fprintf(stderr, "inspectctl: %s\n", diag_reason(&err));
		return -1;
	}
	return 0;
}

/* The calendar documents the plan was made on, as publication archived
 * them ("calendars": cn-YYYY.yaml:<sha256>,...). */
static int kept_calendars(const struct config *cfg, struct bundle_out *o,
			  const char *list)
{
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s", list);
	int rc = 0;
	size_t i = 0;
	for (char *save, *one = strtok_r(copy, ",", &save); rc == 0 && one;
	     one = strtok_r(NULL, ",", &save), i++) {
		char *colon = strchr(one, ':');
		/* Names from the record become file names: cn-YYYY.yaml
		 * only, nothing that could leave the bundle's directory. */
		if (!colon || strlen(colon + 1) != 64 || colon - one != 12 ||
		    strncmp(one, "cn-", 3) || strncmp(one + 7, ".yaml", 5) ||
		    strspn(one + 3, "0123456789") != 4 ||
		    i == CALENDAR_MAX_YEARS) {
			fprintf(stderr, "inspectctl: the record's calendars "
				"field is not cn-YYYY.yaml:<sha256>,...\n");
			return -1;
		}
		*colon = '\0';
		snprintf(o->calendar_names[i], sizeof(o->calendar_names[i]),
			 "%s", one);
		rc = archived_file(cfg, o, ARCHIVE_CALENDAR, colon + 1,
				   o->calendar_names[i]);
	}
	return rc;
}

/* Campaigns published before the calendars were kept: the calendars of
 * the window's years, copied from the calendar directory. */
static int copy_calendars(const struct config *cfg, struct bundle_out *o,
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
	for (int y = y0; rc == 0 && y <= y1 && y - y0 < CALENDAR_MAX_YEARS;
	     y++) {
		char path[1024], *text, *name = o->calendar_names[y - y0];
		size_t len;
		snprintf(name, sizeof(o->calendar_names[0]), "cn-%04d.yaml", y);
		snprintf(path, sizeof(path), "%s/%s", cfg->calendars, name);
		if (file_read(path, 1 << 20, &text, &len) < 0) {
			fprintf(stderr, "inspectctl: %s: cannot read\n", path);
			return -1;
		}
		sb_add(add_file(o, name), text, len);
		free(text);
	}
	return rc;
}

/* A pledge campaign's approvals (pledges.h), read with the item list the
 * plan kept (the bundle's items.yaml, the last file added). */
static int approvals_file(const char *id, struct store *s,
			  struct bundle_out *o)
{
	struct item_list items;
	struct approval_list l = {0};
	struct diag err;
	size_t bad = 0;
	diag_init(&err);
	if (o->n == 0 || strcmp(o->names[o->n - 1], "items.yaml") ||
	    item_list_parse("items.yaml", o->text[o->n - 1].s,
			    o->text[o->n - 1].len, &items, &err) < 0) {
		fprintf(stderr, "inspectctl: pledge campaign %s: no item list "
			"kept with its plan\n", id);
		return -1;
	}
	int rc = approvals_read(s, KEY_PLEDGED, id, &items, &l, &bad, &err);
	item_list_finish(&items);
	if (rc == FAIL_LOST)
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s->err));
	else if (bad)
		fprintf(stderr, "inspectctl: %s\n", diag_reason(&err));
	if (rc == 0 && !bad) {
		approval_list_sort(&l);
		approvals_format(&l, add_file(o, "approvals.csv"));
	}
	approval_list_finish(&l);
	return rc == 0 && !bad ? 0 : -1;
}

/* A plan batch's plan, as its canonical text: the one whose digest the
 * campaign was frozen with. */
static int plan_file(const struct campaign_view *v, struct store *s,
		     struct bundle_out *o)
{
	static const char *const text[] = {"text"};
	const char *id = campaign_field(v, "plan");
	redisReply *r = store_hmget(s, KEY_PLAN, id, text, 1);
	if (!r) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s->err));
		return -1;
	}
	struct plan p;
	struct diag err;
	char hex[65];
	diag_init(&err);
	const redisReply *d = r->element[0];
	int rc = d->type == REDIS_REPLY_STRING &&
			 plan_parse(id, d->str, d->len, &p, &err) == 0
		 ? 0 : -1;
	freeReplyObject(r);
	if (rc < 0) {
		fprintf(stderr, "inspectctl: plan %s: not filed, or does not "
			"read: %s", id, diag_text(&err));
		return -1;
	}
	plan_digest_hex(&p, hex);
	if (strcmp(hex, campaign_field(v, "plan_digest"))) {
		fprintf(stderr, "inspectctl: plan %s: its digest is %s, the "
			"campaign was frozen with %s\n", id, hex,
			campaign_field(v, "plan_digest"));
		rc = -1;
	} else {
		plan_canonical(&p, add_file(o, "plan.txt"));
	}
	plan_finish(&p);
	return rc;
}

/* The files of the bundle: policy, population, roster, team inputs, the
 * outcome or the refusal, the item list (and a pledge campaign's
 * approvals) and the calendars. */
static int gather(const char *id, const struct config *cfg, struct store *s,
		  const struct campaign_view *v, struct bundle_out *o)
{
	const struct bundle_manifest *m = &o->m;
	struct policy p;
	struct diag err;
	diag_init(&err);
	struct strbuf *yaml = add_file(o, "policy.yaml");
	sb_puts(yaml, campaign_field(v, "policy_text"));
	int rc = policy_parse("the campaign's policy", yaml->s, yaml->len, &p,
			      &err);
	if (rc < 0)
		fputs(diag_text(&err), stderr);
	else
		policy_numbers_format(&p, add_file(o, "policy.txt"));
	if (rc == 0)
		rc = archived_file(cfg, o, ARCHIVE_POPULATION,
				   m->population_digest, "population.csv");
	if (rc == 0)
		rc = archived_file(cfg, o, ARCHIVE_ROSTER, m->roster_digest,
				   "roster.csv");
	struct strbuf *teams = add_file(o, "teams.txt");
	if (rc == 0 && !get_text(s, KEY_AUDIT, id, NULL, teams))
		rc = -1;
	if (rc == 0 && strcmp(campaign_field(v, "status"), "rejected") == 0)
		sb_printf(add_file(o, "refusal.txt"), "%s\nreason %s\n",
			  REFUSAL_HEADER, campaign_field(v, "error"));
	else if (rc == 0 && (outcome_of(v, add_file(o, "outcome.csv")) < 0 ||
			     visit_items_of(v, o) < 0))
		rc = -1;
	const char *items = campaign_field(v, "items_digest");
	if (rc == 0 && items[0])
		rc = strspn(items, "0123456789abcdef") == 64 && !items[64]
			     ? archived_file(cfg, o, ARCHIVE_ITEMS, items,
					     "items.yaml")
			     : -1;
	if (rc == 0 && !strcmp(p.name, PLEDGE_POLICY))
		rc = approvals_file(id, s, o);
	if (rc == 0 && campaign_field(v, "plan")[0])
		rc = plan_file(v, s, o);
	const char *kept = campaign_field(v, "calendars");
	if (rc == 0)
		rc = kept[0] ? kept_calendars(cfg, o, kept)
			     : copy_calendars(cfg, o, teams);
	return rc;
}

/* The value of field name in a stream entry's fields, "" if absent. */
static const char *entry_value(const redisReply *f, const char *name)
{
	for (size_t j = 0; j + 1 < f->elements; j += 2)
		if (!strcmp(f->element[j]->str, name))
			return f->element[j + 1]->str;
	return "";
}

/* The public record's history (docs/RESULTS.md): every step a result of
 * the campaign took, in order, with the record after it. For the auditor:
 * results are not part of the draw, so the MANIFEST does not name it and
 * the verifiers do not read it. */
static int results_log(struct store *s, const char *id, const char *out)
{
	static const char *const cols[] = {"action", "uscc", "entry", "by",
					   "version"};
	redisReply *x = store_xrange(s, KEY_RESULT_LOG, id);
	if (!x) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s->err));
		return -1;
	}
	struct strbuf b = {0};
	sb_puts(&b, "step,action,uscc,entry,by,version,date,result,state,"
		    "published,corrected,objection,objection_date,repaired,"
		    "note\r\n");
	for (size_t i = 0; x->type == REDIS_REPLY_ARRAY && i < x->elements;
	     i++) {
		const redisReply *f = x->element[i]->element[1];
		const char *value = entry_value(f, "record");
		struct result_record r;
		char day[6][11] = {"", "", "", "", "", ""};
		bool has = *value && result_record_parse(value, strlen(value),
							 &r) == 0;
		csv_field(&b, x->element[i]->element[0]->str, false);
		for (size_t k = 0; k < 5; k++)
			csv_field(&b, entry_value(f, cols[k]), false);
		const int32_t days[6] = {
			has ? r.date : DATE_NONE, has ? r.published : DATE_NONE,
			has ? r.corrected : DATE_NONE,
			has ? r.objection_day : DATE_NONE,
			has ? r.repaired : DATE_NONE, DATE_NONE};
		for (size_t k = 0; k < 5; k++)
			if (days[k] != DATE_NONE)
				date_format(days[k], day[k]);
		csv_field(&b, day[0], false);
		csv_field(&b, has ? r.result->code : "", false);
		csv_field(&b, !has ? "returned"
			      : r.state == RESULT_PUBLISHED ? "published"
							    : "submitted",
			  false);
		csv_field(&b, day[1], false);
		csv_field(&b, day[2], false);
		csv_field(&b, has ? objection_state_names[r.objection] : "",
			  false);
		csv_field(&b, day[3], false);
		csv_field(&b, day[4], false);
		csv_field(&b, entry_value(f, "note"), true);
	}
	freeReplyObject(x);
	int rc = b.failed ? -1
			  : cli_write_out(out, "results_log.csv", b.s, b.len);
	sb_finish(&b);
	return rc;
}

int export_bundle(const char *id, const char *out, const struct config *cfg,
		  struct store *s, const struct campaign_view *v)
{
	struct bundle_out *o = calloc(1, sizeof(*o));
	struct strbuf manifest = {0};
	if (!o || !manifest_of(v, id, &o->m)) {
		if (o)
			fprintf(stderr, "inspectctl: campaign %s was published "
				"before audit bundles were kept\n", id);
		free(o);
		return EXIT_FAIL;
	}
	int rc = gather(id, cfg, s, v, o);
	if (rc == 0 && mkdir(out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "inspectctl: %s: %s\n", out, strerror(errno));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < o->n; i++)
		rc = o->text[i].failed || o->full ||
				     !bundle_manifest_add_file(
					     &o->m, o->names[i],
					     o->text[i].s ? o->text[i].s : "",
					     o->text[i].len)
			     ? -1
			     : cli_write_out(out, o->names[i],
					     o->text[i].s ? o->text[i].s : "",
					     o->text[i].len);
	/* Last: a MANIFEST names every file written before it. */
	bundle_manifest_format(&o->m, &manifest);
	if (rc == 0)
		rc = manifest.failed ? -1
				     : cli_write_out(out, "MANIFEST", manifest.s,
						     manifest.len);
	if (rc == 0)
		rc = results_log(s, id, out);
	for (size_t i = 0; i < o->n; i++)
		sb_finish(&o->text[i]);
	sb_finish(&manifest);
	free(o);
	if (rc == 0)
		printf("%s\n", out);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
