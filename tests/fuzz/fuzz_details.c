/* A details line (inspectctl import --details): a line that passes holds
 * only text a record may join. */
#include "fuzz.h"
#include "inspect/core/details.h"
#include "inspect/core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct details_line d;
	if (details_line_parse((const char *)data, size, &d, NULL) == 0) {
		if (text_check(d.name, d.name_len, TEXT_MAX_NAME, NULL) ||
		    memchr(d.name, '\x1f', d.name_len) ||
		    memchr(d.address, '\x1f', d.address_len))
			abort();
	}
	return 0;
}
