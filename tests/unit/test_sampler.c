#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/sampler.h"

#define DAY date_from_civil(2026, 11, 24)

static void seed_of(uint32_t k, uint8_t seed[32])
{
	memset(seed, 0, 32);
	memcpy(seed, &k, sizeof(k));
	seed[31] = 0x5a;
}

static void draw_ok(const struct population *pop, const struct policy *p,
		    uint32_t size, uint32_t k, struct draw *d)
{
	uint8_t seed[32];
	struct diag err;
	struct draw_params dp = {p, DAY, size, {0}};
	diag_init(&err);
	seed_of(k, seed);
	cr_assert_eq(sampler_draw(pop, &dp, seed, d, &err), 0, "%s",
		     diag_text(&err));
}

static const char *draw_refusal(const struct population *pop,
				const struct policy *p, uint32_t size)
{
	static struct diag err;
	struct draw d;
	uint8_t seed[32] = {0};
	struct draw_params dp = {p, DAY, size, {0}};
	diag_init(&err);
	cr_assert_eq(sampler_draw(pop, &dp, seed, &d, &err), -1);
	return diag_text(&err);
}

static double pi_of(const struct draw *d, unsigned g)
{
	u128 num, den;
	draw_group_pi(d, g, &num, &den);
	return (double)num / (double)den;
}

static const char *henan =
	"name: h\ndesign: stratified\nclasses:\n"
	"  A: {rate: 0.01, cooldown_days: 365}\n  B: {rate: 0.02}\n"
	"  C: {rate: 0.1}\n  D: {rate: 0.3}\n"
	"flags:\n  B: {certain: true}\n  R: {factor: 0.5}\n  E: {factor: 3}\n";

static const char *pps =
	"name: p\ndesign: pps\nsize: 50\nclasses:\n"
	"  A: {weight: 1, cooldown_days: 365}\n  B: {weight: 2}\n"
	"  C: {weight: 10}\n  D: {weight: 30}\n"
	"flags:\n  B: {certain: true}\n  E: {factor: 3}\n";

Test(sampler, stratified_takes_exactly_the_integer_expectation)
{
	/* 1000 x 0.01, 2000 x 0.02, 300 x 0.1, 100 x 0.3: all integers. */
	const unsigned counts[] = {1000, 2000, 300, 100};
	struct population pop;
	struct policy p;
	make_population(counts, &pop);
	policy_from_text(henan, &p);
	for (uint32_t k = 0; k < 20; k++) {
		struct draw d;
		draw_ok(&pop, &p, 0, k, &d);
		cr_assert_eq(d.group[CLASS_A].drawn, 10);
		cr_assert_eq(d.group[CLASS_B].drawn, 40);
		cr_assert_eq(d.group[CLASS_C].drawn, 30);
		cr_assert_eq(d.group[CLASS_D].drawn, 30);
		cr_assert_eq(d.n_chosen, 110);
		for (size_t i = 1; i < d.n_chosen; i++)
			cr_assert_lt(d.chosen[i - 1], d.chosen[i]);
		draw_finish(&d);
	}
	population_finish(&pop);
}

Test(sampler, stratified_fractional_expectation_rounds_to_floor_or_ceil)
{
	/* 150 x 0.01 = 1.5 and 7 x 0.3 = 2.1. */
	const unsigned counts[] = {150, 0, 0, 7};
	struct population pop;
	struct policy p;
	unsigned ceil_a = 0, ceil_d = 0, runs = 2000;
	make_population(counts, &pop);
	policy_from_text(henan, &p);
	for (uint32_t k = 0; k < runs; k++) {
		struct draw d;
		draw_ok(&pop, &p, 0, k, &d);
		uint64_t a = d.group[CLASS_A].drawn, dd = d.group[CLASS_D].drawn;
		cr_assert(a == 1 || a == 2);
		cr_assert(dd == 2 || dd == 3);
		ceil_a += a == 2;
		ceil_d += dd == 3;
		draw_finish(&d);
	}
	/* P(ceil) is 0.5 and 0.1: sd 22 and 13 over 2000 runs. */
	cr_assert(ceil_a > 900 && ceil_a < 1100, "%u", ceil_a);
	cr_assert(ceil_d > 140 && ceil_d < 260, "%u", ceil_d);
	population_finish(&pop);
}

