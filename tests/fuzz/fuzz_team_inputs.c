/* An audit bundle's teams.txt (the team draw's inputs). */
#include "fuzz.h"
#include "inspect/core/team_inputs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct team_inputs t;
	struct diag err;
	diag_init(&err);
	if (team_inputs_parse("f", (const char *)data, size, &t, &err) == 0)
		team_inputs_finish(&t);
	return 0;
}
