#include "inspect/assign.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rng.h"
#include "inspect/seed.h"
#include "inspect/sha256.h"

/* What every visit of one region may draw from: the inspectors of the
 * campaign's departments, active and covering the region. */
struct region_pool {
	uint32_t region;
	uint32_t *who;
	size_t n;
};

struct work {
	const struct roster *r;
	const struct team_rules *rules;
	size_t n_days;
	const uint16_t *used; /* other campaigns' visits, or NULL */
	uint16_t *left;       /* capacity left: [inspector * n_days + day] */
	int *dept_of;         /* inspector -> index in rules, -1 if none */
	struct region_pool *pools;
	size_t n_pools;
	uint32_t *cand;       /* scratch: candidates */
	struct rng rng;
};

static int dept_index(const struct team_rules *rules, const char *dept)
{
	for (unsigned d = 0; d < rules->n_departments; d++)
		if (!strcmp(rules->departments[d], dept))
			return (int)d;
	return -1;
}

static struct region_pool *pool_for(struct work *w, uint32_t region)
{
	for (size_t p = 0; p < w->n_pools; p++)
		if (w->pools[p].region == region)
			return &w->pools[p];
	struct region_pool *p = &w->pools[w->n_pools];
	p->region = region;
	p->who = malloc((w->r->n ? w->r->n : 1) * sizeof(*p->who));
	p->n = 0;
	if (!p->who)
		return NULL;
	for (size_t i = 0; i < w->r->n; i++)
		if (w->r->v[i].active && w->dept_of[i] >= 0 &&
		    inspector_covers(&w->r->v[i], region))
			p->who[p->n++] = (uint32_t)i;
	w->n_pools++;
	return p;
}

static bool excluded(const struct work *w, const struct visit *v,
		     uint32_t i, const struct assignment *a)
{
	for (unsigned k = 0; k < a->n; k++)
		if (a->member[k] == i)
			return true;
	for (unsigned k = 0; k < v->n_previous; k++)
		if (v->previous[k] == i)
			return true;
	return inspector_conflicts(&w->r->v[i], v->uscc);
}

static bool qualifies(const struct work *w, const struct visit *v,
		      uint32_t i, size_t d, const struct assignment *a,
		      int dept, int qual)
{
	const struct inspector *in = &w->r->v[i];
	return w->left[i * w->n_days + d] > 0 && !excluded(w, v, i, a) &&
	       (dept < 0 || w->dept_of[i] == dept) &&
	       (qual < 0 || (in->qualifications >> qual & 1));
}

#define PICK_TRIES 32

/* A uniform pick among the pool's inspectors who qualify (free on day d,
 * not yet on the team, of the department, holding the qualification); -1
 * if there is none. First up to PICK_TRIES uniform draws from the whole
 * pool, the first that qualifies taken; then a scan of those who qualify
 * and a uniform draw among them. Either way the pick is uniform among
 * those who qualify, and a large pool costs a few draws, not a scan. */
static long pick(struct work *w, const struct region_pool *p,
		 const struct visit *v, size_t d, const struct assignment *a,
		 int dept, int qual)
{
	for (int t = 0; t < PICK_TRIES && p->n; t++) {
		uint32_t i = p->who[rng_bounded(&w->rng, p->n)];
		if (qualifies(w, v, i, d, a, dept, qual))
			return i;
	}
	size_t n = 0;
	for (size_t k = 0; k < p->n; k++)
		if (qualifies(w, v, p->who[k], d, a, dept, qual))
			w->cand[n++] = p->who[k];
	return n ? (long)w->cand[rng_bounded(&w->rng, n)] : -1;
}

/* Builds a team on day d: a member of each department, then holders of
 * each qualification still missing, then anyone eligible up to the size. */
