/* inspectctl simulate: repeats a draw with derived entropies and sets the
 * observed inclusion rate of every group beside its published π, so that a
 * regulator can show that the rates hold. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/sampler.h"
#include "inspect/core/seed.h"

struct sim_args {
	const char *policy, *population, *campaign, *entropy;
	int32_t date;
	const char *time_zone;
	uint32_t size, runs;
};

static int parse_args(int argc, char **argv, struct sim_args *a)
{
	static const struct option opts[] = {
		{"policy", required_argument, 0, 'p'},
		{"population", required_argument, 0, 'P'},
		{"campaign", required_argument, 0, 'c'},
		{"entropy", required_argument, 0, 'e'},
		{"date", required_argument, 0, 'd'},
		{"size", required_argument, 0, 's'},
		{"time-zone", required_argument, 0, 'z'},
		{"runs", required_argument, 0, 'r'},
		{0, 0, 0, 0},
	};
	int c;
	memset(a, 0, sizeof(*a));
	a->date = DATE_NONE;
	a->time_zone = CONFIG_TIME_ZONE;
	a->entropy = "simulation";
	a->runs = 1000;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int r = 0;
		switch (c) {
		case 'p': a->policy = optarg; break;
		case 'P': a->population = optarg; break;
		case 'c': a->campaign = optarg; break;
		case 'e': a->entropy = optarg; break;
		case 'd': r = cli_date(optarg, &a->date); break;
		case 'z': a->time_zone = optarg; break;
		case 's':
			r = cli_count("--size", optarg, POLICY_MAX_SIZE,
				      &a->size);
			break;
		case 'r':
			r = cli_count("--runs", optarg, 1000000, &a->runs);
			break;
		default: return -1;
		}
		if (r < 0)
			return -1;
	}
	if (cli_draw_date(a->time_zone, &a->date) < 0)
		return -1;
	return a->policy && a->population && a->campaign && a->runs > 0 &&
			       optind == argc
		       ? 0
		       : -1;
}

/* Run r's entropy is "<entropy>/<r>": every run is a draw anyone can
 * repeat with inspectctl draw. */
static int run_all(const struct sim_args *a, const struct inputs *in,
		   uint64_t drawn[SAMPLER_GROUPS], struct draw *last)
{
	struct draw_params dp = {&in->policy, a->date, a->size, {0}};
	for (uint32_t run = 1; run <= a->runs; run++) {
		char entropy[SEED_MAX_ENTROPY + 16];
		uint8_t seed[32];
		struct diag err;
		struct draw d;
		diag_init(&err);
		snprintf(entropy, sizeof(entropy), "%s/%u", a->entropy, run);
		struct seed_input si = {a->campaign, in->policy.digest,
					in->pop_digest, a->date, entropy};
		if (seed_derive(&si, seed) < 0 ||
		    sampler_draw(&in->pop, &dp, seed, &d, &err) < 0) {
			fprintf(stderr, "inspectctl: run %u: %s\n", run,
				err.count ? diag_text(&err) : "bad input");
			return EXIT_INPUT;
		}
		for (unsigned g = 0; g < SAMPLER_GROUPS; g++)
			drawn[g] += d.group[g].drawn;
		if (last && run == a->runs)
			*last = d;
		else
			draw_finish(&d);
	}
	return EXIT_OK;
}

static void print_table(const struct sim_args *a, const struct draw *d,
			const uint64_t drawn[SAMPLER_GROUPS])
{
	printf("runs %u\n%-5s %-5s %-8s %12s %-18s %-18s %8s\n", a->runs,
	       "class", "flags", "cooldown", "N", "pi", "observed", "z");
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++) {
		if (d->group[g].n == 0)
			continue;
		u128 num, den;
		char pi[40], flags[8] = "-";
		draw_group_pi(d, g, &num, &den);
		decimal_format_ratio(num, den, pi, sizeof(pi));
		double p = (double)num / (double)den;
		double trials = (double)a->runs * (double)d->group[g].n;
		double obs = (double)drawn[g] / trials;
		/* Binomial standard error: an upper bound, since draws
		 * without replacement vary less. */
		double se = sqrt(p * (1 - p) / trials);
		size_t n = 0;
		for (int f = 0; f < FLAG_COUNT; f++)
			if (g >> 2 & (1u << f))
				flags[n++] = POLICY_FLAG_LETTERS[f];
		flags[n ? n : 1] = '\0';
		printf("%-5c %-5s %-8s %12llu %-18s %-18.12f %8.2f\n",
		       POLICY_CLASS_LETTERS[g & 3], flags,
		       g & GROUP_COOLDOWN ? "yes" : "no",
		       (unsigned long long)d->group[g].n, pi, obs,
		       se > 0 ? (obs - p) / se : 0.0);
	}
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_args a;
	struct inputs in;
	struct draw last;
	uint64_t drawn[SAMPLER_GROUPS] = {0};
	if (parse_args(argc, argv, &a) < 0) {
		return cli_usage("simulate");
	}
	int r = inputs_load(a.policy, a.population, &in);
	if (r)
		return r;
	r = run_all(&a, &in, drawn, &last);
	if (r == EXIT_OK) {
		print_table(&a, &last, drawn);
		draw_finish(&last);
	}
	inputs_finish(&in);
	return r;
}
