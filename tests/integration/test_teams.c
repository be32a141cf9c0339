/* The second random re-run by both verifiers: bundles of campaigns with
 * conflicts, qualifications, a joint campaign of two departments, tight
 * capacity that only the repair can staff, and two campaigns chained by
 * load and previous teams; inspectctl verify and tools/verify.py (written
 * from docs/ALGORITHM.md) must both reproduce every team and day. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* The first code of each of the population file's rows, in file order. */
static size_t codes_of(const char *csv_path, char (*code)[19], size_t max)
{
	FILE *f = fopen(csv_path, "r");
	char line[256];
	size_t n = 0;
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) && n < max)
		if (line[0] >= '0' && line[0] <= '9') {
			memcpy(code[n], line, 18);
			code[n++][18] = '\0';
		}
	fclose(f);
	return n;
}

/* 48 inspectors, one in six of MPA-ZZ (pharmacists), the rest of SAMR-ZZ
 * with food-safety or special-equipment qualifications in turn; each in
 * conflict with 30 entities; capacities 2 to 4; a few covering only
 * Guangdong. */
static void rich_roster(redisContext *c, char (*code)[19], size_t n)
{
	static char csv[48 * 1024];
	size_t o = (size_t)snprintf(csv, sizeof(csv), "id,name,badge,department,"
				    "jurisdictions,qualifications,daily_capacity,"
				    "conflicts,active\n");
	for (int i = 0; i < 48; i++) {
		bool mpa = i % 6 == 5;
		const char *q = mpa ? "pharmacy" : i % 4 == 0 ? "food-safety"
				 : i % 4 == 1 ? "special-equipment" : "";
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
				      "r%02d,检%02d,B%02d,%s,%s,%s,%d,", i, i, i,
				      mpa ? "MPA-ZZ" : "SAMR-ZZ",
				      i % 7 == 3 ? "44" : "1;3;4;5", q, 2 + i % 3);
		for (size_t j = 0; j < 30; j++)
			o += (size_t)snprintf(csv + o, sizeof(csv) - o, "%s%s",
					      j ? ";" : "",
					      code[(i * 7 + j * 13) % n]);
		o += (size_t)snprintf(csv + o, sizeof(csv) - o, ",1\n");
	}
	freeReplyObject(cmd(c, "SET {insp}:roster %b", csv, o));
}

/* Six inspectors of capacity 1: 30 inspector-days in a week. */
static void tight_roster(redisContext *c)
{
	const char *csv = "id,name,badge,department,jurisdictions,"
			  "qualifications,daily_capacity,conflicts,active\n"
			  "z0,甲,1,SAMR-ZZ,1;3;4;5,,1,,1\n"
			  "z1,乙,2,SAMR-ZZ,1;3;4;5,,1,,1\n"
			  "z2,丙,3,SAMR-ZZ,1;3;4;5,,1,,1\n"
			  "z3,丁,4,SAMR-ZZ,1;3;4;5,,1,,1\n"
			  "z4,戊,5,SAMR-ZZ,1;3;4;5,,1,,1\n"
			  "z5,己,6,SAMR-ZZ,1;3;4;5,,1,,1\n";
	freeReplyObject(cmd(c, "SET {insp}:roster %s", csv));
}

/* The entities of a district in the population file. */
static size_t in_district(const char *csv_path, const char *district)
{
	FILE *f = fopen(csv_path, "r");
	char line[256];
	size_t n = 0;
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ',');
		c = c ? strchr(c + 1, ',') : NULL;
		c = c ? strchr(c + 1, ',') : NULL;
		n += c && !strncmp(c + 1, district, 6);
	}
	fclose(f);
	return n;
}

/* Exactly as many inspectors as a one-day window of team-of-two visits in
 * 440304 and 410102 needs: generalists for 410102 (g), and specialists
 * who cover Guangdong only (s), capacity 1. Only if no generalist serves
 * a Guangdong visit does everyone fit: the random pass rarely manages,
 * the repair's swaps do (for plain teams on one day it is exact). */
