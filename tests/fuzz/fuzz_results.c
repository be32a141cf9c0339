/* A results entry, parsed and checked against a planned visit. */
#include "fuzz_entries.h"
#include "inspect/core/date.h"
#include "inspect/core/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p;
	struct entry_field f[FUZZ_MAX_PARTS];
	struct result_entry r;
	struct diag err;
	diag_init(&err);
	parts_cut(data, size, "\n", &p);
	if (result_parse(f, entry_fields_of(&p, f), &r, &err) == 0) {
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
