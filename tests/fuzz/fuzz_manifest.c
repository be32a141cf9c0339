/* An audit bundle's MANIFEST. */
#include "fuzz.h"
#include "inspect/core/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_manifest m;
	struct diag err;
	diag_init(&err);
	bundle_manifest_parse((const char *)data, size, &m, &err);
	return 0;
}
