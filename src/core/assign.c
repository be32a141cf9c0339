#include "inspect/core/assign.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign_work.h"
#include "inspect/core/seed.h"
#include "inspect/core/strbuf.h"

static int dept_index(const struct team_rules *rules, const char *dept)
{
	for (unsigned d = 0; d < rules->n_departments; d++)
		if (!strcmp(rules->departments[d], dept))
			return (int)d;
	return -1;
}

size_t assign_offered_days(const struct roster *r,
			   const struct team_rules *rules, size_t n_days)
{
	size_t sum = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].active && dept_index(rules, r->v[i].department) >= 0)
			sum += r->v[i].daily_capacity * n_days;
	return sum;
}

struct region_pool *assign_pool_for(struct work *w, uint32_t region)
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

bool assign_excluded(const struct work *w, const struct visit *v, uint32_t i,
		     const struct assignment *a)
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
		      uint32_t i, const struct assignment *a,
		      struct seat_ask s)
{
	const struct inspector *in = &w->r->v[i];
	return w->left[i * w->n_days + s.d] > 0 &&
	       !assign_excluded(w, v, i, a) &&
	       (s.dept < 0 || w->dept_of[i] == s.dept) &&
	       (s.qual < 0 || (in->qualifications >> s.qual & 1));
}

#define PICK_TRIES 32

/* A uniform pick among the pool's inspectors who qualify (free on day d,
 * not yet on the team, of the department, holding the qualification); -1
 * if there is none. First up to PICK_TRIES uniform draws from the whole
 * pool, the first that qualifies taken; then a scan of those who qualify
 * and a uniform draw among them. Either way the pick is uniform among
 * those who qualify, and a large pool costs a few draws, not a scan. */
static long pick(struct work *w, const struct region_pool *p,
		 const struct visit *v, const struct assignment *a,
		 struct seat_ask s)
{
	for (int t = 0; t < PICK_TRIES && p->n; t++) {
		uint32_t i = p->who[rng_bounded(&w->rng, p->n)];
		if (qualifies(w, v, i, a, s))
			return i;
	}
	size_t n = 0;
	for (size_t k = 0; k < p->n; k++)
		if (qualifies(w, v, p->who[k], a, s))
			w->cand[n++] = p->who[k];
	return n ? (long)w->cand[rng_bounded(&w->rng, n)] : -1;
}

/* Seats one more member on visit v's team a on day d: a pick, or with
 * repair, an inspector whose seat an augmenting path freed. */
static bool seat(struct work *w, const struct region_pool *p,
		 const struct visit *v, struct assignment *a,
		 struct seat_ask s, bool repair)
{
	if (a->n == TEAM_MAX)
		return false;
	long i = pick(w, p, v, a, s);
	if (i < 0 && repair)
		i = assign_free_seat(w, p, v, a, s);
	if (i < 0)
		return false;
	a->member[a->n++] = (uint32_t)i;
	w->left[(size_t)i * w->n_days + s.d]--;
	return true;
}

static bool fill_team(struct work *w, const struct region_pool *p,
		      const struct visit *v, size_t d, struct assignment *a,
		      bool repair)
{
	const struct team_rules *rules = w->rules;
	uint64_t held = 0;
	for (unsigned dep = 0; dep < rules->n_departments; dep++) {
		if (!seat(w, p, v, a, (struct seat_ask){d, (int)dep, -1}, repair))
			return false;
		held |= w->r->v[a->member[a->n - 1]].qualifications;
	}
	for (int q = 0; q < 64; q++) {
		if (!(rules->qualifications >> q & 1) || (held >> q & 1))
			continue;
		if (!seat(w, p, v, a, (struct seat_ask){d, -1, q}, repair))
			return false;
		held |= w->r->v[a->member[a->n - 1]].qualifications;
	}
	while (a->n < rules->team_size)
		if (!seat(w, p, v, a, (struct seat_ask){d, -1, -1}, repair))
			return false;
	return true;
}

/* Builds a team on day d: a member of each department, then holders of
 * each qualification still missing, then anyone eligible up to the size.
 * A team that can't be completed gives its seats back. */
static bool team_on(struct work *w, const struct region_pool *p,
		    const struct visit *v, size_t d, struct assignment *a,
		    bool repair)
{
	a->n = 0;
	if (fill_team(w, p, v, d, a, repair))
		return true;
	for (unsigned m = 0; m < a->n; m++)
		w->left[a->member[m] * w->n_days + d]++;
	return false;
}

