/* Disclosure and verification against a real redis-server and inspectd:
 * inspectctl export writes what the public may see and nothing else;
 * inspectctl verify and the independent tools/verify.py re-run a draw
 * from its audit bundle and refuse a tampered one; the HTML page works in
 * a real browser. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

struct fixture {
	struct redis_proc r;
	struct daemon_proc d;
	redisContext *c;
	char ctl[512]; /* inspectctl with the daemon's configuration */
	char pop[160]; /* the population CSV */
};

static void start(struct fixture *f)
{
	redis_start(&f->r);
	snprintf(f->pop, sizeof(f->pop), "%s/pop.csv", f->r.dir);
	load_population(f->r.port, 4000, 31, f->pop);
	f->c = redis_client(f->r.port);
	daemon_start(&f->d, f->r.dir, f->r.port, "exporter", POLICIES_DIR,
		     NULL);
	snprintf(f->ctl, sizeof(f->ctl), "%s %%s --config %s", INSPECTCTL_PATH,
		 f->d.config);
	/* E1: one-shot, teams not disclosed by its policy; visits in the
	 * past so results can be dated in its window. */
	submit(f->c, "type", "campaign", "id", "E1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "date", "2026-10-09",
	       "window", "2026-10-12..2026-10-23", "entropy", "7 3 9 1", NULL);
	/* E2: two-phase, with a policy that names the teams. */
	submit(f->c, "type", "campaign", "id", "E2", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-001", "date",
	       "2026-11-02", NULL);
	/* E3: pps with a size of its own, over one city's entities. */
	submit(f->c, "type", "campaign", "id", "E3", "department", "SAMR-ZZ",
	       "policy", "city-capacity-pps", "items", "SC-001", "regions",
	       "4101", "size", "60", "date", "2026-11-02", "entropy", "e3",
	       NULL);
	cr_assert(wait_status(f->c, "E1", "published", 20000));
	cr_assert(wait_status(f->c, "E3", "published", 20000));
	cr_assert(wait_status(f->c, "E2", "frozen", 20000));
	submit(f->c, "type", "entropy", "id", "E2", "entropy", "20261102", NULL);
	cr_assert(wait_status(f->c, "E2", "published", 20000));
}

static void stop(struct fixture *f)
{
	daemon_signal(&f->d, SIGTERM);
	cr_assert_eq(daemon_wait(&f->d), 0);
	redisFree(f->c);
	redis_finish(&f->r);
}

/* inspectctl with its arguments, run; the status. */
static int ctl(const struct fixture *f, char *out, size_t size,
	       const char *args)
{
	char cmdline[2048];
	snprintf(cmdline, sizeof(cmdline), f->ctl, args);
	return run(out, size, "%s", cmdline);
}

/* One result per visit for the first n visits of E1 (date = the visit's
 * day, first member), answered before returning. */
static void post_results(struct fixture *f, size_t n)
{
	redisReply *h = cmd(f->c, "HGETALL {insp}:visits:E1");
	size_t posted = 0;
	for (size_t i = 0; i + 1 < h->elements && posted < n; i += 2) {
		const char *v = h->element[i + 1]->str;
		char date[11], id[40];
		memcpy(date, v, 10);
		date[10] = '\0';
		sscanf(v + 11, "%39[^;\x1f]", id);
		freeReplyObject(cmd(f->c, "XADD {insp}:results * campaign E1 "
				    "uscc %s inspector %s date %s result %s",
				    h->element[i]->str, id, date,
				    posted % 2 ? "02" : "01"));
		posted++;
	}
	freeReplyObject(h);
	for (int t = 0; t < 200 && cmd_int(f->c, "HLEN {insp}:results:E1") <
					     (long long)posted; t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(f->c, "HLEN {insp}:results:E1"), (long long)posted);
}

