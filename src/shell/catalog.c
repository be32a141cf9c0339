#include "inspect/shell/catalog.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/core/pledges.h"
#include "inspect/shell/file.h"
#include "inspect/core/strbuf.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The year of a name calendar_files found: cn-YYYY.yaml. */
static int year_of(const char *name)
{
	return (int)number_or((char[5]){name[3], name[4], name[5], name[6], 0},
			      9999, 0);
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
		    strspn(de->d_name + 3, "0123456789") == 4 &&
		    !strcmp(de->d_name + 7, ".yaml"))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	return (long)n;
}

static int add_doc(struct catalog *cat, int year, bool provisional,
		   char *text, size_t len)
{
	cat->calendar_docs[cat->n_calendar_docs++] =
		(struct calendar_doc){year, provisional, text, len};
	return 0;
}

static int add_official(struct catalog *cat, const char *dir,
			const char *name, struct diag *err)
{
	char path[1024], *text;
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (file_read(path, 1 << 20, &text, &len) < 0)
		return diag_add(err, "%s: cannot read", path);
	if (calendar_add_year(&cat->calendar, path, text, len, err) < 0) {
		free(text);
		return -1;
	}
	/* A notice's calendar is official: a file that says otherwise (a
	 * provisional one saved here) would be labelled two ways. */
	if (cat->calendar.provisional >> (cat->calendar.n_years - 1) & 1) {
		free(text);
		return diag_add(err, "%s: marked provisional: this directory "
				"holds the State Council's notices (remove "
				"the file, and the provisional rule applies)",
				path);
	}
	return add_doc(cat, year_of(name), false, text, len);
}

static int add_provisional(struct catalog *cat, int year, struct diag *err)
{
	struct strbuf b = {0};
	if (calendar_provisional_text(year, &b) < 0) {
		sb_finish(&b);
		return diag_add(err, "no calendar for %d: add its cn-%d.yaml "
				"(the provisional rule covers %d to %d)", year,
				year, CALENDAR_PROVISIONAL_FIRST,
				CALENDAR_PROVISIONAL_LAST);
	}
	if (calendar_add_provisional(&cat->calendar, year, err) < 0) {
		sb_finish(&b);
		return -1;
	}
	return add_doc(cat, year, true, b.s, b.len);
}

/* Every cn-YYYY.yaml, in year order (the calendar takes years in order),
 * and a provisional calendar for each year without one from the first
 * file's year (or the provisional table's first) to the table's last. */
static int load_calendars(const char *dir, struct catalog *cat,
			  struct diag *err)
{
	char *names[CALENDAR_MAX_YEARS];
	long n = calendar_files(dir, names, CALENDAR_MAX_YEARS);
	if (n < 0)
		return diag_add(err, "%s: cannot read the calendar directory",
				dir);
	int first = n ? year_of(names[0]) : CALENDAR_PROVISIONAL_FIRST;
	int last = n ? year_of(names[n - 1]) : 0;
	if (last < CALENDAR_PROVISIONAL_LAST)
		last = CALENDAR_PROVISIONAL_LAST;
	int r = 0;
	long i = 0;
	for (int y = first; r == 0 && y <= last &&
			    cat->n_calendar_docs < CALENDAR_MAX_YEARS; y++) {
		if (i < n && year_of(names[i]) == y)
			r = add_official(cat, dir, names[i++], err);
		else
			r = add_provisional(cat, y, err);
	}
	if (r == 0 && i < n)
		r = diag_add(err, "%s/%s: more than %d years of calendars",
			     dir, names[i], CALENDAR_MAX_YEARS);
	for (long k = 0; k < n; k++)
		free(names[k]);
	return r;
}

const struct calendar_doc *catalog_calendar_doc(const struct catalog *c,
						int year)
{
	for (unsigned i = 0; i < c->n_calendar_docs; i++)
		if (c->calendar_docs[i].year == year)
			return &c->calendar_docs[i];
	return NULL;
}

/* The policy of each pledge item's campaigns, parsed as any policy is. */
static int load_pledge_policies(struct catalog *c, struct diag *err)
{
	if (policy_set_find(&c->policies, PLEDGE_POLICY))
		return diag_add(err, "policy %s: the name is reserved for "
				"pledge verification", PLEDGE_POLICY);
	c->pledge_policies = calloc(c->items.n + 1, sizeof(struct policy_entry));
	if (!c->pledge_policies)
		return diag_add(err, "out of memory");
	for (size_t i = 0; i < c->items.n; i++) {
		const struct item *it = &c->items.v[i];
		struct policy_entry *e = &c->pledge_policies[i];
		struct strbuf b = {0};
		if (!it->pledge.on)
			continue;
		pledge_policy_text(it, &b);
		if (b.failed || policy_parse(it->code, b.s, b.len, &e->policy,
					     err) < 0) {
			sb_finish(&b);
			return diag_add(err, "item %s: its pledge policy does "
					"not parse", it->code);
		}
		e->text = b.s;
		e->len = b.len;
	}
	return 0;
}

const struct policy_entry *catalog_policy(const struct catalog *cat,
					  const struct campaign *c)
{
	if (strcmp(c->policy, PLEDGE_POLICY))
		return policy_set_find(&cat->policies, c->policy);
	const struct item *it =
	    c->n_items == 1 ? item_find(&cat->items, c->items[0]) : NULL;
	return it && it->pledge.on ? &cat->pledge_policies[it - cat->items.v]
				   : NULL;
}

/* The departments list, if there is one: names for the public record. */
static int load_departments(const char *path, struct department_list *ret,
			    struct diag *err)
{
	char *text;
	size_t len;
	int r = file_read(path, 1 << 20, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return diag_add(err, "%s: cannot read the departments list",
				path);
	r = department_list_parse(path, text, len, ret, err);
	free(text);
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
	c.items_text = text;
	c.items_len = r == 0 ? len : 0;
	if (r == 0)
		r = load_departments(cfg->departments, &c.departments, err);
	if (r == 0)
		r = load_pledge_policies(&c, err);
	if (r == 0)
		r = load_calendars(cfg->calendars, &c, err);
	if (r < 0) {
		catalog_finish(&c);
		return -1;
	}
	*ret = c;
	return 0;
}

void catalog_finish(struct catalog *c)
{
	for (size_t i = 0; c->pledge_policies && i < c->items.n; i++)
		free(c->pledge_policies[i].text);
	free(c->pledge_policies);
	c->pledge_policies = NULL;
	policy_set_finish(&c->policies);
	item_list_finish(&c->items);
	department_list_finish(&c->departments);
	free(c->items_text);
	c->items_text = NULL;
	calendar_finish(&c->calendar);
	for (unsigned i = 0; i < c->n_calendar_docs; i++)
		free(c->calendar_docs[i].text);
	c->n_calendar_docs = 0;
}