static bool team_on(struct work *w, const struct region_pool *p,
		    const struct visit *v, size_t d, struct assignment *a)
{
	const struct team_rules *rules = w->rules;
	uint64_t held = 0;
	a->n = 0;
	for (unsigned dep = 0; dep < rules->n_departments; dep++) {
		long i = pick(w, p, v, d, a, (int)dep, -1);
		if (i < 0)
			return false;
		a->member[a->n++] = (uint32_t)i;
		held |= w->r->v[i].qualifications;
	}
	for (int q = 0; q < 64; q++) {
		if (!(rules->qualifications >> q & 1) || (held >> q & 1))
			continue;
		if (a->n == TEAM_MAX)
			return false;
		long i = pick(w, p, v, d, a, -1, q);
		if (i < 0)
			return false;
		a->member[a->n++] = (uint32_t)i;
		held |= w->r->v[i].qualifications;
	}
	while (a->n < rules->team_size) {
		long i = pick(w, p, v, d, a, -1, -1);
		if (i < 0)
			return false;
		a->member[a->n++] = (uint32_t)i;
	}
	return true;
}

/* A random day first, then the others in random order. */
static bool place(struct work *w, const struct visit *v, const int32_t *days,
		  struct assignment *a)
{
	const struct region_pool *p = pool_for(w, v->region);
	size_t order[400];
	size_t nd = w->n_days;
	if (!p)
		return false;
	for (size_t d = 0; d < nd; d++)
		order[d] = d;
	for (size_t d = nd; d > 1; d--) {
		size_t j = (size_t)rng_bounded(&w->rng, d);
		size_t t = order[d - 1];
		order[d - 1] = order[j];
		order[j] = t;
	}
	for (size_t k = 0; k < nd; k++) {
		if (!team_on(w, p, v, order[k], a))
			continue;
		a->day = days[order[k]];
		for (unsigned m = 0; m < a->n; m++)
			w->left[a->member[m] * nd + order[k]]--;
		return true;
	}
	return false;
}

/* Why no team could be found for visit v: the inspector-days its region
 * and requirement need against what the eligible inspectors offer. */
static int diagnose(struct work *w, const struct visit *all, size_t n,
		    const struct visit *v, struct diag *err)
{
	const struct region_pool *p = pool_for(w, v->region);
	size_t visits = 0, offered = 0, qualified = 0;
	for (size_t k = 0; k < n; k++)
		visits += all[k].region == v->region;
	for (size_t k = 0; p && k < p->n; k++) {
		const struct inspector *in = &w->r->v[p->who[k]];
		for (size_t d = 0; d < w->n_days; d++) {
			size_t at = p->who[k] * w->n_days + d;
			unsigned u = w->used ? w->used[at] : 0;
			offered += u < in->daily_capacity
					   ? in->daily_capacity - u : 0;
		}
		qualified += (in->qualifications & w->rules->qualifications) ==
			     w->rules->qualifications;
	}
	return diag_add(err, "region %06u, %s: %zu visits need %zu "
			"inspector-days; %zu eligible inspectors (%zu holding "
			"every qualification) offer %zu in the window's %zu "
			"working days", v->region, w->rules->label, visits,
			visits * w->rules->team_size, p ? p->n : 0, qualified,
			offered, w->n_days);
}

static void reset_capacity(struct work *w)
{
	for (size_t i = 0; i < w->r->n; i++)
		for (size_t d = 0; d < w->n_days; d++) {
			size_t at = i * w->n_days + d;
			unsigned cap = w->r->v[i].daily_capacity;
			unsigned used = w->used ? w->used[at] : 0;
			w->left[at] = (uint16_t)(used < cap ? cap - used : 0);
		}
}

/* The repair pass: visits whose region offers the fewest inspectors go
 * first (a stable counting sort by pool size, so the random order breaks
 * ties), since a random order can spend a scarce inspector on a visit
 * that had other choices. */
