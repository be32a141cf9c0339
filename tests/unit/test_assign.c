#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/assign.h"
#include "inspect/core/items.h"
#include "inspect/core/date.h"
#include "inspect/core/rng.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"

static const char *const depts[] = {"SAMR-A", "SAMR-B", "SAMR-C"};
static const uint32_t regions[] = {410102, 410103, 440304, 440305};

/* A random roster: departments, jurisdictions (some at city level, some
 * district), a qualification or none, capacities 1-3, a few inactive and a
 * few conflicts with the visited codes. */
static void random_roster(struct rng *g, size_t n, struct roster *r)
{
	char csv[1 << 17], *o = csv;
	o += sprintf(o, ROSTER_HEADER "\n");
	for (size_t i = 0; i < n; i++) {
		char conflict[20] = "";
		if (rng_bounded(g, 8) == 0)
			make_uscc(rng_bounded(g, 40), conflict), conflict[18] = 0;
		uint32_t reg = regions[rng_bounded(g, 4)];
		o += sprintf(o, "i%zu,检查员%zu,B%04zu,%s,%u%s,%s,%u,%s,%d\n", i,
			     i, i, depts[rng_bounded(g, 3)],
			     rng_bounded(g, 2) ? reg / 100 : reg,
			     rng_bounded(g, 3) ? "" : ";44",
			     rng_bounded(g, 3) ? "food" : "",
			     1 + (unsigned)rng_bounded(g, 3), conflict,
			     rng_bounded(g, 10) != 0);
	}
	struct diag err;
	diag_init(&err);
	cr_assert_eq(roster_parse_csv("r.csv", csv, (size_t)(o - csv), r,
				      &err), 0, "%s", diag_text(&err));
}

/* Every rule, for every visit. */
static void check_rules(const struct roster *r, const struct team_rules *t,
			const int32_t *days, size_t nd, const struct visit *v,
			size_t n, const struct assignment *a)
{
	unsigned *load = calloc(r->n * nd, sizeof(*load));
	for (size_t k = 0; k < n; k++) {
		const struct assignment *x = &a[k];
		size_t d = 0;
		while (d < nd && days[d] != x->day)
			d++;
		cr_assert_lt(d, nd, "visit %zu on a day outside the window", k);
		cr_assert_geq(x->n, t->team_size);
		uint64_t held = 0;
		bool dept_seen[TEAM_MAX_DEPARTMENTS] = {false};
		for (unsigned m = 0; m < x->n; m++) {
			const struct inspector *in = &r->v[x->member[m]];
			for (unsigned o = 0; o < m; o++)
				cr_assert_neq(x->member[o], x->member[m]);
			cr_assert(in->active);
			cr_assert(inspector_covers(in, v[k].region));
			cr_assert(!inspector_conflicts(in, v[k].uscc));
			for (unsigned p = 0; p < v[k].n_previous; p++)
				cr_assert_neq(v[k].previous[p], x->member[m]);
			bool ours = false;
			for (unsigned dd = 0; dd < t->n_departments; dd++)
				if (!strcmp(in->department, t->departments[dd]))
					dept_seen[dd] = ours = true;
			cr_assert(ours, "a member outside the departments");
			held |= in->qualifications;
			load[x->member[m] * nd + d]++;
		}
		for (unsigned dd = 0; dd < t->n_departments; dd++)
			cr_assert(dept_seen[dd], "visit %zu lacks %s", k,
				  t->departments[dd]);
		cr_assert_eq(held & t->qualifications, t->qualifications);
	}
	for (size_t i = 0; i < r->n; i++)
		for (size_t d = 0; d < nd; d++)
			cr_assert_leq(load[i * nd + d], r->v[i].daily_capacity);
	free(load);
}

