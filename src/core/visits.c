/* The visits on record that caps count (docs/ALGORITHM.md, section 2). */
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/date.h"
#include "inspect/core/population.h"
#include "inspect/core/strbuf.h"

static int by_bytes(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

/* items as codes into code[] (NUL-terminated copies in buf), sorted. */
static int split_items(const char *items, size_t len, char *buf,
		       const char *code[VISITS_MAX_ITEMS], unsigned *ret_n,
		       struct diag *why)
{
	unsigned n = 0;
	memcpy(buf, items, len);
	buf[len] = '\0';
	for (char *s = buf, *end; s <= buf + len; s = end + 1) {
		end = strchr(s, '+');
		if (!end)
			end = buf + len;
		*end = '\0';
		if (!code_chars(s, (size_t)(end - s), CAMPAIGN_MAX_NAME))
			return diag_add(why, "items are 1 to 64 letters, "
					"digits, '-', '_' or '.', joined by "
					"'+'");
		if (n == VISITS_MAX_ITEMS)
			return diag_add(why, "more than %d items",
					VISITS_MAX_ITEMS);
		code[n++] = s;
	}
	qsort(code, n, sizeof(*code), by_bytes);
	for (unsigned i = 1; i < n; i++)
		if (strcmp(code[i - 1], code[i]) == 0)
			return diag_add(why, "item %s is given twice", code[i]);
	*ret_n = n;
	return 0;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

int visits_add(struct visit_history *h, const struct visit_text *t,
	       struct diag *why)
{
	const char *code[VISITS_MAX_ITEMS];
	unsigned n = 0;
	size_t items_len = t->items_len;
	if (!code_chars(t->campaign, t->campaign_len, CAMPAIGN_MAX_NAME))
		return diag_add(why, "the campaign id is 1 to 64 letters, "
				"digits, '-', '_' or '.'");
	if (items_len > VISITS_MAX_ITEMS * (CAMPAIGN_MAX_NAME + 1))
		return diag_add(why, "items are too long");
	char *buf = malloc(items_len + 1);
	if (!buf)
		return diag_add(why, "out of memory");
	int r = split_items(t->items, items_len, buf, code, &n, why);
	struct strbuf *pool = &h->pool;
	size_t campaign_at = pool->len, items_at = campaign_at +
						   t->campaign_len + 1;
	if (r == 0) {
		sb_add(pool, t->campaign, t->campaign_len);
		sb_add(pool, "", 1);
		for (unsigned i = 0; i < n; i++)
			sb_printf(pool, "%s%s", i ? "+" : "", code[i]);
		sb_add(pool, "", 1);
	}
	if (r == 0 && (pool->failed || !grow((void **)&h->v, &h->cap,
					     h->n + 1, sizeof(*h->v))))
		r = diag_add(why, "out of memory");
	if (r == 0) {
		struct visit_rec *v = &h->v[h->n++];
		memcpy(v->uscc, t->uscc, USCC_LEN);
		v->day = t->day;
		v->campaign_at = (uint32_t)campaign_at;
		v->items_at = (uint32_t)items_at;
	}
	free(buf);
	return r;
}

/* A visit with its texts at hand, for qsort (which has no context). */
struct sortable {
	struct visit_rec v;
	const char *campaign, *items;
};

static int by_record(const void *a, const void *b)
{
	const struct sortable *x = a, *y = b;
	int c = memcmp(x->v.uscc, y->v.uscc, USCC_LEN);
	if (c == 0)
		c = (x->v.day > y->v.day) - (x->v.day < y->v.day);
	/* A code that is a prefix of another sorts first, as its record
	 * does: a code's bytes all come after ','. */
	if (c == 0)
		c = strcmp(x->campaign, y->campaign);
	if (c == 0)
		c = strcmp(x->items, y->items);
	return c;
}

int visits_canonicalize(struct population *p, const char *origin,
			struct diag *err)
{
	struct visit_history *h = &p->visits;
	struct sortable *t = malloc((h->n + 1) * sizeof(*t));
	if (!t)
		return diag_add(err, "%s: out of memory sorting visits",
				origin);
	for (size_t i = 0; i < h->n; i++)
		t[i] = (struct sortable){h->v[i], visit_campaign(h, &h->v[i]),
					 visit_items(h, &h->v[i])};
	qsort(t, h->n, sizeof(*t), by_record);
	for (size_t i = 0; i < h->n; i++)
		h->v[i] = t[i].v;
	free(t);
	int r = 0;
	for (size_t i = 0; i < h->n; i++)
		if (!population_find(p, h->v[i].uscc))
			r = diag_add(err, "%s: visits: uscc %.18s is not in "
				     "the population", origin, h->v[i].uscc);
	return r;
}

void visits_format(const struct visit_history *h, struct strbuf *out)
{
	if (h->n == 0)
		return;
	sb_puts(out, VISITS_HEADER "\n");
	for (size_t i = 0; i < h->n; i++) {
		const struct visit_rec *v = &h->v[i];
		char day[11];
		date_format(v->day, day);
		sb_add(out, v->uscc, USCC_LEN);
		sb_printf(out, ",%s,%s,%s\n", day, visit_campaign(h, v),
			  visit_items(h, v));
	}
}
