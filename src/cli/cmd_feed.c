/* inspectctl feed: an inspector's delivered visits, one line each. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/store/ops.h"

static const char *entry_field(const redisReply *fields, const char *name)
{
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (!strcmp(fields->element[i]->str, name))
			return fields->element[i + 1]->str;
	return "";
}

int cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {
		{"inspector", required_argument, 0, 'i'},
		{"date", required_argument, 0, 'd'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *inspector = NULL, *date = NULL;
	struct redis_opts ro = {0};
	int32_t day;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': inspector = optarg; break;
		case 'd':
			if (cli_date(optarg, &day) < 0)
				return cli_usage("feed");
			date = optarg;
			break;
		default:
			if (!cli_redis_option(c, optarg, &ro))
				return cli_usage("feed");
		}
	}
	if (!inspector || optind != argc)
		return cli_usage("feed");
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	redisReply *rep = store_xrange(&s, KEY_FEED, inspector);
	if (!rep) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
		store_close(&s);
		return EXIT_FAIL;
	}
	for (size_t i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements;
	     i++) {
		const redisReply *f = rep->element[i]->element[1];
		const char *d = entry_field(f, "date");
		if (date && strcmp(d, date))
			continue;
		printf("%s  %s  %s  %s  %s  items=%s  team=%s\n", d,
		       entry_field(f, "campaign"), entry_field(f, "uscc"),
		       entry_field(f, "name"), entry_field(f, "address"),
		       entry_field(f, "items"), entry_field(f, "team"));
	}
	freeReplyObject(rep);
	store_close(&s);
	return EXIT_OK;
}