/* A roster from CSV text; fails the test if it does not parse. */
static void roster_of(const char *csv, struct roster *r)
{
	struct diag err;
	diag_init(&err);
	cr_assert_eq(roster_parse_csv("r.csv", csv, strlen(csv), r, &err), 0,
		     "%s", diag_text(&err));
}

/* Teams of two from department SAMR-A, no qualification. */
static struct team_rules plain_rules(void)
{
	struct team_rules t = {.team_size = 2, .n_departments = 1,
			       .label = "x"};
	strcpy(t.departments[0], "SAMR-A");
	return t;
}

Test(assign, random_rosters_never_break_a_rule)
{
	struct rng g;
	rng_init(&g, 17, 23);
	int feasible = 0;
	for (int run = 0; run < 200; run++) {
		struct roster r;
		random_roster(&g, 20 + rng_bounded(&g, 60), &r);
		struct team_rules t = {.team_size = 2 + (unsigned)rng_bounded(&g, 2),
				       .label = "items"};
		t.n_departments = 1 + (unsigned)rng_bounded(&g, 2);
		for (unsigned d = 0; d < t.n_departments; d++)
			strcpy(t.departments[d], depts[d]);
		if (rng_bounded(&g, 2))
			t.qualifications = 1ULL << roster_qualification(&r, "food");
		size_t n = 1 + rng_bounded(&g, 40), nd = 1 + rng_bounded(&g, 5);
		int32_t days[8];
		for (size_t d = 0; d < nd; d++)
			days[d] = 20780 + (int32_t)d;
		struct visit v[40];
		char codes[40][19];
		uint32_t prev[40][1];
		for (size_t k = 0; k < n; k++) {
			make_uscc(k, codes[k]);
			prev[k][0] = (uint32_t)rng_bounded(&g, r.n);
			v[k] = (struct visit){codes[k], regions[rng_bounded(&g, 4)],
					      prev[k], 1, 0};
		}
		struct assignment a[40];
		struct diag err;
		uint8_t seed[32] = {(uint8_t)run};
		diag_init(&err);
		if (assign_teams(&(struct team_draw){&r, &t, days, nd, NULL, v, n}, seed, a, &err) == 0) {
			check_rules(&r, &t, days, nd, v, n, a);
			feasible++;
		} else {
			cr_assert(strstr(diag_text(&err), "inspector-days"),
				  "%s", diag_text(&err));
		}
		roster_finish(&r);
	}
	/* Both outcomes must have been exercised. */
	cr_assert(feasible > 20 && feasible < 200, "%d feasible", feasible);
}

static void simple_roster(struct roster *r, int n, const char *dept2)
{
	char csv[8192], *o = csv;
	o += sprintf(o, ROSTER_HEADER "\n");
	for (int i = 0; i < n; i++)
		o += sprintf(o, "p%d,检查员%d,B%d,%s,4403,%s,5,,1\n", i, i, i,
			     i % 2 && dept2 ? dept2 : "SAMR-A",
			     i == 3 ? "food" : "");
	struct diag err;
	diag_init(&err);
	cr_assert_eq(roster_parse_csv("r.csv", csv, (size_t)(o - csv), r,
				      &err), 0, "%s", diag_text(&err));
}

/* When capacity does not bind, every eligible inspector is as likely to
 * be sent: 10 inspectors, teams of 2, so 0.2 each; 20000 seeds give a
 * standard error of 0.0028, and the bound is 5 of them. */
Test(assign, eligible_inspectors_are_equally_likely)
{
	struct roster r;
	simple_roster(&r, 10, NULL);
	struct team_rules t = {.team_size = 2, .n_departments = 1,
			       .label = "SC-001"};
	strcpy(t.departments[0], "SAMR-A");
	char code[19];
	make_uscc(1, code);
	struct visit v = {code, 440304, NULL, 0, 0};
	int32_t day = 20780;
	unsigned hits[10] = {0};
	for (uint32_t k = 0; k < 20000; k++) {
		uint8_t seed[32] = {0};
		memcpy(seed, &k, 4);
		struct assignment a;
		struct diag err;
		diag_init(&err);
		cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, &day, 1, NULL, &v, 1}, seed, &a, &err), 0);
		for (unsigned m = 0; m < a.n; m++)
			hits[a.member[m]]++;
	}
	for (int i = 0; i < 10; i++)
		cr_assert(fabs(hits[i] / 20000.0 - 0.2) < 5 * 0.0028,
			  "inspector %d: %.4f", i, hits[i] / 20000.0);
	roster_finish(&r);
}

