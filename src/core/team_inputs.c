#include "inspect/core/team_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/number.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"

void team_inputs_format(struct strbuf *b, const struct team_draw *in,
			int32_t window_from, int32_t window_to,
			const struct merge_list *merges)
{
	const struct team_rules *rules = in->rules;
	const struct roster *r = in->roster;
	const int32_t *days = in->days;
	const uint16_t *used = in->used;
	const struct visit *v = in->v;
	size_t n_days = in->n_days, n = in->n;
	char day[11], to[11];
	sb_printf(b, "%s\nteam_size %u\n", TEAM_INPUTS_HEADER,
		  rules->team_size);
	for (unsigned d = 0; d < rules->n_departments; d++)
		sb_printf(b, "department %s\n", rules->departments[d]);
	for (unsigned q = 0; q < 64; q++)
		if (rules->qualifications >> q & 1)
			sb_printf(b, "qualification %s\n", r->qualification[q]);
	date_format(window_from, day);
	date_format(window_to, to);
	sb_printf(b, "window %s %s\n", day, to);
	for (size_t d = 0; d < n_days; d++) {
		date_format(days[d], day);
		sb_printf(b, "day %s\n", day);
	}
	for (size_t i = 0; used && i < r->n; i++)
		for (size_t d = 0; d < n_days; d++) {
			if (!used[i * n_days + d])
				continue;
			date_format(days[d], day);
			sb_printf(b, "used %s %s %u\n", r->v[i].id, day,
				  used[i * n_days + d]);
		}
	for (size_t k = 0; k < n; k++) {
		if (!v[k].n_previous)
			continue;
		sb_printf(b, "previous %.18s ", v[k].uscc);
		for (unsigned m = 0; m < v[k].n_previous; m++)
			sb_printf(b, "%s%s", m ? ";" : "",
				  r->v[v[k].previous[m]].id);
		sb_puts(b, "\n");
	}
	for (size_t k = 0; merges && k < merges->n; k++) {
		const struct merge_entry *e = &merges->v[k];
		date_format(e->day, day);
		sb_printf(b, "%s %s %s %s\n", e->skipped ? "skipped" : "joined",
			  e->uscc, day, e->campaign);
	}
}

/* rest cut at its single spaces into exactly n fields. */
static bool fields_of(char *rest, char **f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		f[i] = rest;
		char *sp = strchr(rest, ' ');
		if ((i + 1 < n) != (sp != NULL) || !*f[i] || sp == rest)
			return false;
		if (sp) {
			*sp = '\0';
			rest = sp + 1;
		}
	}
	return true;
}

static bool date_field(const char *s, int32_t *out)
{
	return strlen(s) == 10 && date_parse(s, 10, out);
}

