#include "inspect/core/roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/text.h"

#define FIELDS 9

struct field {
	const char *s;
	size_t len;
};

static bool fits(struct field f, size_t max)
{
	return f.len > 0 && f.len < max && !memchr(f.s, '"', f.len);
}

/* One item of a list field read into in: 0, or FAIL_INVALID with why. */
typedef int (*item_parser)(struct field f, struct inspector *in,
			   struct roster *r, struct diag *why);

/* Calls fn(item) for every ';'-separated item of f. */
static int each(struct field f, item_parser fn, struct inspector *in,
		struct roster *r, struct diag *why)
{
	size_t start = 0;
	for (size_t i = 0; f.len && i <= f.len; i++) {
		if (i < f.len && f.s[i] != ';')
			continue;
		if (fn((struct field){f.s + start, i - start}, in, r, why) < 0)
			return FAIL_INVALID;
		start = i + 1;
	}
	return 0;
}

static int jurisdiction(struct field f, struct inspector *in, struct roster *r,
			struct diag *why)
{
	if (f.len == 0 || f.len > 6)
		return diag_add(why, "jurisdictions are 1 to 6 digit region "
				"prefixes");
	for (size_t i = 0; i < f.len; i++)
		if (f.s[i] < '0' || f.s[i] > '9')
			return diag_add(why, "jurisdictions are 1 to 6 digit "
					"region prefixes");
	if (in->n_jurisdictions == ROSTER_MAX_PREFIXES)
		return diag_add(why, "more than 16 jurisdictions");
	memcpy(in->jurisdictions[in->n_jurisdictions], f.s, f.len);
	in->jurisdictions[in->n_jurisdictions++][f.len] = '\0';
	return 0;
}

static int qualification(struct field f, struct inspector *in, struct roster *r,
			 struct diag *why)
{
	char name[33];
	if (!fits(f, sizeof(name)))
		return diag_add(why, "qualifications are names of 1 to 32 "
				"bytes");
	memcpy(name, f.s, f.len);
	name[f.len] = '\0';
	int q = roster_qualification(r, name);
	if (q < 0) {
		if (r->n_qualifications == ROSTER_MAX_QUALIFICATIONS)
			return diag_add(why, "more than 64 distinct "
					"qualifications");
		q = (int)r->n_qualifications++;
		memcpy(r->qualification[q], name, f.len + 1);
	}
	in->qualifications |= 1ULL << q;
	return 0;
}

static int conflict(struct field f, struct inspector *in, struct roster *r,
		    struct diag *why)
{
	if (uscc_check(f.s, (unsigned)f.len, NULL) < 0)
		return diag_add(why, "conflicts must be valid USCCs");
	if (in->n_conflicts == ROSTER_MAX_CONFLICTS)
		return diag_add(why, "more than 64 conflicts");
	memcpy(in->conflicts[in->n_conflicts++], f.s, USCC_LEN);
	return 0;
}

static int cmp_uscc(const void *a, const void *b)
{
	return memcmp(a, b, USCC_LEN);
}

static int parse_row(const struct field *f, struct inspector *in,
		     struct roster *r, struct diag *why)
{
	memset(in, 0, sizeof(*in));
	/* Ids and departments name keys (<p>feed:<id>, <p>dept:<d>). */
	if (!fits(f[0], sizeof(in->id)) || !fits(f[2], sizeof(in->badge)) ||
	    !fits(f[3], sizeof(in->department)) ||
	    !code_chars(f[0].s, f[0].len, 32) ||
	    !code_chars(f[2].s, f[2].len, 32) ||
	    !code_chars(f[3].s, f[3].len, 64))
		return diag_add(why, "id, badge and department are 1 to 32 "
				"(department 64) of A-Z a-z 0-9 - _ .");
	if (!fits(f[1], sizeof(in->name)) ||
	    text_check(f[1].s, f[1].len, sizeof(in->name) - 1, NULL) < 0)
		return diag_add(why, "name is 1 to 96 bytes of UTF-8 without "
				"control characters");
	memcpy(in->id, f[0].s, f[0].len);
	memcpy(in->name, f[1].s, f[1].len);
	memcpy(in->badge, f[2].s, f[2].len);
	memcpy(in->department, f[3].s, f[3].len);
	if (f[4].len == 0)
		return diag_add(why, "jurisdictions: at least one region "
				"prefix");
	if (each(f[4], jurisdiction, in, r, why) < 0 ||
	    each(f[5], qualification, in, r, why) < 0 ||
	    each(f[7], conflict, in, r, why) < 0)
		return FAIL_INVALID;
	unsigned cap = 0;
	for (size_t i = 0; i < f[6].len; i++)
		cap = f[6].s[i] >= '0' && f[6].s[i] <= '9' && cap < 1000
			      ? cap * 10 + (unsigned)(f[6].s[i] - '0')
			      : 1000;
	if (f[6].len == 0 || cap < 1 || cap > ROSTER_MAX_CAPACITY)
		return diag_add(why, "daily_capacity must be a whole number "
				"from 1 to 50");
	in->daily_capacity = cap;
	if (f[8].len == 1 && (f[8].s[0] == '1' || f[8].s[0] == '0'))
		in->active = f[8].s[0] == '1';
	else if (f[8].len == 4 && !memcmp(f[8].s, "true", 4))
		in->active = true;
	else if (!(f[8].len == 5 && !memcmp(f[8].s, "false", 5)))
		return diag_add(why, "active must be 1, 0, true or false");
	qsort(in->conflicts, in->n_conflicts, USCC_LEN, cmp_uscc);
	return 0;
}

