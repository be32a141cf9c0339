/* inspectctl migrate: moves inspectd's keys from the layout of an older
 * prefix (before keys carried a hash tag) to the configured one, and the
 * buckets of inspections on record, history and last teams to hash tags
 * of their own (migrate.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/store/grades.h"
#include "inspect/store/migrate.h"

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, 0, 'f'}, CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *from = NULL;
	struct redis_opts ro = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f')
			from = optarg;
		else if (!cli_redis_option(c, optarg, &ro))
			return cli_usage("migrate");
	}
	if (optind != argc)
		return cli_usage("migrate");
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	char old[32];
	legacy_prefix(cfg.prefix, old);
	if (from)
		snprintf(old, sizeof(old), "%s", from);
	size_t moved = 0;
	r = store_migrate(&s, old, &moved);
	if (r == 0)
		printf("moved %zu keys from '%s' to '%s'\n", moved, old,
		       cfg.prefix);
	else
		fprintf(stderr,
			"inspectctl: %s (%zu keys moved before; run "
			"it again once that is resolved)\n",
			diag_reason(&s.err), moved);
	store_close(&s);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}
