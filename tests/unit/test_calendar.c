#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/calendar.h"
#include "inspect/core/date.h"
#include "inspect/core/strbuf.h"

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
	cr_assert_eq(calendar_is_working(&cal, D(2027, 1, 4)), -1); /* not added */
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

/* ---- provisional calendars (calendar_provisional.c) ---- */

/* The date on the provisional document's line commented "# what". */
static int32_t holiday_named(const struct strbuf *doc, const char *what)
{
	char needle[64];
	snprintf(needle, sizeof(needle), "  # %s\n", what);
	const char *at = strstr(doc->s, needle);
	int32_t day;
	cr_assert_not_null(at, "%s", what);
	cr_assert(date_parse(at - 10, 10, &day));
	return day;
}

Test(calendar, provisional_table_matches_the_lunar_and_solar_oracles)
{
	char cmd[512], line[128];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/data/"
		 "lunar_oracle.py %d %d", SOURCE_ROOT,
		 CALENDAR_PROVISIONAL_FIRST, CALENDAR_PROVISIONAL_LAST);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	int years = 0;
	while (fgets(line, sizeof(line), p)) {
		int y;
		char spring[11], dragon[11], autumn[11], qingming[11];
		cr_assert_eq(sscanf(line, "%d %10s %10s %10s %10s", &y, spring,
				    dragon, autumn, qingming), 5, "%s", line);
		struct strbuf doc = {0};
		cr_assert_eq(calendar_provisional_text(y, &doc), 0);
		const char *names[] = {"春节 初一", "端午", "中秋", "清明"};
		const char *want[] = {spring, dragon, autumn, qingming};
		for (int i = 0; i < 4; i++) {
			char got[11];
			date_format(holiday_named(&doc, names[i]), got);
			cr_assert_str_eq(got, want[i], "%d %s", y, names[i]);
		}
		/* 除夕 is the day before 初一. */
		cr_assert_eq(holiday_named(&doc, "春节 除夕") + 1,
			     holiday_named(&doc, "春节 初一"));
		sb_finish(&doc);
		years++;
	}
	cr_assert_eq(pclose(p), 0, "python3-lunardate and python3-ephem are "
		     "test dependencies (deploy/install-deps.sh --test)");
	cr_assert_eq(years, CALENDAR_PROVISIONAL_LAST -
				    CALENDAR_PROVISIONAL_FIRST + 1);
}

/* Every day the provisional rule gives off is off in the State Council's
 * calendars of 2025 and 2026 (which add bridges and make-up days). */
