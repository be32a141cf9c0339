/* What the daemon serves campaigns by, loaded and reloaded (SIGHUP) as one:
 * the policies, the item list and the working-day calendars. */
#ifndef INSPECT_CATALOG_H
#define INSPECT_CATALOG_H

#include "inspect/calendar.h"
#include "inspect/config.h"
#include "inspect/items.h"
#include "inspect/policy_set.h"

struct catalog {
	struct policy_set policies;
	struct item_list items;
	struct calendar calendar;
};

/* Loads the *.yaml files of cfg->policies, cfg->items and every
 * cn-YYYY.yaml of cfg->calendars. Any error refuses the whole catalog. */
int catalog_load(const struct config *cfg, struct catalog *ret,
		 struct diag *err);
void catalog_finish(struct catalog *c);
/* The names of dir's cn-YYYY.yaml files (strdup'd, up to max), in year
 * order; their count, or -1 if dir cannot be read. */
long calendar_files(const char *dir, char **names, size_t max);

#endif
