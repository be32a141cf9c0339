#include "inspect/core/sampler.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/decimal.h"

/* ---- groups ---------------------------------------------------------- */

/* Both passes over the population walk LANES quarters of it in lockstep.
 * A per-group (or per-stratum) counter bumped for every entity chains each
 * bump to the last through memory when neighbours share a group, as most
 * do; four lanes with counters of their own make four independent chains.
 * The result is the same as one walk in order. */
#define LANES 4

static size_t lane_length(size_t n)
{
	return (n + LANES - 1) / LANES;
}

static void assign_groups(const struct population *pop,
			  const struct draw_params *dp, struct draw *d,
			  uint64_t count[LANES][SAMPLER_GROUPS])
{
	/* The capped state first, in group_of itself (0 or 1), read back
	 * below; without visits to count, not written at all. */
	uint8_t *group_of = d->group_of;
	bool caps = pop->visits.n && caps_any(dp->policy);
	if (caps)
		caps_mark(dp->policy, pop, &dp->items, dp->date, group_of);
	int32_t cool_from[CLASS_COUNT];
	for (int c = 0; c < CLASS_COUNT; c++) {
		uint32_t days = dp->policy->cls[c].cooldown_days;
		/* In cooldown: inspected less than `days` days before. */
		cool_from[c] = days ? dp->date - (int32_t)days + 1 : INT32_MAX;
	}
	/* Locals, not pop->... and d->...: a store through a byte pointer may
	 * alias anything, and would make the compiler reload them each time. */
	const struct entity *v = pop->v;
	size_t n = pop->n, len = lane_length(n);
	for (size_t j = 0; j < len; j++) {
		for (size_t lane = 0; lane < LANES; lane++) {
			size_t i = lane * len + j;
			if (i >= n)
				break;
			const struct entity *e = &v[i];
			unsigned cool = e->last_inspected >= cool_from[e->cls];
			unsigned capped = caps ? group_of[i] : 0;
			uint8_t key = (uint8_t)(e->cls | e->flags << 2 |
						cool * GROUP_COOLDOWN |
						capped * GROUP_CAPPED);
			group_of[i] = key;
			count[lane][key]++;
		}
	}
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++)
		for (size_t lane = 0; lane < LANES; lane++)
			d->group[g].n += count[lane][g];
}

static bool group_certain(const struct policy *p, unsigned g)
{
	for (int f = 0; f < FLAG_COUNT; f++)
		if ((g >> 2 & (1u << f)) && p->flag[f].certain)
			return true;
	return false;
}

/* base scaled by each of the group's flag factors in flag order, each
 * product rounded down to whole units. */
static uint64_t scale_by_flags(const struct policy *p, unsigned g,
			       uint64_t base)
{
	u128 v = base;
	for (int f = 0; f < FLAG_COUNT; f++)
		if (g >> 2 & (1u << f))
			v = v * p->flag[f].factor / FACTOR_ONE;
	return (uint64_t)v;
}

/* The value that decides a group's probability: for stratified its π in
 * PI_ONE units; for pps its weight (UINT64_MAX meaning certain). */
static uint64_t group_value(const struct policy *p, unsigned g)
{
	bool pps = p->design == DESIGN_PPS;
	if (g & (GROUP_COOLDOWN | GROUP_CAPPED))
		return 0;
	if (group_certain(p, g))
		return pps ? UINT64_MAX : PI_ONE;
	if (pps)
		return scale_by_flags(p, g, p->cls[g & 3].weight);
	uint64_t pi = scale_by_flags(p, g, p->cls[g & 3].rate);
	return pi < PI_ONE ? pi : PI_ONE;
}

/* Merges non-empty groups with equal value into strata, in key order; the
 * strata's values go to value[]. Capped groups form a stratum of their
 * own, so that the summary shows them apart (a stratum of value 0 draws
 * no random number: it changes no other stratum's draw). */
static void form_strata(const struct policy *p, struct draw *d,
			uint64_t value[SAMPLER_GROUPS])
{
	unsigned from = 0; /* where a group's search for its stratum starts */
	d->n_strata = 0;
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++) {
		if (g == GROUP_CAPPED) /* every key from here on is capped */
			from = d->n_strata;
		if (d->group[g].n == 0)
			continue;
		uint64_t v = group_value(p, g);
		unsigned s = from;
		while (s < d->n_strata && value[s] != v)
			s++;
		if (s == d->n_strata) {
			value[s] = v;
			d->stratum[s] = (struct sampler_stratum){0};
			d->n_strata++;
		}
		d->group[g].stratum = s;
		d->stratum[s].n += d->group[g].n;
	}
}

/* ---- expected counts -------------------------------------------------- */

static void expect_stratified(struct draw *d, const uint64_t *pi)
{
	for (unsigned s = 0; s < d->n_strata; s++)
		d->stratum[s].expected = (u128)pi[s] * d->stratum[s].n;
}