Test(export, the_disclosure_holds_what_the_public_may_see, .timeout = 180)
{
	struct fixture f;
	static char out[1 << 16];
	char args[512], path[256];
	start(&f);
	post_results(&f, 6);
	long long selected = cmd_int(f.c, "HGET {insp}:campaign:E1 selected");
	for (int k = 0; k < 3; k++) {
		static const char *const fmt[] = {"csv", "json", "html"};
		snprintf(args, sizeof(args), "export --campaign E1 --format %s "
			 "--out %s/public", fmt[k], f.r.dir);
		cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	}
	snprintf(path, sizeof(path), "%s/public/E1.csv", f.r.dir);
	char *csv = slurp(path);
	cr_assert(!strncmp(csv, "campaign,department,agency,task_type,items,window,"
			   "calendar,uscc,name,date,result,result_text,"
			   "result_date,corrected,objection,objection_date,"
			   "publication_ended,follow_up,follow_up_date\r\n", 184),
		  "%.190s", csv);
	cr_assert(strstr(csv, ",SAMR-ZZ,郑州市市场监督管理局,"), "%.300s", csv);
	cr_assert_eq((long long)count_of(csv, "\r\n"), selected + 1);
	cr_assert_eq(count_of(csv, ",01,未发现问题,"), 3);
	cr_assert_eq(count_of(csv, ",02,未按规定公示应当公示的信息,"), 3);
	cr_assert(strstr(csv, "SC-001 "), "the item's code and name");
	/* Nothing private: no column for class, score, flags or pi, and no
	 * inspector (henan-2021 does not disclose teams). */
	static const char *const private_words[] = {"class", "score", "flags",
						    "\"pi\"", ",pi,", "team"};
	for (size_t i = 0; i < 6; i++)
		cr_assert_null(strstr(csv, private_words[i]), "%s",
			       private_words[i]);
	free(csv);
	snprintf(path, sizeof(path), "%s/public/E1.json", f.r.dir);
	char *json = slurp(path);
	static const char *const private_keys[] = {"\"class\"", "\"score\"",
						   "\"flags\"", "\"pi\"",
						   "\"team\""};
	for (size_t i = 0; i < 5; i++)
		cr_assert_null(strstr(json, private_keys[i]), "%s",
			       private_keys[i]);
	free(json);
	/* The JSON parses, has every visit, and only the public keys. */
	cr_assert_eq(run(out, sizeof(out), "python3 -c 'import json,sys; "
			 "d=json.load(open(sys.argv[1])); "
			 "keys={k for v in d[\"visits\"] for k in v}; "
			 "assert keys <= {\"uscc\",\"name\",\"date\",\"result\"}, keys; "
			 "print(len(d[\"visits\"]))' %s", path), 0, "%s", out);
	cr_assert_eq(atoll(out), selected);
	snprintf(path, sizeof(path), "%s/public/E1.html", f.r.dir);
	char *html = slurp(path);
	cr_assert(strstr(html, "<html lang=\"zh-CN\">") &&
		  strstr(html, "<meta charset=\"utf-8\">"));
	cr_assert_eq((long long)count_of(html, "<tr data-result="), selected);
	cr_assert_null(strstr(html, "检查人员"));
	free(html);
	/* The national record: the six visits that took place, by the
	 * agency's name. */
	snprintf(args, sizeof(args), "export --campaign E1 --format "
		 "national-csv --out %s/public", f.r.dir);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	snprintf(path, sizeof(path), "%s/public/E1.national.csv", f.r.dir);
	csv = slurp(path);
	cr_assert(!strncmp(csv, "统一社会信用代码,企业名称,检查实施机关,类型,日期,"
			   "结果\r\n", 70), "%.100s", csv);
	cr_assert_eq(count_of(csv, "\r\n"), 7, "%s", csv);
	cr_assert_eq(count_of(csv, ",郑州市市场监督管理局,"), 6, "%s", csv);
	cr_assert_eq(count_of(csv, ",未发现问题\r\n"), 3, "%s", csv);
	free(csv);
	snprintf(args, sizeof(args), "export --campaign E1 --format "
		 "national-json --out %s/public", f.r.dir);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 -c 'import json,sys; "
			 "d=json.load(open(sys.argv[1])); "
			 "print(len(d[\"records\"]))' %s/public/E1.national.json",
			 f.r.dir), 0, "%s", out);
	cr_assert_eq(atoll(out), 6, "%s", out);
	/* E2's policy names the teams. */
	snprintf(args, sizeof(args), "export --campaign E2 --format csv --out "
		 "%s/public", f.r.dir);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	snprintf(path, sizeof(path), "%s/public/E2.csv", f.r.dir);
	csv = slurp(path);
	cr_assert(strstr(csv, ",date,team,result,"), "%.100s", csv);
	free(csv);
	/* An unknown campaign is refused with its reason. */
	cr_assert_eq(ctl(&f, out, sizeof(out), "export --campaign NOPE "
			 "--format csv --out /tmp"), 2);
	cr_assert(strstr(out, "campaign NOPE is unknown"), "%s", out);
	stop(&f);
}

