/* Approvals granted on a pledge (inspectctl import --pledges, and the
 * approvals.csv of a bundle): a file that passes holds approvals that
 * read back from the values the store keeps, and formats to itself once
 * sorted when it was written sorted. */
#include "fuzz.h"
#include "inspect/core/pledges.h"

static const char items_yaml[] =
    "items:\n  - code: PL-F\n    name: f\n    department: D\n"
    "    pledge: {verify: all, deadline_working_days: 20}\n"
    "  - code: SC-1\n    name: s\n    department: D\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct item_list items;
	struct approval_list l;
	struct diag err;
	diag_init(&err);
	if (!items.n && item_list_parse("items", items_yaml,
					sizeof(items_yaml) - 1, &items,
					&err) < 0)
		abort();
	if (approvals_parse_csv("f", (const char *)data, size, &items, &l,
				&err) < 0)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		char v[160];
		struct approval back;
		approval_value(&l.v[i], v, sizeof(v));
		if (approval_from_value(l.v[i].number, v, strlen(v), &items,
					&back, NULL) < 0 ||
		    memcmp(&back, &l.v[i], sizeof(back)))
			abort();
	}
	approval_list_finish(&l);
	return 0;
}
