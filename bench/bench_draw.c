/* The core draw alone: a synthetic population of N entities in memory, put
 * in canonical order, drawn with a policy REPS times; prints the median
 * time and entities per second. With WEIGHTS_OUT it also writes every
 * entity's π (float64) and the expected size there, for numpy to draw from
 * the same weights (bench/numpy_draw.py).
 * usage: bench_draw POLICY.yaml N [REPS] [SIZE] [WEIGHTS_OUT]
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
	struct population pop = {malloc(n * sizeof(struct entity)), n};
	struct rng r;
	rng_init(&r, 1, 0x5851f42d4c957f2dULL);
	int32_t today = date_from_civil(2026, 11, 1);
	for (size_t i = 0; i < n; i++)
		synth_entity(&r, today, &pop.v[i]);
	if (population_canonicalize(&pop, "synthetic", 0, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return 1;
	}
	double *t = calloc((size_t)reps, sizeof(*t));
	struct draw d;
	uint32_t size = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
	struct draw_params dp = {&policy, date_from_civil(2026, 11, 24), size};
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
	printf("policy %s entities %zu selected %zu median_s %.4f "
	       "entities_per_s %.0f\n", policy.name, n, d.n_chosen,
	       t[reps / 2], (double)n / t[reps / 2]);
	if (argc > 5)
		write_weights(argv[5], &d, n);
	draw_finish(&d);
	population_finish(&pop);
	free(t);
	free(text);
	return 0;
}