Test(export, overdue_lists_results_due_and_late, .timeout = 180)
{
	struct fixture f;
	static char out[1 << 16];
	start(&f);
	post_results(&f, 4);
	long long selected = cmd_int(f.c, "HGET {insp}:campaign:E1 selected");
	/* On 2026-10-26 (Monday) nothing is due yet: visits of 12-23 Oct
	 * are due 20 working days later, after the National Day week is
	 * long past. On 2026-12-31 every visit without a result is overdue. */
	cr_assert_eq(ctl(&f, out, sizeof(out), "overdue --campaign E1 --date "
			 "2026-10-26 --within 3"), 0, "%s", out);
	char want[256];
	/* The results came in today, after their deadlines: late. */
	snprintf(want, sizeof(want), "campaign E1: %lld visits: 0 on time, 4 "
		 "late, %lld pending, 0 at risk, 0 overdue", selected,
		 selected - 4);
	cr_assert(strstr(out, want), "%s\nwanted %s", out, want);
	cr_assert_eq(ctl(&f, out, sizeof(out), "overdue --campaign E1 --date "
			 "2026-12-31"), 0, "%s", out);
	snprintf(want, sizeof(want), "0 pending, 0 at risk, %lld overdue",
		 selected - 4);
	cr_assert(strstr(out, want), "%s\nwanted %s", out, want);
	cr_assert_eq((long long)count_of(out, "  overdue\n"), selected - 4);
	stop(&f);
}

/* Edits file `name` of bundle dir with sed expression expr into a copy. */
static void tamper(const char *dir, const char *copy, const char *name,
		   const char *expr)
{
	char out[1024];
	cr_assert_eq(run(out, sizeof(out), "rm -rf %s && cp -r %s %s && sed -i "
			 "'%s' %s/%s && ! cmp -s %s/%s %s/%s", copy, dir, copy,
			 expr, copy, name, dir, name, copy, name), 0,
		     "tamper %s with %s: %s", name, expr, out);
}

