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
		/* What reads writes back to what reads the same. */
		static struct result_record rr, back;
		if (result_record_parse(v, size - 1, &rr) == 0) {
			struct strbuf b = {0};
			result_record_format(&rr, &b);
			if (!b.failed &&
			    (result_record_parse(b.s, b.len, &back) != 0 ||
			     back.version != rr.version ||
			     back.state != rr.state ||
			     back.objection != rr.objection ||
			     back.repaired != rr.repaired ||
			     strcmp(back.note, rr.note)))
				__builtin_trap();
			sb_finish(&b);
		}
	}
	return 0;
}