Test(assign, joint_campaigns_send_one_of_each_department)
{
	struct roster r;
	simple_roster(&r, 12, "SAMR-B");
	struct team_rules t = {.team_size = 2, .n_departments = 2,
			       .label = "SC-001,YJ-004"};
	strcpy(t.departments[0], "SAMR-A");
	strcpy(t.departments[1], "SAMR-B");
	char codes[30][19];
	struct visit v[30];
	for (int k = 0; k < 30; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], 440304, NULL, 0, 0};
	}
	int32_t days[3] = {20780, 20781, 20782};
	struct assignment a[30];
	struct diag err;
	uint8_t seed[32] = {9};
	diag_init(&err);
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, days, 3, NULL, v, 30}, seed, a, &err), 0,
		     "%s", diag_text(&err));
	check_rules(&r, &t, days, 3, v, 30, a);
	roster_finish(&r);
}

Test(assign, infeasible_plans_name_the_bottleneck)
{
	struct roster r;
	simple_roster(&r, 6, NULL); /* one inspector holds "food" */
	struct team_rules t = {.team_size = 2, .n_departments = 1,
			       .label = "item SC-017"};
	strcpy(t.departments[0], "SAMR-A");
	t.qualifications = 1ULL << roster_qualification(&r, "food");
	char codes[12][19];
	struct visit v[12];
	for (int k = 0; k < 12; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], 440304, NULL, 0, 0};
	}
	int32_t days[2] = {20780, 20781};
	struct assignment a[12];
	struct diag err;
	uint8_t seed[32] = {1};
	diag_init(&err);
	/* 12 visits need the food inspector; he can do 5 a day for 2 days. */
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, days, 2, NULL, v, 12}, seed, a, &err), -1);
	cr_assert_str_eq(diag_text(&err),
			 "region 440304, item SC-017: 12 visits need 24 "
			 "inspector-days of its 6 eligible inspectors (1 holding "
			 "every qualification), who offer 60 in the window's 2 "
			 "working days\n");
	diag_init(&err);
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, days, 2, NULL, v, 10}, seed, a, &err), 0);
	check_rules(&r, &t, days, 2, v, 10, a);
	roster_finish(&r);
}

Test(assign, rotation_and_conflicts_are_respected)
{
	struct roster r;
	char csv[1024], code[19];
	make_uscc(5, code);
	snprintf(csv, sizeof(csv), ROSTER_HEADER "\n"
		 "a,甲,1,SAMR-A,44,,5,%.18s,1\nb,乙,2,SAMR-A,44,,5,,1\n"
		 "c,丙,3,SAMR-A,44,,5,,1\nd,丁,4,SAMR-A,44,,5,,0\n", code);
	struct diag err;
	diag_init(&err);
	cr_assert_eq(roster_parse_csv("r.csv", csv, strlen(csv), &r, &err), 0,
		     "%s", diag_text(&err));
	struct team_rules t = plain_rules();
	/* a conflicts, d is inactive: only b and c can go. */
	uint32_t prev[1] = {1};
	struct visit v = {code, 440304, NULL, 0, 0},
		     again = {code, 440304, prev, 1, 0};
	int32_t day = 20780;
	struct assignment x;
	uint8_t seed[32] = {3};
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, &day, 1, NULL, &v, 1}, seed, &x, &err), 0);
	cr_assert(x.n == 2 && x.member[0] + x.member[1] == 3); /* b and c */
	/* b was on the previous team: no team of two is left. */
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, &day, 1, NULL, &again, 1}, seed, &x, &err),
		     -1);
	roster_finish(&r);
}

