/* Items per visit: a campaign whose items carry shares checks each one at
 * that share of its visits, drawn from its seed; departments and
 * inspectors get each visit's own items, the bundle carries them and both
 * verifiers draw them again; the policy's limit on general items refuses
 * a campaign that would reach too much of the pool. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[1 << 16];

/* The visits of campaign id on the department's stream: how many, and
 * how many check SC-001 besides SC-017; each one's items are one of the
 * two the shares allow, and the same in the bundle's visit_items.csv. */
static void tasks_items(redisContext *c, const char *id, const char *csv,
			size_t *n, size_t *with)
{
	redisReply *r = cmd(c, "XRANGE {insp}:dept:SAMR-ZZ - +");
	*n = *with = 0;
	for (size_t i = 0; i < r->elements; i++) {
		redisReply *f = r->element[i]->element[1];
		const char *campaign = "", *uscc = "", *items = "";
		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			const char *name = f->element[k]->str;
			const char *v = f->element[k + 1]->str;
			if (!strcmp(name, "campaign"))
				campaign = v;
			else if (!strcmp(name, "uscc"))
				uscc = v;
			else if (!strcmp(name, "items"))
				items = v;
		}
		if (strcmp(campaign, id))
			continue;
		bool both = !strcmp(items, "SC-017,SC-001");
		cr_assert(both || !strcmp(items, "SC-017"), "%s: %s", uscc,
			  items);
		char line[80];
		snprintf(line, sizeof(line), "\n%s,%s\n", uscc,
			 both ? "SC-017+SC-001" : "SC-017");
		cr_assert(strstr(csv, line), "visit_items.csv has not %s",
			  line + 1);
		++*n;
		*with += both;
	}
	freeReplyObject(r);
}

static void export(const char *config, const char *bundle, const char *id)
{
	cr_assert_eq(run(out, sizeof(out), "%s export --config %s --campaign "
			 "%s --bundle --out %s", INSPECTCTL_PATH, config, id,
			 bundle), 0, "%s", out);
}

static void both_verify(const char *bundle, int rc, const char *why)
{
	cr_assert_eq(run(out, sizeof(out), "%s verify %s", INSPECTCTL_PATH,
			 bundle), rc, "%s", out);
	cr_assert(!why || strstr(out, why), "%s", out);
	cr_assert_eq(run(out, sizeof(out), "python3 %s/../tools/verify.py %s",
			 POLICIES_DIR, bundle), rc, "%s", out);
	cr_assert(!why || strstr(out, why), "%s", out);
}

