/* The augmenting-path repair of the team draw.
 *
 * On one day, placing visits is a flow problem when teams are plain (one
 * department, no qualification): each visit needs team_size distinct
 * members from its eligible inspectors, each inspector has his capacity.
 * When no free inspector is left for a seat of visit V, a placed visit W1
 * of the day may give up member x1 to V if it takes another eligible
 * inspector x2 instead; x2 may be full, so a visit W2 gives up x2 for x3,
 * and so on until some x_k has capacity left. A breadth-first search over
 * inspectors finds the shortest such chain; each visit is passed through
 * once, as in a flow network's residual graph. For plain teams this is
 * exact (Ford-Fulkerson): when no chain exists, no assignment of the day
 * serves every visit. With departments and qualifications a swap must keep
 * the other team whole as well; the search still never breaks a rule, but
 * may miss a solution that needs two swaps in one visit.
 *
 * A chain may also end in another day: a visit W whose whole team has
 * room on another day of the window moves there, which frees its seats on
 * this one. */
#include <stdlib.h>
#include <string.h>

#include "assign_work.h"

static int ensure_scratch(struct work *w)
{
	struct repair *rp = &w->repair;
	size_t ni = w->r->n ? w->r->n : 1, nv = w->n ? w->n : 1;
	if (rp->head)
		return 0;
	rp->head = malloc((ni + 1) * sizeof(*rp->head));
	rp->by_member = malloc(nv * TEAM_MAX * sizeof(*rp->by_member));
	rp->seen_inspector = calloc(ni, sizeof(*rp->seen_inspector));
	rp->seen_visit = calloc(nv, sizeof(*rp->seen_visit));
	rp->queue = malloc(ni * sizeof(*rp->queue));
	rp->via_visit = malloc(ni * sizeof(*rp->via_visit));
	rp->via_from = malloc(ni * sizeof(*rp->via_from));
	if (rp->head && rp->by_member && rp->seen_inspector && rp->seen_visit &&
	    rp->queue && rp->via_visit && rp->via_from)
		return 0;
	assign_repair_finish(rp);
	return -1;
}

void assign_repair_finish(struct repair *rp)
{
	free(rp->head);
	free(rp->by_member);
	free(rp->seen_inspector);
	free(rp->seen_visit);
	free(rp->queue);
	free(rp->via_visit);
	free(rp->via_from);
	memset(rp, 0, sizeof(*rp));
}

/* Day d's placed visits by member, as compressed rows: row i is
 * by_member[head[i] .. head[i + 1]). */
static void index_day(struct work *w, size_t d)
{
	struct repair *rp = &w->repair;
	size_t ni = w->r->n;
	memset(rp->head, 0, (ni + 1) * sizeof(*rp->head));
	for (size_t k = w->first_on_day[d]; k != NO_VISIT; k = w->next_on_day[k])
		for (unsigned m = 0; m < w->out[k].n; m++)
			rp->head[w->out[k].member[m] + 1]++;
	for (size_t i = 0; i < ni; i++)
		rp->head[i + 1] += rp->head[i];
	/* Filling moves head[i] to the end of row i, which is where row
	 * i + 1 starts; shifting by one restores the starts. */
	for (size_t k = w->first_on_day[d]; k != NO_VISIT; k = w->next_on_day[k])
		for (unsigned m = 0; m < w->out[k].n; m++)
			rp->by_member[rp->head[w->out[k].member[m]]++] = k;
	memmove(rp->head + 1, rp->head, ni * sizeof(*rp->head));
	rp->head[0] = 0;
}

/* Moves placed visit k from day d to the first other day on which every
 * member of its team has capacity left; false if there is none. */
static bool move_elsewhere(struct work *w, size_t k, size_t d)
{
	struct assignment *a = &w->out[k];
	size_t nd = w->n_days, to;
	if (w->v[k].fixed_day) /* a joined visit keeps its day */
		return false;
	for (to = 0; to < nd; to++) {
		if (to == d)
			continue;
		unsigned m = 0;
		while (m < a->n && w->left[a->member[m] * nd + to] > 0)
			m++;
		if (m == a->n)
			break;
	}
	if (to == nd)
		return false;
	for (unsigned m = 0; m < a->n; m++) {
		w->left[a->member[m] * nd + to]--;
		w->left[a->member[m] * nd + d]++;
	}
	a->day = w->days[to];
	size_t *at = &w->first_on_day[d];
	while (*at != k)
		at = &w->next_on_day[*at];
	*at = w->next_on_day[k];
	w->next_on_day[k] = w->first_on_day[to];
	w->first_on_day[to] = k;
	return true;
}

