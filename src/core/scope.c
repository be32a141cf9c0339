#include "inspect/core/scope.h"

#include <string.h>

static bool region_matches(const struct scope *s, uint32_t region)
{
	char code[7];
	for (int i = 5; i >= 0; i--, region /= 10)
		code[i] = (char)('0' + region % 10);
	for (unsigned k = 0; k < s->n_regions; k++)
		if (strncmp(code, s->regions[k], strlen(s->regions[k])) == 0)
			return true;
	return s->n_regions == 0;
}

static bool industry_matches(const struct scope *s, const char *industry)
{
	for (unsigned k = 0; k < s->n_industries; k++)
		if (strncmp(industry, s->industries[k],
			    strlen(s->industries[k])) == 0)
			return true;
	return s->n_industries == 0;
}

bool scope_contains(const struct scope *s, const struct entity *e)
{
	return (e->flags & s->flags) == s->flags &&
	       region_matches(s, e->region) &&
	       industry_matches(s, e->industry);
}

void scope_apply(const struct scope *s, struct population *p)
{
	size_t kept = 0;
	if (s->n_regions == 0 && s->n_industries == 0 && s->flags == 0)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (scope_contains(s, &p->v[i]))
			p->v[kept++] = p->v[i];
	p->n = kept;
}
