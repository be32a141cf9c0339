#include "inspect/core/merge.h"

#include <string.h>

/* The first visit of uscc in the canonical history (h->n if none). */
static size_t first_visit(const struct visit_history *h, const char *uscc)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(h->v[mid].uscc, uscc, USCC_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* day's index in days[0..n) (ascending), or n if it is not there. */
static size_t day_index(const int32_t *days, size_t n, int32_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && days[lo] == day ? lo : n;
}

size_t merge_find(const struct population *pop, const uint32_t *chosen,
		  size_t n, const int32_t *days, size_t n_days,
		  struct merge *out)
{
	const struct visit_history *h = &pop->visits;
	size_t found = 0;
	for (size_t k = 0; k < n; k++) {
		const char *uscc = pop->v[chosen[k]].uscc;
		out[k] = (struct merge){NULL, 0};
		for (size_t i = first_visit(h, uscc);
		     i < h->n && memcmp(h->v[i].uscc, uscc, USCC_LEN) == 0;
		     i++) {
			size_t at = day_index(days, n_days, h->v[i].day);
			if (at < n_days) { /* the earliest: visits are in day order */
				out[k] = (struct merge){&h->v[i], at};
				found++;
				break;
			}
		}
	}
	return found;
}