Test(roster, bad_rows_are_named)
{
	const char *csv = ROSTER_HEADER "\n"
		"z,庚,0,SAMR-A,44,food;pharmacy,5,,true\n"
		"a,甲,1,SAMR-A,44x,,5,,1\n"
		"b,乙,2,SAMR-A,44,,0,,1\n"
		"c,丙,3,SAMR-A,44,,5,91350100M000100Y44,1\n"
		"d,丁,4,SAMR-A,44,,5,,yes\n"
		"z,戊,5,SAMR-A,44,,5,,1\n"
		"f,己,6,SAMR-A\n"
		"g,EVIL\x1f" "2020-01-01,7,SAMR-A,44,,5,,1\n"
		"h,\xb9\xab,8,SAMR-A,44,,5,,1\n" /* GBK */
		"FAKE TEAM,辛,9,SAMR-A,44,,5,,1\n"
		"k,壬,10,SAMR/A,44,,5,,1\n";
	struct roster r;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(roster_parse_csv("r.csv", csv, strlen(csv), &r, &err), -1);
	cr_assert_str_eq(diag_text(&err),
		"r.csv:3: jurisdictions are 1 to 6 digit region prefixes\n"
		"r.csv:4: daily_capacity must be a whole number from 1 to 50\n"
		"r.csv:5: conflicts must be valid USCCs\n"
		"r.csv:6: active must be 1, 0, true or false\n"
		"r.csv:7: id repeats an earlier row\n"
		"r.csv:8: expected 9 fields\n"
		"r.csv:9: name is 1 to 96 bytes of UTF-8 without control "
		"characters\n"
		"r.csv:10: name is 1 to 96 bytes of UTF-8 without control "
		"characters\n"
		"r.csv:11: id, badge and department are 1 to 32 (department 64) "
		"of A-Z a-z 0-9 - _ .\n"
		"r.csv:12: id, badge and department are 1 to 32 (department 64) "
		"of A-Z a-z 0-9 - _ .\n");
}

Test(items, the_shipped_list_loads_and_refuses_repeats)
{
	size_t len;
	char *text = read_source_file("policies/items/items.yaml", &len);
	struct item_list l;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(item_list_parse("items.yaml", text, len, &l, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_gt(l.n, 3);
	cr_assert_not_null(item_find(&l, "SC-001"));
	item_list_finish(&l);
	free(text);
	const char *dup = "items:\n  - {code: A, name: n, department: D}\n"
			  "  - {code: A, name: m, department: D}\n";
	diag_init(&err);
	cr_assert_eq(item_list_parse("i.yaml", dup, strlen(dup), &l, &err), -1);
	cr_assert_str_eq(diag_text(&err), "i.yaml: items: code A is listed "
					  "twice\n");
}

/* A greedy order can spend the only inspectors of a narrow region on
 * visits that had other choices. Region 440305 has inspectors x and y only
 * (capacity 1); x and y also cover 440304, which has three more with room
 * to spare. The plan fits only if x and y go to 440305. */
Test(assign, scarce_regions_keep_their_only_inspectors)
{
	const char *csv = ROSTER_HEADER "\n"
		"x,甲,1,SAMR-A,4403,,1,,1\ny,乙,2,SAMR-A,4403,,1,,1\n"
		"a,丙,3,SAMR-A,440304,,3,,1\nb,丁,4,SAMR-A,440304,,3,,1\n"
		"c,戊,5,SAMR-A,440304,,3,,1\n";
	struct roster r;
	struct diag err;
	roster_of(csv, &r);
	struct team_rules t = plain_rules();
	char codes[4][19];
	struct visit v[4];
	for (int k = 0; k < 4; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], k == 3 ? 440305 : 440304, NULL,
				      0, 0};
	}
	int32_t day = 20780;
	for (uint8_t s = 0; s < 50; s++) {
		struct assignment a[4];
		uint8_t seed[32] = {s};
		diag_init(&err);
		cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, &day, 1, NULL, v, 4}, seed, a, &err),
			     0, "seed %u: %s", s, diag_text(&err));
		check_rules(&r, &t, &day, 1, v, 4, a);
	}
	roster_finish(&r);
}

