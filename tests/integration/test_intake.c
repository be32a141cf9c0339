/* inspectd against a real redis-server: what each kind of intake entry
 * gets. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct redis_proc redis;
static struct daemon_proc daemon1;
static redisContext *c;

static void up(size_t population)
{
	redis_start(&redis);
	load_population(redis.port, population, 1, NULL);
	c = redis_client(redis.port);
	daemon_start(&daemon1, redis.dir, redis.port, "d1", POLICIES_DIR, NULL);
}

static void down(void)
{
	daemon_signal(&daemon1, SIGTERM);
	cr_expect_eq(daemon_wait(&daemon1), 0, "inspectd did not stop cleanly");
	redisFree(c);
	redis_finish(&redis);
}

static char *field(const char *id, const char *name)
{
	static char out[128];
	redisReply *r = cmd(c, "HGET {insp}:campaign:%s %s", id, name);
	snprintf(out, sizeof(out), "%s",
		 r->type == REDIS_REPLY_STRING ? r->str : "");
	freeReplyObject(r);
	return out;
}

#define CAMPAIGN(id, ...)                                                  \
	submit(c, "type", "campaign", "id", id, "department", "SAMR-ZZ",   \
	       "policy", "henan-2021", "items", "SC-001", "date",          \
	       "2026-11-24", ##__VA_ARGS__, NULL)

Test(integration, one_shot_campaign_is_published_once, .init = NULL)
{
	up(20000);
	CAMPAIGN("C1", "entropy", "7 3 9");
	cr_assert(wait_status(c, "C1", "published", 10000));
	long long selected = atoll(field("C1", "selected"));
	cr_assert_gt(selected, 100);
	cr_assert_eq(atoll(field("C1", "population")), 20000);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), selected);
	/* plan + one entry per selected entity on the public stream */
	cr_assert_eq(cmd_int(c, "XLEN {insp}:public"), selected + 1);
	static char uscc[20000][64];
	size_t n = stream_values(c, "{insp}:dept:SAMR-ZZ", "uscc", uscc, 20000);
	cr_assert_eq((long long)n, selected);
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(strcmp(uscc[i - 1], uscc[i]), 0,
			     "tasks repeat or are out of order");
	/* Every task has its team (two members by default) and a visit day
	 * after the draw date, in the default window of 20 working days. */
	static char team[20000][64], day[20000][64];
	cr_assert_eq(stream_values(c, "{insp}:dept:SAMR-ZZ", "team", team,
				   20000), n);
	cr_assert_eq(stream_values(c, "{insp}:dept:SAMR-ZZ", "date", day,
				   20000), n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_not_null(strstr(team[i], ", "), "%s", team[i]);
		cr_assert(strcmp(day[i], "2026-11-24") > 0 &&
			  strcmp(day[i], "2026-12-23") < 0, "%s", day[i]);
	}
	/* The campaign's visits, with day and team, under its record. */
	cr_assert_str_eq(field("C1", "visits"), "{insp}:visits:C1");
	cr_assert_eq(cmd_int(c, "HLEN {insp}:visits:C1"), selected);
	redisReply *v = cmd(c, "HGET {insp}:visits:C1 %s", uscc[0]);
	cr_assert(v->type == REDIS_REPLY_STRING);
	cr_assert(strncmp(v->str, day[0], 10) == 0 &&
		  strstr(v->str, team[0]), "%s", v->str);
	freeReplyObject(v);
	/* The public record carries names, never class, score, flags or pi. */
	redisReply *r = cmd(c, "XRANGE {insp}:public - + COUNT 3");
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *f = r->element[i]->element[1];
		for (size_t k = 0; k < f->elements; k += 2) {
			const char *name = f->element[k]->str;
			cr_assert(strcmp(name, "class") && strcmp(name, "score")
				  && strcmp(name, "flags") && strcmp(name, "pi"),
				  "public field %s", name);
		}
	}
	freeReplyObject(r);
	cr_assert(wait_drained(c, 2000));
	down();
}

