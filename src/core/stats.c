/* The department's numbers: counted visit by visit, so that a year of
 * campaigns is never held whole. docs/REPORT.md defines each. */
#include "inspect/core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959963984540054 /* the normal quantile of 0.975 */

struct stats_rate stats_rate_of(const struct stats_counts *c)
{
	struct stats_rate r = {0};
	r.n = c->results - c->not_inspected;
	r.k = c->problems;
	if (!r.n)
		return r;
	/* Wilson's score interval: sensible for small classes and for rates
	 * near 0 or 1, where p ± z·sqrt(p(1-p)/n) is not. */
	double n = (double)r.n, p = (double)r.k / n, z2 = Z95 * Z95;
	double mid = (p + z2 / (2 * n)) / (1 + z2 / n);
	double half = Z95 / (1 + z2 / n) *
		      sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	r.p = p;
	r.lo = mid - half < 0 ? 0 : mid - half;
	r.hi = mid + half > 1 ? 1 : mid + half;
	return r;
}

static void *grow(void *v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return v;
	size_t c = *cap ? *cap * 2 : 16;
	while (c < need)
		c *= 2;
	void *n = realloc(v, c * size);
	if (n)
		*cap = c;
	return n;
}

int stats_init(struct stats *s, const struct population *pool)
{
	memset(s, 0, sizeof(*s));
	s->pool = pool;
	s->visits_of = calloc(pool->n + 1, sizeof(*s->visits_of));
	s->insp_slots = 1024;
	s->insp_table = calloc(s->insp_slots, sizeof(*s->insp_table));
	if (!s->visits_of || !s->insp_table) {
		stats_free(s);
		return -1;
	}
	for (size_t i = 0; i < pool->n; i++)
		s->pool_n[pool->v[i].cls]++;
	return 0;
}

/* The index of key in a keyed table, added if new; UINT32_MAX if out of
 * memory. Tables hold items and departments: a few hundred at most. */
static uint32_t keyed_index(struct stats_keyed **t, size_t *n, size_t *cap,
			    const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*t)[i].key, key))
			return (uint32_t)i;
	struct stats_keyed *g = grow(*t, cap, *n + 1, sizeof(**t));
	if (!g)
		return UINT32_MAX;
	*t = g;
	memset(&g[*n], 0, sizeof(*g));
	strncpy(g[*n].key, key, CAMPAIGN_MAX_NAME);
	return (uint32_t)(*n)++;
}

int stats_campaign_begin(struct stats *s, const struct stats_campaign *c)
{
	s->campaigns++;
	s->cur_type = c->type;
	s->cur_department = keyed_index(&s->by_department, &s->n_departments,
					&s->cap_departments, c->department);
	s->cur_n_items = 0;
	for (unsigned i = 0; i < c->n_items && i < CAMPAIGN_MAX_ITEMS; i++) {
		uint32_t k = keyed_index(&s->by_item, &s->n_items,
					 &s->cap_items, c->items[i]);
		s->failed |= k == UINT32_MAX;
		s->cur_items[s->cur_n_items++] = k;
	}
	s->failed |= s->cur_department == UINT32_MAX;
	return s->failed ? -1 : 0;
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The inspector's index (slots hold index + 1, 0 for empty), added if
 * new; UINT32_MAX if out of memory. */
static uint32_t inspector_index(struct stats *s, const char *id)
{
	size_t mask = s->insp_slots - 1, i = fnv(id) & mask;
	for (; s->insp_table[i]; i = (i + 1) & mask) {
		uint32_t k = s->insp_table[i] - 1;
		if (!strcmp(s->inspectors[k].id, id))
			return k;
	}
	struct stats_inspector *g = grow(s->inspectors, &s->cap_inspectors,
					 s->n_inspectors + 1, sizeof(*g));
	if (!g)
		return UINT32_MAX;
	s->inspectors = g;
	uint32_t k = (uint32_t)s->n_inspectors++;
	memset(&g[k], 0, sizeof(*g));
	strncpy(g[k].id, id, RESULT_ID_LEN);
	s->insp_table[i] = k + 1;
	if (s->n_inspectors * 2 > s->insp_slots) { /* rehash, twice the size */
		uint32_t *t = calloc(s->insp_slots * 2, sizeof(*t));
		if (!t)
			return UINT32_MAX;
		free(s->insp_table);
		s->insp_table = t;
		s->insp_slots *= 2;
		for (size_t j = 0; j < s->n_inspectors; j++) {
			size_t m = fnv(g[j].id) & (s->insp_slots - 1);
			while (t[m])
				m = (m + 1) & (s->insp_slots - 1);
			t[m] = (uint32_t)j + 1;
		}
	}
	return k;
}

/* The entity's index in the pool (canonical: sorted by USCC), or -1. */
static long pool_find(const struct population *p, const char *uscc)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->v[mid].uscc, uscc, USCC_LEN);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void count(struct stats_counts *c, const struct result_code *r)
{
	c->visits++;
	if (!r)
		return;
	c->results++;
	c->problems += r->finding == FINDING_PROBLEM;
	c->not_inspected += r->finding == FINDING_NOT_INSPECTED;
}

