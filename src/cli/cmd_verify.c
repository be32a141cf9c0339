/* inspectctl verify: re-runs a campaign's draw from its audit bundle and
 * compares every step with what the bundle says was published. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "inspect/bundle.h"
#include "inspect/catalog.h"
#include "inspect/file.h"
#include "inspect/seed.h"
#include "inspect/sha256.h"
#include "inspect/team_inputs.h"

struct bundle_maps {
	struct mapped_file f[8], items;
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
}

static void print_digest(const char *name, const struct text *t)
{
	uint8_t d[32];
	char hex[65];
	sha256(t->s, t->len, d);
	seed_hex(d, 32, hex);
	printf("%s %s\n", name, hex);
}

int cmd_verify(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("verify");
	const char *dir = argv[1];
	struct bundle b;
	struct bundle_maps maps;
	struct diag err;
	struct text manifest;
	struct text *files[] = {&manifest,   &b.policy_yaml, &b.policy_numbers,
				&b.population, &b.roster,    &b.teams,
				&b.outcome};
	memset(&b, 0, sizeof(b));
	memset(&maps, 0, sizeof(maps));
	diag_init(&err);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n_bundle_files; i++)
		rc = map_one(dir, bundle_files[i], &maps.f[i], files[i]);
	if (rc == 0)
		rc = map_calendars(dir, &maps, &b);
	/* The item list, in bundles made since it was kept. */
	char items[4096];
	struct stat st;
	snprintf(items, sizeof(items), "%s/items.yaml", dir);
	if (rc == 0 && lstat(items, &st) == 0)
		rc = map_one(dir, "items.yaml", &maps.items, &b.items);
	if (rc < 0) {
		unmap_all(&maps);
		return EXIT_INPUT;
	}
	if (bundle_manifest_parse(manifest.s, manifest.len, &b.m, &err) < 0) {
		fputs(diag_text(&err), stderr);
		unmap_all(&maps);
		return EXIT_INPUT;
	}
	rc = bundle_verify(&b, &err);
	if (rc == 0) {
		printf("verified: campaign %s, %zu entities, %zu selected, each "
		       "with its team and day\npopulation_digest %s\n"
		       "policy_digest %s\nentropy %s\nseed %s\n",
		       b.m.campaign, b.m.population, b.m.selected,
		       b.m.population_digest, b.m.policy_digest, b.m.entropy,
		       b.m.seed);
		print_digest("roster_digest", &b.roster);
		if (b.items.s)
			print_digest("items_digest", &b.items);
		print_digest("team_inputs_digest", &b.teams);
		char hex[65];
		outcome_commitment(b.outcome_salt, b.outcome.s, b.outcome.len,
				   hex);
		printf("outcome_digest %s\n", hex);
		if (b.provisional_years[0])
			printf("calendars provisional for %s (each checked "
			       "against the provisional rule), official "
			       "otherwise\n", b.provisional_years);
		else
			printf("calendars official\n");
		printf("Compare each digest, the entropy and the seed with the "
		       "campaign's public plan (type=plan on insp:public, and "
		       "the disclosure): the bundle is the published campaign "
		       "only if they are equal.\n");
	} else {
		printf("DIFFERENCE: %s", diag_text(&err));
	}
	unmap_all(&maps);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