Test(integration, two_phase_commits_before_the_entropy)
{
	up(20000);
	CAMPAIGN("T1", "size", "50");
	cr_assert(wait_status(c, "T1", "frozen", 10000));
	char digest[128];
	snprintf(digest, sizeof(digest), "%s", field("T1", "population_digest"));
	cr_assert_eq(strlen(digest), 64);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), 0);
	static char types[4][64];
	cr_assert_eq(stream_values(c, "{insp}:public", "type", types, 4), 1);
	cr_assert_str_eq(types[0], "frozen");
	/* The grade index changes after the commitment: the draw must use the
	 * frozen population all the same. */
	load_population(redis.port, 5000, 2, NULL);
	submit(c, "type", "entropy", "id", "T1", "entropy", "31 41 59", NULL);
	cr_assert(wait_status(c, "T1", "published", 10000));
	cr_assert_str_eq(field("T1", "population_digest"), digest);
	cr_assert_eq(atoll(field("T1", "population")), 20000);
	cr_assert_str_eq(field("T1", "entropy"), "31 41 59");
	/* A second entropy for a drawn campaign is refused. */
	submit(c, "type", "entropy", "id", "T1", "entropy", "again", NULL);
	cr_assert(wait_drained(c, 5000));
	cr_assert_eq(cmd_int(c, "XLEN {insp}:intake:rejected"), 1);
	down();
}

Test(integration, a_used_campaign_id_is_never_drawn_again)
{
	up(5000);
	CAMPAIGN("D1", "entropy", "1");
	cr_assert(wait_status(c, "D1", "published", 10000));
	char seed[128], entry[128];
	snprintf(seed, sizeof(seed), "%s", field("D1", "seed"));
	snprintf(entry, sizeof(entry), "%s", field("D1", "entry"));
	long long tasks = cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ");
	CAMPAIGN("D1", "entropy", "2"); /* a re-roll attempt */
	cr_assert(wait_drained(c, 5000));
	cr_assert_str_eq(field("D1", "seed"), seed);
	cr_assert_str_eq(field("D1", "entry"), entry);
	cr_assert_eq(cmd_int(c, "XLEN {insp}:dept:SAMR-ZZ"), tasks);
	static char reasons[4][64];
	cr_assert_eq(stream_values(c, "{insp}:intake:rejected", "reason",
				   reasons, 4), 1);
	cr_assert(strstr(reasons[0], "field id: campaign D1 was already"),
		  "%s", reasons[0]);
	down();
}

/* Every malformed kind is answered with its reason, acknowledged and set
 * aside; a good campaign after them is still published. */
Test(integration, malformed_entries_are_answered_and_set_aside)
{
	up(3000);
	submit(c, "id", "M0", NULL);
	submit(c, "type", "plan", "id", "M1", NULL);
	CAMPAIGN("M2", "colour", "red");
	CAMPAIGN("M3", "size", "ten");
	submit(c, "type", "campaign", "id", "M4", "department", "X",
	       "policy", "no-such-policy", "items", "A", NULL);
	CAMPAIGN("M5", "regions", "99");
	submit(c, "type", "campaign", "id", "M6", "department", "X", "policy",
	       "city-capacity-pps", "items", "SC-001", "size", "999999",
	       "entropy", "1", NULL);
	submit(c, "type", "entropy", "id", "M7", "entropy", "1", NULL);
	CAMPAIGN("M8", "window", "2026-12-31..2026-12-01");
	CAMPAIGN("bad id!");
	CAMPAIGN("OK1", "entropy", "5");
	cr_assert(wait_status(c, "OK1", "published", 10000));
	cr_assert(wait_drained(c, 5000));
	static char reasons[16][64], ids[32][64];
	size_t n = stream_values(c, "{insp}:intake:rejected", "reason", reasons,
				 16);
	cr_assert_eq(n, 10);
	const char *want[] = {
		"field type: missing", "field type: must be campaign or entropy",
		"field colour: not a field of a campaign entry",
		"field size: is not a whole number",
		"field policy: no policy named no-such-policy",
		"fields regions, industries, flags: the scope holds no entities",
		"field size: size 999999 is above the ",
		"field id: campaign M7 is not waiting for entropy",
		"field window: ends before it starts", "field id: must be"};
	for (size_t i = 0; i < 10; i++)
		cr_assert(strncmp(reasons[i], want[i], strlen(want[i])) == 0,
			  "entry %zu: '%s', expected '%s'", i, reasons[i],
			  want[i]);
	/* A refused campaign is public too, on record under its id; an entry
	 * that is no valid entry at all names no campaign: no record, no
	 * public event, its reason kept 30 days under its id if it gave a
	 * valid one. */
	static char types[32][64];
	n = stream_values(c, "{insp}:public", "campaign", ids, 32);
	stream_values(c, "{insp}:public", "type", types, 32);
	size_t refused = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(types[i], "rejected")) {
			refused++;
			cr_assert(strchr("4567", ids[i][1]) && ids[i][0] == 'M',
				  "%s", ids[i]);
		}
	cr_assert_eq(refused, 4);
	/* M6 was refused by its draw: its event names the population it was
	 * drawn from (the generation of the grades, the digests). */
	static char gens[4][64];
	cr_assert_eq(stream_values(c, "{insp}:public", "generation", gens, 4), 1);
	cr_assert_gt(atoll(gens[0]), 0, "%s", gens[0]);
	cr_assert(strstr(field("M4", "error"), "no policy named"));
	cr_assert_str_eq(field("M3", "status"), "");
	redisReply *why = cmd(c, "GET {insp}:refused:M3");
	cr_assert(why->type == REDIS_REPLY_STRING &&
		  !strncmp(why->str, "field size: is not a whole number", 33));
	freeReplyObject(why);
	cr_assert_gt(cmd_int(c, "TTL {insp}:refused:M3"), 29 * 86400);
	/* Answered entries leave the intake stream. */
	cr_assert_eq(cmd_int(c, "XLEN {insp}:intake"), 0);
	down();
}