struct item_lookup {
	const char *code;
	const struct result_code *found;
};

static int item_match(const char *code, const struct result_code *r,
		      void *ctx)
{
	struct item_lookup *l = ctx;
	if (strcmp(code, l->code))
		return 0;
	l->found = r;
	return 1;
}

/* Item k's own result: the per-item result of whichever result of the
 * visit lists it; else the result of a department that listed no items
 * (the visit's own first: records from before the record form, or a
 * correction, state the visit's result only); else none yet. */
static const struct result_code *item_result(const struct stats *s,
					     const struct stats_visit *v,
					     uint32_t k)
{
	struct item_lookup l = {s->by_item[k].key, NULL};
	const struct result_code *whole = NULL;
	if (v->result && !(v->item_results && *v->item_results))
		whole = v->result;
	else if (v->result && result_items_each(v->item_results, item_match,
						&l) > 0)
		return l.found;
	for (unsigned p = 0; p < v->n_partners; p++) {
		const struct stats_part *part = &v->partners[p];
		if (!part->item_results || !*part->item_results) {
			if (!whole)
				whole = part->result;
		} else if (result_items_each(part->item_results, item_match,
					     &l) > 0)
			return l.found;
	}
	return whole;
}

int stats_visit_add(struct stats *s, const struct stats_visit *v)
{
	if (v->skipped) { /* counted where it was left: that visit's */
		s->skipped++;
		return 0;
	}
	s->visits++;
	count(&s->by_class[v->cls], v->result);
	count(&s->by_type[s->cur_type], v->result);
	count(&s->by_department[s->cur_department].c, v->result);
	for (unsigned p = 0; p < v->n_partners; p++) {
		uint32_t k = keyed_index(&s->by_department, &s->n_departments,
					 &s->cap_departments,
					 v->partners[p].department);
		if (k == UINT32_MAX)
			return -1;
		count(&s->by_department[k].c, v->partners[p].result);
	}
	for (unsigned j = 0; j < s->cur_n_items; j++)
		if (!v->items || v->items >> j & 1)
			count(&s->by_item[s->cur_items[j]].c,
			      item_result(s, v, s->cur_items[j]));
	if (v->result)
		s->by_code[v->result - result_codes]++;
	s->by_status[v->status]++;
	long e = pool_find(s->pool, v->uscc);
	if (e < 0)
		s->outside++;
	else if (s->visits_of[e] < UINT16_MAX)
		s->visits_of[e]++;
	unsigned i;
	for (i = 0; i < v->n_inspectors; i++) {
		uint32_t k = inspector_index(s, v->inspectors[i]);
		if (k == UINT32_MAX)
			break;
		s->inspectors[k].visits++;
		if (e < 0)
			continue;
		uint64_t *g = grow(s->pairs, &s->cap_pairs, s->n_pairs + 1,
				   sizeof(*g));
		if (!g)
			break;
		s->pairs = g;
		g[s->n_pairs++] = (uint64_t)e << 32 | k;
	}
	if (i < v->n_inspectors)
		s->failed = true;
	return s->failed ? -1 : 0;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int stats_finish(struct stats *s)
{
	for (size_t i = 0; i < s->pool->n; i++) {
		unsigned c = s->pool->v[i].cls, k = s->visits_of[i];
		s->inspected[c] += k > 0;
		s->bins[c][k < STATS_VISIT_BINS ? k : STATS_VISIT_BINS - 1]++;
	}
	/* The same inspector at the same door twice in the period: sorted
	 * (entity, inspector) pairs, each repeat counted once per visit. */
	if (s->n_pairs)
		qsort(s->pairs, s->n_pairs, sizeof(*s->pairs), by_u64);
	for (size_t i = 1; i < s->n_pairs; i++)
		s->repeat_pairs += s->pairs[i] == s->pairs[i - 1];
	s->load_min = s->n_inspectors ? UINT64_MAX : 0;
	double sum = 0, sq = 0;
	for (size_t i = 0; i < s->n_inspectors; i++) {
		uint64_t n = s->inspectors[i].visits;
		sum += (double)n;
		sq += (double)n * (double)n;
		s->load_min = n < s->load_min ? n : s->load_min;
		s->load_max = n > s->load_max ? n : s->load_max;
	}
	if (s->n_inspectors) {
		double m = sum / (double)s->n_inspectors;
		double var = sq / (double)s->n_inspectors - m * m;
		s->load_mean = m;
		s->load_sd = var > 0 ? sqrt(var) : 0;
	}
	return s->failed ? -1 : 0;
}

void stats_free(struct stats *s)
{
	free(s->visits_of);
	free(s->by_item);
	free(s->by_department);
	free(s->inspectors);
	free(s->insp_table);
	free(s->pairs);
	memset(s, 0, sizeof(*s));
}
