/* What inspectctl's Redis commands share: --config FILE and --redis URL. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
#include "inspect/shell/catalog.h"

bool cli_redis_option(int c, const char *arg, struct redis_opts *o)
{
	if (c == 'c')
		o->config = arg;
	else if (c == 'r')
		o->redis = arg;
	return c == 'c' || c == 'r';
}

int cli_config_load(const struct redis_opts *o, struct config *cfg)
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
	if (config_check(cfg, &err) < 0) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

int cli_store_open(const struct redis_opts *o, struct config *cfg,
		   struct store *s)
{
	int r = cli_config_load(o, cfg);
	if (r)
		return r;
	if (store_connect(s, cfg) < 0) {
		const struct redis_config *rc = &cfg->redis;
		if (rc->unix_path[0])
			fprintf(stderr, "inspectctl: redis at unix://%s: %s\n",
				rc->unix_path, diag_reason(&s->err));
		else
			fprintf(stderr, "inspectctl: redis at %s:%d: %s%s\n",
				rc->host, rc->port, diag_reason(&s->err),
				o->config || o->redis
				    ? ""
				    : " (no --config or --redis: the "
				      "default address)");
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

int cli_open_catalog_on(const struct redis_opts *o, struct config *cfg,
			struct store *s, struct catalog *cat, int32_t *today)
{
	int r = cli_open_catalog(o, cfg, s, cat);
	if (r == 0 && *today == DATE_NONE)
		*today = cli_today(cfg->time_zone);
	return r;
}
