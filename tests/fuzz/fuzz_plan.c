/* Annual plans: the document (YAML) a department files, and the canonical
 * text an audit bundle carries (plan.txt), which a stranger's bundle can
 * hold anything in. A text that reads is written again and must read
 * again to the same bytes. The first byte picks which. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "inspect/core/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *text = (const char *)data + 1;
	struct plan p;
	struct diag err;
	diag_init(&err);
	if (data[0] & 1) {
		if (plan_parse("f", text, size - 1, &p, &err) == 0)
			plan_finish(&p);
		return 0;
	}
	if (plan_text_parse("plan.txt", text, size - 1, &p, &err) < 0)
		return 0;
	struct strbuf once = {0}, twice = {0};
	plan_canonical(&p, &once);
	plan_finish(&p);
	if (once.failed || plan_text_parse("again", once.s, once.len, &p,
					   &err) < 0)
		abort(); /* what the writer writes, the reader reads */
	plan_canonical(&p, &twice);
	plan_finish(&p);
	if (twice.len != once.len || memcmp(twice.s, once.s, once.len))
		abort();
	sb_finish(&once);
	sb_finish(&twice);
	return 0;
}