/* One core, two shells: the daemon's selection equals inspectctl draw on
 * the same population as a CSV file. */
Test(integration, daemon_draw_equals_inspectctl_draw)
{
	redis_start(&redis);
	char csv[128], cmdline[512];
	snprintf(csv, sizeof(csv), "%s/pop.csv", redis.dir);
	load_population(redis.port, 30000, 9, csv);
	c = redis_client(redis.port);
	daemon_start(&daemon1, redis.dir, redis.port, "d1", POLICIES_DIR, NULL);
	submit(c, "type", "campaign", "id", "SAME-1", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "size",
	       "700", "date", "2026-11-24", "entropy", "2718", NULL);
	cr_assert(wait_status(c, "SAME-1", "published", 10000));
	snprintf(cmdline, sizeof(cmdline),
		 "%s draw --policy %s/city-capacity-pps.yaml --population %s "
		 "--campaign SAME-1 --entropy 2718 --date 2026-11-24 "
		 "--size 700 2>/dev/null | tail -n +2 | cut -d, -f1",
		 INSPECTCTL_PATH, POLICIES_DIR, csv);
	FILE *p = popen(cmdline, "r");
	static char cli[1000][64], dmn[1000][64];
	size_t n = 0;
	while (n < 1000 && fgets(cli[n], 64, p))
		cli[n][strcspn(cli[n], "\n")] = '\0', n++;
	pclose(p);
	size_t m = stream_values(c, "{insp}:dept:SAMR-ZZ", "uscc", dmn, 1000);
	cr_assert_eq(n, 700);
	cr_assert_eq(m, 700);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(cli[i], dmn[i], "entity %zu", i);
	down();
}

/* An entry whose publication fails every time (here a department key that
 * is not a stream) is refused with the reason after a few attempts: it
 * neither loops nor is lost, and nothing of it is half published. */
Test(integration, an_unpublishable_entry_is_refused_not_retried_forever)
{
	up(3000);
	redisReply *x = cmd(c, "SET {insp}:dept:BROKEN not-a-stream");
	freeReplyObject(x);
	submit(c, "type", "campaign", "id", "P1", "department", "BROKEN",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-11-24",
	       "entropy", "1", NULL);
	CAMPAIGN("OK2", "entropy", "2");
	cr_assert(wait_status(c, "OK2", "published", 20000));
	cr_assert(wait_drained(c, 20000));
	static char reasons[4][64];
	cr_assert_eq(stream_values(c, "{insp}:intake:rejected", "reason",
				   reasons, 4), 1);
	cr_assert(strstr(reasons[0], "could not be answered after 5"),
		  "%s", reasons[0]);
	cr_assert_str_eq(field("P1", "status"), "");
	/* The public stream has OK2's plan and entities, and P1's refusal
	 * only: no half of P1. */
	static char types[8192][64];
	size_t n = stream_values(c, "{insp}:public", "type", types, 8192);
	size_t plans = 0;
	for (size_t i = 0; i < n; i++)
		plans += strcmp(types[i], "plan") == 0;
	cr_assert_eq(plans, 1);
	cr_assert_eq((long long)n, atoll(field("OK2", "selected")) + 2);
	down();
}

