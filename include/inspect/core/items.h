/* The random-inspection item list (抽查事项清单): a campaign may only name
 * listed items; each belongs to a department and may need a
 * qualification of the team. */
#ifndef INSPECT_ITEMS_H
#define INSPECT_ITEMS_H

#include <stddef.h>

#include "inspect/core/diag.h"

#define ITEMS_MAX 1024

struct item {
	char code[65];
	char name[257];
	char department[65];
	char qualification[33]; /* "" if none */
};

struct item_list {
	struct item *v;
	size_t n;
};

int item_list_parse(const char *origin, const char *text, size_t len,
		    struct item_list *ret, struct diag *err);
void item_list_finish(struct item_list *l);
const struct item *item_find(const struct item_list *l, const char *code);

#endif
