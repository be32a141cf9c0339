#include <criterion/criterion.h>

#include "inspect/core/decimal.h"

Test(decimal, parses_exact_units)
{
	uint64_t v;
	cr_assert(decimal_parse("0.01", PI_SCALE, PI_ONE, &v));
	cr_assert_eq(v, 10000000000ULL);
	cr_assert(decimal_parse("1", PI_SCALE, PI_ONE, &v));
	cr_assert_eq(v, PI_ONE);
	cr_assert(decimal_parse("3.333333", FACTOR_SCALE, UINT64_MAX, &v));
	cr_assert_eq(v, 3333333);
	cr_assert(decimal_parse("0.000000000001", PI_SCALE, PI_ONE, &v));
	cr_assert_eq(v, 1);
}

Test(decimal, refuses_what_is_not_a_plain_decimal_in_range)
{
	uint64_t v = 99;
	const char *bad[] = {"", ".5", "5.", "-1", "+1", "1e-2", "0.0000000000001",
			     "1.5", "0x10", "1..2", "1,5", " 1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert(!decimal_parse(bad[i], PI_SCALE, PI_ONE, &v),
			  "accepted '%s'", bad[i]);
	cr_assert_eq(v, 99);
}

Test(decimal, formats_units_minimally)
{
	char out[32];
	decimal_format(10000000000ULL, PI_SCALE, out, sizeof(out));
	cr_assert_str_eq(out, "0.01");
	decimal_format(3 * FACTOR_ONE, FACTOR_SCALE, out, sizeof(out));
	cr_assert_str_eq(out, "3");
	decimal_format(1250000, FACTOR_SCALE, out, sizeof(out));
	cr_assert_str_eq(out, "1.25");
}

Test(decimal, ratio_has_15_significant_digits_truncated)
{
	char out[40];
	decimal_format_ratio(1, 3, out, sizeof(out));
	cr_assert_str_eq(out, "0.333333333333333");
	decimal_format_ratio(2, 3, out, sizeof(out));
	cr_assert_str_eq(out, "0.666666666666666");
	decimal_format_ratio(1, 700, out, sizeof(out));
	cr_assert_str_eq(out, "0.00142857142857142");
	decimal_format_ratio(1, 4, out, sizeof(out));
	cr_assert_str_eq(out, "0.25");
	decimal_format_ratio(0, 4, out, sizeof(out));
	cr_assert_str_eq(out, "0");
	decimal_format_ratio(4, 4, out, sizeof(out));
	cr_assert_str_eq(out, "1");
}
