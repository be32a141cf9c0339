/* An input as stream entry fields: lines "name=value". */
#ifndef FUZZ_ENTRIES_H
#define FUZZ_ENTRIES_H

#include "fuzz.h"
#include "inspect/core/campaign.h"

static inline size_t entry_fields_of(const struct parts *p,
				     struct entry_field *f)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++) {
		const char *eq = memchr(p->s[i], '=', p->len[i]);
		if (!eq)
			continue;
		f[n++] = (struct entry_field){p->s[i], eq + 1,
					      (size_t)(eq - p->s[i]),
					      p->len[i] - (size_t)(eq + 1 - p->s[i])};
	}
	return n;
}

#endif
