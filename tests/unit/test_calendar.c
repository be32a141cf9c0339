#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/calendar.h"
#include "inspect/date.h"

static struct calendar cal;

static void load(const char *year)
{
	char path[64];
	size_t len;
	struct diag err;
	snprintf(path, sizeof(path), "policies/calendars/cn-%s.yaml", year);
	char *text = read_source_file(path, &len);
	diag_init(&err);
	cr_assert_eq(calendar_add_year(&cal, path, text, len, &err), 0, "%s",
		     diag_text(&err));
	free(text);
}

static void setup(void)
{
	memset(&cal, 0, sizeof(cal));
	load("2025");
	load("2026");
}

static void teardown(void)
{
	calendar_finish(&cal);
}

static int32_t D(int y, unsigned m, unsigned d)
{
	return date_from_civil(y, m, d);
}

TestSuite(calendar, .init = setup, .fini = teardown);

Test(calendar, weekdays_weekends_holidays_and_make_up_days)
{
	cr_assert_eq(calendar_is_working(&cal, D(2026, 1, 5)), 1);  /* Mon */
	cr_assert_eq(calendar_is_working(&cal, D(2026, 1, 10)), 0); /* Sat */
	cr_assert_eq(calendar_is_working(&cal, D(2026, 1, 2)), 0);  /* New Year */
	cr_assert_eq(calendar_is_working(&cal, D(2026, 1, 4)), 1);  /* Sun, make-up */
	cr_assert_eq(calendar_is_working(&cal, D(2026, 2, 16)), 0); /* Spring F. */
	cr_assert_eq(calendar_is_working(&cal, D(2026, 2, 14)), 1); /* Sat, make-up */
	cr_assert_eq(calendar_is_working(&cal, D(2025, 10, 8)), 0); /* Wed, holiday */
	cr_assert_eq(calendar_is_working(&cal, D(2025, 10, 11)), 1); /* Sat */
}

Test(calendar, a_window_over_the_national_day_week)
{
	int32_t days[32];
	long n = calendar_working_days(&cal, D(2026, 9, 28), D(2026, 10, 11),
				       days, 32);
	/* Mon-Wed 28-30 Sep, Thu-Fri 8-9 Oct and Sat 10 Oct (make-up). */
	cr_assert_eq(n, 6);
	int32_t want[] = {D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30),
			  D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)};
	for (int i = 0; i < 6; i++)
		cr_assert_eq(days[i], want[i], "day %d", i);
}

Test(calendar, counting_working_days_skips_holidays)
{
	/* From Fri 25 Sep 2026 (a holiday): 28, 29, 30 Sep, then after the
	 * National Day week 8, 9, 10 (Sat, make-up), 12 ... */
	cr_assert_eq(calendar_add_working_days(&cal, D(2026, 9, 25), 3),
		     D(2026, 9, 30));
	cr_assert_eq(calendar_add_working_days(&cal, D(2026, 9, 25), 6),
		     D(2026, 10, 10));
	cr_assert_eq(calendar_add_working_days(&cal, D(2026, 9, 25), 7),
		     D(2026, 10, 12));
	/* 20 working days: the disclosure deadline. */
	cr_assert_eq(calendar_add_working_days(&cal, D(2026, 2, 10), 20),
		     D(2026, 3, 16));
}

Test(calendar, years_without_a_file_are_refused)
{
	int32_t days[4];
	cr_assert_eq(calendar_is_working(&cal, D(2027, 1, 4)), -1);
	cr_assert_eq(calendar_is_working(&cal, D(2024, 12, 31)), -1);
	cr_assert_eq(calendar_working_days(&cal, D(2026, 12, 20),
					   D(2027, 1, 10), days, 4), -1);
	cr_assert_eq(calendar_add_working_days(&cal, D(2026, 12, 20), 30),
		     DATE_NONE);
}

static const char *refusal(const char *yaml)
{
	static struct diag err;
	diag_init(&err);
	cr_assert_eq(calendar_add_year(&cal, "c.yaml", yaml, strlen(yaml),
				       &err), -1, "accepted %s", yaml);
	return diag_text(&err);
}

Test(calendar, bad_files_are_refused_with_their_place)
{
	cr_assert_str_eq(refusal("year: 2027\nholidays: [2027-01-01]\n"
				 "workdays: [2027-01-05]\n"),
			 "c.yaml:3:11: workdays: 2027-01-05 is a weekday "
			 "already: make-up working days fall on weekends\n");
	cr_assert_str_eq(refusal("year: 2027\nholidays: [2026-12-31]\n"),
			 "c.yaml:2:11: holidays: '2026-12-31' is not a date or "
			 "range YYYY-MM-DD..YYYY-MM-DD in 2027\n");
	cr_assert_str_eq(refusal("year: 2028\nholidays: []\n"),
			 "c.yaml:1:7: year: 2028 leaves a gap: the calendar "
			 "holds 2025 to 2026\n");
	cr_assert_str_eq(refusal("year: 2026\nholidays: []\n"),
			 "c.yaml:1:7: year: 2026 is loaded already\n");
	/* The refusals left the loaded years as they were. */
	cr_assert_eq(cal.n_years, 2);
	cr_assert_eq(calendar_is_working(&cal, D(2026, 1, 4)), 1);
}
