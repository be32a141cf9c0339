#include <criterion/criterion.h>
#include <string.h>

#include "inspect/core/text.h"

/* NULL for valid text, else the reason. */
static const char *invalid(const char *s, size_t len, size_t max)
{
	static struct diag why;
	diag_init(&why);
	if (text_check(s, len, max, &why) == 0)
		return NULL;
	cr_assert_eq(why.count, 1);
	return diag_reason(&why);
}

#define INVALID(s, max) invalid(s, sizeof(s) - 1, max)

Test(text, utf8_names_pass_and_length_is_in_bytes)
{
	cr_assert_null(INVALID("郑州市天成宏图食品有限公司", TEXT_MAX_NAME));
	cr_assert_null(INVALID("A & B (Zhengzhou) Co., Ltd.", TEXT_MAX_NAME));
	cr_assert_null(INVALID("\xf0\x9f\x8f\xad", 4)); /* U+1F3ED, 4 bytes */
	cr_assert_str_eq(INVALID("\xf0\x9f\x8f\xad", 3), "is too long");
	cr_assert_str_eq(invalid("", 0, 10), "is empty");
}

Test(text, separators_and_controls_are_refused)
{
	/* The name that redirected a feed: fields joined by 0x1f. */
	cr_assert_str_eq(INVALID("EVIL\x1f" "2020-01-01\x1fzz99", 240),
			 "holds a control character");
	cr_assert_str_eq(INVALID("a\nb", 240), "holds a control character");
	cr_assert_str_eq(INVALID("a\tb", 240), "holds a control character");
	cr_assert_str_eq(INVALID("a\x7f", 240), "holds a control character");
	cr_assert_str_eq(INVALID("a\xc2\x85", 240), /* U+0085 NEL */
			 "holds a control character");
}

Test(text, invalid_utf8_is_refused)
{
	/* GBK's 郑州: not UTF-8. */
	cr_assert_str_eq(INVALID("\xd6\xa3\xd6\xdd", 240), "is not valid UTF-8");
	cr_assert_str_eq(INVALID("\xc0\xaf", 240), "is not valid UTF-8");
	cr_assert_str_eq(INVALID("\xed\xa0\x80", 240), "is not valid UTF-8");
	cr_assert_str_eq(INVALID("\xf4\x90\x80\x80", 240), "is not valid UTF-8");
	cr_assert_str_eq(INVALID("\xe9\x83", 240), "is not valid UTF-8");
}

Test(text, cleaning_replaces_and_cuts_at_a_character)
{
	char out[32];
	const char evil[] = "EVIL\x1fzz\xd6";
	size_t n = text_clean(evil, sizeof(evil) - 1, out, sizeof(out));
	cr_assert_str_eq(out, "EVIL\xef\xbf\xbdzz\xef\xbf\xbd");
	cr_assert_eq(n, strlen(out));
	cr_assert_null(invalid(out, n, sizeof(out)));
	/* 郑州 is 6 bytes: 5 bytes of room keep only 郑. */
	char small[6];
	n = text_clean("郑州", 6, small, sizeof(small));
	cr_assert_str_eq(small, "郑");
	cr_assert_eq(n, 3);
}
