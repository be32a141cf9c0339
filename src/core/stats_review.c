/* The ratio review: class rates for next year, suggested from the
 * problem-found rates the year's results show (SAMR asks departments to
 * set and adjust ratios by risk, 合理确定、动态调整). A suggestion only:
 * nothing here changes a policy. docs/REPORT.md states the rule. */
#include "inspect/core/stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "inspect/core/decimal.h"
#include "inspect/core/sampler.h"

/* Expected visits per class under policy on the pool: the draw's own
 * inclusion probabilities (flags, cooldowns, pps capping), summed. */
static int expected_by_class(const struct review_params *p,
			     const struct policy *policy,
			     double out[CLASS_COUNT], struct diag *err)
{
	static const uint8_t seed[32]; /* the sizes do not depend on it */
	struct draw d;
	struct draw_params dp = {.policy = policy, .date = p->date,
				 .size = p->size};
	if (sampler_draw(p->pool, &dp, seed, &d, err) < 0)
		return -1;
	memset(out, 0, CLASS_COUNT * sizeof(*out));
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++) {
		if (!d.group[g].n)
			continue;
		u128 num, den;
		draw_group_pi(&d, g, &num, &den);
		out[g & 3] += (double)d.group[g].n * ((double)num / (double)den);
	}
	draw_finish(&d);
	return 0;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Class c's visits when the scale factor is k (the class kept: today's). */
static double visits_at(const struct review *r, const double lo[],
			const double hi[], int c, double k)
{
	const struct review_class *x = &r->cls[c];
	if (x->kept)
		return x->expected;
	return clamp(k * (double)x->pool * x->observed.p, lo[c], hi[c]);
}

static double total_at(const struct review *r, const double lo[],
		       const double hi[], double k)
{
	double t = 0;
	for (int c = 0; c < CLASS_COUNT; c++)
		t += visits_at(r, lo, hi, c, k);
	return t;
}

/* k such that the classes' visits add up to today's total: the sum is
 * continuous and never decreasing in k, so bisection finds it; when no k
 * reaches it within the bounds, the nearest end. */
static double solve_k(struct review *r, const double lo[], const double hi[])
{
	double kmax = 0;
	for (int c = 0; c < CLASS_COUNT; c++) {
		const struct review_class *x = &r->cls[c];
		if (!x->kept && x->observed.p > 0)
			kmax = fmax(kmax, hi[c] / ((double)x->pool * x->observed.p));
	}
	if (total_at(r, lo, hi, 0) > r->total * (1 + 1e-12)) {
		r->bounded = true;
		return 0;
	}
	if (total_at(r, lo, hi, kmax) < r->total * (1 - 1e-12)) {
		r->bounded = true;
		return kmax;
	}
	double a = 0, b = kmax;
	for (int i = 0; i < 200; i++) {
		double m = (a + b) / 2;
		if (total_at(r, lo, hi, m) < r->total)
			a = m;
		else
			b = m;
	}
	return b;
}

/* units · scale, rounded to 6 decimal places of the unit (FACTOR_ONE for
 * weights, PI_ONE for rates), at most max, and not 0 if units was not. */
static uint64_t scaled(uint64_t units, double scale, uint64_t one,
		       uint64_t max)
{
	double step = (double)one / 1e6;
	double v = floor((double)units * scale / step + 0.5) * step;
	if (v > (double)max)
		v = (double)max;
	if (units && v < step)
		v = step;
	return (uint64_t)v;
}

int review_suggest(const struct review_params *p, struct review *r,
		   struct diag *err)
{
	memset(r, 0, sizeof(*r));
	double now[CLASS_COUNT], lo[CLASS_COUNT], hi[CLASS_COUNT];
	if (expected_by_class(p, p->policy, now, err) < 0)
		return -1;
	r->min_results = p->min_results;
	r->max_change = p->max_change;
	r->design = p->policy->design;
	snprintf(r->policy, sizeof(r->policy), "%s", p->policy->name);
	for (int c = 0; c < CLASS_COUNT; c++) {
		struct review_class *x = &r->cls[c];
		x->expected = now[c];
		x->observed = stats_rate_of(&p->by_class[c]);
		x->kept = x->observed.n < p->min_results || now[c] <= 0;
		r->total += now[c];
	}
	for (size_t i = 0; i < p->pool->n; i++)
		r->cls[p->pool->v[i].cls].pool++;
	for (int c = 0; c < CLASS_COUNT; c++) {
		lo[c] = now[c] / p->max_change;
		hi[c] = fmin(now[c] * p->max_change, (double)r->cls[c].pool);
	}
	double k = solve_k(r, lo, hi);
	r->after = *p->policy;
	for (int c = 0; c < CLASS_COUNT; c++) {
		struct review_class *x = &r->cls[c];
		double v = visits_at(r, lo, hi, c, k);
		x->scale = x->kept ? 1 : v / now[c];
		struct class_rule *cr = &r->after.cls[c];
		if (r->design == DESIGN_STRATIFIED) {
			cr->rate = scaled(cr->rate, x->scale, PI_ONE, PI_ONE);
			decimal_format(cr->rate, 12, x->suggested,
				       sizeof(x->suggested));
		} else {
			cr->weight = scaled(cr->weight, x->scale, FACTOR_ONE,
					    POLICY_MAX_WEIGHT);
			decimal_format(cr->weight, 6, x->suggested,
				       sizeof(x->suggested));
		}
	}
	double after[CLASS_COUNT];
	if (expected_by_class(p, &r->after, after, err) < 0)
		return -1;
	unsigned team = p->policy->team_size ? p->policy->team_size : 2;
	for (int c = 0; c < CLASS_COUNT; c++) {
		r->cls[c].expected_after = after[c];
		r->total_after += after[c];
	}
	r->inspector_days = r->total * team;
	r->inspector_days_after = r->total_after * team;
	return 0;
}
