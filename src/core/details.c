#include "inspect/core/details.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/text.h"
#include "inspect/core/uscc.h"

static const char *bad_text(const char *what, const char *v, size_t len,
			    size_t max, char *why, size_t size)
{
	const char *bad = text_invalid(v, len, max);
	if (!bad)
		return NULL;
	snprintf(why, size, "%s %s (UTF-8 without control characters, at "
		 "most %zu bytes)", what, bad, max);
	return why;
}

const char *details_line_parse(const char *line, size_t len,
			       struct details_line *ret, char *why,
			       size_t size)
{
	const char *c1 = memchr(line, ',', len);
	const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - line))
			    : NULL;
	if (!c2 || c1 - line != USCC_LEN || uscc_invalid(line, USCC_LEN))
		return "expected uscc,name,address with a valid uscc";
	ret->uscc = line;
	ret->name = c1 + 1;
	ret->name_len = (size_t)(c2 - c1 - 1);
	ret->address = c2 + 1;
	ret->address_len = (size_t)(line + len - c2 - 1);
	const char *bad = bad_text("name", ret->name, ret->name_len,
				   TEXT_MAX_NAME, why, size);
	if (!bad && ret->address_len)
		bad = bad_text("address", ret->address, ret->address_len,
			       TEXT_MAX_ADDRESS, why, size);
	return bad;
}