static void exact_roster(redisContext *c, size_t gd, size_t hn)
{
	static char csv[64 * 1024];
	size_t o = (size_t)snprintf(csv, sizeof(csv), "id,name,badge,department,"
				    "jurisdictions,qualifications,daily_capacity,"
				    "conflicts,active\n");
	for (size_t i = 0; i < 2 * hn; i++)
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
				      "g%02zu,通%02zu,G%02zu,SAMR-ZZ,41;44,,1,,1\n",
				      i, i, i);
	for (size_t i = 0; i < 2 * gd; i++)
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
				      "s%02zu,专%02zu,S%02zu,SAMR-ZZ,44,,1,,1\n",
				      i, i, i);
	freeReplyObject(cmd(c, "SET {insp}:roster %b", csv, o));
}

/* The value of field in campaign id's first event of the given type on
 * {insp}:public that has it ("" if none). */
static void event_field(redisContext *c, const char *type, const char *id,
			const char *field, char *value, size_t size)
{
	redisReply *x = cmd(c, "XRANGE {insp}:public - +");
	value[0] = '\0';
	for (size_t i = 0; i < x->elements && !value[0]; i++) {
		const redisReply *f = x->element[i]->element[1];
		bool plan = false, ours = false;
		for (size_t j = 0; j + 1 < f->elements; j += 2) {
			plan |= !strcmp(f->element[j]->str, "type") &&
				!strcmp(f->element[j + 1]->str, type);
			ours |= !strcmp(f->element[j]->str, "campaign") &&
				!strcmp(f->element[j + 1]->str, id);
		}
		for (size_t j = 0; plan && ours && j + 1 < f->elements; j += 2)
			if (!strcmp(f->element[j]->str, field))
				snprintf(value, size, "%s", f->element[j + 1]->str);
	}
	freeReplyObject(x);
}

static void plan_field(redisContext *c, const char *id, const char *field,
		       char *value, size_t size)
{
	event_field(c, "plan", id, field, value, size);
}

/* Each commitment a verifier prints equals the public plan's. */
static void same_as_plan(redisContext *c, const char *id, const char *said)
{
	static const char *const names[] = {"roster_digest", "items_digest",
					    "team_inputs_digest",
					    "outcome_digest"};
	for (int k = 0; k < 4; k++) {
		char want[160], line[200];
		plan_field(c, id, names[k], want, sizeof(want));
		cr_assert_eq(strlen(want), 64, "%s has no %s", id, names[k]);
		snprintf(line, sizeof(line), "%s %s\n", names[k], want);
		cr_assert(strstr(said, line), "%s: %s not as the plan's %s:\n%s",
			  id, names[k], want, said);
	}
}

static void both_verify(redisContext *c, const char *config,
			const char *dir, const char *id)
{
	char b[256];
	snprintf(b, sizeof(b), "%s/b-%s", dir, id);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "%s --bundle --out %s", INSPECTCTL_PATH, config, id, b),
		     0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH, b),
		     0, "%s: %s", id, out);
	same_as_plan(c, id, out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, b), 0, "%s: %s", id, out);
	cr_assert(strstr(out, "each visit's team and day"), "%s", out);
	same_as_plan(c, id, out);
	/* Load claimed for an inspector in teams.txt: the bundle may still
	 * be self-consistent, but it is no longer the one the plan committed
	 * to, and neither verifier says it is. */
	char want[160], line[200];
	plan_field(c, id, "team_inputs_digest", want, sizeof(want));
	snprintf(line, sizeof(line), "team_inputs_digest %s", want);
	run(out, sizeof(out), "cp -r %s %s-load && echo 'used r00 2026-12-21 "
	    "9' >> %s-load/teams.txt && %s verify %s-load; python3 "
	    "%s/../tools/verify.py %s-load", b, b, b, INSPECTCTL_PATH, b,
	    POLICIES_DIR, b);
	cr_assert_null(strstr(out, line), "%s", out);
	/* One team changed in outcome.csv: both refuse. */
	cr_assert_eq(run(out, sizeof(out), "cp -r %s %s-x && sed -i '2s/,[^,]*$"
			 "/,r00;z9/' %s-x/outcome.csv", b, b, b), 0);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s-x", INSPECTCTL_PATH, b),
		     1, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
			 "%s-x", POLICIES_DIR, b), 1, "%s", out);
	cr_assert(strstr(out, "DIFFERENCE: teams:"), "%s", out);
}

