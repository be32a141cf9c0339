#include "inspect/core/date.h"


/* Howard Hinnant's days_from_civil / civil_from_days. */
int32_t date_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void date_to_civil(int32_t day, int *y, unsigned *m, unsigned *d)
{
	day += 719468;
	int era = (day >= 0 ? day : day - 146096) / 146097;
	unsigned doe = (unsigned)(day - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, unsigned n, unsigned *v)
{
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

bool date_parse(const char *s, unsigned len, int32_t *ret_day)
{
	unsigned y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int32_t day = date_from_civil((int)y, m, d);
	int yy;
	unsigned mm, dd;
	date_to_civil(day, &yy, &mm, &dd);
	if (mm != m || dd != d) /* day 31 of a short month, Feb 29 off-leap */
		return false;
	*ret_day = day;
	return true;
}

void date_format(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	date_to_civil(day, &y, &m, &d);
	unsigned v[3] = {(unsigned)y % 10000, m, d}, width[3] = {4, 2, 2};
	char *o = out;
	for (int f = 0; f < 3; f++) {
		for (unsigned i = width[f]; i-- > 0; v[f] /= 10)
			o[i] = (char)('0' + v[f] % 10);
		o += width[f];
		*o++ = f < 2 ? '-' : '\0';
	}
}

unsigned date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3). */
	int w = (day % 7 + 7 + 3) % 7;
	return (unsigned)w;
}
