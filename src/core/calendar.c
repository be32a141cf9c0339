#include "inspect/core/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/yaml_doc.h"

struct y_calendar {
	unsigned year;
	bool provisional;
	char **holidays;
	unsigned holidays_count;
	char **workdays;
	unsigned workdays_count;
};

static const cyaml_schema_value_t date_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 10, 22),
};

static const cyaml_schema_field_t calendar_fields[] = {
	CYAML_FIELD_UINT("year", CYAML_FLAG_DEFAULT, struct y_calendar, year),
	CYAML_FIELD_BOOL("provisional", CYAML_FLAG_OPTIONAL,
			 struct y_calendar, provisional),
	CYAML_FIELD_SEQUENCE("holidays", CYAML_FLAG_POINTER, struct y_calendar,
			     holidays, &date_entry, 0, 64),
	CYAML_FIELD_SEQUENCE("workdays",
			     CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct y_calendar, workdays, &date_entry, 0, 32),
	CYAML_FIELD_END};

static const cyaml_schema_value_t calendar_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_calendar,
			    calendar_fields),
};

#define FAIL YAML_DOC_FAIL

/* "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" within the year. */
static bool parse_span(const char *s, int year, int32_t *from, int32_t *to)
{
	size_t n = strlen(s);
	if (!date_parse(s, 10, from))
		return false;
	*to = *from;
	if (n == 22 && (memcmp(s + 10, "..", 2) != 0 ||
			!date_parse(s + 12, 10, to)))
		return false;
	if (n != 10 && n != 22)
		return false;
	return *from <= *to && *from >= date_from_civil(year, 1, 1) &&
	       *to <= date_from_civil(year, 12, 31);
}

static int apply(const struct yaml_doc *d, const struct y_calendar *y,
		 uint8_t *days, int32_t first)
{
	for (int32_t day = first; day <= date_from_civil((int)y->year, 12, 31);
	     day++)
		days[day - first] = date_weekday(day) < 5;
	for (unsigned i = 0; i < y->holidays_count; i++) {
		int32_t a, b;
		if (!parse_span(y->holidays[i], (int)y->year, &a, &b))
			return FAIL(d, "holidays", "'%s' is not a date or "
				    "range YYYY-MM-DD..YYYY-MM-DD in %u",
				    y->holidays[i], y->year);
		for (int32_t day = a; day <= b; day++)
			days[day - first] = 0;
	}
	for (unsigned i = 0; i < y->workdays_count; i++) {
		int32_t a, b;
		if (!parse_span(y->workdays[i], (int)y->year, &a, &b) || a != b)
			return FAIL(d, "workdays", "'%s' is not a date in %u",
				    y->workdays[i], y->year);
		if (date_weekday(a) < 5)
			return FAIL(d, "workdays", "%s is a weekday already: "
				    "make-up working days fall on weekends",
				    y->workdays[i]);
		days[a - first] = 1;
	}
	return 0;
}

int calendar_add_year(struct calendar *c, const char *origin,
		      const char *text, size_t len, struct diag *err)
{
	struct yaml_doc d = {origin, text, len, err};
	struct y_calendar *y = NULL;
	if (yaml_doc_load(origin, text, len, &calendar_schema, (void **)&y,
			  err) < 0)
		return -1;
	int r = 0;
	int year = (int)y->year;
	if (year < 1900 || year > 2999)
		r = FAIL(&d, "year", "%u is not a year from 1900 to 2999",
			 y->year);
	else if (c->n_years && (year < c->first_year ||
				year > c->first_year + (int)c->n_years))
		r = FAIL(&d, "year", "%d leaves a gap: the calendar holds %d "
			 "to %d", year, c->first_year,
			 c->first_year + (int)c->n_years - 1);
	else if (c->n_years && year < c->first_year + (int)c->n_years)
		r = FAIL(&d, "year", "%d is loaded already", year);
	else if (c->n_years >= CALENDAR_MAX_YEARS)
		r = FAIL(&d, "year", "more than %d years", CALENDAR_MAX_YEARS);
	/* Only a valid year is turned into days (26022026 would overflow). */
	int32_t first = r == 0 ? date_from_civil(year, 1, 1) : 0;
	size_t n = r == 0 ? (size_t)(date_from_civil(year + 1, 1, 1) - first)
			  : 0;
	uint8_t *grown = r == 0 ? realloc(c->working, c->n_days + n) : NULL;
	if (r == 0 && !grown)
		r = diag_add(err, "%s: out of memory", origin);
	if (r == 0) {
		c->working = grown;
		r = apply(&d, y, c->working + c->n_days, first);
	}
	if (r == 0) {
		if (c->n_years == 0) {
			c->first_year = year;
			c->first_day = first;
		}
		if (y->provisional)
			c->provisional |= 1ULL << c->n_years;
		c->n_years++;
		c->n_days += n;
	}
	yaml_doc_free(&calendar_schema, y);
	return r;
}

void calendar_finish(struct calendar *c)
{
	free(c->working);
	memset(c, 0, sizeof(*c));
}

int calendar_is_working(const struct calendar *c, int32_t day)
{
	if (c->n_days == 0 || day < c->first_day ||
	    (size_t)(day - c->first_day) >= c->n_days)
		return -1;
	return c->working[day - c->first_day];
}

long calendar_working_days(const struct calendar *c, int32_t from,
			   int32_t to, int32_t *out, size_t max)
{
	long n = 0;
	for (int32_t day = from; day <= to; day++) {
		int w = calendar_is_working(c, day);
		if (w < 0)
			return -1;
		if (w && (size_t)n < max)
			out[n] = day;
		n += w;
	}
	return n;
}

int32_t calendar_add_working_days(const struct calendar *c, int32_t day,
				  unsigned n)
{
	while (n > 0) {
		int w = calendar_is_working(c, ++day);
		if (w < 0)
			return DATE_NONE;
		n -= (unsigned)w;
	}
	return day;
}

bool calendar_day_provisional(const struct calendar *c, int32_t day)
{
	if (calendar_is_working(c, day) < 0)
		return false;
	int y;
	unsigned m, d;
	date_to_civil(day, &y, &m, &d);
	return c->provisional >> (y - c->first_year) & 1;
}

int32_t calendar_official_end(const struct calendar *c)
{
	unsigned i = 0;
	while (i < c->n_years && !(c->provisional >> i & 1))
		i++;
	return i ? date_from_civil(c->first_year + (int)i, 1, 1) - 1
		 : DATE_NONE;
}