/* Both verifiers find a DIFFERENCE in dir/bundle that says `says`. */
static void refused_by_both(const char *dir, const char *bundle,
			    const char *says)
{
	cr_assert_eq(run(out, sizeof(out), "%s verify %s/%s", INSPECTCTL_PATH,
			 dir, bundle), 1, "%s", out);
	cr_assert(strstr(out, says), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
			 "%s/%s", POLICIES_DIR, dir, bundle), 1, "%s", out);
	cr_assert(strstr(out, says), "%s", out);
}

Test(teams, both_verifiers_rerun_every_kind_of_team_draw, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], policies[160];
	static char code[800][19];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 800, 37, pop);
	size_t n = codes_of(pop, code, 800);
	redisContext *c = redis_client(r.port);
	/* A policy of teams of three, besides the shipped ones. */
	snprintf(policies, sizeof(policies), "%s/policies", r.dir);
	cr_assert_eq(run(out, sizeof(out), "mkdir -p %s && cp %s/*.yaml %s && "
			 "printf 'name: team3\\ndesign: pps\\nsize: 40\\n"
			 "team_size: 3\\nclasses:\\n  A: {weight: 1}\\n  B: "
			 "{weight: 2}\\n  C: {weight: 10}\\n  D: {weight: 30}\\n'"
			 " > %s/team3.yaml && printf 'name: every\\ndesign: "
			 "stratified\\nteam_size: 2\\nclasses:\\n  A: {rate: 1}"
			 "\\n  B: {rate: 1}\\n  C: {rate: 1}\\n  D: {rate: 1}"
			 "\\n' > %s/every.yaml", policies, POLICIES_DIR, policies,
			 policies, policies), 0, "%s", out);
	rich_roster(c, code, n);
	daemon_start(&d, r.dir, r.port, "teams", policies, NULL);
	/* Joint (SAMR and MPA), two qualifications, conflicts. */
	submit(c, "type", "campaign", "id", "T1", "department", "SAMR-ZZ",
	       "policy", "team3", "items", "SC-017,YJ-004", "date",
	       "2026-12-14", "window", "2026-12-21..2027-01-08", "entropy",
	       "t1", NULL);
	assert_published(c, "T1");
	/* Tight: 14 visits of two on 30 inspector-days of a week. */
	tight_roster(c);
	submit(c, "type", "campaign", "id", "T2", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size", "14",
	       "date", "2026-12-14", "window", "2026-12-21..2026-12-25",
	       "entropy", "t2", NULL);
	assert_published(c, "T2");
	/* Chained: two campaigns on one district, the second on the same
	 * days (load) and on entities the first visited (previous teams). */
	rich_roster(c, code, n);
	submit(c, "type", "campaign", "id", "T3", "department", "SAMR-ZZ",
	       "policy", "team3", "items", "SC-031", "regions", "440304",
	       "size", "12", "date", "2026-12-14", "window",
	       "2026-12-21..2026-12-31", "entropy", "t3", NULL);
	assert_published(c, "T3");
	submit(c, "type", "campaign", "id", "T4", "department", "SAMR-ZZ",
	       "policy", "team3", "items", "SC-031", "regions", "440304",
	       "size", "12", "date", "2026-12-15", "window",
	       "2026-12-21..2026-12-31", "entropy", "t4", NULL);
	assert_published(c, "T4");
	redisReply *a = cmd(c, "GET {insp}:audit:T4");
	cr_assert(strstr(a->str, "\nused ") && strstr(a->str, "\nprevious "),
		  "T4 read no load or previous team:\n%s", a->str);
	freeReplyObject(a);
	/* Exactly tight: every visit of two districts, on one day. */
	exact_roster(c, in_district(pop, "440304"), in_district(pop, "410102"));
	submit(c, "type", "campaign", "id", "T5", "department", "SAMR-ZZ",
	       "policy", "every", "items", "SC-001", "regions",
	       "440304,410102", "date", "2026-12-14", "window",
	       "2027-01-11..2027-01-11", "entropy", "t5", NULL);
	assert_published(c, "T5");
	/* Two-phase: the roster and item list are committed at freeze time;
	 * a roster imported before the entropy does not change the teams. */
	rich_roster(c, code, n);
	submit(c, "type", "campaign", "id", "T6", "department", "SAMR-ZZ",
	       "policy", "team3", "items", "SC-017", "regions", "440304",
	       "size", "8", "date", "2026-12-16", "window",
	       "2027-01-18..2027-01-22", NULL);
	cr_assert(wait_status(c, "T6", "frozen", 20000));
	char frozen_roster[160], frozen_items[160], v[160];
	redisReply *fr = cmd(c, "HGET {insp}:campaign:T6 roster_digest");
	snprintf(frozen_roster, sizeof(frozen_roster), "%s", fr->str);
	freeReplyObject(fr);
	fr = cmd(c, "HGET {insp}:campaign:T6 items_digest");
	snprintf(frozen_items, sizeof(frozen_items), "%s", fr->str);
	freeReplyObject(fr);
	tight_roster(c);
	submit(c, "type", "entropy", "id", "T6", "entropy", "t6", NULL);
	assert_published(c, "T6");
	plan_field(c, "T6", "roster_digest", v, sizeof(v));
	cr_assert_str_eq(v, frozen_roster);
	plan_field(c, "T6", "items_digest", v, sizeof(v));
	cr_assert_str_eq(v, frozen_items);
	redisReply *vis = cmd(c, "HVALS {insp}:visits:T6");
	cr_assert_gt(vis->elements, 0);
	for (size_t i = 0; i < vis->elements; i++)
		cr_assert_eq(vis->element[i]->str[11], 'r', "%s",
			     vis->element[i]->str);
	freeReplyObject(vis);
	static const char *const ids[] = {"T1", "T2", "T3", "T4", "T5", "T6"};
	for (int k = 0; k < 6; k++)
		both_verify(c, d.config, r.dir, ids[k]);
	/* The chain: in publication order, each bundle's load and previous
	 * teams are those the outcomes before it give. */
	cr_assert_eq(run(out, sizeof(out), "cd %s && %s verify --chain b-T1 "
			 "b-T2 b-T3 b-T4 b-T5 b-T6", r.dir, INSPECTCTL_PATH), 0,
		     "%s", out);
	cr_assert(strstr(out, "verified: a chain of 6 bundles"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "cd %s && python3 %s/../tools/"
			 "verify.py --chain b-T1 b-T2 b-T3 b-T4 b-T5 b-T6",
			 r.dir, POLICIES_DIR), 0, "%s", out);
	cr_assert(strstr(out, "verified: a chain of 6 bundles"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "cd %s && python3 %s/../tools/"
			 "verify.py --chain b-T1 b-T2 b-T4", r.dir,
			 POLICIES_DIR), 1, "%s", out);
	cr_assert(strstr(out, "DIFFERENCE: b-T4: teams.txt "), "%s", out);
	/* Without T3, T4 claims load no bundle before it gives. */
	cr_assert_eq(run(out, sizeof(out), "cd %s && %s verify --chain b-T1 "
			 "b-T2 b-T4", r.dir, INSPECTCTL_PATH), 1, "%s", out);
	cr_assert(strstr(out, "DIFFERENCE: b-T4: teams.txt "), "%s", out);
	/* A claimed load, even in a bundle that verifies alone. */
	cr_assert_eq(run(out, sizeof(out), "cd %s && %s verify --chain b-T1 "
			 "b-T2 b-T3 b-T4-load", r.dir, INSPECTCTL_PATH), 1, "%s",
		     out);
	/* T1's items need food safety: an item list that says otherwise is
	 * not the one its departments and qualifications came from. */
	cr_assert_eq(run(out, sizeof(out), "cp -r %s/b-T1 %s/b-items && sed -i "
			 "'s/food-safety/special-equipment/' %s/b-items/items.yaml",
			 r.dir, r.dir, r.dir), 0, "%s", out);
	refused_by_both(r.dir, "b-items", "not those of its items");
	/* The disclosure names the items as the plan's item list did, not as
	 * a list edited since. */
	cr_assert_eq(run(out, sizeof(out), "sed 's/食品生产经营者落实/EDITED/' "
			 "%s/items/items.yaml > %s/items2.yaml && sed "
			 "'s|^items:.*|items: %s/items2.yaml|' %s > %s/c2.yaml && "
			 "%s export --config %s/c2.yaml --campaign T1 --format csv "
			 "--out %s/pub && grep -c 食品生产经营者落实 %s/pub/T1.csv",
			 POLICIES_DIR, r.dir, r.dir, d.config, r.dir,
			 INSPECTCTL_PATH, r.dir, r.dir, r.dir), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "grep -c EDITED %s/pub/T1.csv",
			 r.dir), 1, "%s", out);
	/* ...and a bundle whose item list was left out is not verified. */
	cr_assert_eq(run(out, sizeof(out), "cp -r %s/b-T1 %s/b-noitems && rm "
			 "%s/b-noitems/items.yaml", r.dir, r.dir, r.dir), 0);
	refused_by_both(r.dir, "b-noitems", "no items.yaml");
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}

