/* The clocks of the shells: monotonic seconds for phase timings, and
 * "today", which every program takes in the configured time zone (never
 * the machine's), so that inspectd and inspectctl agree on the date. */
#ifndef INSPECT_CLOCK_H
#define INSPECT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

double clock_seconds(void);

/* Today's day number (date.h) and, if hour is not NULL, the hour, in
 * time_zone (a tz database name such as Asia/Shanghai). Sets TZ for the
 * process: every program runs in one zone. */
int32_t clock_today(const char *time_zone, int *hour);
/* Whether time_zone names a zone of the tz database ($TZDIR, else
 * /usr/share/zoneinfo): an unknown name would silently mean UTC. */
bool clock_zone_known(const char *time_zone);
/* The day number of a Unix time in time_zone. */
int32_t clock_day_of(const char *time_zone, int64_t unix_seconds);

#endif
