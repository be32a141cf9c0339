/* What inspectctl's Redis commands share: --config FILE and --redis URL. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/catalog.h"

bool cli_redis_option(int c, const char *arg, struct redis_opts *o)
{
	if (c == 'c')
		o->config = arg;
	else if (c == 'r')
		o->redis = arg;
	return c == 'c' || c == 'r';
}

int cli_store_open(const struct redis_opts *o, struct config *cfg,
		   struct store *s)
{
	struct diag err;
	diag_init(&err);
	config_defaults(cfg);
	if ((o->config && config_load(o->config, cfg, &err) < 0) ||
	    (o->redis && config_redis_url(o->redis, &cfg->redis, &err) < 0)) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	config_finish_paths(cfg);
	if (store_connect(s, cfg) < 0) {
		fprintf(stderr, "inspectctl: redis: %s\n", s->err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_open_catalog(const struct redis_opts *o, struct config *cfg,
		     struct store *s, struct catalog *cat)
{
	struct diag err;
	diag_init(&err);
	int r = cli_store_open(o, cfg, s);
	if (r)
		return r;
	if (catalog_load(cfg, cat, &err) < 0) {
		fputs(diag_text(&err), stderr);
		store_close(s);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}
