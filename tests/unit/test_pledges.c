/* Pledge verification's pure parts: pledge items, approvals, the policy a
 * pledge campaign is drawn by, deadlines and windows, the daily plan. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/pledges.h"
#include "inspect/core/policy.h"

static const char items_yaml[] =
    "items:\n"
    "  - code: SC-001\n    name: a\n    department: D\n"
    "  - code: PL-F\n    name: f\n    department: D\n"
    "    qualification: food\n"
    "    pledge: {verify: all, deadline_working_days: 3}\n"
    "  - code: PL-A\n    name: a\n    department: E\n"
    "    pledge: {verify: 0.25, deadline_working_days: 20}\n";

static struct item_list items;
static struct calendar cal;

static int32_t day(const char *s)
{
	int32_t d;
	cr_assert(date_parse(s, 10, &d), "%s", s);
	return d;
}

static void setup(void)
{
	struct diag err;
	diag_init(&err);
	cr_assert_eq(item_list_parse("items.yaml", items_yaml,
				     strlen(items_yaml), &items, &err),
		     0, "%s", diag_text(&err));
	/* 2030: New Year's day off, nothing else but weekends. */
	memset(&cal, 0, sizeof(cal));
	const char *y = "year: 2030\nholidays: [2030-01-01]\n";
	cr_assert_eq(calendar_add_year(&cal, "c", y, strlen(y), &err), 0, "%s",
		     diag_text(&err));
}

static void teardown(void)
{
	item_list_finish(&items);
	calendar_finish(&cal);
}

TestSuite(pledges, .init = setup, .fini = teardown);

Test(pledges, pledge_items_carry_their_rule)
{
	const struct item *f = item_find(&items, "PL-F"),
			  *a = item_find(&items, "PL-A"),
			  *s = item_find(&items, "SC-001");
	cr_assert(f->pledge.on && a->pledge.on && !s->pledge.on);
	cr_assert_eq(f->pledge.rate, PI_ONE);
	cr_assert_eq(a->pledge.rate, PI_ONE / 4);
	cr_assert_eq(a->pledge.deadline_days, 20);
}

static const char *item_refusal(const char *pledge, const char *code)
{
	static char text[512];
	static struct diag err;
	struct item_list l;
	snprintf(text, sizeof(text),
		 "items:\n  - code: %s\n    name: n\n    department: D\n"
		 "    pledge: %s\n", code, pledge);
	diag_init(&err);
	cr_assert_eq(item_list_parse("i.yaml", text, strlen(text), &l, &err),
		     -1, "accepted %s", pledge);
	return diag_text(&err);
}

Test(pledges, a_bad_rule_is_refused_with_its_place)
{
	cr_assert(strstr(item_refusal("{verify: 0, deadline_working_days: 5}",
				      "P"),
			 "i.yaml: items: P: pledge.verify: '0' is neither all "
			 "nor a rate above 0"));
	cr_assert(strstr(item_refusal("{verify: 1.5, deadline_working_days: "
				      "5}", "P"), "'1.5' is neither"));
	cr_assert(strstr(item_refusal("{verify: 0.0000000000001, "
				      "deadline_working_days: 5}", "P"),
			 "at most 12 decimals"));
	cr_assert(strstr(item_refusal("{verify: all, deadline_working_days: "
				      "0}", "P"),
			 "deadline_working_days: '0' is not a whole number "
			 "from 1 to 200"));
	cr_assert(strstr(item_refusal("{verify: all, deadline_working_days: "
				      "201}", "P"), "'201' is not a whole"));
	/* Decimal digits only: no octal, no hexadecimal. */
	cr_assert(strstr(item_refusal("{verify: all, deadline_working_days: "
				      "0x14}", "P"), "'0x14' is not a whole"));
	cr_assert(strstr(item_refusal("{verify: all, deadline_working_days: "
				      "5}", "P-0123456789012345678901234567890"
				      "12345"),
			 "a pledge item's code is at most 36 bytes"));
	cr_assert(strstr(item_refusal("{verify: all}", "P"),
			 "deadline_working_days"));
}

static int parse(const char *line, struct approval *a, struct diag *why)
{
	diag_init(why);
	return approval_parse(line, strlen(line), &items, a, why);
}

