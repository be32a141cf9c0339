/* A chain of audit bundles: what each claims of the campaigns published
 * before it, checked against their outcomes.
 *
 * The team draw takes two inputs from earlier campaigns: each inspector's
 * visits already planned on the window's days (the `used` lines of
 * teams.txt) and each entity's previous team (`previous`). One bundle
 * cannot show that these are true. Given every bundle of a deployment in
 * publication order, from its first campaign on, they follow: the load of
 * inspector x on day d is the number of visits of the earlier bundles'
 * outcomes on d with x on the team, and the previous team of an entity is
 * the team of the latest earlier visit to it, less any member not on the
 * roster the later draw read (which the draw could not have read). */
#include "inspect/core/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/roster.h"
#include "inspect/core/team_inputs.h"

struct member_day {
	char id[33];
	int32_t day;
};

struct last_team {
	char uscc[USCC_LEN + 1];
	size_t bundle;
	char ids[TEAM_MAX * 34];
};

struct chain {
	struct member_day *md; /* every member of every earlier visit */
	size_t n_md, cap_md;
	struct last_team *lt;  /* every earlier visit */
	size_t n_lt, cap_lt;
};

static int by_member_day(const void *a, const void *b)
{
	const struct member_day *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->day > y->day) - (x->day < y->day);
}

static int by_uscc_then_bundle(const void *a, const void *b)
{
	const struct last_team *x = a, *y = b;
	int c = strcmp(x->uscc, y->uscc);
	return c ? c : (x->bundle > y->bundle) - (x->bundle < y->bundle);
}

/* Visits of the earlier bundles on day with id on the team. */
static unsigned load_of(const struct chain *c, const char *id, int32_t day)
{
	struct member_day key;
	if (c->n_md == 0)
		return 0;
	snprintf(key.id, sizeof(key.id), "%s", id);
	key.day = day;
	const struct member_day *hit =
		bsearch(&key, c->md, c->n_md, sizeof(key), by_member_day);
	if (!hit)
		return 0;
	const struct member_day *lo = hit, *hi = hit;
	while (lo > c->md && !by_member_day(lo - 1, &key))
		lo--;
	while (hi + 1 < c->md + c->n_md && !by_member_day(hi + 1, &key))
		hi++;
	return (unsigned)(hi - lo + 1);
}

/* The team of the latest earlier visit to uscc, NULL if none. */
static const char *last_team_of(const struct chain *c, const char *uscc)
{
	const struct last_team *best = NULL;
	size_t lo = 0, hi = c->n_lt;
	while (lo < hi) { /* the first entry after every one of uscc */
		size_t mid = (lo + hi) / 2;
		if (strcmp(c->lt[mid].uscc, uscc) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && !strcmp(c->lt[lo - 1].uscc, uscc))
		best = &c->lt[lo - 1];
	return best ? best->ids : NULL;
}

/* The previous team an entity's draw could read: the last team's members
 * that are on the roster, in order. */
static void on_roster(const char *ids, const struct roster *r,
		      const struct roster_id *by_id, char *out, size_t size)
{
	char copy[TEAM_MAX * 34];
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", ids);
	out[0] = '\0';
	for (char *save, *id = strtok_r(copy, ";", &save); id && n < size;
	     id = strtok_r(NULL, ";", &save))
		if (roster_find(r, by_id, id) >= 0)
			n += (size_t)snprintf(out + n, size - n, "%s%s",
					      n ? ";" : "", id);
}

static int by_used(const void *a, const void *b)
{
	const struct used_entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->day > y->day) - (x->day < y->day);
}

static int check_load(const struct chain *c, struct team_inputs *ti,
		      const struct roster *r, const char *name,
		      struct diag *err)
{
	qsort(ti->used, ti->n_used, sizeof(*ti->used), by_used);
	for (size_t i = 0; i < r->n; i++)
		for (size_t d = 0; d < ti->n_days; d++) {
			struct used_entry key = {.day = ti->days[d]};
			snprintf(key.id, sizeof(key.id), "%s", r->v[i].id);
			const struct used_entry *u = bsearch(
				&key, ti->used, ti->n_used, sizeof(key), by_used);
			unsigned want = load_of(c, r->v[i].id, ti->days[d]);
			unsigned got = u ? u->n : 0;
			if (want != got) {
				char day[11];
				date_format(ti->days[d], day);
				return diag_add(err, "%s: teams.txt claims %u "
						"visits for %s on %s, the earlier "
						"bundles' outcomes have %u", name,
						got, r->v[i].id, day, want);
			}
		}
	return 0;
}

static int by_previous(const void *a, const void *b)
{
	return strcmp(((const struct previous_entry *)a)->uscc,
		      ((const struct previous_entry *)b)->uscc);
}

/* One bundle of the chain as its previous teams are checked: the chain
 * before it, its roster (by id too) and its name. */
struct link_check {
	const struct chain *c;
	const struct roster *r;
	const struct roster_id *by_id;
	const char *name;
};

/* The previous team teams.txt claims for uscc ("" for none) against the
 * last team the earlier outcomes give it, as far as it is on the roster. */
