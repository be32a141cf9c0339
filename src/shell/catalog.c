#include "inspect/catalog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/file.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long calendar_files(const char *dir, char **names, size_t max)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	for (struct dirent *de; (de = readdir(d)) && n < max;)
		if (strlen(de->d_name) == 12 &&
		    !strncmp(de->d_name, "cn-", 3) &&
		    !strcmp(de->d_name + 7, ".yaml"))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	return (long)n;
}

/* Every cn-YYYY.yaml, in year order (the calendar takes years in order). */
static int load_calendars(const char *dir, struct calendar *cal,
			  struct diag *err)
{
	char *names[CALENDAR_MAX_YEARS];
	long n = calendar_files(dir, names, CALENDAR_MAX_YEARS);
	if (n < 0)
		return diag_add(err, "%s: cannot read the calendar directory",
				dir);
	int r = 0;
	for (long i = 0; i < n; i++) {
		char path[1024], *text;
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (r == 0 && file_read(path, 1 << 20, &text, &len) < 0)
			r = diag_add(err, "%s: cannot read", path);
		else if (r == 0) {
			r = calendar_add_year(cal, path, text, len, err);
			free(text);
		}
		free(names[i]);
	}
	return r;
}

int catalog_load(const struct config *cfg, struct catalog *ret,
		 struct diag *err)
{
	struct catalog c;
	char *text = NULL;
	size_t len;
	memset(&c, 0, sizeof(c));
	int r = policy_set_load(cfg->policies, &c.policies, err);
	if (r == 0 && file_read(cfg->items, 4 << 20, &text, &len) < 0)
		r = diag_add(err, "%s: cannot read the item list", cfg->items);
	if (r == 0)
		r = item_list_parse(cfg->items, text, len, &c.items, err);
	free(text);
	if (r == 0)
		r = load_calendars(cfg->calendars, &c.calendar, err);
	if (r < 0) {
		catalog_finish(&c);
		return -1;
	}
	*ret = c;
	return 0;
}

void catalog_finish(struct catalog *c)
{
	policy_set_finish(&c->policies);
	item_list_finish(&c->items);
	calendar_finish(&c->calendar);
}