/* A chain may end on another day. W (region 440305: x or y) and V
 * (440304: x or z) need x; z is taken by another campaign on the second
 * day. When the random order puts W on the first day, V fits only there
 * too, and only if W moves to the second day with its whole team. */
Test(assign, a_visit_may_move_to_another_day_to_free_a_seat)
{
	const char *csv = ROSTER_HEADER "\n"
		"x,甲,1,SAMR-A,4403,,1,,1\ny,乙,2,SAMR-A,440305,,1,,1\n"
		"z,丙,3,SAMR-A,440304,,1,,1\n";
	struct roster r;
	struct diag err;
	roster_of(csv, &r);
	struct team_rules t = plain_rules();
	char codes[2][19];
	struct visit v[2];
	for (int k = 0; k < 2; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], k ? 440304 : 440305, NULL, 0, 0};
	}
	int32_t days[2] = {20780, 20781};
	uint16_t used[3 * 2] = {0, 0, 0, 0, 0, 1}; /* z, second day */
	for (uint8_t s = 0; s < 60; s++) {
		struct assignment a[2];
		uint8_t seed[32] = {s, 1};
		diag_init(&err);
		cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, days, 2, used, v, 2}, seed, a, &err), 0, "seed %u: %s", s, diag_text(&err));
		check_rules(&r, &t, days, 2, v, 2, a);
		cr_assert_eq(a[1].day, days[0], "V can only go on the first day");
		cr_assert_eq(a[0].day, days[1]);
	}
	roster_finish(&r);
}

/* Whether the visits from k on can all be given plain teams of size ts
 * on one day with the capacity left: every team tried, exhaustively. */
static bool fits(const struct roster *r, const struct visit *v, size_t n,
		 size_t k, unsigned ts, unsigned *left, uint32_t *team,
		 unsigned m, uint32_t from)
{
	if (k == n)
		return true;
	if (m == ts)
		return fits(r, v, n, k + 1, ts, left, team, 0, 0);
	for (uint32_t i = from; i < r->n; i++) {
		const struct inspector *in = &r->v[i];
		if (!left[i] || !in->active || !inspector_covers(in, v[k].region) ||
		    inspector_conflicts(in, v[k].uscc))
			continue;
		left[i]--;
		team[m] = i;
		bool ok = fits(r, v, n, k, ts, left, team, m + 1, i + 1);
		left[i]++;
		if (ok)
			return true;
	}
	return false;
}

/* With plain teams on one day the repair is exact: over 300 small random
 * rosters whose jurisdictions overlap, assign_teams finds teams exactly
 * when an exhaustive search says some exist, and the greedy draw alone
 * would have missed some of them. */
