/* The text buffers (inspect/core/strbuf.h): buf_put cuts and terminates
 * as snprintf does at every size of buffer, and sb_printf, formatting
 * once where the text fits and twice where the buffer grows, makes the
 * text snprintf makes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/strbuf.h"

Test(strbuf, buf_put_is_snprintf_at_every_size)
{
	static const char *const piece[] = {"n0217 00217", ", ", "", "张三",
					    " b1216;b0434"};
	char whole[128] = "";
	for (size_t i = 0; i < 5; i++)
		strcat(whole, piece[i]);
	size_t full = strlen(whole);
	for (size_t size = 1; size <= full + 2; size++) {
		char got[128], want[128];
		memset(got, 'x', sizeof(got));
		memset(want, 'x', sizeof(want));
		size_t n = 0;
		for (size_t i = 0; i < 5; i++)
			n = buf_put(got, size, n, piece[i], strlen(piece[i]));
		int w = snprintf(want, size, "%s%s%s%s%s", piece[0], piece[1],
				 piece[2], piece[3], piece[4]);
		cr_assert_eq(n, (size_t)w, "size %zu", size);
		cr_assert(memcmp(got, want, sizeof(got)) == 0, "size %zu",
			  size);
	}
}

Test(strbuf, buf_put_beyond_the_end_writes_nothing)
{
	char out[8] = "abcdefg";
	cr_assert_eq(buf_put(out, 4, 4, "xyz", 3), 7);
	cr_assert_eq(buf_put(out, 4, 9, "xyz", 3), 12);
	cr_assert_str_eq(out, "abcdefg");
}

/* Texts short and long, appended across the buffer's growth (from empty,
 * from a buffer with room, from one nearly full): the same bytes as one
 * large snprintf buffer holds. */
Test(strbuf, sb_printf_makes_snprintfs_text_across_growth)
{
	size_t cap = 1 << 20, at = 0;
	char *want = malloc(cap), *long_text = malloc(9001);
	memset(long_text, 'L', 9000);
	long_text[9000] = '\0';
	struct strbuf b = {0};
	for (int i = 0; i < 400; i++) {
		const char *s = i % 37 == 5 ? long_text : "visit";
		sb_printf(&b, "%d|%s|%05d;", i, s, i * 7);
		at += (size_t)snprintf(want + at, cap - at, "%d|%s|%05d;", i, s,
				       i * 7);
		cr_assert_eq(b.len, at, "after %d", i);
		cr_assert_eq(b.s[b.len], '\0');
	}
	cr_assert(!b.failed);
	cr_assert(memcmp(b.s, want, at) == 0);
	sb_finish(&b);
	free(want);
	free(long_text);
}
