/* inspectctl calendar: which years have an official working-day calendar
 * (the State Council's notice), which are provisional (derived from the
 * statutory holidays), and a warning when the official ones run out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "inspect/core/number.h"
#include "inspect/shell/catalog.h"
#include "inspect/core/date.h"

#define WARN_DAYS 60
#define EXIT_ENDING 3

static void list(const struct catalog *cat, const struct config *cfg)
{
	const struct calendar *c = &cat->calendar;
	printf("%-5s %-12s %-13s %s\n", "year", "calendar", "working days",
	       "source");
	for (unsigned i = 0; i < cat->n_calendar_docs; i++) {
		const struct calendar_doc *d = &cat->calendar_docs[i];
		long n = calendar_working_days(c, date_from_civil(d->year, 1, 1),
					       date_from_civil(d->year, 12, 31),
					       NULL, 0);
		if (d->provisional)
			printf("%-5d %-12s %-13ld %s\n", d->year, "provisional",
			       n, "statutory holidays, no make-up days "
			       "(docs/ALGORITHM.md)");
		else
			printf("%-5d %-12s %-13ld %s/cn-%d.yaml\n", d->year,
			       "official", n, cfg->calendars, d->year);
	}
}

int cmd_calendar(int argc, char **argv)
{
	static const struct option opts[] = {
		{"year", required_argument, 0, 'y'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	struct redis_opts ro = {0};
	int year = 0, c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		unsigned long long y;
		if (c == 'y' && number_parse_str(optarg, 9999, &y))
			year = (int)y;
		else if (c == 'y')
			return cli_usage("calendar");
		else if (!cli_redis_option(c, optarg, &ro))
			return cli_usage("calendar");
	}
	if (optind != argc)
		return cli_usage("calendar");
	struct config cfg;
	struct catalog cat;
	struct diag err;
	diag_init(&err);
	int r = cli_config_load(&ro, &cfg);
	if (r)
		return r;
	if (catalog_load(&cfg, &cat, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	if (year) { /* the year's document, as a bundle would carry it */
		const struct calendar_doc *d = catalog_calendar_doc(&cat, year);
		if (d)
			fwrite(d->text, 1, d->len, stdout);
		else
			fprintf(stderr, "inspectctl: no calendar for %d\n",
				year);
		catalog_finish(&cat);
		return d ? EXIT_OK : EXIT_INPUT;
	}
	list(&cat, &cfg);
	int32_t today = cli_today(cfg.time_zone);
	int32_t end = calendar_official_end(&cat.calendar);
	char t[11], e[11] = "none";
	date_format(today, t);
	if (end != DATE_NONE)
		date_format(end, e);
	printf("today %s (%s); official calendars until %s\n", t,
	       cfg.time_zone, e);
	r = EXIT_OK;
	if (end == DATE_NONE || end - today <= WARN_DAYS) {
		fflush(stdout);
		fprintf(stderr, "warning: the official calendars end %s: add "
			"the State Council's notice for the next year as "
			"%s/cn-YYYY.yaml (until then windows are planned on "
			"provisional calendars)\n", e, cfg.calendars);
		r = EXIT_ENDING;
	}
	catalog_finish(&cat);
	return r;
}