Test(export, bundles_verify_and_tampering_is_caught, .timeout = 300)
{
	struct fixture f;
	static char out[1 << 16];
	char args[1024], dir[3][200], copy[200];
	start(&f);
	const char *ids[3] = {"E1", "E2", "E3"};
	for (int k = 0; k < 3; k++) {
		snprintf(dir[k], sizeof(dir[k]), "%s/bundle-%s", f.r.dir, ids[k]);
		snprintf(args, sizeof(args), "export --campaign %s --bundle --out "
			 "%s", ids[k], dir[k]);
		cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
		cr_assert_eq(run(out, sizeof(out), "%s verify %s",
				 INSPECTCTL_PATH, dir[k]), 0, "%s", out);
		cr_assert(!strncmp(out, "verified: campaign ", 19), "%s", out);
		/* The independent verifier agrees, byte for byte. */
		cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
				 "%s", POLICIES_DIR, dir[k]), 0, "%s", out);
		cr_assert(strstr(out, "verified"), "%s", out);
		cr_assert_null(strstr(out, "note:"), "it read policy.yaml: %s",
			       out);
		/* ...and prints the selection, byte for byte outcome.csv's. */
		cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
				 "%s --print | grep -v '^verified' >%s/py.txt && "
				 "tail -n +2 %s/outcome.csv | cut -d, -f1 >%s/c.txt && "
				 "cmp %s/py.txt %s/c.txt", POLICIES_DIR, dir[k], f.r.dir,
				 dir[k], f.r.dir, f.r.dir, f.r.dir), 0, "%s", out);
	}
	/* Populations are archived once each, under their digest; nothing
	 * of them, nor of the rosters, item lists and calendars the plans
	 * read, stays in Redis. */
	char digests[3][80];
	int distinct = 0;
	for (int k = 0; k < 3; k++) {
		redisReply *x = cmd(f.c, "HGET {insp}:campaign:%s population_digest",
				    ids[k]);
		snprintf(digests[k], sizeof(digests[k]), "%s", x->str);
		freeReplyObject(x);
		cr_assert_eq(run(out, sizeof(out), "test -s %s/archive/population/"
				 "%.2s/%s.zst", f.r.dir, digests[k], digests[k]),
			     0, "%s", digests[k]);
		bool seen = false;
		for (int j = 0; j < k; j++)
			seen |= !strcmp(digests[j], digests[k]);
		distinct += !seen;
	}
	/* Two campaigns frozen from the same population share one copy. */
	submit(f.c, "type", "campaign", "id", "X1", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "regions", "4101",
	       "date", "2026-11-02", NULL);
	submit(f.c, "type", "campaign", "id", "X2", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-001", "regions",
	       "4101", "date", "2026-11-02", NULL);
	cr_assert(wait_status(f.c, "X1", "frozen", 20000));
	cr_assert(wait_status(f.c, "X2", "frozen", 20000));
	redisReply *d1 = cmd(f.c, "HGET {insp}:campaign:X1 population_digest");
	redisReply *d2 = cmd(f.c, "HGET {insp}:campaign:X2 population_digest");
	cr_assert_str_eq(d1->str, d2->str);
	bool seen = false;
	for (int j = 0; j < 3; j++)
		seen |= !strcmp(digests[j], d1->str);
	distinct += !seen;
	freeReplyObject(d1);
	freeReplyObject(d2);
	cr_assert_eq(run(out, sizeof(out), "ls %s/archive/population/*/*.zst "
			 "| wc -l", f.r.dir), 0);
	cr_assert_eq(atoi(out), distinct, "%s", out);
	static const char *const gone[] = {"population:*", "roster:*",
					   "items:*", "calendar:*"};
	for (int k = 0; k < 4; k++) {
		redisReply *keys = cmd(f.c, "KEYS {insp}:%s", gone[k]);
		cr_assert_eq(keys->elements, 0, "%s", gone[k]);
		freeReplyObject(keys);
	}
	snprintf(copy, sizeof(copy), "%s/tampered", f.r.dir);
	/* Each change makes both verifiers fail with the right reason. */
	static const struct {
		const char *file, *expr, *c_says, *py_says;
	} cases[] = {
		/* an entity's class (line 3: the second entity) */
		{"population.csv", "3s/^\\([^,]*\\),[ABCD],/\\1,X,/",
		 "population.csv", "population"},
		{"population.csv", "3s/^\\([^,]*\\),A,/\\1,B,/;t;3s/^\\([^,]*\\),[BCD],/\\1,A,/",
		 "population digest", "population digest"},
		/* a flag added to an entity without flags */
		{"population.csv", "0,/^\\([^,]*,[^,]*,[^,]*,[^,]*,[^,]*\\),,/s//\\1,B,/",
		 "population digest", "population digest"},
		{"MANIFEST", "s/^entropy: .*/entropy: 42/", "seed:", "seed"},
		/* the outcome's first selected entity swapped for another */
		{"outcome.csv", "2s/^[^,]*/91110000000000001X/", "selection",
		 "selection"},
		/* the policy's numbers */
		{"policy.txt", "s/certain 1/certain 0/", "policy.txt",
		 "policy.txt"},
		/* a team member swapped */
		{"outcome.csv", "2s/,[^,;]*;/,nobody;/", "teams:", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		tamper(dir[0], copy, cases[i].file, cases[i].expr);
		cr_assert_eq(run(out, sizeof(out), "%s verify %s",
				 INSPECTCTL_PATH, copy), 1, "case %zu: %s", i, out);
		cr_assert(strstr(out, cases[i].c_says), "case %zu: %s", i, out);
		if (!cases[i].py_says)
			continue;
		cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py "
				 "%s", POLICIES_DIR, copy), 1, "case %zu: %s", i,
			     out);
		cr_assert(strstr(out, cases[i].py_says), "case %zu: %s", i, out);
	}
	/* The population edited after the draw, its digest re-stated to
	 * match: the seed, drawn from the published digest, no longer does. */
	tamper(dir[0], copy, "population.csv", "3s/^\\([^,]*\\),A,/\\1,B,/;t;"
	       "3s/^\\([^,]*\\),[BCD],/\\1,A,/");
	cr_assert_eq(run(out, sizeof(out), "d=$(sha256sum %s/population.csv | "
			 "cut -c1-64) && sed -i \"s/^population_digest: .*/"
			 "population_digest: $d/\" %s/MANIFEST", copy, copy), 0);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 copy), 1, "%s", out);
	cr_assert(strstr(out, "seed:"), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, copy), 1, "%s", out);
	cr_assert(strstr(out, "seed"), "%s", out);
	stop(&f);
}