Test(items, shares_of_the_visits_drawn_published_and_verified,
     .timeout = 300)
{
	struct redis_proc r;
	struct daemon_proc d;
	char pop[160], policies[160], b[200];
	redis_start(&r);
	snprintf(pop, sizeof(pop), "%s/pop.csv", r.dir);
	load_population(r.port, 20000, 43, pop);
	redisContext *c = redis_client(r.port);
	store_roster(c);
	/* The shipped policy, and the same with a limit on general items
	 * too low for any campaign that checks one. */
	snprintf(policies, sizeof(policies), "%s/policies", r.dir);
	cr_assert_eq(run(out, sizeof(out),
			 "mkdir -p %s && cp %s/*.yaml %s && "
			 "sed -e 's/^name: national-default/name: limited/' "
			 "%s/national-default.yaml > %s/limited.yaml && "
			 "echo 'general_items_max_ratio: 0.0001' >> "
			 "%s/limited.yaml",
			 policies, POLICIES_DIR, policies, POLICIES_DIR,
			 policies, policies),
		     0, "%s", out);
	daemon_start(&d, r.dir, r.port, "items", policies, NULL);
	/* SC-017 (a key item) at every visit, SC-001 at a quarter. */
	submit(c, "type", "campaign", "id", "SH-1", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-017,SC-001:0.25",
	       "entropy", "s1", NULL);
	assert_published(c, "SH-1");
	redisReply *rec = cmd(c, "HGET {insp}:campaign:SH-1 items");
	cr_assert_str_eq(rec->str, "SC-017,SC-001:0.25");
	freeReplyObject(rec);
	rec = cmd(c, "HGET {insp}:campaign:SH-1 selected");
	size_t selected = (size_t)atol(rec->str);
	freeReplyObject(rec);
	snprintf(b, sizeof(b), "%s/b-SH-1", r.dir);
	export(d.config, b, "SH-1");
	both_verify(b, 0, NULL);
	snprintf(out, sizeof(out), "%s/visit_items.csv", b);
	char *csv = slurp(out);
	size_t n, with;
	tasks_items(c, "SH-1", csv, &n, &with);
	free(csv);
	/* A quarter of the visits, rounded one way or the other. */
	cr_assert_eq(n, selected);
	cr_assert_gt(n, 40, "too few visits to show anything");
	cr_assert(with * 4 <= n + 3 && with * 4 + 4 >= n, "%zu of %zu", with,
		  n);
	cr_assert_eq(run(out, sizeof(out), "grep -c '^item SC-001 0.25$' "
			 "%s/teams.txt", b), 0, "%s", out);
	/* The visit history keeps each visit's items: a cap by item counts
	 * them. */
	cr_assert_eq(run(out, sizeof(out), "redis-cli -p %d --scan --pattern "
			 "'{insp/*}:history' | while read k; do redis-cli -p "
			 "%d hgetall \"$k\"; done | grep -c ',SC-001+SC-017$'",
			 r.port, r.port), 0, "%s", out);
	cr_assert_eq((size_t)atol(out), with, "%s", out);
	/* The report counts SC-001 at the visits that check it. */
	cr_assert_eq(run(out, sizeof(out), "%s report --config %s --from "
			 "2000-01-01 --to 2100-12-31 --department SAMR-ZZ "
			 "--format csv", INSPECTCTL_PATH, d.config), 0, "%s",
		     out);
	char row[96];
	cr_assert(strstr(out, "rate_by_item,0,item,SC-017"), "%s", out);
	cr_assert(strstr(out, "rate_by_item,1,item,SC-001"), "%s", out);
	snprintf(row, sizeof(row), "rate_by_item,0,visits,%zu\r\n", n);
	cr_assert(strstr(out, row), "no %s in\n%s", row, out);
	snprintf(row, sizeof(row), "rate_by_item,1,visits,%zu\r\n", with);
	cr_assert(strstr(out, row), "no %s in\n%s", row, out);
	/* A visit's items changed, or a share restated: refused by both. */
	static const char *const edits[][2] = {
		{"awk 'NR == 2 && !sub(/[+]SC-001$/, \"\") { $0 = $0 "
		 "\"+SC-001\" } 1' visit_items.csv > t && mv t "
		 "visit_items.csv", "visit_items.csv: line 2"},
		{"sed -i 's/^item SC-001 0.25$/item SC-001 0.5/' teams.txt",
		 "visit_items.csv: line"},
		{"rm visit_items.csv && sed -i '/visit_items.csv/d' MANIFEST",
		 "no visit_items.csv"},
	};
	for (int k = 0; k < 3; k++) {
		cr_assert_eq(run(out, sizeof(out), "rm -rf %s-x && cp -r %s "
				 "%s-x && cd %s-x && %s && for f in "
				 "visit_items.csv teams.txt; do [ -f $f ] && "
				 "h=$(sha256sum $f | cut -c1-64) && sed -i "
				 "\"s/^file: $f .*/file: $f $h/\" MANIFEST; "
				 "done; true", b, b, b, b, edits[k][0]),
			     0, "%s", out);
		char x[220];
		snprintf(x, sizeof(x), "%s-x", b);
		both_verify(x, 1, edits[k][1]);
	}
	/* A joint campaign: MPA-ZZ's queue gets the visits that check its
	 * item, with its item alone and SAMR-ZZ as the lead; SAMR-ZZ's has
	 * every visit with all its items. */
	submit(c, "type", "campaign", "id", "JT-1", "department", "SAMR-ZZ",
	       "policy", "national-default", "items", "SC-017,YJ-004:0.5",
	       "entropy", "j1", NULL);
	assert_published(c, "JT-1");
	redisReply *st = cmd(c, "XRANGE {insp}:dept:SAMR-ZZ - +");
	size_t lead = 0, with_yj = 0;
	for (size_t i = 0; i < st->elements; i++) {
		redisReply *f = st->element[i]->element[1];
		bool ours = false;
		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			ours |= !strcmp(f->element[k]->str, "campaign") &&
				!strcmp(f->element[k + 1]->str, "JT-1");
			if (ours && !strcmp(f->element[k]->str, "items"))
				with_yj += !!strstr(f->element[k + 1]->str,
						    "YJ-004");
		}
		lead += ours;
	}
	freeReplyObject(st);
	cr_assert_gt(with_yj, 0);
	cr_assert_lt(with_yj, lead, "YJ-004 at half the visits");
	st = cmd(c, "XRANGE {insp}:dept:MPA-ZZ - +");
	cr_assert_eq(st->elements, with_yj);
	for (size_t i = 0; i < st->elements; i++) {
		redisReply *f = st->element[i]->element[1];
		for (size_t k = 0; k + 1 < f->elements; k += 2) {
			const char *name = f->element[k]->str;
			const char *v = f->element[k + 1]->str;
			if (!strcmp(name, "items"))
				cr_assert_str_eq(v, "YJ-004");
			if (!strcmp(name, "lead"))
				cr_assert_str_eq(v, "SAMR-ZZ");
			if (!strcmp(name, "campaign"))
				cr_assert_str_eq(v, "JT-1");
		}
	}
	freeReplyObject(st);
	/* The limit: SC-001 is a general item, refused; SC-017 (key) is
	 * not limited, and its bundle states the limit to both. */
	submit(c, "type", "campaign", "id", "LIM-1", "department", "SAMR-ZZ",
	       "policy", "limited", "items", "SC-017,SC-001:0.25",
	       "entropy", "s2", NULL);
	cr_assert(wait_status(c, "LIM-1", "rejected", 20000));
	rec = cmd(c, "HGET {insp}:campaign:LIM-1 error");
	cr_assert(rec->str && strstr(rec->str, "SC-001 is a general item: the "
				     "draw would check it at 0.0"),
		  "%s", rec->str);
	cr_assert(strstr(rec->str, "above the policy's "
			 "general_items_max_ratio 0.0001"), "%s", rec->str);
	freeReplyObject(rec);
	submit(c, "type", "campaign", "id", "LIM-2", "department", "SAMR-ZZ",
	       "policy", "limited", "items", "SC-017", "entropy", "s3", NULL);
	assert_published(c, "LIM-2");
	snprintf(b, sizeof(b), "%s/b-LIM-2", r.dir);
	export(d.config, b, "LIM-2");
	both_verify(b, 0, NULL);
	cr_assert_eq(run(out, sizeof(out), "grep -c "
			 "'^general_items_max_ratio 100$' %s/policy.txt", b),
		     0, "%s", out);
	/* The item list says SC-017 is a general item: both refuse. */
	cr_assert_eq(run(out, sizeof(out), "rm -rf %s-x && cp -r %s %s-x && "
			 "cd %s-x && sed -i 's/kind: key/kind: general/' "
			 "items.yaml && h=$(sha256sum items.yaml | cut -c1-64)"
			 " && sed -i \"s/^file: items.yaml .*/file: items.yaml"
			 " $h/\" MANIFEST", b, b, b, b), 0, "%s", out);
	char x[220];
	snprintf(x, sizeof(x), "%s-x", b);
	both_verify(x, 1, "SC-017 is a general item");
	daemon_signal(&d, SIGTERM);
	daemon_wait(&d);
	redisFree(c);
	redis_finish(&r);
}