static unsigned position(const struct assignment *a, uint32_t i)
{
	unsigned m = 0;
	while (a->member[m] != i)
		m++;
	return m;
}

/* Whether visit k keeps every rule with y in the seat of its member at
 * position m: y is eligible for it (the pool says active, department and
 * jurisdiction), not excluded, and the team still has each department and
 * every qualification. */
static bool swap_keeps_rules(const struct work *w, size_t k, unsigned m,
			     uint32_t y)
{
	const struct assignment *a = &w->out[k];
	if (assign_excluded(w, &w->v[k], y, a))
		return false;
	uint64_t held = w->r->v[y].qualifications;
	bool dept_kept = w->dept_of[y] == w->dept_of[a->member[m]];
	for (unsigned o = 0; o < a->n; o++) {
		if (o == m)
			continue;
		held |= w->r->v[a->member[o]].qualifications;
		dept_kept |= w->dept_of[a->member[o]] ==
			     w->dept_of[a->member[m]];
	}
	return dept_kept && (held & w->rules->qualifications) ==
				    w->rules->qualifications;
}

/* Walks the chain back from y, who has capacity left: each visit on it
 * takes the next inspector in place of the one it gives up. Returns the
 * chain's first inspector, whose seat is now free. */
static uint32_t reroute(struct work *w, size_t d, uint32_t y)
{
	struct repair *rp = &w->repair;
	size_t nd = w->n_days;
	while (rp->via_visit[y] != NO_VISIT) {
		size_t k = rp->via_visit[y];
		uint32_t x = rp->via_from[y];
		w->out[k].member[position(&w->out[k], x)] = y;
		w->left[y * nd + d]--;
		w->left[x * nd + d]++;
		y = x;
	}
	return y;
}

long assign_free_seat(struct work *w, const struct region_pool *p,
		      const struct visit *v, const struct assignment *a,
		      struct seat_ask ask)
{
	size_t d = ask.d;
	int dept = ask.dept, qual = ask.qual;
	struct repair *rp = &w->repair;
	if (ensure_scratch(w) < 0)
		return -1;
	index_day(w, d);
	uint32_t stamp = ++rp->stamp;
	size_t head = 0, tail = 0;
	for (size_t s = 0; s < p->n; s++) {
		uint32_t i = p->who[s];
		if (assign_excluded(w, v, i, a) ||
		    (dept >= 0 && w->dept_of[i] != dept) ||
		    (qual >= 0 && !(w->r->v[i].qualifications >> qual & 1)))
			continue;
		rp->seen_inspector[i] = stamp;
		rp->via_visit[i] = NO_VISIT;
		rp->queue[tail++] = i;
	}
	while (head < tail) {
		uint32_t x = rp->queue[head++];
		for (size_t e = rp->head[x]; e < rp->head[x + 1]; e++) {
			size_t k = rp->by_member[e];
			if (rp->seen_visit[k] == stamp)
				continue;
			rp->seen_visit[k] = stamp;
			if (move_elsewhere(w, k, d))
				return reroute(w, d, x); /* x's seat is free */
			unsigned m = position(&w->out[k], x);
			const struct region_pool *pk =
				assign_pool_for(w, w->v[k].region);
			for (size_t c = 0; pk && c < pk->n; c++) {
				uint32_t y = pk->who[c];
				if (rp->seen_inspector[y] == stamp ||
				    !swap_keeps_rules(w, k, m, y))
					continue;
				rp->seen_inspector[y] = stamp;
				rp->via_visit[y] = k;
				rp->via_from[y] = x;
				if (w->left[y * w->n_days + d] > 0)
					return reroute(w, d, y);
				rp->queue[tail++] = y;
			}
		}
	}
	return -1;
}
