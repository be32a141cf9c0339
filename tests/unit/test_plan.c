/* Annual plans: the shipped example reads, each batch becomes the intake
 * entry inspectd will send, and a bad plan is refused at its line and
 * column. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/plan.h"

static const char *refusal(const char *text)
{
	static struct diag err;
	struct plan p;
	diag_init(&err);
	if (plan_parse("p.yaml", text, strlen(text), &p, &err) == 0) {
		plan_finish(&p);
		return "";
	}
	return diag_text(&err);
}

Test(plan, the_example_reads)
{
	size_t len;
	char *text = read_source_file("deploy/plan.example.yaml", &len);
	struct plan p;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(plan_parse("example", text, len, &p, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_str_eq(p.id, "SAMR-ZZ-2027");
	cr_assert_eq(p.year, 2027);
	cr_assert_eq(p.n_joining, 1);
	cr_assert_eq(p.n_tasks, 2);
	const struct plan_task *t = &p.tasks[1];
	cr_assert_eq(t->type, TASK_DIRECTED);
	cr_assert_str_eq(t->items, "SC-017,YJ-004,SC-001:0.2");
	cr_assert_str_eq(t->industries, "F52");
	cr_assert_eq(t->quantity, 300);
	cr_assert_eq(p.tasks[0].n_batches, 2);
	const struct plan_batch *b = &p.tasks[0].batches[1];
	cr_assert_str_eq(b->id, "SAMR-ZZ-2027-LIC-2");
	cr_assert_eq(b->freeze, date_from_civil(2027, 8, 2));
	cr_assert_eq(b->window_to, date_from_civil(2027, 10, 29));
	/* The entry: every field as the intake reads it, no date, no
	 * entropy (two-phase). */
	struct plan_entry e;
	struct campaign c;
	plan_batch_entry(&p, t, &t->batches[0], &e);
	cr_assert_eq(campaign_parse(e.f, e.n, &c, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_str_eq(c.id, "SAMR-ZZ-2027-FOOD-1");
	cr_assert_str_eq(c.policy, "national-default");
	cr_assert_eq(c.n_items, 3);
	cr_assert_eq(c.item_share[2], 200000, "SC-001 at a fifth");
	cr_assert_eq(c.task_type, TASK_DIRECTED);
	cr_assert_eq(c.window_from, date_from_civil(2027, 4, 12));
	cr_assert_eq(c.date, DATE_NONE);
	cr_assert(!c.has_entropy);
	plan_finish(&p);
	free(text);
}

#define HEAD "plan: P\n" REST
#define REST "department: D\nyear: 2027\ntitle: t\ntasks:\n"            \
	     "  - id: T\n    name: n\n    type: undirected\n"            \
	     "    items: [SC-001]\n    policy: p\n    batches:\n"

Test(plan, every_error_names_its_line_and_column)
{
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"), "");
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2026-12-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"),
			 "p.yaml:12:17: tasks.0.batches.0.freeze: a batch of "
			 "the 2027 plan is frozen in 2026\n");
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-02..2027-05-28\n"),
			 "p.yaml:14:17: tasks.0.batches.0.window: visits start "
			 "after the draw, so after the entropy's day "
			 "2027-03-03\n");
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"
				 "        size: 0\n"),
			 "p.yaml:15:15: tasks.0.batches.0.size: '0' is not a "
			 "whole number from 1 to 268435456\n");
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2027-05-01\n"
				 "        entropy: {date: 2027-05-03, source: s}\n"
				 "        window: 2027-05-08..2027-05-28\n"
				 "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"),
			 "p.yaml:15:17: tasks.0.batches.1.freeze: batches follow "
			 "one another: this one is frozen on or before the one "
			 "before it\n");
	cr_assert_str_eq(refusal(HEAD "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"
				 "  - id: T\n    name: n\n    type: directed\n"
				 "    items: [SC-001]\n    policy: p\n"
				 "    batches:\n      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"),
			 "p.yaml:15:9: tasks.1.id: task T is listed twice\n");
	cr_assert_str_eq(refusal("plan: P Q\n"),
			 "p.yaml:1:7: Missing required mapping field: "
			 "department\n");
	cr_assert_str_eq(refusal("plan: P Q\n" REST
				 "      - freeze: 2027-03-01\n"
				 "        entropy: {date: 2027-03-03, source: s}\n"
				 "        window: 2027-03-08..2027-05-28\n"),
			 "p.yaml:1:7: plan: 1 to 32 letters, digits, '-', '_' "
			 "or '.'\n");
}
