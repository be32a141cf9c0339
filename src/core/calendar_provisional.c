/* A provisional working-day calendar for a year whose State Council
 * notice is not loaded: the statutory holidays of 全国年节及纪念日放假办法
 * (as revised in 2024, in force from 2025), weekends otherwise.
 *
 * The holidays: 元旦 1 January; 春节 除夕 and 正月初一 to 初三 (4 days);
 * 清明 the day of the solar term; 劳动节 1 and 2 May; 端午 五月初五;
 * 中秋 八月十五; 国庆 1 to 3 October. The rules say a holiday that falls on
 * a Saturday or Sunday is made up on a working day (补假), and the notices
 * make up a holiday that shares its day with another (中秋 on 1 October
 * 2020): here, taking the holidays in date order, each one on a weekend or
 * on the day of an earlier one gives the first later weekday that is
 * neither a holiday nor given already. The notice adds
 * bridges and make-up working days that no rule predicts; a provisional
 * calendar has none. The lunar dates and the solar term come from the
 * table below (checked in the tests against python3-lunardate and
 * python3-ephem). docs/ALGORITHM.md states the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/calendar.h"
#include "inspect/core/date.h"
#include "inspect/core/strbuf.h"

/* Gregorian month and day of 正月初一, 端午, 中秋 and 清明, year by year. */
static const unsigned char lunar[][8] = {
	{1, 29, 5, 31, 10, 6, 4, 4},   /* 2025 */
	{2, 17, 6, 19, 9, 25, 4, 5},   /* 2026 */
	{2, 6, 6, 9, 9, 15, 4, 5},     /* 2027 */
	{1, 26, 5, 28, 10, 3, 4, 4},   /* 2028 */
	{2, 13, 6, 16, 9, 22, 4, 4},   /* 2029 */
	{2, 3, 6, 5, 9, 12, 4, 5},     /* 2030 */
	{1, 23, 6, 24, 10, 1, 4, 5},   /* 2031 */
	{2, 11, 6, 12, 9, 19, 4, 4},   /* 2032 */
	{1, 31, 6, 1, 9, 8, 4, 4},     /* 2033 */
	{2, 19, 6, 20, 9, 27, 4, 5},   /* 2034 */
	{2, 8, 6, 10, 9, 16, 4, 5},    /* 2035 */
	{1, 28, 5, 30, 10, 4, 4, 4},   /* 2036 */
	{2, 15, 6, 18, 9, 24, 4, 4},   /* 2037 */
	{2, 4, 6, 7, 9, 13, 4, 5},     /* 2038 */
	{1, 24, 5, 27, 10, 2, 4, 5},   /* 2039 */
	{2, 12, 6, 14, 9, 20, 4, 4},   /* 2040 */
};

_Static_assert(sizeof(lunar) / sizeof(*lunar) ==
		       CALENDAR_PROVISIONAL_LAST - CALENDAR_PROVISIONAL_FIRST + 1,
	       "one table row a provisional year");

static const char *const names[] = {
	"元旦", "春节 除夕", "春节 初一", "春节 初二", "春节 初三", "清明",
	"劳动节", "劳动节", "端午", "中秋", "国庆", "国庆", "国庆",
};
#define N_HOLIDAYS (sizeof(names) / sizeof(*names))

/* The statutory holidays of year, in the order of names (not sorted). */
static void statutory(int year, int32_t out[N_HOLIDAYS])
{
	const unsigned char *t = lunar[year - CALENDAR_PROVISIONAL_FIRST];
	int32_t spring = date_from_civil(year, t[0], t[1]);
	int32_t days[N_HOLIDAYS] = {
		date_from_civil(year, 1, 1), spring - 1, spring, spring + 1,
		spring + 2, date_from_civil(year, t[6], t[7]),
		date_from_civil(year, 5, 1), date_from_civil(year, 5, 2),
		date_from_civil(year, t[2], t[3]),
		date_from_civil(year, t[4], t[5]),
		date_from_civil(year, 10, 1), date_from_civil(year, 10, 2),
		date_from_civil(year, 10, 3),
	};
	memcpy(out, days, sizeof(days));
}

