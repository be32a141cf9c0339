/* A policy document (YAML). */
#include "fuzz.h"
#include "inspect/core/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	struct diag err;
	diag_init(&err);
	policy_parse("f", (const char *)data, size, &p, &err);
	return 0;
}
