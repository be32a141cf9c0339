/* inspectctl verify: re-runs a campaign's draw from its audit bundle and
 * compares every step with what the bundle says was published. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "inspect/core/bundle.h"
#include "inspect/shell/catalog.h"
#include "inspect/shell/file.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/core/team_inputs.h"

struct bundle_maps {
	struct mapped_file f[8], items, outcome, refusal, approvals, plan;
	struct mapped_file visit_items;
	struct mapped_file cal[CALENDAR_MAX_YEARS];
	unsigned n_cal;
};

static int map_one(const char *dir, const char *name, struct mapped_file *m,
		   struct text *t)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int r = file_map(path, m);
	if (r < 0) {
		fprintf(stderr, "inspectctl: %s: cannot read the bundle "
			"file (%s)\n", path,
			r == -EINVAL ? "not a regular file" : strerror(-r));
		return -1;
	}
	if (m->len >= 3 && memcmp(m->data, "\xef\xbb\xbf", 3) == 0) {
		fprintf(stderr, "inspectctl: %s: starts with a byte order "
			"mark; bundle files have none\n", path);
		file_unmap(m);
		return -1;
	}
	*t = (struct text){m->data ? m->data : "", m->len};
	return 0;
}

/* Every cn-YYYY.yaml of the bundle, in year order. */
static int map_calendars(const char *dir, struct bundle_maps *maps,
			 struct bundle *b)
{
	char *names[CALENDAR_MAX_YEARS];
	long n = calendar_files(dir, names, CALENDAR_MAX_YEARS);
	if (n < 0) {
		fprintf(stderr, "inspectctl: %s: not a bundle directory\n", dir);
		return -1;
	}
	int rc = 0;
	for (long i = 0; i < n; i++) {
		if (rc == 0)
			rc = map_one(dir, names[i], &maps->cal[i],
				     &b->calendars[i]);
		if (rc == 0)
			snprintf(b->calendar_names[i],
				 sizeof(b->calendar_names[i]), "%s", names[i]);
		maps->n_cal += rc == 0;
		free(names[i]);
	}
	b->n_calendars = maps->n_cal;
	return rc;
}

static void unmap_all(struct bundle_maps *m)
{
	for (size_t i = 0; i < n_bundle_files; i++)
		file_unmap(&m->f[i]);
	for (unsigned i = 0; i < m->n_cal; i++)
		file_unmap(&m->cal[i]);
	file_unmap(&m->items);
	file_unmap(&m->approvals);
	file_unmap(&m->plan);
	file_unmap(&m->visit_items);
	file_unmap(&m->outcome);
	file_unmap(&m->refusal);
}

/* dir/name mapped into t if it exists (t->s stays NULL if not). */
static int map_if_there(const char *dir, const char *name,
			struct mapped_file *m, struct text *t)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0 ? map_one(dir, name, m, t) : 0;
}

static void print_digest(const char *name, const struct text *t)
{
	uint8_t d[32];
	char hex[65];
	sha256(t->s, t->len, d);
	seed_hex(d, 32, hex);
	printf("%s %s\n", name, hex);
}

/* Maps dir's bundle into b (maps keeps the mappings); its manifest
 * parsed. Returns 0, or EXIT_INPUT with the reason printed. */
static int load_bundle(const char *dir, struct bundle *b,
		       struct bundle_maps *maps)
{
	struct diag err;
	struct text manifest;
	struct text *files[] = {&manifest,   &b->policy_yaml,
				&b->policy_numbers, &b->population,
				&b->roster,  &b->teams};
	memset(b, 0, sizeof(*b));
	memset(maps, 0, sizeof(*maps));
	diag_init(&err);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n_bundle_files; i++)
		rc = map_one(dir, bundle_files[i], &maps->f[i], files[i]);
	if (rc == 0)
		rc = map_calendars(dir, maps, b);
	/* The outcome of a published campaign or the reason of a refused
	 * one; the item list, in bundles made since it was kept. */
	if (rc == 0)
		rc = map_if_there(dir, "outcome.csv", &maps->outcome,
				  &b->outcome);
	if (rc == 0)
		rc = map_if_there(dir, "refusal.txt", &maps->refusal,
				  &b->refusal);
	if (rc == 0)
		rc = map_if_there(dir, "items.yaml", &maps->items, &b->items);
	if (rc == 0) /* a pledge campaign's */
		rc = map_if_there(dir, "approvals.csv", &maps->approvals,
				  &b->approvals);
	if (rc == 0) /* an annual plan's batch's */
		rc = map_if_there(dir, "plan.txt", &maps->plan, &b->plan);
	if (rc == 0) /* a campaign whose items have shares */
		rc = map_if_there(dir, "visit_items.csv", &maps->visit_items,
				  &b->visit_items);
	if (rc == 0 &&
	    bundle_manifest_parse(manifest.s, manifest.len, &b->m, &err) < 0) {
		fputs(diag_text(&err), stderr);
		rc = -1;
	}
	if (rc < 0)
		unmap_all(maps);
	return rc < 0 ? EXIT_INPUT : EXIT_OK;
}

