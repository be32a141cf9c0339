/* The team draw: VISITS visits over INSPECTORS inspectors and DAYS
 * working days. Inspectors are spread over the 32 districts of the
 * synthetic populations (80% with one district, 20% a whole city), a
 * quarter hold a qualification the item needs, capacities 2 to 6 a day.
 * Visits take the districts of synthetic entities. Prints the time.
 * With SCALE, capacities are multiplied by it (1M visits need more than
 * 5,000 inspectors at 2 to 6 a day can give in 20 days).
 * usage: bench_assign VISITS [INSPECTORS] [DAYS] [SCALE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/assign.h"
#include "inspect/shell/clock.h"
#include "synth.h"

static void roster_csv(struct rng *g, size_t n, const uint32_t *regions,
		       size_t n_regions, unsigned scale, struct roster *r)
{
	size_t cap = n * 96 + 256, used = 0;
	char *csv = malloc(cap);
	used += (size_t)snprintf(csv, cap, "%s\n", ROSTER_HEADER);
	for (size_t i = 0; i < n; i++) {
		uint32_t reg = regions[rng_bounded(g, n_regions)];
		bool city = rng_bounded(g, 5) == 0;
		used += (size_t)snprintf(csv + used, cap - used,
					 "i%zu,n%zu,b%zu,SAMR,%u,%s,%u,,1\n",
					 i, i, i, city ? reg / 100 : reg,
					 rng_bounded(g, 4) ? "" : "food",
					 scale * (2 + (unsigned)rng_bounded(g, 5)));
	}
	struct diag err;
	diag_init(&err);
	if (roster_parse_csv("bench", csv, used, r, &err) < 0) {
		fputs(diag_text(&err), stderr);
		exit(1);
	}
	free(csv);
}

int main(int argc, char **argv)
{
	static const uint32_t regions[] = {
		410102, 410103, 410104, 410105, 410122, 410305, 410311, 410526,
		440103, 440104, 440106, 440303, 440304, 440305, 440306, 440604,
		330102, 330106, 330108, 330110, 330205, 330212, 330302, 330381,
		110101, 110102, 110105, 110106, 110108, 510104, 510105, 510107};
	if (argc < 2) {
		fprintf(stderr, "usage: bench_assign VISITS [INSPECTORS] "
			"[DAYS]\n");
		return 2;
	}
	size_t n = strtoull(argv[1], NULL, 10);
	size_t ni = argc > 2 ? strtoull(argv[2], NULL, 10) : 5000;
	size_t nd = argc > 3 ? strtoull(argv[3], NULL, 10) : 20;
	unsigned scale = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 1;
	struct rng g;
	struct roster r;
	rng_init(&g, 7, 11);
	roster_csv(&g, ni, regions, 32, scale ? scale : 1, &r);
	struct team_rules t = {.team_size = 2, .n_departments = 1,
			       .label = "item SC-001"};
	strcpy(t.departments[0], "SAMR");
	int32_t *days = malloc(nd * sizeof(*days));
	for (size_t d = 0; d < nd; d++)
		days[d] = 20790 + (int32_t)d;
	struct visit *v = malloc(n * sizeof(*v));
	char (*codes)[19] = malloc(n * sizeof(*codes));
	int32_t today = 20758;
	for (size_t k = 0; k < n; k++) {
		struct entity e;
		synth_entity(&g, today, &e);
		memcpy(codes[k], e.uscc, 18);
		v[k] = (struct visit){codes[k], e.region, NULL, 0, 0};
	}
	struct assignment *a = malloc(n * sizeof(*a));
	struct diag err;
	uint8_t seed[32] = {1};
	diag_init(&err);
	double t0 = clock_seconds();
	int rc = assign_teams(&(struct team_draw){&r, &t, days, nd, NULL, v, n}, seed, a, &err);
	double s = clock_seconds() - t0;
	printf("visits %zu inspectors %zu days %zu capacity_scale %u assigned "
	       "%s seconds %.3f visits_per_s %.0f\n", n, ni, nd, scale,
	       rc == 0 ? "yes" : "no", s, n / s);
	if (rc)
		fputs(diag_text(&err), stderr);
	return 0;
}