/* Visit k on a random day first, then the others in random order; when no
 * day has a team, the same days again with the repair. */
static bool place(struct work *w, size_t k)
{
	const struct visit *v = &w->v[k];
	struct assignment *a = &w->out[k];
	const struct region_pool *p = assign_pool_for(w, v->region);
	size_t order[400];
	size_t nd = w->n_days;
	if (!p)
		return false;
	if (v->fixed_day) { /* a joined visit: its day alone, no draw */
		order[0] = v->fixed_day - 1u;
		nd = 1;
	}
	for (size_t d = 0; d < nd && !v->fixed_day; d++)
		order[d] = d;
	for (size_t d = nd; d > 1; d--) {
		size_t j = (size_t)rng_bounded(&w->rng, d);
		size_t t = order[d - 1];
		order[d - 1] = order[j];
		order[j] = t;
	}
	for (int repair = 0; repair < 2; repair++)
		for (size_t o = 0; o < nd; o++) {
			size_t d = order[o];
			if (!team_on(w, p, v, d, a, repair))
				continue;
			a->day = w->days[d];
			w->next_on_day[k] = w->first_on_day[d];
			w->first_on_day[d] = k;
			return true;
		}
	return false;
}

/* The inspector-days the pool offers in the window, other campaigns'
 * visits taken off. */
static size_t offered(const struct work *w, const struct region_pool *p)
{
	size_t sum = 0;
	for (size_t k = 0; k < p->n; k++) {
		unsigned cap = w->r->v[p->who[k]].daily_capacity;
		for (size_t d = 0; d < w->n_days; d++) {
			size_t at = p->who[k] * w->n_days + d;
			unsigned u = w->used ? w->used[at] : 0;
			sum += u < cap ? cap - u : 0;
		}
	}
	return sum;
}

/* Whether pool q has an inspector marked. */
static bool shares(const struct region_pool *q, const bool *marked)
{
	for (size_t k = 0; q && k < q->n; k++)
		if (marked[q->who[k]])
			return true;
	return false;
}

/* Why no team could be found for visit v: the visits that compete for
 * the inspectors of its region (those of every region with one of them in
 * its pool) and the inspector-days they need, against what those
 * inspectors offer. */
static int diagnose(struct work *w, const struct visit *v, struct diag *err)
{
	const struct region_pool *p = assign_pool_for(w, v->region);
	size_t visits = 0, qualified = 0;
	bool *marked = calloc(w->r->n + 1, sizeof(*marked));
	if (!marked)
		return diag_add(err, "out of memory");
	for (size_t k = 0; p && k < p->n; k++) {
		marked[p->who[k]] = true;
		qualified += (w->r->v[p->who[k]].qualifications &
			      w->rules->qualifications) ==
			     w->rules->qualifications;
	}
	for (size_t k = 0; k < w->n; k++)
		visits += w->v[k].region == v->region ||
			  shares(assign_pool_for(w, w->v[k].region), marked);
	free(marked);
	return diag_add(err, "region %06u, %s: %zu visits need %zu "
			"inspector-days of its %zu eligible inspectors (%zu "
			"holding every qualification), who offer %zu in the "
			"window's %zu working days", v->region, w->rules->label,
			visits, visits * w->rules->team_size, p ? p->n : 0,
			qualified, p ? offered(w, p) : 0, w->n_days);
}

/* A visit of a region whose visits need more inspector-days than all its
 * inspectors offer, or n: no search can staff such a region, so it is
 * refused before one is tried. */