static void print_verified(struct bundle *b)
{
	if (b->refusal.s)
		printf("verified: campaign %s, %zu entities, %zu selected, and "
		       "its team draw refuses it for the reason of "
		       "refusal.txt:\n%.*s", b->m.campaign, b->m.population,
		       b->m.selected,
		       (int)(b->refusal.len - strlen(REFUSAL_HEADER) - 1),
		       b->refusal.s + strlen(REFUSAL_HEADER) + 1);
	else
		printf("verified: campaign %s, %zu entities, %zu selected, "
		       "each with its team and day\n", b->m.campaign,
		       b->m.population, b->m.selected);
	printf("population_digest %s\npolicy_digest %s\nentropy %s\nseed "
	       "%s\n", b->m.population_digest, b->m.policy_digest,
	       b->m.entropy, b->m.seed);
	print_digest("roster_digest", &b->roster);
	if (b->items.s)
		print_digest("items_digest", &b->items);
	print_digest("team_inputs_digest", &b->teams);
	if (b->plan.s) /* compare with the plan_filed and frozen events */
		print_digest("plan_digest", &b->plan);
	char hex[65];
	if (b->outcome.s) {
		outcome_commitment(b->outcome_salt, b->outcome.s,
				   b->outcome.len, hex);
		printf("outcome_digest %s\n", hex);
	}
	if (b->provisional_years[0])
		printf("calendars provisional for %s (each checked against the "
		       "provisional rule), official otherwise\n",
		       b->provisional_years);
	else
		printf("calendars official\n");
	printf("Compare each digest, the entropy and the seed with the "
	       "campaign's public %s (type=%s on {insp}:public%s): the bundle is "
	       "the %s campaign only if they are equal.\n",
	       b->refusal.s ? "refusal" : "plan",
	       b->refusal.s ? "rejected" : "plan",
	       b->refusal.s ? ", with its reason" : ", and the disclosure",
	       b->refusal.s ? "refused" : "published");
}

/* verify --chain DIR...: each bundle on its own, then the load and
 * previous teams each claims against the outcomes of those before it. */
static int verify_chain(int n, char **dirs)
{
	struct bundle *b = calloc((size_t)n, sizeof(*b));
	struct bundle_maps *maps = calloc((size_t)n, sizeof(*maps));
	struct bundle_link *links = calloc((size_t)n, sizeof(*links));
	struct diag err;
	int loaded = 0, rc = b && maps && links ? EXIT_OK : EXIT_FAIL;
	diag_init(&err);
	for (; rc == EXIT_OK && loaded < n; loaded++) {
		rc = load_bundle(dirs[loaded], &b[loaded], &maps[loaded]);
		if (rc)
			break;
		if (bundle_verify(&b[loaded], &err) < 0) {
			printf("DIFFERENCE: %s: %s", dirs[loaded],
			       diag_text(&err));
			rc = EXIT_FAIL;
		}
		links[loaded] = (struct bundle_link){
			dirs[loaded], b[loaded].roster, b[loaded].teams,
			b[loaded].outcome};
		/* What each bundle must match on the public record. */
		char hex[65];
		outcome_commitment(b[loaded].outcome_salt, b[loaded].outcome.s,
				   b[loaded].outcome.len, hex);
		printf("%s: campaign %s ", dirs[loaded], b[loaded].m.campaign);
		print_digest("team_inputs_digest", &b[loaded].teams);
		printf("%s: outcome_digest %s\n", dirs[loaded], hex);
	}
	if (rc == EXIT_OK && bundle_chain_check(links, (size_t)n, &err) < 0) {
		printf("DIFFERENCE: %s", diag_text(&err));
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK)
		printf("verified: a chain of %d bundles, each verified, and the "
		       "load and previous teams of each as the outcomes before "
		       "it give them (compare each bundle's digests with its "
		       "plan on the public record)\n", n);
	for (int i = 0; i < loaded && maps; i++)
		unmap_all(&maps[i]);
	free(b);
	free(maps);
	free(links);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--chain"))
		return verify_chain(argc - 2, argv + 2);
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("verify");
	struct bundle b;
	struct bundle_maps maps;
	struct diag err;
	diag_init(&err);
	int rc = load_bundle(argv[1], &b, &maps);
	if (rc)
		return rc;
	rc = bundle_verify(&b, &err);
	if (rc == 0)
		print_verified(&b);
	else
		printf("DIFFERENCE: %s", diag_text(&err));
	unmap_all(&maps);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
