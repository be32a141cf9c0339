/* The core draw alone: a synthetic population of N entities in memory, put
 * in canonical order, drawn with a policy REPS times; prints the median
 * time and entities per second. With WEIGHTS_OUT it also writes every
 * entity's π (float64) and the expected size there, for numpy to draw from
 * the same weights (bench/numpy_draw.py).
 * With VISITED (a fraction), that share of the entities has a visit on
 * record in the year before the draw (the history caps count), and the
 * population's digest is timed too.
 * usage: bench_draw POLICY.yaml N [REPS] [SIZE] [WEIGHTS_OUT|-] [VISITED]
 * (SIZE 0: the policy's) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/shell/file.h"
#include "inspect/core/sampler.h"
#include "synth.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void write_weights(const char *path, const struct draw *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	double expected = 0;
	if (!f) {
		perror(path);
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		u128 num, den;
		draw_group_pi(d, d->group_of[i], &num, &den);
		double pi = (double)num / (double)den;
		expected += pi;
		fwrite(&pi, sizeof(pi), 1, f);
	}
	fclose(f);
	printf("weights %s expected_size %.0f\n", path, expected);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_draw POLICY N [REPS] [SIZE] "
			"[WEIGHTS]\n");
		return 2;
	}
	char *text;
	size_t len;
	struct policy policy;
	struct diag err;
	diag_init(&err);
	if (file_read(argv[1], 1 << 20, &text, &len) < 0 ||
	    policy_parse(argv[1], text, len, &policy, &err) < 0) {
		fprintf(stderr, "%s: %s", argv[1], diag_text(&err));
		return 2;
	}
	size_t n = strtoull(argv[2], NULL, 10);
	int reps = argc > 3 ? atoi(argv[3]) : 5;
	struct population pop = {.v = malloc(n * sizeof(struct entity)),
				 .n = n};
	struct rng r;
	rng_init(&r, 1, 0x5851f42d4c957f2dULL);
	int32_t today = date_from_civil(2026, 11, 1);
	for (size_t i = 0; i < n; i++)
		synth_entity(&r, today, &pop.v[i]);
	double visited = argc > 6 ? strtod(argv[6], NULL) : 0;
	static const char *const items[] = {"SC-001", "SC-002", "YJ-004"};
	for (size_t i = 0; visited > 0 && i < n; i++)
		if (rng_bounded(&r, 1000000) < (uint64_t)(visited * 1e6))
			visits_add(&pop.visits,
				   &(struct visit_text){
					   pop.v[i].uscc,
					   today - (int32_t)rng_bounded(&r, 365),
					   "BENCH-0", items[i % 3], 7, 6},
				   &err);
	if (population_canonicalize(&pop, "synthetic", 0, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return 1;
	}
	uint8_t digest[32];
	double td = clock_seconds();
	population_digest(&pop, digest);
	td = clock_seconds() - td;
	double *t = calloc((size_t)reps, sizeof(*t));
	struct draw d;
	uint32_t size = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
	static const char campaign_items[][65] = {"SC-001"};
	struct draw_params dp = {
	    &policy, date_from_civil(2026, 11, 24), size, {campaign_items, 1}};
	for (int k = 0; k < reps; k++) {
		uint8_t seed[32] = {(uint8_t)k};
		double t0 = clock_seconds();
		if (sampler_draw(&pop, &dp, seed, &d, &err) < 0) {
			fputs(diag_text(&err), stderr);
			return 1;
		}
		t[k] = clock_seconds() - t0;
		if (k + 1 < reps)
			draw_finish(&d);
	}
	qsort(t, (size_t)reps, sizeof(*t), cmp_double);
	printf("policy %s entities %zu visits %zu selected %zu capped %llu "
	       "median_s %.4f entities_per_s %.0f digest_s %.4f\n",
	       policy.name, n, pop.visits.n, d.n_chosen,
	       (unsigned long long)draw_capped(&d), t[reps / 2],
	       (double)n / t[reps / 2], td);
	if (argc > 5 && strcmp(argv[5], "-") != 0)
		write_weights(argv[5], &d, n);
	draw_finish(&d);
	population_finish(&pop);
	free(t);
	free(text);
	return 0;
}