Test(assign, plain_teams_on_one_day_are_placed_whenever_possible)
{
	struct rng g;
	rng_init(&g, 41, 7);
	int feasible = 0, infeasible = 0;
	for (int run = 0; run < 300; run++) {
		char csv[4096], *o = csv;
		size_t ni = 4 + rng_bounded(&g, 5), n = 2 + rng_bounded(&g, 4);
		static const char *const juris[] = {"4403", "440304", "440305",
						    "440304;440306", "440306"};
		o += sprintf(o, ROSTER_HEADER "\n");
		for (size_t i = 0; i < ni; i++)
			o += sprintf(o, "i%zu,检查员,B%zu,SAMR-A,%s,,%u,,1\n", i, i,
				     juris[rng_bounded(&g, 5)],
				     1 + (unsigned)rng_bounded(&g, 2));
		struct roster r;
		struct diag err;
		diag_init(&err);
		cr_assert_eq(roster_parse_csv("r.csv", csv, (size_t)(o - csv),
					      &r, &err), 0);
		struct team_rules t = plain_rules();
		static const uint32_t where[] = {440304, 440305, 440306};
		char codes[6][19];
		struct visit v[6];
		for (size_t k = 0; k < n; k++) {
			make_uscc(k, codes[k]);
			v[k] = (struct visit){codes[k], where[rng_bounded(&g, 3)],
					      NULL, 0, 0};
		}
		unsigned left[9];
		uint32_t team[2];
		for (size_t i = 0; i < ni; i++)
			left[i] = r.v[i].daily_capacity;
		bool possible = fits(&r, v, n, 0, 2, left, team, 0, 0);
		struct assignment a[6];
		int32_t day = 20780;
		uint8_t seed[32] = {(uint8_t)run, (uint8_t)(run >> 8)};
		int rc = assign_teams(&(struct team_draw){&r, &t, &day, 1, NULL, v, n}, seed, a, &err);
		cr_assert_eq(rc == 0, possible, "run %d: %s", run,
			     diag_text(&err));
		if (rc == 0)
			check_rules(&r, &t, &day, 1, v, n, a);
		feasible += possible;
		infeasible += !possible;
		roster_finish(&r);
	}
	cr_assert(feasible > 50 && infeasible > 50, "%d feasible, %d not",
		  feasible, infeasible);
}

/* Other campaigns' visits count against capacity: an inspector already
 * full on the only day is never sent, and one with a single slot left
 * goes at most once. */
Test(assign, capacity_counts_other_campaigns_visits)
{
	struct roster r;
	simple_roster(&r, 6, NULL); /* capacity 5 each */
	struct team_rules t = plain_rules();
	uint16_t used[6] = {5, 5, 4, 0, 0, 0}; /* one day */
	char codes[5][19];
	struct visit v[5];
	for (int k = 0; k < 5; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], 440304, NULL, 0, 0};
	}
	int32_t day = 20780;
	for (uint8_t s = 0; s < 30; s++) {
		struct assignment a[5];
		struct diag err;
		uint8_t seed[32] = {s};
		diag_init(&err);
		/* 5 visits x 2 = 10 slots; 1 + 5 + 5 + 5 = 16 are left. */
		cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, &day, 1, used, v, 5}, seed, a, &err), 0, "%s", diag_text(&err));
		unsigned sent[6] = {0};
		for (int k = 0; k < 5; k++)
			for (unsigned m = 0; m < a[k].n; m++)
				sent[a[k].member[m]]++;
		cr_assert_eq(sent[0] + sent[1], 0);
		cr_assert_leq(sent[2], 1);
	}
	roster_finish(&r);
}

/* ---- the worked examples of docs/ALGORITHM.md, "The team draw" ---- */

struct example {
	const char *phrase, *roster, *stream_seed;
	const char *qualification; /* or NULL */
	int32_t days[2];
	size_t n_days;
	struct visit v[2];
	const char *want[2]; /* "day ids" */
};