Test(sampler, blacklisted_always_and_cooldown_never)
{
	struct population pop = {.v = malloc(6 * sizeof(struct entity)),
				 .n = 6};
	struct policy p;
	policy_from_text(henan, &p);
	pop.v[0] = make_entity(1, CLASS_A, 1u << FLAG_B); /* certain */
	pop.v[1] = make_entity(2, CLASS_A, 0);  /* inspected 364 days ago */
	pop.v[1].last_inspected = DAY - 364;
	pop.v[2] = make_entity(3, CLASS_A, 0);  /* 365 days ago: free again */
	pop.v[2].last_inspected = DAY - 365;
	pop.v[3] = make_entity(4, CLASS_D, 0);  /* D has no cooldown */
	pop.v[3].last_inspected = DAY - 1;
	pop.v[4] = make_entity(5, CLASS_A, 1u << FLAG_B); /* certain but */
	pop.v[4].last_inspected = DAY - 10;               /* cooling */
	pop.v[5] = make_entity(6, CLASS_C, 1u << FLAG_B | 1u << FLAG_R);
	for (uint32_t k = 0; k < 50; k++) {
		struct draw d;
		draw_ok(&pop, &p, 0, k, &d);
		cr_assert_eq(pi_of(&d, d.group_of[0]), 1.0);
		cr_assert_eq(pi_of(&d, d.group_of[1]), 0.0);
		cr_assert_eq(pi_of(&d, d.group_of[2]), 0.01);
		cr_assert_eq(pi_of(&d, d.group_of[3]), 0.3);
		cr_assert_eq(pi_of(&d, d.group_of[4]), 0.0);
		cr_assert_eq(pi_of(&d, d.group_of[5]), 1.0);
		bool sel[6] = {false};
		for (size_t i = 0; i < d.n_chosen; i++)
			sel[d.chosen[i]] = true;
		cr_assert(sel[0] && sel[5] && !sel[1] && !sel[4]);
		draw_finish(&d);
	}
	population_finish(&pop);
}

Test(sampler, groups_with_equal_pi_share_a_stratum)
{
	/* A with E (0.01 x 3 = 0.03) and a class at 0.03 form one stratum. */
	struct policy p;
	policy_from_text("name: x\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 0.01}\n  B: {rate: 0.03}\n"
			 "  C: {rate: 0.1}\n  D: {rate: 0.3}\n"
			 "flags:\n  E: {factor: 3}\n", &p);
	struct population pop = {.v = malloc(200 * sizeof(struct entity)),
				 .n = 200};
	for (size_t i = 0; i < 200; i++)
		pop.v[i] = i % 2 ? make_entity(i, CLASS_A, 1u << FLAG_E)
				 : make_entity(i, CLASS_B, 0);
	struct draw d;
	draw_ok(&pop, &p, 0, 1, &d);
	cr_assert_eq(d.n_strata, 1);
	cr_assert_eq(d.stratum[0].n, 200);
	cr_assert_eq(d.n_chosen, 6);
	draw_finish(&d);
	population_finish(&pop);
}

Test(sampler, flag_factors_multiply_and_cap_at_one)
{
	struct policy p;
	policy_from_text(henan, &p);
	struct population pop = {.v = malloc(3 * sizeof(struct entity)),
				 .n = 3};
	pop.v[0] = make_entity(1, CLASS_D, 1u << FLAG_E);              /* 0.9 */
	pop.v[1] = make_entity(2, CLASS_D, 1u << FLAG_E | 1u << FLAG_R); /* .45 */
	pop.v[2] = make_entity(3, CLASS_C, 1u << FLAG_R);             /* 0.05 */
	struct draw d;
	draw_ok(&pop, &p, 0, 1, &d);
	cr_assert_eq(pi_of(&d, d.group_of[0]), 0.9);
	cr_assert_eq(pi_of(&d, d.group_of[1]), 0.45);
	cr_assert_eq(pi_of(&d, d.group_of[2]), 0.05);
	draw_finish(&d);
	struct policy q;
	policy_from_text("name: x\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 0.01}\n  B: {rate: 0.03}\n"
			 "  C: {rate: 0.1}\n  D: {rate: 0.5}\n"
			 "flags:\n  E: {factor: 3}\n", &q);
	draw_ok(&pop, &q, 0, 1, &d);
	cr_assert_eq(pi_of(&d, d.group_of[0]), 1.0);
	draw_finish(&d);
	population_finish(&pop);
}

