/* Calendar documents (YAML), one or two years in a row, and the check of
 * a provisional mark. */
#include "fuzz.h"
#include "inspect/core/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p;
	struct calendar c = {0};
	struct diag err;
	diag_init(&err);
	parts_cut(data, size, "\n---\n", &p);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < p.n && i < 2; i++)
		rc = calendar_add_year(&c, "f", p.s[i], p.len[i], &err);
	if (rc == 0 && c.n_years) {
		int32_t days[16];
		calendar_check_provisional(&c, &err);
		calendar_working_days(&c, c.first_day, c.first_day + 40, days,
				      16);
		calendar_add_working_days(&c, c.first_day, 30);
	}
	calendar_finish(&c);
	parts_free(&p);
	return 0;
}