/* One line's parts after its keyword. */
static int parse_line(struct team_inputs *t, const char *key, char *rest,
		      const char **why)
{
	char *f[3];
	unsigned long long n;
	if (!strcmp(key, "team_size")) {
		if (!number_parse_str(rest, TEAM_MAX, &n) || n < 2)
			return *why = "team_size must be from 2 to 10", -1;
		t->team_size = (unsigned)n;
	} else if (!strcmp(key, "department")) {
		if (t->n_departments == TEAM_MAX_DEPARTMENTS || !*rest ||
		    strlen(rest) > 64)
			return *why = "too many or bad departments", -1;
		strcpy(t->departments[t->n_departments++], rest);
	} else if (!strcmp(key, "qualification")) {
		if (t->n_qualifications == 64 || !*rest || strlen(rest) > 32)
			return *why = "too many or bad qualifications", -1;
		strcpy(t->qualifications[t->n_qualifications++], rest);
	} else if (!strcmp(key, "window")) {
		if (!fields_of(rest, f, 2) || !date_field(f[0], &t->window_from) ||
		    !date_field(f[1], &t->window_to))
			return *why = "window must be two dates", -1;
	} else if (!strcmp(key, "day")) {
		int32_t d;
		if (t->n_days == TEAM_INPUTS_MAX_DAYS || !date_field(rest, &d) ||
		    (t->n_days && d <= t->days[t->n_days - 1]))
			return *why = "days must be ascending dates", -1;
		t->days[t->n_days++] = d;
	} else if (!strcmp(key, "used")) {
		struct used_entry *u = &t->used[t->n_used];
		if (!fields_of(rest, f, 3) || strlen(f[0]) >= sizeof(u->id) ||
		    !date_field(f[1], &u->day) ||
		    !number_parse_str(f[2], 1000, &n) || n == 0)
			return *why = "used must be: id date count", -1;
		strcpy(u->id, f[0]);
		u->n = (unsigned)n;
		t->n_used++;
	} else if (!strcmp(key, "previous")) {
		struct previous_entry *p = &t->previous[t->n_previous];
		if (!fields_of(rest, f, 2) || strlen(f[0]) != USCC_LEN ||
		    strlen(f[1]) >= sizeof(p->ids) ||
		    (t->n_previous &&
		     strcmp(f[0], t->previous[t->n_previous - 1].uscc) <= 0))
			return *why = "previous must be: uscc ids, ascending",
			       -1;
		strcpy(p->uscc, f[0]);
		strcpy(p->ids, f[1]);
		t->n_previous++;
	} else if (!strcmp(key, "joined") || !strcmp(key, "skipped")) {
		char *g[3];
		struct merge_entry *e = &t->merged[t->n_merged];
		if (!fields_of(rest, g, 3) || strlen(g[0]) != USCC_LEN ||
		    !date_field(g[1], &e->day) ||
		    !code_chars(g[2], strlen(g[2]), 64) ||
		    (t->n_merged &&
		     strcmp(g[0], t->merged[t->n_merged - 1].uscc) <= 0))
			return *why = "joined and skipped must be: uscc date "
				      "campaign, ascending by uscc", -1;
		strcpy(e->uscc, g[0]);
		strcpy(e->campaign, g[2]);
		e->skipped = key[0] == 's';
		t->n_merged++;
	} else if (!strcmp(key, "item")) {
		/* CODE, or CODE SHARE for a share below 1, written as
		 * decimal_format writes it. */
		const char *sp = strchr(rest, ' ');
		size_t code = sp ? (size_t)(sp - rest) : strlen(rest);
		uint64_t share = ITEM_SHARE_ONE;
		char again[24];
		if (sp && (!decimal_parse(sp + 1, FACTOR_SCALE, ITEM_SHARE_ONE,
					  &share) || share == 0 ||
			   share == ITEM_SHARE_ONE ||
			   (decimal_format(share, FACTOR_SCALE, again,
					   sizeof(again)),
			    strcmp(again, sp + 1))))
			return *why = "an item's share is a decimal below 1, "
				      "as 0.25", -1;
		if (t->n_items == 32 || !code_chars(rest, code, 64))
			return *why = "too many or bad items", -1;
		memcpy(t->items[t->n_items], rest, code);
		t->items[t->n_items][code] = '\0';
		t->item_share[t->n_items++] = (uint32_t)share;
	} else if (!strcmp(key, "salt")) {
		if (strlen(rest) != 64 || strspn(rest, "0123456789abcdef") != 64)
			return *why = "salt must be 64 hex digits", -1;
		memcpy(t->salt, rest, 65);
	} else {
		return *why = "unknown line", -1;
	}
	return 0;
}

int team_inputs_parse(const char *origin, const char *text, size_t len,
		      struct team_inputs *t, struct diag *err)
{
	memset(t, 0, sizeof(*t));
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	t->used = calloc(lines, sizeof(*t->used));
	t->previous = calloc(lines, sizeof(*t->previous));
	t->merged = calloc(lines, sizeof(*t->merged));
	if (!t->used || !t->previous || !t->merged) {
		team_inputs_finish(t);
		return diag_add(err, "%s: out of memory", origin);
	}
	const char *at = text, *end = text + len;
	for (size_t no = 1; at < end; no++) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t n = (size_t)((nl ? nl : end) - at);
		char line[512], *rest;
		const char *why = "line too long";
		if (n < sizeof(line)) {
			memcpy(line, at, n);
			line[n] = '\0';
			rest = strchr(line, ' ');
			if (rest)
				*rest++ = '\0';
			else
				rest = line + n;
			if (no == 1)
				why = strcmp(line, TEAM_INPUTS_HEADER)
					      ? "not " TEAM_INPUTS_HEADER : NULL;
			else if (parse_line(t, line, rest, &why) == 0)
				why = NULL;
		}
		if (why) {
			team_inputs_finish(t);
			return diag_add(err, "%s:%zu: %s", origin, no, why);
		}
		at = nl ? nl + 1 : end;
	}
	if (!t->team_size || !t->n_departments || !t->n_days) {
		team_inputs_finish(t);
		return diag_add(err, "%s: team_size, department or day "
				"missing", origin);
	}
	return 0;
}