Test(sampler, same_seed_same_draw_other_seed_other_draw)
{
	const unsigned counts[] = {3000, 5000, 1000, 300};
	struct population pop;
	struct policy p;
	struct draw a, b, c;
	make_population(counts, &pop);
	policy_from_text(henan, &p);
	draw_ok(&pop, &p, 0, 7, &a);
	draw_ok(&pop, &p, 0, 7, &b);
	draw_ok(&pop, &p, 0, 8, &c);
	cr_assert_eq(a.n_chosen, b.n_chosen);
	cr_assert(memcmp(a.chosen, b.chosen, a.n_chosen * 4) == 0);
	cr_assert(c.n_chosen != a.n_chosen ||
		  memcmp(a.chosen, c.chosen, a.n_chosen * 4) != 0);
	draw_finish(&a);
	draw_finish(&b);
	draw_finish(&c);
	population_finish(&pop);
}

Test(sampler, pps_selects_exactly_size_every_time)
{
	const unsigned counts[] = {300, 550, 120, 30};
	struct population pop;
	struct policy p;
	make_population(counts, &pop);
	for (size_t i = 0; i < pop.n; i += 97)
		pop.v[i].flags = 1u << FLAG_B; /* 11 certain */
	for (size_t i = 5; i < pop.n; i += 13)
		pop.v[i].flags |= 1u << FLAG_E;
	policy_from_text(pps, &p);
	for (uint32_t k = 0; k < 300; k++) {
		struct draw d;
		uint32_t size = 11 + k % 200;
		draw_ok(&pop, &p, size, k, &d);
		cr_assert_eq(d.n_chosen, size, "size %u", size);
		for (size_t i = 0; i < pop.n; i += 97) {
			bool found = false;
			for (size_t j = 0; j < d.n_chosen; j++)
				found |= d.chosen[j] == i;
			cr_assert(found, "certain entity %zu left out", i);
		}
		draw_finish(&d);
	}
	population_finish(&pop);
}

Test(sampler, pps_refuses_sizes_it_cannot_meet)
{
	const unsigned counts[] = {10, 10, 0, 0};
	struct population pop;
	struct policy p;
	make_population(counts, &pop);
	pop.v[0].flags = pop.v[1].flags = 1u << FLAG_B;
	pop.v[2].last_inspected = DAY - 1; /* class A, cooling down */
	policy_from_text(pps, &p);
	cr_assert_str_eq(draw_refusal(&pop, &p, 1),
			 "size 1 is below the 2 entities that must be "
			 "inspected\n");
	cr_assert_str_eq(draw_refusal(&pop, &p, 20),
			 "size 20 is above the 19 entities that can be drawn\n");
	policy_from_text("name: q\ndesign: pps\nclasses:\n  A: {weight: 1}\n"
			 "  B: {weight: 1}\n  C: {weight: 1}\n"
			 "  D: {weight: 1}\n", &p);
	cr_assert_str_eq(draw_refusal(&pop, &p, 0),
			 "policy q is pps and needs a size\n");
	struct draw d;
	draw_ok(&pop, &p, 20, 1, &d); /* all of them: every π is 1 */
	cr_assert_eq(d.n_chosen, 20);
	draw_finish(&d);
	population_finish(&pop);
}

/* The pps probabilities equal R's sampling::inclusionprobabilities for
 * every case in tests/data (made by pps_reference.R). */
Test(sampler, pps_pi_matches_r_sampling_package)
{
	size_t len;
	char *cases = read_source_file("tests/data/pps_cases.csv", &len);
	char *ref = read_source_file("tests/data/pps_reference.csv", &len);
	char *save1, *save2;
	char *line = strtok_r(cases, "\n", &save1); /* header */
	strtok_r(ref, "\n", &save2);
	int checked = 0;
	while ((line = strtok_r(NULL, "\n", &save1))) {
		char name[32], weights[64];
		unsigned size, counts[4];
		cr_assert_eq(sscanf(line, "%31[^,],%u,%63[^,],%u;%u;%u;%u",
				    name, &size, weights, &counts[0],
				    &counts[1], &counts[2], &counts[3]), 7);
		char yaml[512], *w[4], *ws;
		w[0] = strtok_r(weights, ";", &ws);
		for (int c = 1; c < 4; c++)
			w[c] = strtok_r(NULL, ";", &ws);
		snprintf(yaml, sizeof(yaml), "name: r\ndesign: pps\nclasses:\n"
			 "  A: {weight: %s}\n  B: {weight: %s}\n  C: {weight: "
			 "%s}\n  D: {weight: %s}\n", w[0], w[1], w[2], w[3]);
		struct policy p;
		struct population pop;
		struct draw d;
		policy_from_text(yaml, &p);
		make_population(counts, &pop);
		draw_ok(&pop, &p, size, 1, &d);
		cr_assert_eq(d.n_chosen, size, "%s", name);
		for (int c = 0; c < 4; c++) {
			char rname[32], rcls;
			double want;
			char *r = strtok_r(NULL, "\n", &save2);
			cr_assert_not_null(r);
			cr_assert_eq(sscanf(r, "%31[^,],%c,%lf", rname, &rcls,
					    &want), 3);
			cr_assert_str_eq(rname, name);
			cr_assert_eq(rcls, "ABCD"[c]);
			double got = pi_of(&d, (unsigned)c);
			cr_assert(fabs(got - want) < 1e-11, "%s class %c: %.17g "
				  "against R's %.17g", name, rcls, got, want);
			checked++;
		}
		draw_finish(&d);
		population_finish(&pop);
	}
	cr_assert_eq(checked, 28);
	free(cases);
	free(ref);
}

