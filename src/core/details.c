#include "inspect/core/details.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/text.h"
#include "inspect/core/uscc.h"

/* A text field checked: the reason, if any, names the field and the rule. */
static int check_text(const char *what, const char *v, size_t len, size_t max,
		      struct diag *why)
{
	struct diag bad;
	diag_init(&bad);
	if (text_check(v, len, max, &bad) == 0)
		return 0;
	return diag_add(why, "%s %s (UTF-8 without control characters, at "
			"most %zu bytes)", what, diag_reason(&bad), max);
}

int details_line_parse(const char *line, size_t len, struct details_line *ret,
		       struct diag *why)
{
	const char *c1 = memchr(line, ',', len);
	const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - line))
			    : NULL;
	if (!c2 || c1 - line != USCC_LEN || uscc_check(line, USCC_LEN, NULL))
		return diag_add(why, "expected uscc,name,address with a "
				     "valid uscc");
	ret->uscc = line;
	ret->name = c1 + 1;
	ret->name_len = (size_t)(c2 - c1 - 1);
	ret->address = c2 + 1;
	ret->address_len = (size_t)(line + len - c2 - 1);
	if (check_text("name", ret->name, ret->name_len, TEXT_MAX_NAME, why))
		return FAIL_INVALID;
	if (ret->address_len &&
	    check_text("address", ret->address, ret->address_len,
		       TEXT_MAX_ADDRESS, why))
		return FAIL_INVALID;
	return 0;
}
