/* Working days: weekends off, except the make-up working days (调休上班) of
 * the State Council's yearly notice, and its official holidays off. A year
 * with no notice loaded may be added as a provisional calendar derived
 * from the statutory holidays (calendar_provisional.c), marked as such; a
 * question about a year not added is refused, never guessed. */
#ifndef INSPECT_CALENDAR_H
#define INSPECT_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"

#define CALENDAR_MAX_YEARS 64

struct calendar {
	int first_year;
	unsigned n_years;            /* consecutive years from first_year */
	int32_t first_day;           /* day number of first_year-01-01 */
	uint8_t *working;            /* one byte a day: 1 = working day */
	size_t n_days;
	uint64_t provisional;        /* bit y: first_year + y is provisional */
};

/* The years the provisional rule's lunar table covers. */
#define CALENDAR_PROVISIONAL_FIRST 2025
#define CALENDAR_PROVISIONAL_LAST 2040

/* Adds one year's calendar document (YAML: year, holidays, workdays; see
 * policies/calendars/). Years must be added without gaps between them.
 * Errors name origin, line and reason. */
int calendar_add_year(struct calendar *c, const char *origin,
		      const char *text, size_t len, struct diag *err);
void calendar_finish(struct calendar *c);

struct strbuf;
/* Writes year's provisional calendar as a calendar document (with
 * "provisional: true"); -1 if the year is outside the table. */
int calendar_provisional_text(int year, struct strbuf *out);
/* Adds year's provisional calendar (calendar_add_year of its text). */
int calendar_add_provisional(struct calendar *c, int year, struct diag *err);
/* Checks every year marked provisional against the provisional rule;
 * the first day that differs is named. */
int calendar_check_provisional(const struct calendar *c, struct diag *err);
/* Whether day's year is provisional (false outside the known years). */
bool calendar_day_provisional(const struct calendar *c, int32_t day);
/* The last day before the first provisional year (DATE_NONE if the
 * first year is provisional): until then every day is official. */
int32_t calendar_official_end(const struct calendar *c);

/* 1 working, 0 not, -1 outside the known years. */
int calendar_is_working(const struct calendar *c, int32_t day);
/* The working days of [from, to] into out (up to max); returns their
 * count, or -1 if part of the range is outside the known years. */
long calendar_working_days(const struct calendar *c, int32_t from,
			   int32_t to, int32_t *out, size_t max);
/* The n-th working day after day (n >= 1; day itself not counted), or
 * DATE_NONE if the known years end first. */
int32_t calendar_add_working_days(const struct calendar *c, int32_t day,
				  unsigned n);

#endif