/* Inclusion frequencies over many seeded draws against π, entity by
 * entity. The bound is 5 binomial standard errors (draws without
 * replacement vary less): chance alone passes it with probability above
 * 1 - 1e-4 over all entities, while a biased rounding or an off-by-one in
 * the sample misses by tens of standard errors. */
static void check_frequencies(const struct population *pop,
			      const struct policy *p, uint32_t size)
{
	enum { RUNS = 20000 };
	unsigned *hits = calloc(pop->n, sizeof(*hits));
	double *pi = calloc(pop->n, sizeof(*pi));
	for (uint32_t k = 0; k < RUNS; k++) {
		struct draw d;
		draw_ok(pop, p, size, 1000 + k, &d);
		for (size_t i = 0; i < d.n_chosen; i++)
			hits[d.chosen[i]]++;
		if (k == 0)
			for (size_t i = 0; i < pop->n; i++)
				pi[i] = pi_of(&d, d.group_of[i]);
		draw_finish(&d);
	}
	for (size_t i = 0; i < pop->n; i++) {
		double f = (double)hits[i] / RUNS;
		double se = sqrt(pi[i] * (1 - pi[i]) / RUNS);
		if (se == 0)
			cr_assert_eq(f, pi[i], "entity %zu", i);
		else
			cr_assert(fabs(f - pi[i]) < 5 * se, "entity %zu: "
				  "%.4f against pi %.4f", i, f, pi[i]);
	}
	free(hits);
	free(pi);
}

static void mixed_population(struct population *pop)
{
	/* Classes and flags chosen so that expected counts are fractional
	 * and some strata take more than half (the complement branch). */
	memset(pop, 0, sizeof(*pop));
	pop->n = 90;
	pop->v = malloc(pop->n * sizeof(*pop->v));
	for (size_t i = 0; i < pop->n; i++) {
		uint8_t flags = i % 9 == 0 ? 1u << FLAG_E
				: i % 11 == 0 ? 1u << FLAG_R : 0;
		pop->v[i] = make_entity(i * 7919, (int)(i % 4), flags);
	}
	pop->v[3].flags = 1u << FLAG_B;
	pop->v[8].last_inspected = DAY - 30;
}

Test(sampler, stratified_inclusion_frequencies_match_pi)
{
	struct population pop;
	struct policy p;
	mixed_population(&pop);
	policy_from_text("name: s\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 0.07, cooldown_days: 365}\n"
			 "  B: {rate: 0.15}\n  C: {rate: 0.33}\n"
			 "  D: {rate: 0.85}\nflags:\n  B: {certain: true}\n"
			 "  R: {factor: 0.5}\n  E: {factor: 1.1}\n", &p);
	check_frequencies(&pop, &p, 0);
	population_finish(&pop);
}

Test(sampler, pps_inclusion_frequencies_match_pi)
{
	struct population pop;
	struct policy p;
	mixed_population(&pop);
	policy_from_text(pps, &p);
	check_frequencies(&pop, &p, 17);
	population_finish(&pop);
}

