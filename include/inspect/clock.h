/* Monotonic seconds, for phase timings in the shells. */
#ifndef INSPECT_CLOCK_H
#define INSPECT_CLOCK_H

double clock_seconds(void);

#endif
