/* The policies a daemon serves: every *.yaml of a directory, by name. */
#ifndef INSPECT_POLICY_SET_H
#define INSPECT_POLICY_SET_H

#include <stddef.h>

#include "inspect/core/diag.h"
#include "inspect/core/policy.h"

#define POLICY_SET_MAX 256

struct policy_entry {
	struct policy policy;
	char *text; /* the document, kept for frozen campaigns' records */
	size_t len;
};

struct policy_set {
	struct policy_entry *v;
	size_t n;
};

/* Loads every *.yaml under dir. Any invalid file, or two files with one
 * name, refuses the whole set (reasons in err). */
int policy_set_load(const char *dir, struct policy_set *ret,
		    struct diag *err);
void policy_set_finish(struct policy_set *s);
const struct policy_entry *policy_set_find(const struct policy_set *s,
					   const char *name);

#endif