/* The archive entry of kind (population, roster...) of campaign id's
 * record field into path. */
static void entry_of(struct fixture *f, const char *id, const char *kind,
		     const char *field, char *path, size_t size)
{
	redisReply *x = cmd(f->c, "HGET {insp}:campaign:%s %s", id, field);
	cr_assert_eq(x->type, REDIS_REPLY_STRING);
	snprintf(path, size, "%s/archive/%s/%.2s/%s.zst", f->r.dir, kind,
		 x->str, x->str);
	freeReplyObject(x);
}

/* A damaged archive entry: the bundle is not exported (so nothing can
 * be verified from it), and the error names the entry's path and what is
 * wrong; a frozen campaign whose population is gone is refused so. */
Test(export, a_damaged_archive_entry_is_an_error_not_a_bundle,
     .timeout = 180)
{
	struct fixture f;
	static char out[1 << 16];
	char args[512], pop[512], roster[512], bundle[256];
	start(&f);
	snprintf(bundle, sizeof(bundle), "%s/bundle", f.r.dir);
	snprintf(args, sizeof(args), "export --campaign E2 --bundle --out %s",
		 bundle);
	entry_of(&f, "E2", "population", "population_digest", pop,
		 sizeof(pop));
	entry_of(&f, "E2", "roster", "roster_digest", roster, sizeof(roster));
	/* A bit flipped in the middle of the compressed population. */
	cr_assert_eq(run(out, sizeof(out), "cp %s %s.good && n=$(($(stat -c "
			 "%%s %s) / 2)) && printf '\\x5a' | dd of=%s bs=1 "
			 "seek=$n conv=notrunc status=none && ! cmp -s %s "
			 "%s.good", pop, pop, pop, pop, pop, pop), 0, "%s",
		     out);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 1, "%s", out);
	cr_assert(strstr(out, pop), "%s", out);
	cr_assert(strstr(out, "is corrupt: decompression failed"), "%s", out);
	cr_assert_neq(run(out, sizeof(out), "test -e %s/MANIFEST", bundle), 0);
	cr_assert_neq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			  bundle), 0, "%s", out);
	/* Cut short. */
	cr_assert_eq(run(out, sizeof(out), "head -c 100 %s.good > %s", pop,
			 pop), 0);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 1, "%s", out);
	cr_assert(strstr(out, pop) && strstr(out, "is corrupt"), "%s", out);
	/* Whole, but another content under the name. */
	cr_assert_eq(run(out, sizeof(out), "cp %s %s", roster, pop), 0);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 1, "%s", out);
	cr_assert(strstr(out, pop) && strstr(out, "does not match its digest"),
		  "%s", out);
	/* Restored, the bundle exports and verifies; the roster missing, it
	 * does not. */
	cr_assert_eq(run(out, sizeof(out), "mv %s.good %s", pop, pop), 0);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 bundle), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "rm -r %s && mv %s %s.away", bundle,
			 roster, roster), 0);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 1, "%s", out);
	cr_assert(strstr(out, roster) && strstr(out, "is missing"), "%s", out);
	cr_assert_neq(run(out, sizeof(out), "test -e %s/MANIFEST", bundle), 0);
	/* A frozen campaign's entropy, its archived population gone: the
	 * entry is refused with the entry named, the campaign stays frozen;
	 * the entry restored (from a backup), the entropy draws it. */
	submit(f.c, "type", "campaign", "id", "X3", "department", "SAMR-ZZ",
	       "policy", "henan-2021", "items", "SC-001", "regions", "4101",
	       "date", "2026-11-02", NULL);
	cr_assert(wait_status(f.c, "X3", "frozen", 20000));
	entry_of(&f, "X3", "population", "population_digest", pop,
		 sizeof(pop));
	cr_assert_eq(run(out, sizeof(out), "mv %s %s.away", pop, pop), 0);
	long long refused = cmd_int(f.c, "XLEN {insp}:intake:rejected");
	submit(f.c, "type", "entropy", "id", "X3", "entropy", "1", NULL);
	for (int t = 0; t < 400 && cmd_int(f.c, "XLEN {insp}:intake:rejected") ==
					     refused; t++)
		sleep_ms(50);
	redisReply *e = cmd(f.c, "XREVRANGE {insp}:intake:rejected + - COUNT 1");
	cr_assert_eq(e->elements, 1);
	const redisReply *fields = e->element[0]->element[1];
	const char *reason = "";
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (!strcmp(fields->element[i]->str, "reason"))
			reason = fields->element[i + 1]->str;
	cr_assert(strstr(reason, "the frozen population is lost: archive "
			 "entry ") && strstr(reason, pop) &&
		  strstr(reason, "is missing"), "%s", reason);
	freeReplyObject(e);
	cr_assert(wait_status(f.c, "X3", "frozen", 1000));
	cr_assert_eq(run(out, sizeof(out), "mv %s.away %s", pop, pop), 0);
	submit(f.c, "type", "entropy", "id", "X3", "entropy", "1", NULL);
	cr_assert(wait_status(f.c, "X3", "published", 20000));
	stop(&f);
}

