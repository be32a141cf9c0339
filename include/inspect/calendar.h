/* Working days: weekends off, except the make-up working days (调休上班) of
 * the State Council's yearly notice, and its official holidays off. Only
 * years with a calendar file are known; a question about another year is
 * refused, never guessed. */
#ifndef INSPECT_CALENDAR_H
#define INSPECT_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/diag.h"

#define CALENDAR_MAX_YEARS 64

struct calendar {
	int first_year;
	unsigned n_years;            /* consecutive years from first_year */
	int32_t first_day;           /* day number of first_year-01-01 */
	uint8_t *working;            /* one byte a day: 1 = working day */
	size_t n_days;
};

/* Adds one year's calendar document (YAML: year, holidays, workdays; see
 * policies/calendars/). Years must be added without gaps between them.
 * Errors name origin, line and reason. */
int calendar_add_year(struct calendar *c, const char *origin,
		      const char *text, size_t len, struct diag *err);
void calendar_finish(struct calendar *c);

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
