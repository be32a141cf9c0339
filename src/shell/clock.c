#include "inspect/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/date.h"

/* tzset is declared under _POSIX_C_SOURCE; time.h gives it. */

double clock_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int32_t clock_today(const char *time_zone, int *hour)
{
	const char *now = getenv("TZ");
	if (!now || strcmp(now, time_zone) != 0) {
		setenv("TZ", time_zone, 1);
		tzset();
	}
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	if (hour)
		*hour = tm.tm_hour;
	return date_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			       (unsigned)tm.tm_mday);
}