/* floor(a * PI_ONE / w) without overflow: a < 2^96 and w < 2^68. */
static u128 scaled_quotient(u128 a, u128 w)
{
	return a / w * PI_ONE + a % w * PI_ONE / w;
}

/* pps: sampling::inclusionprobabilities in exact arithmetic. Strata whose
 * share reaches 1 are taken whole, and the rest re-spread, until no more
 * reach 1; the remaining count is spread by cumulative floors so that the
 * expected counts add up to the size exactly. */
static int expect_pps(struct draw *d, const uint64_t *weight, uint64_t size,
		      struct diag *err)
{
	bool capped[SAMPLER_GROUPS] = {false};
	uint64_t certain = 0, positive = 0;
	for (unsigned s = 0; s < d->n_strata; s++) {
		capped[s] = weight[s] == UINT64_MAX;
		certain += capped[s] ? d->stratum[s].n : 0;
		positive += weight[s] ? d->stratum[s].n : 0;
	}
	if (size < certain)
		return diag_add(err, "size %llu is below the %llu entities "
				"that must be inspected", (unsigned long long)size,
				(unsigned long long)certain);
	if (size > positive)
		return diag_add(err, "size %llu is above the %llu entities "
				"that can be drawn", (unsigned long long)size,
				(unsigned long long)positive);
	uint64_t rest;
	u128 total;
	bool more = true;
	while (more) {
		more = false;
		rest = size, total = 0;
		for (unsigned s = 0; s < d->n_strata; s++)
			if (capped[s])
				rest -= d->stratum[s].n;
			else
				total += (u128)d->stratum[s].n * weight[s];
		for (unsigned s = 0; s < d->n_strata; s++)
			if (!capped[s] && weight[s] &&
			    (u128)rest * weight[s] >= total)
				capped[s] = more = true;
	}
	u128 cum = 0, before = 0;
	for (unsigned s = 0; s < d->n_strata; s++) {
		struct sampler_stratum *st = &d->stratum[s];
		if (capped[s]) {
			st->expected = (u128)st->n * PI_ONE;
			continue;
		}
		cum += (u128)st->n * weight[s];
		u128 upto = total ? scaled_quotient((u128)rest * cum, total) : 0;
		st->expected = upto - before;
		before = upto;
	}
	return 0;
}

/* ---- sizes and samples ------------------------------------------------ */

static void fix_sizes(struct draw *d, bool systematic, struct rng *r)
{
	if (systematic) {
		/* One uniform offset for all strata: sizes add up exactly. */
		u128 u = rng_bounded(r, PI_ONE), cum = 0;
		for (unsigned s = 0; s < d->n_strata; s++) {
			u128 next = cum + d->stratum[s].expected;
			uint64_t take = (uint64_t)((next + u) / PI_ONE -
						   (cum + u) / PI_ONE);
			/* Floors can pass n by one unit in theory, never in
			 * practice; keep the bitmap in bounds regardless. */
			d->stratum[s].take = take < d->stratum[s].n
						     ? take : d->stratum[s].n;
			cum = next;
		}
		return;
	}
	for (unsigned s = 0; s < d->n_strata; s++) {
		struct sampler_stratum *st = &d->stratum[s];
		uint64_t frac = (uint64_t)(st->expected % PI_ONE);
		st->take = (uint64_t)(st->expected / PI_ONE);
		if (frac && rng_bounded(r, PI_ONE) < frac)
			st->take++;
	}
}

static bool bit(const uint64_t *b, uint64_t i)
{
	return b[i >> 6] >> (i & 63) & 1;
}

/* Where each lane's rank counters start: the entities of each stratum in
 * the lanes before it. */
static void lane_ranks(const struct draw *d,
		       uint64_t count[LANES][SAMPLER_GROUPS],
		       uint64_t rank[LANES][SAMPLER_GROUPS])
{
	memset(rank, 0, sizeof(uint64_t) * LANES * SAMPLER_GROUPS);
	for (size_t lane = 1; lane < LANES; lane++) {
		memcpy(rank[lane], rank[lane - 1], sizeof(rank[lane]));
		for (unsigned g = 0; g < SAMPLER_GROUPS; g++)
			if (count[lane - 1][g])
				rank[lane][d->group[g].stratum] +=
					count[lane - 1][g];
	}
}

/* The selection pass: the k-th entity of a stratum (in canonical order) is
 * chosen when bit k of the stratum's sample is set. Lane l writes its
 * choices to out[l]; they are joined in lane order, which is canonical. */
