#include "inspect/core/caps.h"

#include <string.h>

bool caps_any(const struct policy *p)
{
	for (int k = 0; k < CAP_COUNT; k++)
		if (p->cap[k].visits)
			return true;
	return false;
}

uint32_t caps_horizon(const struct policy *p)
{
	uint32_t days = 0;
	for (int k = 0; k < CAP_COUNT; k++)
		if (p->cap[k].visits && p->cap[k].days > days)
			days = p->cap[k].days;
	return days;
}

/* Whether one of the visit's items ('+'-joined) is one of the campaign's. */
static bool shares_item(const char *items, const struct cap_items *c)
{
	for (const char *s = items; *s;) {
		size_t len = strcspn(s, "+");
		for (unsigned i = 0; i < c->n; i++)
			if (strlen(c->code[i]) == len &&
			    memcmp(c->code[i], s, len) == 0)
				return true;
		s += len + (s[len] == '+');
	}
	return false;
}

/* What every rule is checked against. */
struct cap_view {
	const struct policy *p;
	const struct visit_history *h;
	const struct cap_items *items;
	int32_t date;
};

/* Whether rule k holds back entity e, whose visits are h->v[first..end). */
static bool rule_holds(const struct cap_view *c, int k, const struct entity *e,
		       size_t first, size_t end)
{
	const struct cap_rule *r = &c->p->cap[k];
	const struct visit_history *h = c->h;
	if (!r->visits || !(r->classes >> e->cls & 1) ||
	    (e->flags & r->exempt_flags))
		return false;
	/* Days with a visit that counts: visits of one day are one door
	 * opened (a visit joined by another campaign's, or merged into it),
	 * and the visits are in day order. */
	uint32_t count = 0;
	int32_t last = 0;
	for (size_t i = first; i < end; i++) {
		int64_t apart = (int64_t)h->v[i].day - c->date;
		if (apart <= -(int64_t)r->days || apart >= (int64_t)r->days)
			continue;
		if (k == CAP_SAME_ITEM &&
		    !shares_item(visit_items(h, &h->v[i]), c->items))
			continue;
		if (count == 0 || h->v[i].day != last)
			count++;
		last = h->v[i].day;
	}
	return count >= r->visits;
}

void caps_mark(const struct policy *p, const struct population *pop,
	       const struct cap_items *items, int32_t date, uint8_t *capped)
{
	const struct visit_history *h = &pop->visits;
	const struct cap_view c = {p, h, items, date};
	memset(capped, 0, pop->n);
	size_t at = 0; /* the visits and the entities are both in uscc order */
	for (size_t e = 0; e < pop->n && at < h->n; e++) {
		const char *u = pop->v[e].uscc;
		while (at < h->n && memcmp(h->v[at].uscc, u, USCC_LEN) < 0)
			at++;
		size_t end = at;
		while (end < h->n && memcmp(h->v[end].uscc, u, USCC_LEN) == 0)
			end++;
		for (int k = 0; k < CAP_COUNT && end > at; k++)
			if (rule_holds(&c, k, &pop->v[e], at, end))
				capped[e] = 1;
		at = end;
	}
}
