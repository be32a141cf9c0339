#include "metrics.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct metrics all;

void metric_count(enum metric_counter c, uint64_t n)
{
	pthread_mutex_lock(&lock);
	all.counter[c] += n;
	pthread_mutex_unlock(&lock);
}

void metric_observe(enum metric_histogram h, double seconds)
{
	pthread_mutex_lock(&lock);
	histogram_observe(&all.histogram[h], seconds);
	pthread_mutex_unlock(&lock);
}

void metrics_copy(struct metrics *out)
{
	pthread_mutex_lock(&lock);
	*out = all;
	pthread_mutex_unlock(&lock);
}