Test(pledges, approvals_are_read_field_by_field)
{
	struct approval a;
	struct diag why;
	cr_assert_eq(parse("91350100M000100Y43,PL-F,2030-01-04,NO-1", &a, &why),
		     0, "%s", diag_text(&why));
	cr_assert_str_eq(a.uscc, "91350100M000100Y43");
	cr_assert_str_eq(a.item, "PL-F");
	cr_assert_eq(a.date, day("2030-01-04"));
	cr_assert_str_eq(a.number, "NO-1");
	static const char *const bad[][2] = {
		{"91350100M000100Y44,PL-F,2030-01-04,N", "check character"},
		{"91350100M000100Y4,PL-F,2030-01-04,N", "field uscc"},
		{"91350100M000100Y43,SC-001,2030-01-04,N",
		 "SC-001 is not a pledge item"},
		{"91350100M000100Y43,PL-F,2030-02-30,N", "field date"},
		{"91350100M000100Y43,PL-F,2030-01-04,", "field number"},
		{"91350100M000100Y43,PL-F,2030-01-04,N/1", "field number"},
		{"91350100M000100Y43,PL-F,2030-01-04,N,x", "more than 4"},
		{"91350100M000100Y43,PL-F", "field date"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_eq(parse(bad[i][0], &a, &why), FAIL_INVALID, "%s",
			     bad[i][0]);
		cr_assert(strstr(diag_text(&why), bad[i][1]), "%s: %s",
			  bad[i][0], diag_text(&why));
	}
}

Test(pledges, a_file_is_refused_whole_with_every_line_at_fault)
{
	const char *csv = "uscc,item,date,number\n"
			  "91350100M000100Y43,PL-F,2030-01-04,N1\n"
			  "91350100M000100Y43,PL-X,2030-01-04,N2\n"
			  "91350100M000100Y43,PL-A,2030-01-04,N1\n";
	struct approval_list l;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(approvals_parse_csv("a.csv", csv, strlen(csv), &items, &l,
					 &err),
		     FAIL_INVALID);
	cr_assert(strstr(diag_text(&err), "a.csv:3: field item: PL-X"), "%s",
		  diag_text(&err));
	diag_init(&err);
	const char *twice = "uscc,item,date,number\r\n"
			    "91350100M000100Y43,PL-F,2030-01-04,N1\r\n"
			    "91350100M000100Y43,PL-A,2030-01-04,N1\r\n";
	cr_assert_eq(approvals_parse_csv("a.csv", twice, strlen(twice), &items,
					 &l, &err),
		     FAIL_INVALID);
	cr_assert(strstr(diag_text(&err), "approval number N1 is given more "
					  "than once"), "%s", diag_text(&err));
	diag_init(&err);
	cr_assert_eq(approvals_parse_csv("a.csv", "uscc,item\n", 10, &items,
					 &l, &err),
		     FAIL_INVALID);
	cr_assert(strstr(diag_text(&err), "a.csv:1: header must be"));
}

Test(pledges, the_policy_of_a_pledge_campaign_draws_at_the_rate)
{
	struct strbuf b = {0};
	pledge_policy_text(item_find(&items, "PL-A"), &b);
	cr_assert_str_eq(b.s, "# inspectd pledge verification of item PL-A: "
			      "verify 0.25\nname: pledge\ndesign: stratified\n"
			      "team_size: 2\nclasses:\n  A: {rate: 0.25}\n"
			      "  B: {rate: 0.25}\n  C: {rate: 0.25}\n"
			      "  D: {rate: 0.25}\n");
	struct policy p;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(policy_parse("p", b.s, b.len, &p, &err), 0, "%s",
		     diag_text(&err));
	for (int c = 0; c < 4; c++)
		cr_assert_eq(p.cls[c].rate, PI_ONE / 4);
	sb_finish(&b);
	b = (struct strbuf){0};
	pledge_policy_text(item_find(&items, "PL-F"), &b);
	cr_assert(strstr(b.s, "verify all\n") && strstr(b.s, "{rate: 1}\n"));
	sb_finish(&b);
	/* A rate of 1 written otherwise stays as written. */
	struct item one = *item_find(&items, "PL-A");
	snprintf(one.pledge.verify, sizeof(one.pledge.verify), "1.0");
	one.pledge.rate = PI_ONE;
	b = (struct strbuf){0};
	pledge_policy_text(&one, &b);
	cr_assert(strstr(b.s, "verify 1.0\n") && strstr(b.s, "{rate: 1.0}\n"),
		  "%s", b.s);
	sb_finish(&b);
}

Test(pledges, a_campaign_id_carries_its_run_before_the_code)
{
	int32_t t = day("2030-01-07"), e = day("2030-01-09");
	char id[SEED_MAX_ID + 1];
	pledge_campaign_id(t, e, 12, "X-2", id);
	cr_assert_str_eq(id, "PV-20300107-20300109-12-X-2");
	cr_assert_eq(pledge_id_run(id, t, e, "X-2"), 12);
	/* Run 2 of item X and run 1 of item X-2 are two ids. */
	pledge_campaign_id(t, e, 2, "X", id);
	cr_assert_eq(pledge_id_run(id, t, e, "X"), 2);
	cr_assert_eq(pledge_id_run(id, t, e, "X-2"), 0);
	cr_assert_eq(pledge_id_run("PV-20300107-20300109-0-X", t, e, "X"), 0);
	cr_assert_eq(pledge_id_run("PV-20300107-20300109-01-X", t, e, "X"), 0);
	cr_assert_eq(pledge_id_run("PV-20300107-20300109-1000-X", t, e, "X"),
		     0);
	cr_assert_eq(pledge_id_run("PV-20300107-20300110-1-X", t, e, "X"), 0);
	cr_assert_eq(pledge_id_run("PV-20300107-20300109-1-X", t, e, "X"), 1);
}

Test(pledges, deadlines_count_working_days_and_late_ones_get_ten)
{
	const struct item *f = item_find(&items, "PL-F");
	/* Friday 4 January: Monday 7, Tuesday 8, Wednesday 9. */
	cr_assert_eq(pledge_deadline(&cal, f, day("2030-01-04")),
		     day("2030-01-09"));
	/* 31 December 2029 lies outside the calendar's years. */
	cr_assert_eq(pledge_deadline(&cal, f, day("2029-12-20")), DATE_NONE);
	cr_assert_eq(pledge_window_end(&cal, f, day("2030-01-04"),
				       day("2030-01-07")),
		     day("2030-01-09"));
	cr_assert_eq(pledge_window_end(&cal, f, day("2030-01-04"),
				       day("2030-01-08")),
		     day("2030-01-09"));
	/* Planned on the deadline: the 10th working day after. */
	cr_assert_eq(pledge_window_end(&cal, f, day("2030-01-04"),
				       day("2030-01-09")),
		     day("2030-01-23"));
}

Test(pledges, planning_groups_by_item_and_window_end)
{
	struct approval v[] = {
	    {"91350100M000100Y43", "PL-F", day("2030-01-04"), "N3"},
	    {"91350100M000200Y3P", "PL-F", day("2030-01-04"), "N1"},
	    {"91350100M000300Y2C", "PL-F", day("2030-01-07"), "N2"},
	    {"91350100M000300Y2C", "PL-A", day("2030-01-07"), "N4"},
	    {"91350100M000300Y2C", "PL-A", day("2030-01-09"), "N5"}, /* later */
	    {"91350100M000300Y2C", "SC-001", day("2030-01-07"), "N6"},
	};
	struct pledge_plan p;
	cr_assert_eq(pledge_plan_make(v, 6, &items, &cal, day("2030-01-07"), 1,
				      &p),
		     0);
	cr_assert_eq(p.waiting, 2);
	cr_assert_eq(p.n_batches, 3);
	cr_assert_str_eq(p.batches[0].id, "PV-20300107-20300109-1-PL-F");
	cr_assert_str_eq(p.batches[1].id, "PV-20300107-20300110-1-PL-F");
	cr_assert_str_eq(p.batches[2].id, "PV-20300107-20300204-1-PL-A");
	cr_assert_eq(p.batches[0].n, 2);
	cr_assert_eq(p.batches[0].window_end, day("2030-01-09"));
	/* Within a batch, by number. */
	cr_assert_str_eq(p.approvals.v[p.batches[0].first].number, "N1");
	cr_assert_str_eq(p.approvals.v[p.batches[0].first + 1].number, "N3");
	pledge_plan_finish(&p);
	/* A later run of the day numbers its ids. */
	cr_assert_eq(pledge_plan_make(v, 1, &items, &cal, day("2030-01-07"), 2,
				      &p),
		     0);
	cr_assert_str_eq(p.batches[0].id, "PV-20300107-20300109-2-PL-F");
	pledge_plan_finish(&p);
	cr_assert_eq(pledge_plan_make(v, 1, &items, &cal, day("2030-01-07"),
				      PLEDGE_MAX_RUNS + 1, &p),
		     FAIL_INVALID);
}

Test(pledges, timing_due_soon_and_overdue)
{
	int32_t t = day("2030-01-07");
	cr_assert_eq(pledge_timing_of(&cal, PLEDGE_VERIFIED, t - 9, t, 3),
		     PLEDGE_SETTLED);
	cr_assert_eq(pledge_timing_of(&cal, PLEDGE_VISIT, t - 1, t, 3),
		     PLEDGE_OVERDUE);
	cr_assert_eq(pledge_timing_of(&cal, PLEDGE_AWAITING, t, t, 3),
		     PLEDGE_DUE);
	/* Three working days: 8, 9, 10 January. */
	cr_assert_eq(pledge_timing_of(&cal, PLEDGE_PLANNED, day("2030-01-10"),
				      t, 3),
		     PLEDGE_DUE);
	cr_assert_eq(pledge_timing_of(&cal, PLEDGE_PLANNED, day("2030-01-11"),
				      t, 3),
		     PLEDGE_ON_TRACK);
}
