/* The inspector roster CSV (inspectctl import --inspectors, <p>roster). */
#include "fuzz.h"
#include "inspect/core/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster r;
	struct diag err;
	diag_init(&err);
	if (roster_parse_csv("f", (const char *)data, size, &r, &err) == 0)
		roster_finish(&r);
	return 0;
}