/* Populations smaller than the number of passes' lanes, and none at all. */
Test(sampler, tiny_and_empty_populations)
{
	struct policy p;
	policy_from_text(henan, &p);
	for (unsigned n = 0; n <= 9; n++) {
		struct population pop = {
		    .v = malloc((n ? n : 1) * sizeof(struct entity)), .n = n};
		for (unsigned i = 0; i < n; i++)
			pop.v[i] = make_entity(i, CLASS_D,
					       i % 2 ? 1u << FLAG_B : 0);
		struct draw d;
		draw_ok(&pop, &p, 0, n, &d);
		cr_assert_geq(d.n_chosen, n / 2, "n %u", n);
		for (size_t k = 0; k < d.n_chosen; k++)
			cr_assert_lt(d.chosen[k], n);
		for (unsigned i = 1; i < n; i += 2) {
			bool found = false;
			for (size_t k = 0; k < d.n_chosen; k++)
				found |= d.chosen[k] == i;
			cr_assert(found, "n %u: certain entity %u missing", n, i);
		}
		draw_finish(&d);
		population_finish(&pop);
	}
}

/* A visit of entity e of pop, days after DAY (negative: before). */
static void visit(struct population *pop, size_t e, int days, const char *items)
{
	struct diag why;
	diag_init(&why);
	const struct visit_text t = {pop->v[e].uscc, DAY + days, "C0", items,
				     2, strlen(items)};
	cr_assert_eq(visits_add(&pop->visits, &t, &why), 0, "%s",
		     diag_text(&why));
}

Test(sampler, caps_hold_back_entities_by_their_visits)
{
	struct population pop = {.v = malloc(9 * sizeof(struct entity)),
				 .n = 9};
	struct policy p;
	policy_from_text("name: c\ndesign: stratified\nclasses:\n"
			 "  A: {rate: 1, cooldown_days: 30}\n  B: {rate: 1}\n"
			 "  C: {rate: 1}\n  D: {rate: 1}\ncaps:\n"
			 "  any_item: {visits: 1, days: 365, classes: AB, "
			 "exempt_flags: E}\n"
			 "  same_item: {visits: 2, days: 100, classes: C}\n",
			 &p);
	for (size_t i = 0; i < 9; i++)
		pop.v[i] = make_entity(i, i < 4 ? CLASS_A : CLASS_C, 0);
	pop.v[2].flags = 1u << FLAG_E;
	pop.v[3].last_inspected = DAY - 3;  /* cooling, not capped */
	visit(&pop, 0, -364, "SC-001");	    /* within 365 days: capped */
	visit(&pop, 1, -365, "SC-001");	    /* 365 days before: free */
	visit(&pop, 1, 365, "SC-001");	    /* and 365 after */
	visit(&pop, 2, 10, "SC-001");	    /* exempt */
	visit(&pop, 4, 5, "SC-001");	    /* class C: any_item is not its */
	visit(&pop, 5, 5, "SC-001+SC-002"); /* two visits of SC-002: */
	visit(&pop, 5, -99, "SC-002");	    /* capped */
	visit(&pop, 6, 5, "SC-009");	    /* two, of other items: free */
	visit(&pop, 6, 6, "SC-009");
	visit(&pop, 7, 5, "SC-002"); /* one of SC-002, one too far */
	visit(&pop, 7, 100, "SC-002");
	struct diag err;
	diag_init(&err);
	cr_assert_eq(population_canonicalize(&pop, "t", 0, &err), 0, "%s",
		     diag_text(&err));
	static const char items[][65] = {"SC-002", "SC-003"};
	struct draw_params dp = {&p, DAY, 0, {items, 2}};
	struct draw d;
	uint8_t seed[32] = {1};
	cr_assert_eq(sampler_draw(&pop, &dp, seed, &d, &err), 0, "%s",
		     diag_text(&err));
	static const bool capped[9] = {true, false, false, false, false,
				       true, false, false, false};
	for (size_t i = 0; i < 9; i++) {
		cr_assert_eq(!!(d.group_of[i] & GROUP_CAPPED), capped[i],
			     "entity %zu", i);
		cr_assert_eq(pi_of(&d, d.group_of[i]),
			     capped[i] || i == 3 ? 0.0 : 1.0, "entity %zu", i);
	}
	cr_assert_eq(draw_capped(&d), 2);
	/* Held back by a cap and cooling: two strata of value 0. */
	cr_assert_neq(d.group[d.group_of[0]].stratum,
		      d.group[d.group_of[3]].stratum);
	cr_assert_eq(d.group[d.group_of[0]].stratum,
		     d.group[d.group_of[5]].stratum);
	cr_assert_eq(d.n_chosen, 6);
	draw_finish(&d);
	/* Without the campaign's items, no same_item cap holds. */
	dp.items = (struct cap_items){NULL, 0};
	cr_assert_eq(sampler_draw(&pop, &dp, seed, &d, &err), 0);
	cr_assert_eq(draw_capped(&d), 1);
	draw_finish(&d);
	population_finish(&pop);
}
