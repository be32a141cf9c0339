/* inspectctl export --bundle: a published campaign's audit bundle
 * (docs/ALGORITHM.md, "Audit bundles"), for inspectctl verify and
 * tools/verify.py. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "inspect/assign.h"
#include "inspect/bundle.h"
#include "inspect/campaign_view.h"
#include "inspect/date.h"
#include "inspect/file.h"
#include "inspect/team_inputs.h"

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
	m->size = (uint32_t)strtoul(campaign_field(v, "size"), NULL, 10);
	m->population = strtoull(campaign_field(v, "population"), NULL, 10);
	m->selected = strtoull(campaign_field(v, "selected"), NULL, 10);
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

/* <p><kind>:<hex> written as dir/name, checked against its digest. */
static int kept_file(struct store *s, const struct config *cfg,
		     const char *dir, const char *kind, const char *hex,
		     const char *name)
{
	char key[200];
	bool bad;
	redisReply *r = store_kept_copy(s, cfg->prefix, kind, hex, key,
					sizeof(key), &bad);
	if (!r) {
		fprintf(stderr, "inspectctl: %s: %s\n", key,
			bad ? "missing or not matching its digest" : s->err);
		return -1;
	}
	int rc = cli_write_out(dir, name, r->str, r->len);
	freeReplyObject(r);
	return rc;
}

/* The calendar documents the plan was made on, as publication kept them
 * ("calendars": cn-YYYY.yaml:<sha256>,...). */
static int kept_calendars(struct store *s, const struct config *cfg,
			  const char *dir, const char *list)
{
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s", list);
	int rc = 0;
	for (char *save, *one = strtok_r(copy, ",", &save); rc == 0 && one;
	     one = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(one, ':');
		/* Names from the record become file names: cn-YYYY.yaml
		 * only, nothing that could leave the bundle's directory. */
		if (!colon || strlen(colon + 1) != 64 || colon - one != 12 ||
		    strncmp(one, "cn-", 3) || strncmp(one + 7, ".yaml", 5) ||
		    strspn(one + 3, "0123456789") != 4) {
			fprintf(stderr, "inspectctl: the record's calendars "
				"field is not cn-YYYY.yaml:<sha256>,...\n");
			return -1;
		}
		*colon = '\0';
		rc = kept_file(s, cfg, dir, "calendar", colon + 1, one);
	}
	return rc;
}

/* Campaigns published before the calendars were kept: the calendars of
 * the window's years, copied from the calendar directory. */
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
		rc = cli_write_out(dir, name, text, len);
		free(text);
	}
	return rc;
}

int export_bundle(const char *id, const char *out, const struct config *cfg,
		  struct store *s, const struct campaign_view *v)
{
	struct bundle_manifest m;
	struct strbuf f[7] = {{0}}; /* in bundle_files order */
	struct policy p;
	struct diag err;
	char key[200];
	diag_init(&err);
	if (!manifest_of(v, id, &m)) {
		fprintf(stderr, "inspectctl: campaign %s was published before "
			"audit bundles were kept\n", id);
		return EXIT_FAIL;
	}
	bundle_manifest_format(&m, &f[0]);
	sb_puts(&f[1], campaign_field(v, "policy_text"));
	int rc = policy_parse("the campaign's policy", f[1].s, f[1].len, &p,
			      &err);
	if (rc < 0)
		fputs(diag_text(&err), stderr);
	else
		policy_numbers_format(&p, &f[2]);
	unsigned chunks = (unsigned)strtoul(campaign_field(v, "frozen_chunks"),
					    NULL, 10);
	for (unsigned k = 0; rc == 0 && k < chunks; k++) {
		store_key(key, sizeof(key), cfg->prefix, "population:%s:%u",
			  m.population_digest, k);
		rc = get_text(s, key, &f[3]) ? 0 : -1;
	}
	store_key(key, sizeof(key), cfg->prefix, "roster:%s", m.roster_digest);
	if (rc == 0 && !get_text(s, key, &f[4]))
		rc = -1;
	store_key(key, sizeof(key), cfg->prefix, "audit:%s", id);
	if (rc == 0 && !get_text(s, key, &f[5]))
		rc = -1;
	if (rc == 0 && outcome_of(v, &f[6]) < 0)
		rc = -1;
	if (rc == 0 && mkdir(out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "inspectctl: %s: %s\n", out, strerror(errno));
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < n_bundle_files; i++)
		rc = f[i].failed ? -1
				 : cli_write_out(out, bundle_files[i],
					     f[i].s ? f[i].s : "", f[i].len);
	const char *items = campaign_field(v, "items_digest");
	if (rc == 0 && items[0])
		rc = strspn(items, "0123456789abcdef") == 64 && !items[64]
			     ? kept_file(s, cfg, out, "items", items,
					 "items.yaml")
			     : -1;
	const char *kept = campaign_field(v, "calendars");
	if (rc == 0)
		rc = kept[0] ? kept_calendars(s, cfg, out, kept)
			     : copy_calendars(cfg, out, &f[5]);
	for (size_t i = 0; i < n_bundle_files; i++)
		sb_finish(&f[i]);
	if (rc == 0)
		printf("%s\n", out);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