static size_t walk_lanes(const struct draw *d, size_t n,
			 const uint64_t *const map[SAMPLER_GROUPS],
			 uint64_t rank[LANES][SAMPLER_GROUPS],
			 uint32_t *out[LANES], size_t found[LANES])
{
	unsigned stratum_of[SAMPLER_GROUPS];
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++)
		stratum_of[g] = d->group[g].n ? d->group[g].stratum : 0;
	const uint8_t *group_of = d->group_of;
	size_t len = lane_length(n);
	for (size_t j = 0; j < len; j++) {
		for (size_t lane = 0; lane < LANES; lane++) {
			size_t i = lane * len + j;
			if (i >= n)
				break;
			unsigned g = group_of[i];
			if (bit(map[g], rank[lane][stratum_of[g]]++))
				out[lane][found[lane]++] = (uint32_t)i;
		}
	}
	size_t total = found[0];
	for (size_t lane = 1; lane < LANES; lane++) {
		memcpy(out[0] + total, out[lane], found[lane] * sizeof(**out));
		total += found[lane];
	}
	return total;
}

static int select_entities(const struct population *pop, struct draw *d,
			   uint64_t count[LANES][SAMPLER_GROUPS],
			   struct rng *r, struct diag *err)
{
	/* Zeroed: with no strata, every group maps to offset[0]. */
	size_t offset[SAMPLER_GROUPS] = {0}, words = 0, total = 0;
	for (unsigned s = 0; s < d->n_strata; s++) {
		offset[s] = words;
		words += (size_t)((d->stratum[s].n + 63) / 64);
		total += d->stratum[s].take;
	}
	/* Lane 0 writes straight into chosen, the others into spare room
	 * after it: total slots each, as any lane might find them all. */
	uint64_t *bits = calloc(words ? words : 1, sizeof(*bits));
	d->chosen = malloc((total ? total : 1) * LANES * sizeof(*d->chosen));
	if (!bits || !d->chosen) {
		free(bits);
		return diag_add(err, "out of memory drawing %zu entities",
				total);
	}
	for (unsigned s = 0; s < d->n_strata; s++)
		rng_subset(bits + offset[s], d->stratum[s].n,
			     d->stratum[s].take, r);
	const uint64_t *map[SAMPLER_GROUPS];
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++)
		map[g] = bits + offset[d->group[g].n ? d->group[g].stratum : 0];
	uint64_t rank[LANES][SAMPLER_GROUPS];
	uint32_t *out[LANES];
	size_t found[LANES] = {0};
	for (size_t lane = 0; lane < LANES; lane++)
		out[lane] = d->chosen + lane * (total ? total : 1);
	lane_ranks(d, count, rank);
	d->n_chosen = walk_lanes(d, pop->n, map, rank, out, found);
	for (size_t k = 0; k < d->n_chosen; k++)
		d->group[d->group_of[d->chosen[k]]].drawn++;
	free(bits);
	return 0;
}

/* ---- the draw --------------------------------------------------------- */

static int plan(const struct draw_params *dp, struct draw *d,
		struct diag *err)
{
	const struct policy *p = dp->policy;
	uint64_t value[SAMPLER_GROUPS];
	form_strata(p, d, value);
	if (p->design == DESIGN_STRATIFIED) {
		expect_stratified(d, value);
		return 0;
	}
	uint64_t size = dp->size ? dp->size : p->size;
	if (size == 0)
		return diag_add(err, "policy %s is pps and needs a size",
				p->name);
	return expect_pps(d, value, size, err);
}

int sampler_draw(const struct population *pop, const struct draw_params *dp,
		 const uint8_t seed[32], struct draw *ret, struct diag *err)
{
	struct draw d;
	struct rng r;
	memset(&d, 0, sizeof(d));
	if (pop->n > POPULATION_MAX)
		return diag_add(err, "more than %u entities", POPULATION_MAX);
	uint64_t count[LANES][SAMPLER_GROUPS] = {{0}};
	d.group_of = malloc(pop->n ? pop->n : 1);
	if (!d.group_of)
		return diag_add(err, "out of memory for %zu entities", pop->n);
	assign_groups(pop, dp, &d, count);
	if (plan(dp, &d, err) < 0)
		goto fail;
	rng_seed(&r, seed);
	fix_sizes(&d, dp->policy->design == DESIGN_PPS, &r);
	if (select_entities(pop, &d, count, &r, err) < 0)
		goto fail;
	*ret = d;
	return 0;
fail:
	draw_finish(&d);
	return -1;
}

void draw_finish(struct draw *d)
{
	free(d->group_of);
	free(d->chosen);
	d->group_of = NULL;
	d->chosen = NULL;
}

uint64_t draw_capped(const struct draw *d)
{
	uint64_t n = 0;
	for (unsigned g = GROUP_CAPPED; g < SAMPLER_GROUPS; g++)
		n += d->group[g].n;
	return n;
}

void draw_group_pi(const struct draw *d, unsigned g, u128 *num, u128 *den)
{
	const struct sampler_stratum *s = &d->stratum[d->group[g].stratum];
	*num = s->expected;
	*den = (u128)s->n * PI_ONE;
}
