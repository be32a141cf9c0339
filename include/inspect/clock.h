/* The clocks of the shells: monotonic seconds for phase timings, and
 * "today", which every program takes in the configured time zone (never
 * the machine's), so that inspectd and inspectctl agree on the date. */
#ifndef INSPECT_CLOCK_H
#define INSPECT_CLOCK_H

#include <stdint.h>

double clock_seconds(void);

/* Today's day number (date.h) and, if hour is not NULL, the hour, in
 * time_zone (a tz database name such as Asia/Shanghai). Sets TZ for the
 * process: every program runs in one zone. */
int32_t clock_today(const char *time_zone, int *hour);

#endif
