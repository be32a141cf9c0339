#include <criterion/criterion.h>
#include <string.h>

#include "inspect/core/uscc.h"

/* NULL for a valid code, else the reason. */
static const char *invalid(const char *s)
{
	static struct diag why;
	diag_init(&why);
	if (uscc_check(s, (unsigned)strlen(s), &why) == 0)
		return NULL;
	cr_assert_eq(why.count, 1);
	return diag_reason(&why);
}

/* The worked example of GB 32100-2015's appendix. */
Test(uscc, accepts_the_standard_example)
{
	cr_assert_null(invalid("91350100M000100Y43"));
	cr_assert_eq(uscc_check_char("91350100M000100Y4"), '3');
}

Test(uscc, check_character_catches_any_single_change)
{
	char s[19] = "91350100M000100Y43";
	for (int pos = 0; pos < 17; pos++) {
		char keep = s[pos];
		s[pos] = keep == '0' ? '1' : '0';
		if (pos >= 2 && pos < 8 && (s[pos] < '0' || s[pos] > '9'))
			s[pos] = '5';
		cr_assert_not_null(invalid(s), "change at %d passed", pos);
		s[pos] = keep;
	}
}

Test(uscc, reasons)
{
	cr_assert_str_eq(invalid("91350100M000100Y4"),
			 "uscc must be 18 characters");
	cr_assert_str_eq(invalid("91350100M000100I43"),
			 "uscc has a character outside GB 32100's alphabet");
	cr_assert_str_eq(invalid("913501O0M000100Y43"),
			 "uscc has a character outside GB 32100's alphabet");
	cr_assert_str_eq(invalid("9135010AM000100Y43"),
			 "uscc characters 3-8 must be a region code");
	cr_assert_str_eq(invalid("91350100M000100Y44"),
			 "uscc check character is wrong");
}