static void run_example(const struct example *e)
{
	struct roster r;
	roster_of(e->roster, &r);
	struct team_rules t = plain_rules();
	if (e->qualification)
		t.qualifications = 1ULL << roster_qualification(&r,
								e->qualification);
	uint8_t seed[32], stream[32];
	char hex[65], text[128];
	sha256(e->phrase, strlen(e->phrase), seed);
	/* The stream's seed as the section states it. */
	seed_hex(seed, 32, hex);
	snprintf(text, sizeof(text), "16:inspectd-teams/1,64:%s,", hex);
	sha256(text, strlen(text), stream);
	seed_hex(stream, 32, hex);
	cr_assert_str_eq(hex, e->stream_seed);
	struct assignment a[2];
	struct diag err;
	diag_init(&err);
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, e->days, e->n_days, NULL, e->v, 2}, seed, a, &err), 0, "%s", diag_text(&err));
	for (size_t k = 0; k < 2; k++) {
		char ids[64], got[80], day[11];
		assignment_ids(&r, &a[k], ids, sizeof(ids));
		date_format(a[k].day, day);
		snprintf(got, sizeof(got), "%s %s", day, ids);
		cr_assert_str_eq(got, e->want[k], "%s, visit %zu", e->phrase, k);
	}
	roster_finish(&r);
}

Test(assign, the_worked_examples_of_the_specification)
{
	int32_t d0 = date_from_civil(2026, 12, 21);
	const struct example one = {
		"worked example 1",
		ROSTER_HEADER "\n"
		"a,甲,1,SAMR-A,44,food,1,,1\n"
		"b,乙,2,SAMR-A,4403,,1,,1\n"
		"c,丙,3,SAMR-A,44,,2,91440304MA5F0000A0,1\n"
		"d,丁,4,SAMR-B,44,food,1,,1\n",
		"409b7b66642008fc9c13f8da743f5d10cd05602ef47bc036daab4a0a278d66db",
		"food", {d0, d0 + 1}, 2,
		{{"91440304MA5F0000A0", 440304, NULL, 0, 0},
		 {"91440304MA5F0000B3", 440305, NULL, 0, 0}},
		{"2026-12-21 b;a", "2026-12-22 c;a"}};
	const struct example two = {
		"worked example repair 2",
		ROSTER_HEADER "\n"
		"a,甲,1,SAMR-A,44,,1,,1\n"
		"b,乙,2,SAMR-A,44,,1,,1\n"
		"c,丙,3,SAMR-A,4403,,1,,1\n"
		"d,丁,4,SAMR-A,4403,,1,,1\n",
		"271f17da6b979e91a796dd64f6fb8519a06fafd227b2dd3eda8e9de263b176f8",
		NULL, {d0, 0}, 1,
		{{"91440304MA5F0000A0", 440304, NULL, 0, 0},
		 {"91440106MA5F0000CQ", 440106, NULL, 0, 0}},
		{"2026-12-21 c;d", "2026-12-21 a;b"}};
	run_example(&one);
	run_example(&two);
}

/* A joined visit goes on its fixed day, whatever the seed, and draws no
 * number for its day: the other visits' days are those of a draw in
 * which it had been placed first by itself. */
Test(assign, a_joined_visit_keeps_its_day)
{
	struct roster r;
	simple_roster(&r, 12, NULL);
	struct team_rules t = {.team_size = 2, .n_departments = 1,
			       .label = "SC-001"};
	strcpy(t.departments[0], "SAMR-A");
	char codes[20][19];
	struct visit v[20];
	for (int k = 0; k < 20; k++) {
		make_uscc((uint64_t)k, codes[k]);
		v[k] = (struct visit){codes[k], 440304, NULL, 0, 0};
	}
	v[3].fixed_day = 3; /* the third day, index 2 */
	v[11].fixed_day = 1;
	int32_t days[4] = {20780, 20781, 20782, 20783};
	for (uint32_t s = 0; s < 50; s++) {
		struct assignment a[20];
		struct diag err;
		uint8_t seed[32] = {0};
		memcpy(seed, &s, 4);
		diag_init(&err);
		cr_assert_eq(assign_teams(&(struct team_draw){&r, &t, days, 4,
							      NULL, v, 20},
					  seed, a, &err),
			     0, "%s", diag_text(&err));
		cr_assert_eq(a[3].day, days[2]);
		cr_assert_eq(a[11].day, days[0]);
		check_rules(&r, &t, days, 4, v, 20, a);
	}
	roster_finish(&r);
}