/* Copies kept in Redis before the archive (populations in chunks, rosters,
 * item lists and calendars under their digests) are moved into it by
 * tools/archive_legacy.sh: the bundle exports and verifies again, the
 * keys are gone; a copy that does not match its name is left. */
Test(export, copies_kept_in_redis_before_move_into_the_archive,
     .timeout = 180)
{
	struct fixture f;
	static char out[1 << 16];
	char args[512], bundle[256], sh[4096];
	start(&f);
	snprintf(bundle, sizeof(bundle), "%s/bundle", f.r.dir);
	snprintf(args, sizeof(args), "export --campaign E2 --bundle --out %s",
		 bundle);
	/* E2's copies as an inspectd before the archive kept them: the
	 * population in two chunks and its count. */
	snprintf(sh, sizeof(sh),
		 "set -e; cd %s; p=%s; rc() { redis-cli -p %d \"$@\" >/dev/null; }; "
		 "for f in archive/*/*/*.zst; do k=${f#archive/}; "
		 "kind=${k%%%%/*}; h=$(basename $f .zst); zstd -dcq $f >c; "
		 "if [ $kind = population ]; then "
		 "head -c 1000 c | rc -x SET \"${p}population:$h:0\"; "
		 "tail -c +1001 c | rc -x SET \"${p}population:$h:1\"; "
		 "rc SET \"${p}population:$h\" 2; "
		 "else rc -x SET \"$p$kind:$h\" <c; fi; done; "
		 "mv archive archive.before",
		 f.r.dir, "{insp}:", f.r.port);
	cr_assert_eq(run(out, sizeof(out), "%s", sh), 0, "%s", out);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 1, "%s", out);
	cr_assert(strstr(out, "is missing"), "%s", out);
	/* One more copy whose content is not its name. */
	char altered[128];
	snprintf(altered, sizeof(altered), "{insp}:items:%064d", 0);
	freeReplyObject(cmd(f.c, "SET %s altered", altered));
	cr_assert_eq(run(out, sizeof(out), "%s/../tools/archive_legacy.sh "
			 "%s/archive --delete -- -p %d", POLICIES_DIR, f.r.dir,
			 f.r.port), 1, "%s", out);
	cr_assert(strstr(out, "does not match its name: left there"), "%s",
		  out);
	cr_assert(strstr(out, "left in Redis") && strstr(out, ", 1 left"),
		  "%s", out);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 bundle), 0, "%s", out);
	/* The same entries as the daemon wrote, by name. */
	cr_assert_eq(run(out, sizeof(out), "cd %s && bash -c \"diff <(cd "
			 "archive && find . -name '*.zst' | sort) <(cd "
			 "archive.before && find . -name '*.zst' | sort)\"",
			 f.r.dir), 0, "%s", out);
	static const char *const gone[] = {"population:*", "roster:*",
					   "items:*", "calendar:*"};
	for (int k = 0; k < 4; k++) {
		redisReply *keys = cmd(f.c, "KEYS {insp}:%s", gone[k]);
		cr_assert_eq(keys->elements, k == 2, "%s", gone[k]);
		freeReplyObject(keys);
	}
	/* Run again: the entries are found there. */
	cr_assert_eq(run(out, sizeof(out), "%s/../tools/archive_legacy.sh "
			 "%s/archive -- -p %d", POLICIES_DIR, f.r.dir,
			 f.r.port), 1, "%s", out);
	cr_assert(strstr(out, "0 copies in"), "%s", out);
	stop(&f);
}

