#include "inspect/core/merge.h"

#include <stdio.h>
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
		out[k] = (struct merge){NULL, 0, NULL, NULL};
		for (size_t i = first_visit(h, uscc);
		     i < h->n && memcmp(h->v[i].uscc, uscc, USCC_LEN) == 0;
		     i++) {
			size_t at = day_index(days, n_days, h->v[i].day);
			if (at < n_days) { /* the earliest: visits are in day order */
				out[k] = (struct merge){
					&h->v[i], at, visit_campaign(h, &h->v[i]),
					visit_items(h, &h->v[i])};
				found++;
				break;
			}
		}
	}
	return found;
}

void merge_apply(enum merge_mode mode, const struct merge *m,
		 const struct visit *all, size_t n, struct merged_draw *out)
{
	out->n_entries = out->n = 0;
	for (size_t k = 0; k < n; k++) {
		const struct visit_rec *with =
			m && mode != MERGE_NONE ? m[k].with : NULL;
		if (with) {
			struct merge_entry *e = &out->entries[out->n_entries++];
			memcpy(e->uscc, all[k].uscc, USCC_LEN);
			e->uscc[USCC_LEN] = '\0';
			e->day = with->day;
			snprintf(e->campaign, sizeof(e->campaign), "%s",
				 m[k].campaign);
			e->skipped = mode == MERGE_SKIP;
			e->k = k;
			if (e->skipped)
				continue;
		}
		out->v[out->n] = all[k];
		out->v[out->n].fixed_day =
			with ? (uint16_t)(m[k].day_index + 1) : 0;
		out->at[out->n++] = k;
	}
}

void merge_scatter(const struct merged_draw *md, const struct assignment *a,
		   struct assignment *full)
{
	for (size_t j = 0; j < md->n; j++)
		full[md->at[j]] = a[j];
	for (size_t i = 0; i < md->n_entries; i++)
		if (md->entries[i].skipped)
			full[md->entries[i].k] =
				(struct assignment){md->entries[i].day, 0, {0}};
}
