#include <criterion/criterion.h>
#include <string.h>

#include "inspect/core/date.h"

static bool parse(const char *s, int32_t *d)
{
	return date_parse(s, (unsigned)strlen(s), d);
}

Test(date, epoch_and_round_trip)
{
	int32_t d;
	char out[11];
	cr_assert(parse("1970-01-01", &d));
	cr_assert_eq(d, 0);
	cr_assert(parse("2024-02-29", &d));
	date_format(d, out);
	cr_assert_str_eq(out, "2024-02-29");
	for (int32_t day = -25000; day < 60000; day += 37) { /* 1901..2134 */
		date_format(day, out);
		cr_assert(parse(out, &d));
		cr_assert_eq(d, day, "%s", out);
	}
}

Test(date, refuses_impossible_and_malformed_dates)
{
	int32_t d = 5;
	const char *bad[] = {"2023-02-29", "2026-04-31", "2026-13-01",
			     "2026-00-10", "2026-1-01",  "26-01-01",
			     "2026/01/01", "2026-01-0x", "",
			     "1899-12-31", "2026-01-01 "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert(!parse(bad[i], &d), "accepted '%s'", bad[i]);
	cr_assert_eq(d, 5, "failed parse touched its output");
}

Test(date, weekday)
{
	int32_t d;
	cr_assert(parse("2026-11-24", &d));
	cr_assert_eq(date_weekday(d), 1); /* a Tuesday */
	cr_assert(parse("2024-10-01", &d));
	cr_assert_eq(date_weekday(d), 1);
	cr_assert(parse("1969-12-28", &d));
	cr_assert_eq(date_weekday(d), 6); /* a Sunday, before the epoch */
}
