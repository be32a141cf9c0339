/* inspectctl draw: the offline draw from a policy file and a population CSV.
 * The selection goes to stdout, the summary and phase times to stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "report.h"

struct draw_args {
	const char *policy, *population, *campaign, *entropy;
	int32_t date;
	const char *time_zone;
	uint32_t size;
	bool all;
	enum format format;
	char items[CAMPAIGN_MAX_ITEMS][CAMPAIGN_MAX_NAME + 1];
	unsigned n_items; /* the campaign's, for a cap by item */
};

/* --items CODE,CODE:SHARE,...: the campaign's items as an entry gives
 * them (a share changes which visits check the item, never who is drawn:
 * the codes are for a cap by item). */
static int parse_items(const char *list, struct draw_args *a)
{
	struct campaign c;
	struct diag err;
	diag_init(&err);
	if (campaign_items_parse(list, &c, &err) < 0) {
		fprintf(stderr, "inspectctl: --items: %s", diag_text(&err));
		return -1;
	}
	memcpy(a->items, c.items, sizeof(a->items));
	a->n_items = c.n_items;
	return 0;
}

static int parse_args(int argc, char **argv, struct draw_args *a)
{
	static const struct option opts[] = {
		{"policy", required_argument, 0, 'p'},
		{"population", required_argument, 0, 'P'},
		{"campaign", required_argument, 0, 'c'},
		{"entropy", required_argument, 0, 'e'},
		{"date", required_argument, 0, 'd'},
		{"size", required_argument, 0, 's'},
		{"time-zone", required_argument, 0, 'z'},
		{"all", no_argument, 0, 'a'},
		{"format", required_argument, 0, 'f'},
		{"items", required_argument, 0, 'i'},
		{0, 0, 0, 0},
	};
	int c;
	memset(a, 0, sizeof(*a));
	a->date = DATE_NONE;
	a->time_zone = CONFIG_TIME_ZONE;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->policy = optarg; break;
		case 'P': a->population = optarg; break;
		case 'c': a->campaign = optarg; break;
		case 'e': a->entropy = optarg; break;
		case 'a': a->all = true; break;
		case 'z': a->time_zone = optarg; break;
		case 'i':
			if (parse_items(optarg, a) < 0)
				return -1;
			break;
		case 'd':
			if (cli_date(optarg, &a->date) < 0)
				return -1;
			break;
		case 's':
			if (cli_count("--size", optarg, POLICY_MAX_SIZE,
				      &a->size) < 0)
				return -1;
			break;
		case 'f':
			if (strcmp(optarg, "csv") && strcmp(optarg, "jsonl")) {
				fprintf(stderr, "inspectctl: --format is csv "
					"or jsonl\n");
				return -1;
			}
			a->format = optarg[0] == 'j' ? FORMAT_JSONL
						     : FORMAT_CSV;
			break;
		default:
			return -1;
		}
	}
	if (!a->policy || !a->population || !a->campaign || !a->entropy ||
	    optind != argc)
		return -1;
	if (cli_draw_date(a->time_zone, &a->date) < 0)
		return -1;
	return 0;
}

int cmd_draw(int argc, char **argv)
{
	struct draw_args a;
	struct inputs in;
	struct draw d;
	struct diag err;
	uint8_t seed[32];
	if (parse_args(argc, argv, &a) < 0) {
		return cli_usage("draw");
	}
	int r = inputs_load(a.policy, a.population, &in);
	if (r)
		return r;
	struct seed_input si = {a.campaign, in.policy.digest, in.pop_digest,
				a.date, a.entropy};
	if (seed_derive(&si, seed) < 0) {
		fprintf(stderr, "inspectctl: campaign id must be 1 to %d bytes "
			"and entropy at most %d\n", SEED_MAX_ID,
			SEED_MAX_ENTROPY);
		inputs_finish(&in);
		return EXIT_INPUT;
	}
	diag_init(&err);
	struct draw_params dp = {
	    &in.policy, a.date, a.size, {a.items, a.n_items}};
	double t0 = clock_seconds();
	if (sampler_draw(&in.pop, &dp, seed, &d, &err) < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		inputs_finish(&in);
		return EXIT_INPUT;
	}
	double t1 = clock_seconds();
	static char buf[1 << 20];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	r = report_selection(stdout, a.format, a.all, &in.pop, &d);
	double t2 = clock_seconds();
	report_header(stderr, &in, &si, seed);
	report_groups(stderr, &d);
	fprintf(stderr, "seconds            parse %.3f  order %.3f  digest "
		"%.3f  draw %.3f  write %.3f\n", in.t_parse, in.t_order,
		in.t_digest, t1 - t0, t2 - t1);
	draw_finish(&d);
	inputs_finish(&in);
	if (r < 0) {
		perror("inspectctl: writing the selection");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
