/* The random-inspection item list (YAML). */
#include "fuzz.h"
#include "inspect/core/items.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct item_list l;
	struct diag err;
	diag_init(&err);
	if (item_list_parse("f", (const char *)data, size, &l, &err) == 0)
		item_list_finish(&l);
	return 0;
}