Test(calendar, provisional_days_off_are_off_in_the_official_years)
{
	struct calendar prov = {0};
	struct diag err;
	diag_init(&err);
	cr_assert_eq(calendar_add_provisional(&prov, 2025, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(calendar_add_provisional(&prov, 2026, &err), 0, "%s",
		     diag_text(&err));
	int off = 0;
	for (int32_t d = D(2025, 1, 1); d <= D(2026, 12, 31); d++) {
		if (date_weekday(d) >= 5 || calendar_is_working(&prov, d))
			continue;
		off++;
		cr_assert_eq(calendar_is_working(&cal, d), 0, "day %d", d);
	}
	/* 13 statutory days a year, plus made-up days. */
	cr_assert_geq(off, 2 * 11);
	cr_assert(calendar_day_provisional(&prov, D(2026, 6, 1)));
	cr_assert_not(calendar_day_provisional(&cal, D(2026, 6, 1)));
	calendar_finish(&prov);
}

Test(calendar, a_holiday_on_a_weekend_is_made_up_on_the_next_weekday)
{
	struct calendar prov = {0};
	struct diag err;
	diag_init(&err);
	cr_assert_eq(calendar_add_provisional(&prov, 2027, &err), 0);
	/* 2027: 除夕 Fri 5 Feb, 初一 Sat 6, 初二 Sun 7, 初三 Mon 8: Sat and
	 * Sun are made up on Tue 9 and Wed 10 (Mon 8 is a holiday). */
	for (unsigned d = 5; d <= 10; d++)
		cr_assert_eq(calendar_is_working(&prov, D(2027, 2, d)), 0,
			     "Feb %u", d);
	cr_assert_eq(calendar_is_working(&prov, D(2027, 2, 11)), 1);
	/* National Day Fri 1 Oct to Sun 3 Oct: Mon 4 and Tue 5 made up. */
	cr_assert_eq(calendar_is_working(&prov, D(2027, 10, 5)), 0);
	cr_assert_eq(calendar_is_working(&prov, D(2027, 10, 6)), 1);
	/* No make-up working days: a weekend stays off. */
	cr_assert_eq(calendar_add_provisional(&prov, 2028, &err), 0);
	/* 中秋 on 国庆's third day (Tue 3 Oct 2028): one more day off. */
	cr_assert_eq(calendar_is_working(&prov, D(2028, 10, 5)), 0);
	cr_assert_eq(calendar_is_working(&prov, D(2028, 10, 6)), 1);
	cr_assert_eq(calendar_is_working(&prov, D(2027, 2, 20)), 0);
	cr_assert_eq(calendar_official_end(&prov), DATE_NONE);
	calendar_finish(&prov);
}

Test(calendar, two_holidays_on_a_sunday_are_made_up_twice)
{
	struct calendar prov = {0};
	struct diag err;
	diag_init(&err);
	/* 2039: 国庆 Sat 1 to Mon 3 October, and 中秋 on Sunday 2. */
	for (int y = 2025; y <= 2039; y++)
		cr_assert_eq(calendar_add_provisional(&prov, y, &err), 0);
	for (unsigned d = 1; d <= 6; d++)
		cr_assert_eq(calendar_is_working(&prov, D(2039, 10, d)), 0,
			     "Oct %u", d);
	cr_assert_eq(calendar_is_working(&prov, D(2039, 10, 7)), 1);
	calendar_finish(&prov);
}

Test(calendar, official_years_then_provisional_ones)
{
	struct diag err;
	diag_init(&err);
	cr_assert_eq(calendar_add_provisional(&cal, 2027, &err), 0);
	cr_assert_eq(calendar_official_end(&cal), D(2026, 12, 31));
	cr_assert(calendar_day_provisional(&cal, D(2027, 3, 1)));
	int32_t days[32];
	/* A window across the new year is now known. */
	cr_assert_gt(calendar_working_days(&cal, D(2026, 12, 20),
					   D(2027, 1, 10), days, 32), 10);
	cr_assert_eq(calendar_check_provisional(&cal, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(calendar_add_provisional(&cal, 2041, &err), -1);
	cr_assert(strstr(diag_text(&err), "the table covers 2025 to 2040"));
}

Test(calendar, a_provisional_mark_must_follow_the_rule)
{
	struct calendar c = {0};
	struct diag err;
	diag_init(&err);
	const char *doc = "year: 2028\nprovisional: true\nholidays: "
			  "[2028-01-01]\n";
	cr_assert_eq(calendar_add_year(&c, "c.yaml", doc, strlen(doc), &err),
		     0);
	cr_assert_eq(calendar_check_provisional(&c, &err), -1);
	/* 1 January 2028 is a Saturday, made up on Monday 3 January, which
	 * this document leaves a working day. */
	cr_assert(strstr(diag_text(&err), "calendar 2028 is marked provisional "
				 "but 2028-01-03 is off by the provisional "
				 "rule"), "%s", diag_text(&err));
	calendar_finish(&c);
}

Test(calendar, an_impossible_year_is_refused_without_overflow)
{
	struct calendar c = {0};
	struct diag err;
	diag_init(&err);
	const char *doc = "year: 26022026\nholidays: []\n";
	cr_assert_eq(calendar_add_year(&c, "c.yaml", doc, strlen(doc), &err),
		     -1);
	cr_assert(strstr(diag_text(&err), "is not a year from 1900 to 2999"));
	cr_assert_eq(c.n_years, 0);
}
