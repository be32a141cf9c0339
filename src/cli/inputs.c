#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/shell/file.h"

#define POLICY_MAX_BYTES (1 << 20)

static int load_policy(const char *path, struct policy *out)
{
	char *text;
	size_t len;
	struct diag err;
	diag_init(&err);
	int r = file_read(path, POLICY_MAX_BYTES, &text, &len);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
		return EXIT_INPUT;
	}
	r = policy_parse(path, text, len, out, &err);
	free(text);
	if (r < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

static int load_population(const char *path, struct inputs *in)
{
	struct mapped_file f;
	struct diag err;
	diag_init(&err);
	double t0 = clock_seconds();
	int r = file_map(path, &f);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
		return EXIT_INPUT;
	}
	r = population_parse_csv(path, f.data, f.len, &in->pop, &err);
	file_unmap(&f);
	double t1 = clock_seconds();
	if (r == 0 && population_canonicalize(&in->pop, path, 2, &err) < 0) {
		population_finish(&in->pop);
		r = -1;
	}
	double t2 = clock_seconds();
	if (r < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	population_digest(&in->pop, in->pop_digest);
	in->t_parse = t1 - t0;
	in->t_order = t2 - t1;
	in->t_digest = clock_seconds() - t2;
	return EXIT_OK;
}

int inputs_load(const char *policy_path, const char *population_path,
		struct inputs *in)
{
	memset(in, 0, sizeof(*in));
	int r = load_policy(policy_path, &in->policy);
	return r ? r : load_population(population_path, in);
}

void inputs_finish(struct inputs *in)
{
	population_finish(&in->pop);
}

int cli_date(const char *s, int32_t *day)
{
	if (date_parse(s, (unsigned)strlen(s), day))
		return 0;
	fprintf(stderr, "inspectctl: '%s' is not a date YYYY-MM-DD\n", s);
	return -1;
}

int cli_count(const char *opt, const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	if (!number_parse_str(s, max, &v)) {
		fprintf(stderr, "inspectctl: %s takes a whole number from 0 "
			"to %u, not '%s'\n", opt, max, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int32_t cli_today(const char *time_zone)
{
	return clock_today(time_zone, NULL);
}

int cli_draw_date(const char *time_zone, int32_t *date)
{
	if (!clock_zone_known(time_zone)) {
		fprintf(stderr, "inspectctl: --time-zone: '%s' is not a zone of "
			"the tz database\n", time_zone);
		return -1;
	}
	if (*date == DATE_NONE)
		*date = cli_today(time_zone);
	return 0;
}
