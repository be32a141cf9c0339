/* inspectctl's commands and what they share. Exit statuses: 0 done, 1 a
 * failure of the machine or a service, 2 bad usage or bad input. */
#ifndef INSPECTCTL_CLI_H
#define INSPECTCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect/shell/config.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"
#include "inspect/store/store.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INPUT = 2 };

int cmd_draw(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_feed(int argc, char **argv);
int cmd_overdue(int argc, char **argv);
int cmd_pledges(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_calendar(int argc, char **argv);

/* Prints the command's usage to stderr; returns EXIT_INPUT. */
int cli_usage(const char *command);

/* --config FILE and --redis URL, which every Redis command takes: put
 * CLI_REDIS_OPTIONS in the command's option table, and hand each option
 * getopt_long returns to cli_redis_option first. */
#define CLI_REDIS_OPTIONS                                 \
	{"config", required_argument, 0, 'c'},            \
	{"redis", required_argument, 0, 'r'}

struct redis_opts {
	const char *config, *redis;
};

/* Records --config or --redis; false if c is neither. */
bool cli_redis_option(int c, const char *arg, struct redis_opts *o);
/* Loads the configuration (if given) over the defaults and applies
 * --redis (if given); prints the reason and returns the exit status on
 * failure. */
int cli_config_load(const struct redis_opts *o, struct config *cfg);
/* cli_config_load, then connects; a failure names the address. */
int cli_store_open(const struct redis_opts *o, struct config *cfg,
		   struct store *s);

struct catalog;
struct campaign_view;
/* Writes dir/name whole; prints the reason on failure (returns -errno). */
int cli_write_out(const char *dir, const char *name, const char *data,
		  size_t len);
/* A field of a campaign's record, "" if absent. */
const char *campaign_field(const struct campaign_view *v, const char *name);
/* Writes campaign id's audit bundle into the directory out. */
int export_bundle(const char *id, const char *out, const struct config *cfg,
		  struct store *s, const struct campaign_view *v);
/* cli_store_open, then the catalog (policies, items, calendars) the
 * configuration names; on failure nothing is left open. */
int cli_open_catalog(const struct redis_opts *o, struct config *cfg,
		     struct store *s, struct catalog *cat);
/* cli_open_catalog, and *today (if DATE_NONE: not given by --date) made
 * today in the configured time zone. */
int cli_open_catalog_on(const struct redis_opts *o, struct config *cfg,
			struct store *s, struct catalog *cat, int32_t *today);

/* A policy and a population loaded from files, canonical and digested. */
struct inputs {
	struct policy policy;
	struct population pop;
	uint8_t pop_digest[32];
	double t_parse, t_order, t_digest; /* seconds */
};

/* Loads both files; on failure prints the reasons and returns the exit
 * status (never 0). */
int inputs_load(const char *policy_path, const char *population_path,
		struct inputs *in);
void inputs_finish(struct inputs *in);

/* Parses YYYY-MM-DD into a day number; prints the error and returns -1. */
int cli_date(const char *s, int32_t *day);
/* Parses a decimal count 0..max; prints the error and returns -1. */
int cli_count(const char *opt, const char *s, uint32_t max, uint32_t *out);
/* Today's date in time_zone (clock_today): inspectd's notion of today. */
int32_t cli_today(const char *time_zone);
/* A draw's date: *date as given, or today in time_zone (DATE_NONE); -1
 * (with the reason printed) if the zone is unknown. */
int cli_draw_date(const char *time_zone, int32_t *date);

#endif