/* Waits for campaign id to reach status; on failure, says where it is
 * and what the daemon logged last. */
static void reaches(redisContext *c, const struct daemon_proc *d,
		    const char *id, const char *status)
{
	if (wait_status(c, id, status, 20000))
		return;
	redisReply *e = cmd(c, "HGET {insp}:campaign:%s status", id);
	char *log = slurp(d->log);
	size_t n = log ? strlen(log) : 0;
	cr_assert_fail("%s is %s, not %s; the log ends:\n%s", id,
		       e->str ? e->str : "unknown", status,
		       log ? log + (n > 2000 ? n - 2000 : 0) : "");
}

/* A campaign its team draw refuses is refused on record: what the draw
 * read is committed in the public "rejected" event, its id is used up,
 * and its audit bundle re-runs the refusal in both verifiers. What no
 * entropy can staff is refused when frozen, before any entropy. */
Test(teams, a_refusal_is_on_record_and_verified, .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], want[3072], line[3200];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 800, 37, pop);
	redisContext *c = redis_client(r.port);
	tight_roster(c);
	daemon_start(&d, r.dir, r.port, "refusals", POLICIES_DIR, NULL);
	/* One-shot: 40 visits of two on the 30 inspector-days of a week. */
	submit(c, "type", "campaign", "id", "R1", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size", "40",
	       "date", "2026-12-14", "window", "2026-12-21..2026-12-25",
	       "entropy", "r1", NULL);
	reaches(c, &d, "R1", "rejected");
	redisReply *e = cmd(c, "HGET {insp}:campaign:R1 error");
	cr_assert(strstr(e->str, "inspector-days"), "%s", e->str);
	snprintf(want, sizeof(want), "%s", e->str);
	freeReplyObject(e);
	/* Two-phase, 40 visits on the same roster: refused when frozen. */
	submit(c, "type", "campaign", "id", "R2", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size", "40",
	       "date", "2026-12-14", "window", "2026-12-21..2026-12-25", NULL);
	reaches(c, &d, "R2", "rejected");
	e = cmd(c, "HGET {insp}:campaign:R2 error");
	cr_assert(strstr(e->str, "field size: 40 visits need 80 inspector-days;"
			 " the roster's active inspectors of the campaign's "
			 "departments offer 30 in the window's 5 working days"),
		  "%s", e->str);
	freeReplyObject(e);
	/* Two-phase, 10 visits (20 inspector-days of 30): frozen; then 8
	 * visits of another campaign take 16 of them before its entropy
	 * comes, and its draw refuses it. Its id is used up. */
	submit(c, "type", "campaign", "id", "R3", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size", "10",
	       "date", "2026-12-14", "window", "2026-12-21..2026-12-25", NULL);
	reaches(c, &d, "R3", "frozen");
	submit(c, "type", "campaign", "id", "R4", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size", "8",
	       "date", "2026-12-14", "window", "2026-12-21..2026-12-25",
	       "entropy", "r4", NULL);
	assert_published(c, "R4");
	submit(c, "type", "entropy", "id", "R3", "entropy", "r3", NULL);
	reaches(c, &d, "R3", "rejected");
	submit(c, "type", "entropy", "id", "R3", "entropy", "r3-again", NULL);
	cr_assert(wait_drained(c, 10000));
	e = cmd(c, "HGET {insp}:campaign:R3 entropy");
	cr_assert_str_eq(e->str, "r3");
	freeReplyObject(e);
	e = cmd(c, "XREVRANGE {insp}:public + - COUNT 1");
	cr_assert(strstr(e->element[0]->element[1]->element[7]->str,
			 "not waiting for entropy (rejected)"), "%s",
		  e->element[0]->element[1]->element[7]->str);
	freeReplyObject(e);
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "R4 --bundle --out %s/b-R4", INSPECTCTL_PATH, d.config,
			 r.dir), 0, "%s", out);
	static const char *const ids[] = {"R1", "R3"};
	for (int k = 0; k < 2; k++) {
		char b[256], v[3072];
		snprintf(b, sizeof(b), "%s/b-%s", r.dir, ids[k]);
		cr_assert_eq(run(out, sizeof(out), "%s export --config %s "
				 "--campaign %s --bundle --out %s",
				 INSPECTCTL_PATH, d.config, ids[k], b), 0, "%s",
			     out);
		cr_assert_eq(run(out, sizeof(out), "test -e %s/refusal.txt && "
				 "test ! -e %s/outcome.csv", b, b), 0);
		event_field(c, "rejected", ids[k], "reason", v, sizeof(v));
		snprintf(line, sizeof(line), "%s\n", v);
		for (int py = 0; py < 2; py++) {
			cr_assert_eq(run(out, sizeof(out), py ? "python3 %s/../"
					 "tools/verify.py %s" : "%s verify %s",
					 py ? POLICIES_DIR : INSPECTCTL_PATH, b),
				     0, "%s: %s", ids[k], out);
			cr_assert(strstr(out, "refuses"), "%s", out);
			cr_assert(strstr(out, py ? v : line), "%s", out);
			/* Each digest as the public refusal's. */
			static const char *const names[] = {
				"roster_digest", "items_digest",
				"team_inputs_digest", "seed"};
			for (int j = 0; j < 4; j++) {
				char dg[160];
				event_field(c, "rejected", ids[k], names[j], dg,
					    sizeof(dg));
				snprintf(line, sizeof(line), "%s %s", names[j],
					 dg);
				cr_assert(strlen(dg) == 64 && strstr(out, line),
					  "%s: %s", line, out);
			}
			snprintf(line, sizeof(line), "%s\n", v);
		}
	}
	/* R1's reason is the record's; a reason edited, a file edited
	 * without its MANIFEST line: both verifiers refuse. */
	event_field(c, "rejected", "R1", "reason", line, sizeof(line));
	cr_assert_str_eq(line, want);
	cr_assert_eq(run(out, sizeof(out), "cd %s && cp -r b-R1 b-why && sed "
			 "-i 's/offer [0-9]*/offer 31/' b-why/refusal.txt && "
			 "cp -r b-R1 b-file && echo '# note' >> "
			 "b-file/cn-2026.yaml", r.dir), 0, "%s", out);
	refused_by_both(r.dir, "b-why", "refusal: the team draw refuses with");
	refused_by_both(r.dir, "b-file", "cn-2026.yaml: its SHA-256 is");
	/* The chain, refusals included: R3 claims R4's load. */
	for (int py = 0; py < 2; py++) {
		cr_assert_eq(run(out, sizeof(out), py ? "cd %s && python3 %s/"
				 "../tools/verify.py --chain b-R1 b-R4 b-R3"
				 : "cd %s && %s verify --chain b-R1 b-R4 b-R3",
				 r.dir, py ? POLICIES_DIR : INSPECTCTL_PATH),
			     0, "%s", out);
		cr_assert(strstr(out, "verified: a chain of 3"), "%s", out);
		cr_assert_eq(run(out, sizeof(out), py ? "cd %s && python3 %s/"
				 "../tools/verify.py --chain b-R1 b-R3"
				 : "cd %s && %s verify --chain b-R1 b-R3",
				 r.dir, py ? POLICIES_DIR : INSPECTCTL_PATH),
			     1, "%s", out);
		cr_assert(strstr(out, "DIFFERENCE: b-R3: teams.txt claims"),
			  "%s", out);
	}
	daemon_signal(&d, SIGTERM);
	cr_assert_eq(daemon_wait(&d), 0);
	redisFree(c);
	redis_finish(&r);
}
