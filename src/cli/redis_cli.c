/* What inspectctl's Redis commands share: --config FILE and --redis URL. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_store_open(const char *config_path, const char *redis_url,
		   struct config *cfg, struct store *s)
{
	struct diag err;
	diag_init(&err);
	config_defaults(cfg);
	if ((config_path && config_load(config_path, cfg, &err) < 0) ||
	    (redis_url && config_redis_url(redis_url, &cfg->redis, &err) < 0)) {
		fputs(diag_text(&err), stderr);
		return EXIT_INPUT;
	}
	if (store_connect(s, cfg) < 0) {
		fprintf(stderr, "inspectctl: redis: %s\n", s->err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
