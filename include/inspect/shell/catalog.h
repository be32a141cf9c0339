/* What the daemon serves campaigns by, loaded and reloaded (SIGHUP) as one:
 * the policies, the item list and the working-day calendars. */
#ifndef INSPECT_CATALOG_H
#define INSPECT_CATALOG_H

#include "inspect/core/calendar.h"
#include "inspect/core/campaign.h"
#include "inspect/core/departments.h"
#include "inspect/shell/config.h"
#include "inspect/core/items.h"
#include "inspect/shell/policy_set.h"

/* One year's calendar document as loaded: an official file's text, or
 * the provisional calendar's (calendar_provisional_text). */
struct calendar_doc {
	int year;
	bool provisional;
	char *text;
	size_t len;
};

struct catalog {
	struct policy_set policies;
	struct item_list items;
	/* The agencies' names (config departments; empty without the
	 * file). */
	struct department_list departments;
	char *items_text; /* the item list's file, as read: kept with plans */
	size_t items_len;
	struct calendar calendar;
	struct calendar_doc calendar_docs[CALENDAR_MAX_YEARS];
	unsigned n_calendar_docs;
	/* For each item of items, in its order: the policy of its pledge
	 * campaigns (pledge_policy_text; text NULL for an item that is not
	 * a pledge item). */
	struct policy_entry *pledge_policies;
};

/* Loads the *.yaml files of cfg->policies, cfg->items and every
 * cn-YYYY.yaml of cfg->calendars, with a provisional calendar for each
 * year from the first file's to CALENDAR_PROVISIONAL_LAST that has no
 * file. Any error refuses the whole catalog. */
int catalog_load(const struct config *cfg, struct catalog *ret,
		 struct diag *err);
void catalog_finish(struct catalog *c);
/* The policy a campaign is drawn by: the policy set's of its name, or
 * for policy PLEDGE_POLICY and one pledge item, that item's; NULL if
 * there is none. */
const struct policy_entry *catalog_policy(const struct catalog *cat,
					  const struct campaign *c);
/* The document of year's calendar, NULL if the catalog has none. */
const struct calendar_doc *catalog_calendar_doc(const struct catalog *c,
						int year);
/* The names of dir's cn-YYYY.yaml files (strdup'd, up to max), in year
 * order; their count, or -1 if dir cannot be read. */
long calendar_files(const char *dir, char **names, size_t max);

#endif
