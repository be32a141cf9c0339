/* Strict whole numbers: digits only, within bounds. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/core/team_inputs.h"

Test(number, only_digits_within_bounds)
{
	unsigned long long v = 7;
	cr_assert(number_parse_str("0", 10, &v) && v == 0);
	cr_assert(number_parse_str("1000", 1000, &v) && v == 1000);
	cr_assert(number_parse_str("18446744073709551615", UINT64_MAX, &v) &&
		  v == UINT64_MAX);
	static const char *const bad[] = {"",   "2x", "x2", " 2", "2 ", "+2",
					  "-2", "1001", "0x10", "2_0",
					  "18446744073709551616"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		v = 7;
		cr_assert(!number_parse_str(bad[i], i == 10 ? UINT64_MAX : 1000,
					    &v), "%s", bad[i]);
		cr_assert_eq(v, 7, "%s changed the output", bad[i]);
	}
	cr_assert(number_parse("123456", 3, 1000, &v) && v == 123);
}

/* teams.txt's numbers and fields are as strict: "2x", a double space, a
 * missing field. */
Test(number, team_inputs_take_no_trailing_text)
{
	static const char *const bad[] = {
		"team_size 2x\n",
		"team_size 2 \n",
		"window 2026-12-21  2026-12-25\n",
		"used r00 2026-12-21 2x\n",
		"used r00 2026-12-21\n",
		"previous 91440300MA5FXXXX0X\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char text[256];
		struct team_inputs ti;
		struct diag err;
		diag_init(&err);
		snprintf(text, sizeof(text), "inspectd-team-inputs/1\n%s",
			 bad[i]);
		cr_assert_eq(team_inputs_parse("teams.txt", text, strlen(text),
					       &ti, &err), -1, "%s", bad[i]);
		cr_assert(strstr(diag_text(&err), "teams.txt:2"), "%s: %s",
			  bad[i], diag_text(&err));
	}
}
