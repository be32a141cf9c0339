/* The small parsers every input goes through: by the first byte, a date
 * ('d'), a USCC ('u'), a decimal ('x'). */
#include "fuzz.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/uscc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 64)
		return 0;
	char s[65];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] == 'd') {
		int32_t day;
		if (date_parse(s, (unsigned)(size - 1), &day)) {
			char back[11];
			date_format(day, back);
			if (memcmp(back, s, 10) != 0)
				abort(); /* a date reads back as written */
		}
	} else if (data[0] == 'u') {
		uscc_check(s, (unsigned)(size - 1), NULL);
	} else {
		uint64_t units;
		decimal_parse(s, 12, UINT64_MAX / 2, &units);
	}
	return 0;
}