Test(export, the_html_page_works_in_a_browser, .timeout = 180)
{
	struct fixture f;
	static char out[1 << 16];
	char args[512];
	start(&f);
	post_results(&f, 6);
	long long selected = cmd_int(f.c, "HGET {insp}:campaign:E1 selected");
	/* A result of 02 corrected by its department (to 05: the rows with
	 * 01 stay three): the page shows the correction and its day. */
	char fixed[19] = "";
	redisReply *h = cmd(f.c, "HGETALL {insp}:results:E1");
	for (size_t i = 0; i + 1 < h->elements && !fixed[0]; i += 2)
		if (!strncmp(h->element[i + 1]->str + 11, "02\x1f", 3))
			snprintf(fixed, sizeof(fixed), "%s", h->element[i]->str);
	freeReplyObject(h);
	cr_assert(fixed[0]);
	freeReplyObject(cmd(f.c, "XADD {insp}:results * action correct "
			    "campaign E1 uscc %s department SAMR-ZZ result 05 "
			    "note %s", fixed, "录入错误"));
	for (int t = 0; t < 200 && cmd_int(f.c, "XLEN {insp}:result-log:E1") <
					     7; t++)
		sleep_ms(50);
	cr_assert_eq(cmd_int(f.c, "XLEN {insp}:result-log:E1"), 7);
	snprintf(args, sizeof(args), "export --campaign E1 --format html --out "
		 "%s/public", f.r.dir);
	cr_assert_eq(ctl(&f, out, sizeof(out), args), 0, "%s", out);
	cr_assert_eq(run(out, sizeof(out), "node %s/../tests/browser/"
			 "disclosure.mjs %s/public/E1.html %s %lld 3 %s/shot.png "
			 "$(TZ=Asia/Shanghai date +%%F) %s",
			 POLICIES_DIR, f.r.dir, fixed, selected, f.r.dir,
			 fixed), 0, "%s", out);
	cr_assert(strstr(out, "ok - the correction of"), "%s", out);
	stop(&f);
}
