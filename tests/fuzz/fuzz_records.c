/* Records read back from Redis, which a hostile writer may have touched:
 * a campaign's planned visit ('V') and an accepted result ('R'). */
#include "fuzz.h"
#include "inspect/core/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *v = (const char *)data + 1;
	if (data[0] == 'V') {
		static struct planned_visit pv;
		planned_visit_parse(v, size - 1, &pv);
	} else {
		static struct result_record rr;
		result_record_parse(v, size - 1, &rr);
	}
	return 0;
}
