/* The population CSV (inspectctl draw and import). */
#include "fuzz.h"
#include "inspect/core/population.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct population p = {0};
	struct diag err;
	diag_init(&err);
	if (population_parse_csv("f", (const char *)data, size, &p, &err) == 0) {
		if (population_canonicalize(&p, "f", 2, &err) == 0) {
			uint8_t digest[32];
			population_digest(&p, digest);
		}
		population_finish(&p);
	}
	return 0;
}