void team_inputs_finish(struct team_inputs *t)
{
	free(t->used);
	free(t->previous);
	free(t->merged);
	t->merged = NULL;
	t->used = NULL;
	t->previous = NULL;
}

static int by_uscc(const void *a, const void *b)
{
	return strcmp(((const struct previous_entry *)a)->uscc,
		      ((const struct previous_entry *)b)->uscc);
}

static int previous_of(const struct team_inputs *t, const struct roster *r,
		       const struct roster_id *ids, struct visit *v,
		       uint32_t *prev, struct diag *err)
{
	struct previous_entry want;
	snprintf(want.uscc, sizeof(want.uscc), "%.18s", v->uscc);
	const struct previous_entry *p = bsearch(
		&want, t->previous, t->n_previous, sizeof(*p), by_uscc);
	v->previous = prev;
	v->n_previous = 0;
	if (!p)
		return 0;
	char list[sizeof(p->ids)];
	strcpy(list, p->ids);
	for (char *save, *id = strtok_r(list, ";", &save); id;
	     id = strtok_r(NULL, ";", &save)) {
		long i = roster_find(r, ids, id);
		if (i < 0 || v->n_previous == TEAM_MAX)
			return diag_add(err, "previous team of %s: inspector "
					"%s is not on the roster", want.uscc, id);
		prev[v->n_previous++] = (uint32_t)i;
	}
	return 0;
}

int team_inputs_apply(const struct team_inputs *t, const struct roster *r,
		      struct team_rules *rules, uint16_t **used,
		      const struct visits_in *in, struct diag *err)
{
	struct visit *v = in->v;
	size_t n = in->n;
	uint32_t(*prev)[TEAM_MAX] = in->prev;
	memset(rules, 0, sizeof(*rules));
	rules->team_size = t->team_size;
	rules->n_departments = t->n_departments;
	memcpy(rules->departments, t->departments, sizeof(t->departments));
	for (unsigned q = 0; q < t->n_qualifications; q++) {
		int bit = roster_qualification(r, t->qualifications[q]);
		if (bit < 0)
			return diag_add(err, "qualification %s: no inspector "
					"of the roster holds it",
					t->qualifications[q]);
		rules->qualifications |= 1ULL << bit;
	}
	struct roster_id *ids = roster_by_id(r);
	*used = calloc(r->n * t->n_days + 1, sizeof(**used));
	int rc = ids && *used ? 0 : diag_add(err, "out of memory");
	for (size_t u = 0; rc == 0 && u < t->n_used; u++) {
		long i = roster_find(r, ids, t->used[u].id);
		size_t d = 0;
		while (d < t->n_days && t->days[d] != t->used[u].day)
			d++;
		if (i < 0 || d == t->n_days)
			rc = diag_add(err, "used: inspector %s or day not in "
				      "the draw", t->used[u].id);
		else
			(*used)[(size_t)i * t->n_days + d] = (uint16_t)t->used[u].n;
	}
	for (size_t k = 0; rc == 0 && k < n; k++)
		rc = previous_of(t, r, ids, &v[k], prev[k], err);
	free(ids);
	return rc;
}

void outcome_commitment(const char *salt, const char *outcome, size_t len,
			char hex[65])
{
	struct sha256 h;
	uint8_t d[32];
	sha256_init(&h);
	if (salt[0]) {
		sha256_update(&h, "salt ", 5);
		sha256_update(&h, salt, strlen(salt));
		sha256_update(&h, "\n", 1);
	}
	sha256_update(&h, outcome, len);
	sha256_final(&h, d);
	seed_hex(d, 32, hex);
}
