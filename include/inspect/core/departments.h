/* The departments list (实施机关): each department code a campaign or an
 * item names, with the agency's name and region, for the public record
 * (检查实施机关 on the national disclosure). Not part of any draw. */
#ifndef INSPECT_DEPARTMENTS_H
#define INSPECT_DEPARTMENTS_H

#include <stddef.h>

#include "inspect/core/diag.h"

#define DEPARTMENTS_MAX 1024

struct department {
	char code[65];
	char name[257]; /* 郑州市市场监督管理局 */
	char region[7]; /* its 6-digit administrative code */
};

struct department_list {
	struct department *v;
	size_t n;
};

/* Parses a departments file (YAML: `departments:` a list of mappings
 * with code, name and region), every error with its place. 0 or -1. */
int department_list_parse(const char *origin, const char *text, size_t len,
			  struct department_list *ret, struct diag *err);
void department_list_finish(struct department_list *l);
/* The department of code, or NULL. */
const struct department *department_find(const struct department_list *l,
					 const char *code);
/* Its agency's name, or the code itself when the list has none. */
const char *department_name(const struct department_list *l,
			    const char *code);

#endif