static size_t short_region(struct work *w)
{
	size_t *need = calloc(w->n ? w->n : 1, sizeof(*need));
	size_t found = w->n;
	for (size_t k = 0; need && k < w->n; k++) {
		const struct region_pool *p = assign_pool_for(w, w->v[k].region);
		if (p)
			need[p - w->pools] += w->rules->team_size;
	}
	for (size_t k = 0; need && found == w->n && k < w->n; k++) {
		const struct region_pool *p = assign_pool_for(w, w->v[k].region);
		if (!p || !need[p - w->pools])
			continue; /* checked already */
		if (need[p - w->pools] > offered(w, p))
			found = k;
		need[p - w->pools] = 0;
	}
	free(need);
	return found;
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
		const struct region_pool *p = assign_pool_for(w, v[order[k]].region);
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

/* Places the visits in the given order with fresh capacity; returns the
 * first that found no team, or n. */
static size_t run_pass(struct work *w, const size_t *order)
{
	reset_capacity(w);
	for (size_t d = 0; d < w->n_days; d++)
		w->first_on_day[d] = NO_VISIT;
	for (size_t k = 0; k < w->n; k++)
		if (!place(w, order[k]))
			return order[k];
	return w->n;
}

/* The work's arrays for n visits; false when out of memory (what was
 * allocated is freed by work_finish). */
static bool work_init(struct work *w)
{
	size_t n = w->n, ni = w->r->n ? w->r->n : 1;
	w->left = malloc(ni * w->n_days * sizeof(*w->left));
	w->dept_of = malloc(ni * sizeof(*w->dept_of));
	w->pools = calloc(n ? n : 1, sizeof(*w->pools));
	w->cand = malloc(ni * sizeof(*w->cand));
	w->first_on_day = malloc(w->n_days * sizeof(*w->first_on_day));
	w->next_on_day = malloc((n ? n : 1) * sizeof(*w->next_on_day));
	if (!w->left || !w->dept_of || !w->pools || !w->cand ||
	    !w->first_on_day || !w->next_on_day)
		return false;
	for (size_t i = 0; i < w->r->n; i++)
		w->dept_of[i] = dept_index(w->rules, w->r->v[i].department);
	return true;
}

static void work_finish(struct work *w)
{
	for (size_t p = 0; w->pools && p < w->n_pools; p++)
		free(w->pools[p].who);
	free(w->pools);
	free(w->cand);
	free(w->first_on_day);
	free(w->next_on_day);
	assign_repair_finish(&w->repair);
	free(w->dept_of);
	free(w->left);
}

/* Visits in random order: who is served first when capacity binds is
 * left to chance, not to the order of codes. */
static void shuffle(struct rng *r, size_t *order, size_t n)
{
	for (size_t k = 0; k < n; k++)
		order[k] = k;
	for (size_t k = n; k > 1; k--) {
		size_t j = (size_t)rng_bounded(r, k);
		size_t t = order[k - 1];
		order[k - 1] = order[j];
		order[j] = t;
	}
}

int assign_teams(const struct team_draw *in, const uint8_t seed[32],
		 struct assignment *out, struct diag *err)
{
	size_t n = in->n;
	struct work w = {.r = in->roster, .rules = in->rules,
			 .days = in->days, .n_days = in->n_days,
			 .used = in->used, .v = in->v, .out = out, .n = n};
	if (w.n_days == 0 || w.n_days > 400)
		return diag_add(err, "the window has %zu working days (1 to "
				"400 are possible)", w.n_days);
	if (w.rules->team_size < 2 || w.rules->team_size > TEAM_MAX)
		return diag_add(err, "team_size must be from 2 to %d",
				TEAM_MAX);
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	int rc = 0;
	if (!order || !work_init(&w)) {
		rc = diag_add(err, "out of memory assigning %zu visits", n);
		goto out;
	}
	/* A stream of its own: the team draw never shares numbers with
	 * the entity draw. */
	seed_stream(seed, ASSIGN_ALGORITHM, &w.rng);
	shuffle(&w.rng, order, n);
	/* A random pass, then if a visit found no team, the scarcest-first
	 * pass; a region short of inspector-days is refused without either. */
	size_t failed = short_region(&w);
	bool short_of_days = failed < n;
	if (!short_of_days)
		failed = run_pass(&w, order);
	if (!short_of_days && failed < n) {
		if (scarcest_first(&w, in->v, order, n) < 0) {
			rc = diag_add(err, "out of memory assigning %zu "
				      "visits", n);
			goto out;
		}
		failed = run_pass(&w, order);
	}
	if (failed < n)
		rc = diagnose(&w, &in->v[failed], err);
out:
	work_finish(&w);
	free(order);
	return rc;
}

void assignment_ids(const struct roster *r, const struct assignment *a,
		    char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned m = 0; m < a->n && n < size; m++) {
		const char *id = r->v[a->member[m]].id;
		if (m)
			n = buf_put(out, size, n, ";", 1);
		n = buf_put(out, size, n, id, strlen(id));
	}
}
