#include "inspect/shell/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "inspect/core/date.h"

double clock_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void use_zone(const char *time_zone)
{
	const char *now = getenv("TZ");
	if (!now || strcmp(now, time_zone) != 0) {
		setenv("TZ", time_zone, 1);
		tzset();
	}
}

static int32_t day_of(time_t t, int *hour)
{
	struct tm tm;
	localtime_r(&t, &tm);
	if (hour)
		*hour = tm.tm_hour;
	return date_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			       (unsigned)tm.tm_mday);
}

int32_t clock_today(const char *time_zone, int *hour)
{
	use_zone(time_zone);
	return day_of(time(NULL), hour);
}

int32_t clock_day_of(const char *time_zone, int64_t unix_seconds)
{
	use_zone(time_zone);
	return day_of((time_t)unix_seconds, NULL);
}

bool clock_zone_known(const char *time_zone)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;
	if (!time_zone[0] || time_zone[0] == '/' || strstr(time_zone, ".."))
		return false;
	snprintf(path, sizeof(path), "%s/%s", dir && dir[0] ? dir
			 : "/usr/share/zoneinfo", time_zone);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	/* A zone file, not one of the tables beside them (zone.tab...). */
	char magic[4] = "";
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(magic, 1, 4, f) : 0;
	if (f)
		fclose(f);
	return n == 4 && !memcmp(magic, "TZif", 4);
}