static bool member(const int32_t *v, size_t n, int32_t day)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == day)
			return true;
	return false;
}

static int by_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int calendar_provisional_text(int year, struct strbuf *out)
{
	if (year < CALENDAR_PROVISIONAL_FIRST ||
	    year > CALENDAR_PROVISIONAL_LAST)
		return -1;
	int32_t h[N_HOLIDAYS], sorted[N_HOLIDAYS], made_up[N_HOLIDAYS];
	size_t n_made_up = 0;
	statutory(year, h);
	memcpy(sorted, h, sizeof(h));
	qsort(sorted, N_HOLIDAYS, sizeof(*sorted), by_day);
	sb_printf(out, "# Provisional working-day calendar for %d: no State "
		  "Council notice\n# for %d is loaded. Derived from the "
		  "statutory holidays (全国年节及\n# 纪念日放假办法, 2024 "
		  "revision) as docs/ALGORITHM.md states.\nyear: %d\n"
		  "provisional: true\nholidays:\n", year, year, year);
	for (size_t i = 0; i < N_HOLIDAYS; i++) {
		char d[11];
		date_format(h[i], d);
		sb_printf(out, "  - %s  # %s\n", d, names[i]);
	}
	for (size_t i = 0; i < N_HOLIDAYS; i++) {
		/* On a weekend, or on a day another holiday already takes. */
		bool shared = i > 0 && sorted[i - 1] == sorted[i];
		if (date_weekday(sorted[i]) < 5 && !shared)
			continue;
		int32_t day = sorted[i] + 1;
		while (date_weekday(day) >= 5 || member(h, N_HOLIDAYS, day) ||
		       member(made_up, n_made_up, day))
			day++;
		made_up[n_made_up++] = day;
		char d[11], of[11];
		date_format(day, d);
		date_format(sorted[i], of);
		/* A day made up in the next year is that year's business. */
		if (day < date_from_civil(year + 1, 1, 1))
			sb_printf(out, "  - %s  # 补假 for %s\n", d, of);
	}
	return out->failed ? -1 : 0;
}

int calendar_add_provisional(struct calendar *c, int year, struct diag *err)
{
	struct strbuf b = {0};
	if (calendar_provisional_text(year, &b) < 0) {
		sb_finish(&b);
		return diag_add(err, "no provisional calendar for %d: the "
				"table covers %d to %d", year,
				CALENDAR_PROVISIONAL_FIRST,
				CALENDAR_PROVISIONAL_LAST);
	}
	char origin[48];
	snprintf(origin, sizeof(origin), "provisional calendar %d", year);
	int r = calendar_add_year(c, origin, b.s, b.len, err);
	sb_finish(&b);
	return r;
}

int calendar_check_provisional(const struct calendar *c, struct diag *err)
{
	for (unsigned i = 0; i < c->n_years; i++) {
		if (!(c->provisional >> i & 1))
			continue;
		int year = c->first_year + (int)i;
		struct calendar rule = {0};
		if (calendar_add_provisional(&rule, year, err) < 0)
			return -1;
		int32_t first = date_from_civil(year, 1, 1);
		int32_t last = date_from_civil(year, 12, 31);
		int r = 0;
		for (int32_t day = first; r == 0 && day <= last; day++) {
			int want = calendar_is_working(&rule, day);
			if (calendar_is_working(c, day) != want) {
				char d[11];
				date_format(day, d);
				r = diag_add(err, "calendar %d is marked "
					     "provisional but %s is %s by the "
					     "provisional rule", year, d,
					     want ? "a working day" : "off");
			}
		}
		calendar_finish(&rule);
		if (r)
			return r;
	}
	return 0;
}
