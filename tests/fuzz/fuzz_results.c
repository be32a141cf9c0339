/* A results entry, parsed and checked against a planned visit; or a step
 * after entry (an entity's objection comes from anyone), parsed and
 * decided on a published record. */
#include "fuzz_entries.h"
#include "inspect/core/date.h"
#include "inspect/core/result_steps.h"
#include "inspect/core/results.h"

static void step(const struct entry_field *f, size_t n)
{
	static struct calendar cal; /* none: no working day is known */
	struct result_step s;
	struct diag err;
	diag_init(&err);
	if (result_step_parse(f, n, &s, &err) < 0)
		return;
	const struct result_rules rules = {"result-review", 5, 10, 3};
	const struct reviewer rv = {true, true, true, "SAMR"};
	struct result_record cur = {
		.date = date_from_civil(2026, 11, 3),
		.received = date_from_civil(2026, 11, 4),
		.result = result_code_find("02", 2), .inspector = "t001",
		.entry = "1-0", .state = RESULT_PUBLISHED, .version = 1,
		.published = date_from_civil(2026, 11, 4),
		.corrected = DATE_NONE, .objection_day = DATE_NONE,
		.objection_due = DATE_NONE, .repaired = DATE_NONE}, next;
	const struct step_context x = {&rules, &cal,
				       date_from_civil(2026, 11, 5), "SAMR",
				       false, &cur, &rv};
	bool removed;
	result_step_apply(&s, &x, &next, &removed, &err);
	cur.state = RESULT_SUBMITTED;
	cur.published = DATE_NONE;
	result_step_apply(&s, &x, &next, &removed, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p;
	struct entry_field f[FUZZ_MAX_PARTS];
	struct result_entry r;
	struct diag err;
	diag_init(&err);
	parts_cut(data, size, "\n", &p);
	size_t n = entry_fields_of(&p, f);
	if (result_entry_action(f, n, &err) != ACTION_RESULT)
		step(f, n);
	else if (result_parse(f, n, &r, &err) == 0) {
		static const char v[] = "2026-11-03\x1ft001;t002\x1f"
					"甲 1, 乙 2\x1f某公司";
		struct planned_visit pv;
		if (planned_visit_parse(v, sizeof(v) - 1, &pv) == 0)
			result_check(&r, &pv, date_from_civil(2026, 11, 2),
				     date_from_civil(2026, 11, 30),
				     date_from_civil(2026, 12, 1), &err);
	}
	parts_free(&p);
	return 0;
}
