/* Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian). */
#ifndef INSPECT_DATE_H
#define INSPECT_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define DATE_NONE INT32_MIN /* "never", e.g. an entity never inspected */

int32_t date_from_civil(int y, unsigned m, unsigned d);
void date_to_civil(int32_t day, int *y, unsigned *m, unsigned *d);
/* Parses exactly YYYY-MM-DD (len bytes, no terminator needed), rejecting
 * impossible dates such as 2023-02-29. Years 1900..2999. */
bool date_parse(const char *s, unsigned len, int32_t *ret_day);
/* Writes YYYY-MM-DD and a NUL into out[11]. */
void date_format(int32_t day, char out[11]);
/* 0 = Monday .. 6 = Sunday. */
unsigned date_weekday(int32_t day);

#endif
