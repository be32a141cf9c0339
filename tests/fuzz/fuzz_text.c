/* Text fields: whatever the input, a cleaned copy is valid text, and
 * valid text is left as it is. */
#include "fuzz.h"
#include "inspect/core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TEXT_MAX_ADDRESS + 1];
	const char *s = (const char *)data;
	size_t n = text_clean(s, size, out, sizeof(out));
	if (n && text_check(out, n, TEXT_MAX_ADDRESS, NULL))
		abort();
	if (size && size <= TEXT_MAX_ADDRESS &&
	    !text_check(s, size, size, NULL) &&
	    (n != size || memcmp(out, s, size) != 0))
		abort();
	return 0;
}
