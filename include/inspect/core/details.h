/* Entity details for the grade index (inspectctl import --details): after
 * a header, lines "uscc,name,address", the address being the rest of the
 * line. The name and the address are text fields (text.h). */
#ifndef INSPECT_DETAILS_H
#define INSPECT_DETAILS_H

#include <stddef.h>

#include "inspect/core/diag.h"

struct details_line {
	const char *uscc, *name, *address; /* into the line */
	size_t name_len, address_len;
};

/* 0 if line[0..len) (no line end) is a valid details line, filling ret;
 * else FAIL_INVALID with why not added to why (which may be NULL). */
int details_line_parse(const char *line, size_t len, struct details_line *ret,
		       struct diag *why);

#endif
