/* The daemon's counters and histograms (core/board.h), written by the
 * worker's thread and read by the HTTP endpoint's: under one lock. */
#ifndef INSPECTD_METRICS_H
#define INSPECTD_METRICS_H

#include "inspect/core/board.h"

void metric_count(enum metric_counter c, uint64_t n);
void metric_observe(enum metric_histogram h, double seconds);
void metrics_copy(struct metrics *out);

#endif