/* The second random in the daemon: a joint campaign sends one inspector of
 * each department; an item off the list, or a plan the roster cannot
 * staff, is refused with its reason; capacity holds across campaigns. */
Test(integration, teams_for_joint_campaigns_and_refusals)
{
	up(3000);
	CAMPAIGN("J1", "entropy", "1"); /* warm-up: SAMR-ZZ only */
	submit(c, "type", "campaign", "id", "J2", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001,YJ-004", "date",
	       "2026-11-24", "entropy", "2", NULL);
	submit(c, "type", "campaign", "id", "J3", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-999", "date", "2026-11-24",
	       "entropy", "3", NULL);
	cr_assert(wait_status(c, "J2", "published", 10000));
	cr_assert(wait_drained(c, 5000));
	cr_assert_str_eq(field("J3", "status"), "rejected");
	cr_assert_str_eq(field("J3", "error"),
			 "field items: SC-999 is not on the item list");
	/* In J2 every team holds an MPA-ZZ inspector (ids t..9, badges
	 * B...9) and a SAMR-ZZ one. */
	static char team[4096][64];
	size_t n = stream_values(c, "{insp}:dept:SAMR-ZZ", "team", team, 4096);
	/* (64 bytes hold three members' "name badge": 19 bytes each.) */
	long long j1 = atoll(field("J1", "selected"));
	cr_assert_gt((long long)n, j1);
	for (size_t i = (size_t)j1; i < n; i++)
		cr_assert_not_null(strstr(team[i], "9 B"), "%s", team[i]);
	/* The per-day load counts every member of every task of both
	 * campaigns, once. */
	long long load = 0, members = 0;
	for (size_t i = 0; i < n; i++) /* "a 1, b 2" or, for YJ-004 without
					 * a pharmacist yet, three members */
		for (const char *p = team[i]; p; p = strchr(p + 1, ','))
			members++;
	redisReply *days = cmd(c, "KEYS {insp}:load:*");
	for (size_t k = 0; k < days->elements; k++) {
		redisReply *h = cmd(c, "HVALS %s", days->element[k]->str);
		for (size_t i = 0; i < h->elements; i++)
			load += atoll(h->element[i]->str);
		freeReplyObject(h);
	}
	freeReplyObject(days);
	cr_assert_eq(load, members, "load %lld, members %lld", load, members);
	/* A roster of two inspectors with capacity 1 cannot staff a campaign
	 * of hundreds of visits: refused, naming the bottleneck. */
	redisReply *x = cmd(c, "SET {insp}:roster %s",
			    "id,name,badge,department,jurisdictions,"
			    "qualifications,daily_capacity,conflicts,active\n"
			    "a,甲,1,SAMR-ZZ,4,,1,,1\nb,乙,2,SAMR-ZZ,4,,1,,1\n");
	freeReplyObject(x);
	CAMPAIGN("J4", "entropy", "4");
	cr_assert(wait_drained(c, 10000));
	cr_assert_str_eq(field("J4", "status"), "rejected");
	cr_assert(strstr(field("J4", "error"), "inspector-days"), "%s",
		  field("J4", "error"));
	/* Capacity across campaigns: the per-day load never passes 1. */
	x = cmd(c, "KEYS {insp}:load:*");
	for (size_t k = 0; k < x->elements; k++) {
		redisReply *h = cmd(c, "HGET %s a", x->element[k]->str);
		cr_assert(h->type == REDIS_REPLY_NIL, "the refused plan left "
			  "load behind");
		freeReplyObject(h);
	}
	freeReplyObject(x);
	down();
}