static int same_previous(const struct link_check *lc, const char *uscc,
			 const char *claimed, struct diag *err)
{
	char want[TEAM_MAX * 34] = "";
	const char *last = last_team_of(lc->c, uscc);
	if (last)
		on_roster(last, lc->r, lc->by_id, want, sizeof(want));
	if (strcmp(want, claimed))
		return diag_add(err, "%s: teams.txt gives %s the previous "
				"team '%s', the earlier bundles' outcomes give "
				"'%s'", lc->name, uscc, claimed, want);
	return 0;
}

/* Each visit's previous team as claimed (none claimed: none), then every
 * claim, also those of a refused campaign, which has no outcome. */
static int check_previous(const struct chain *c, const struct team_inputs *ti,
			  const struct roster *r, const struct bundle_link *l,
			  struct diag *err)
{
	struct roster_id *by_id = roster_by_id(r);
	int rc = by_id ? 0 : diag_add(err, "out of memory");
	const struct link_check lc = {c, r, by_id, l->name};
	/* A refusal has no outcome (NULL). */
	const char *at = l->outcome.s ? l->outcome.s : "";
	const char *end = at + l->outcome.len;
	for (size_t line = 1; rc == 0 && at < end; line++) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		/* A skipped visit (no team: "uscc,day,") had no draw. */
		if (line > 1 && (nl ? nl : end) - at > USCC_LEN + 12) {
			struct previous_entry key;
			memcpy(key.uscc, at, USCC_LEN);
			key.uscc[USCC_LEN] = '\0';
			const struct previous_entry *p =
				ti->n_previous
					? bsearch(&key, ti->previous,
						  ti->n_previous, sizeof(key),
						  by_previous)
					: NULL;
			/* ascending by uscc: team_inputs_parse */
			rc = same_previous(&lc, key.uscc, p ? p->ids : "",
					   err);
		}
		at = nl ? nl + 1 : end;
	}
	for (size_t i = 0; rc == 0 && i < ti->n_previous; i++)
		rc = same_previous(&lc, ti->previous[i].uscc,
				   ti->previous[i].ids, err);
	free(by_id);
	return rc;
}

/* Adds a bundle's visits: "uscc,YYYY-MM-DD,id;id" lines after the
 * header. */
static int add_outcome(struct chain *c, const char *outcome, size_t len,
		       size_t bundle)
{
	/* A refusal has no outcome (NULL). */
	const char *at = outcome ? outcome : "", *end = at + len;
	for (size_t line = 1; at < end; line++) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = (size_t)((nl ? nl : end) - at);
		char row[TEAM_MAX * 34 + 64];
		if (line > 1 && n > USCC_LEN + 12 && n < sizeof(row)) {
			memcpy(row, at, n);
			row[n] = '\0';
			int32_t day;
			if (!date_parse(row + USCC_LEN + 1, 10, &day))
				return -1;
			if (c->n_lt == c->cap_lt) {
				size_t cap = c->cap_lt ? 2 * c->cap_lt : 256;
				struct last_team *g =
					realloc(c->lt, cap * sizeof(*g));
				if (!g)
					return -1;
				c->lt = g;
				c->cap_lt = cap;
			}
			struct last_team *t = &c->lt[c->n_lt++];
			memcpy(t->uscc, row, USCC_LEN);
			t->uscc[USCC_LEN] = '\0';
			t->bundle = bundle;
			snprintf(t->ids, sizeof(t->ids), "%.*s",
				 (int)sizeof(t->ids) - 1, row + USCC_LEN + 12);
			char *save;
			for (char *id = strtok_r(row + USCC_LEN + 12, ";", &save);
			     id; id = strtok_r(NULL, ";", &save)) {
				if (c->n_md == c->cap_md) {
					size_t cap = c->cap_md ? 2 * c->cap_md
							       : 1024;
					struct member_day *g =
						realloc(c->md, cap * sizeof(*g));
					if (!g)
						return -1;
					c->md = g;
					c->cap_md = cap;
				}
				snprintf(c->md[c->n_md].id,
					 sizeof(c->md[c->n_md].id), "%s", id);
				c->md[c->n_md++].day = day;
			}
		}
		at = nl ? nl + 1 : end;
	}
	if (c->n_md)
		qsort(c->md, c->n_md, sizeof(*c->md), by_member_day);
	if (c->n_lt)
		qsort(c->lt, c->n_lt, sizeof(*c->lt), by_uscc_then_bundle);
	return 0;
}

int bundle_chain_check(const struct bundle_link *links, size_t n,
		       struct diag *err)
{
	struct chain c = {0};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct roster r = {0};
		struct team_inputs ti = {0};
		const struct bundle_link *l = &links[i];
		rc = roster_parse_csv(l->name, l->roster.s, l->roster.len, &r,
				      err);
		if (rc == 0)
			rc = team_inputs_parse(l->name, l->teams.s,
					       l->teams.len, &ti, err);
		if (rc == 0)
			rc = check_load(&c, &ti, &r, l->name, err);
		if (rc == 0)
			rc = check_previous(&c, &ti, &r, l, err);
		if (rc == 0 && add_outcome(&c, l->outcome.s, l->outcome.len,
					   i) < 0)
			rc = diag_add(err, "%s: outcome.csv does not read",
				      l->name);
		roster_finish(&r);
		team_inputs_finish(&ti);
	}
	free(c.md);
	free(c.lt);
	return rc;
}
