/* An intake entry (a campaign or its entropy), as inspectd reads it. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p;
	struct entry_field f[FUZZ_MAX_PARTS];
	struct campaign c;
	struct diag err;
	diag_init(&err);
	parts_cut(data, size, "\n", &p);
	campaign_parse(f, entry_fields_of(&p, f), &c, &err);
	parts_free(&p);
	return 0;
}