static int scarcest_first(struct work *w, const struct visit *v,
			  size_t *order, size_t n)
{
	size_t *count = calloc(w->r->n + 2, sizeof(*count));
	size_t *size = malloc((n + 1) * sizeof(*size));
	size_t *sorted = malloc((n + 1) * sizeof(*sorted));
	int rc = count && size && sorted ? 0 : -1;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const struct region_pool *p = pool_for(w, v[order[k]].region);
		size[k] = p ? p->n : 0;
		count[size[k] + 1]++;
	}
	for (size_t c = 0; rc == 0 && c <= w->r->n; c++)
		count[c + 1] += count[c];
	for (size_t k = 0; rc == 0 && k < n; k++)
		sorted[count[size[k]]++] = order[k];
	if (rc == 0)
		memcpy(order, sorted, n * sizeof(*order));
	free(count);
	free(size);
	free(sorted);
	return rc;
}

static void teams_seed(const uint8_t seed[32], struct rng *r)
{
	/* A stream of its own, so that the team draw never shares numbers
	 * with the entity draw. */
	char hex[65], buf[128];
	uint8_t d[32];
	seed_hex(seed, 32, hex);
	int n = snprintf(buf, sizeof(buf), "%zu:%s,64:%s,",
			 strlen(ASSIGN_ALGORITHM), ASSIGN_ALGORITHM, hex);
	sha256(buf, (size_t)n, d);
	rng_seed(r, d);
}

int assign_teams(const struct roster *r, const struct team_rules *rules,
		 const int32_t *days, size_t n_days, const uint16_t *used,
		 const struct visit *v, size_t n, const uint8_t seed[32],
		 struct assignment *out, struct diag *err)
{
	struct work w = {.r = r, .rules = rules, .n_days = n_days,
			 .used = used};
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	int rc = 0;
	if (n_days == 0 || n_days > 400)
		return diag_add(err, "the window has %zu working days (1 to "
				"400 are possible)", n_days);
	if (rules->team_size < 2 || rules->team_size > TEAM_MAX)
		return diag_add(err, "team_size must be from 2 to %d",
				TEAM_MAX);
	w.left = malloc((r->n ? r->n : 1) * n_days * sizeof(*w.left));
	w.dept_of = malloc((r->n ? r->n : 1) * sizeof(*w.dept_of));
	w.pools = calloc(n ? n : 1, sizeof(*w.pools));
	w.cand = malloc((r->n ? r->n : 1) * sizeof(*w.cand));
	if (!order || !w.left || !w.dept_of || !w.pools || !w.cand) {
		rc = diag_add(err, "out of memory assigning %zu visits", n);
		goto out;
	}
	for (size_t i = 0; i < r->n; i++)
		w.dept_of[i] = dept_index(rules, r->v[i].department);
	teams_seed(seed, &w.rng);
	/* Visits in random order: who is served first when capacity binds
	 * is left to chance, not to the order of codes. */
	for (size_t k = 0; k < n; k++)
		order[k] = k;
	for (size_t k = n; k > 1; k--) {
		size_t j = (size_t)rng_bounded(&w.rng, k);
		size_t t = order[k - 1];
		order[k - 1] = order[j];
		order[j] = t;
	}
	size_t failed = n;
	for (int attempt = 0; attempt < 2 && failed < n + 1; attempt++) {
		if (attempt == 1 && scarcest_first(&w, v, order, n) < 0) {
			rc = diag_add(err, "out of memory assigning %zu visits",
				      n);
			goto out;
		}
		reset_capacity(&w);
		failed = n + 1;
		for (size_t k = 0; k < n; k++)
			if (!place(&w, &v[order[k]], days, &out[order[k]])) {
				failed = order[k];
				break;
			}
	}
	if (failed < n + 1)
		rc = diagnose(&w, v, n, &v[failed], err);
out:
	for (size_t p = 0; w.pools && p < w.n_pools; p++)
		free(w.pools[p].who);
	free(w.pools);
	free(w.cand);
	free(w.dept_of);
	free(w.left);
	free(order);
	return rc;
}