static unsigned split(const char *s, size_t len, struct field *f)
{
	unsigned n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len && n <= FIELDS; i++)
		if (i == len || s[i] == ',') {
			f[n++] = (struct field){s + start, i - start};
			start = i + 1;
		}
	return n;
}

static bool next_line(const char *text, size_t len, size_t *pos,
		      struct field *line)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + 1;
	*line = (struct field){s, n && s[n - 1] == '\r' ? n - 1 : n};
	return true;
}

int roster_parse_csv(const char *origin, const char *text, size_t len,
		     struct roster *ret, struct diag *err)
{
	struct roster r;
	struct field line, f[FIELDS + 1];
	size_t pos = 0, cap = 16;
	unsigned no = 1, errors = err->count;
	memset(&r, 0, sizeof(r));
	if (!next_line(text, len, &pos, &line) ||
	    line.len != strlen(ROSTER_HEADER) ||
	    memcmp(line.s, ROSTER_HEADER, line.len) != 0)
		return diag_add(err, "%s:1: header must be %s", origin,
				ROSTER_HEADER);
	r.v = malloc(cap * sizeof(*r.v));
	while (r.v && next_line(text, len, &pos, &line)) {
		no++;
		if (line.len == 0 && pos >= len)
			break;
		if (r.n == cap) {
			struct inspector *v = realloc(r.v, 2 * cap * sizeof(*v));
			if (!v)
				break;
			r.v = v;
			cap *= 2;
		}
		unsigned nf = split(line.s, line.len, f);
		struct diag why;
		diag_init(&why);
		if (nf != FIELDS)
			diag_add(&why, "expected 9 fields");
		else
			parse_row(f, &r.v[r.n], &r, &why);
		for (size_t k = 0; !why.count && k < r.n; k++)
			if (!strcmp(r.v[k].id, r.v[r.n].id))
				diag_add(&why, "id repeats an earlier row");
		if (why.count)
			diag_add(err, "%s:%u: %s", origin, no,
				 diag_reason(&why));
		else
			r.n++;
	}
	if (!r.v)
		diag_add(err, "%s: out of memory", origin);
	if (err->count != errors) {
		roster_finish(&r);
		return -1;
	}
	*ret = r;
	return 0;
}

void roster_finish(struct roster *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

int roster_qualification(const struct roster *r, const char *name)
{
	for (unsigned q = 0; q < r->n_qualifications; q++)
		if (!strcmp(r->qualification[q], name))
			return (int)q;
	return -1;
}

bool inspector_covers(const struct inspector *in, uint32_t region)
{
	char code[7];
	snprintf(code, sizeof(code), "%06u", region % 1000000);
	for (unsigned k = 0; k < in->n_jurisdictions; k++)
		if (!strncmp(code, in->jurisdictions[k],
			     strlen(in->jurisdictions[k])))
			return true;
	return false;
}

bool inspector_conflicts(const struct inspector *in, const char *uscc)
{
	return bsearch(uscc, in->conflicts, in->n_conflicts, USCC_LEN,
		       cmp_uscc) != NULL;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct roster_id *)a)->id,
		      ((const struct roster_id *)b)->id);
}

struct roster_id *roster_by_id(const struct roster *r)
{
	struct roster_id *ids = malloc((r->n ? r->n : 1) * sizeof(*ids));
	if (!ids)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		ids[i] = (struct roster_id){r->v[i].id, (uint32_t)i};
	qsort(ids, r->n, sizeof(*ids), by_id);
	return ids;
}

long roster_find(const struct roster *r, const struct roster_id *ids,
		 const char *id)
{
	struct roster_id want = {id, 0};
	const struct roster_id *hit =
		bsearch(&want, ids, r->n, sizeof(*ids), by_id);
	return hit ? (long)hit->at : -1;
}
