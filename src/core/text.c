#include "inspect/core/text.h"

#include <stdint.h>
#include <string.h>

/* The length of the valid UTF-8 character at s (1 to 4), or 0 if the
 * bytes there are not one (overlong, surrogate, beyond U+10FFFF, cut). */
static size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2
			       : c >= 0xe0 && c <= 0xef ? 3
			       : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (n == 0 || n > len)
		return 0;
	uint32_t v = n == 1 ? c : c & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	if (v < least[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

size_t text_utf8_char(const char *s, size_t len, uint32_t *cp)
{
	return len ? utf8_char((const unsigned char *)s, len, cp) : 0;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int text_check(const char *s, size_t len, size_t max, struct diag *why)
{
	if (len == 0)
		return diag_add(why, "is empty");
	if (len > max)
		return diag_add(why, "is too long");
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_char((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			return diag_add(why, "is not valid UTF-8");
		if (is_control(cp))
			return diag_add(why, "holds a control character");
		i += n;
	}
	return 0;
}

size_t text_clean(const char *s, size_t len, char *out, size_t size)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < len && size > 0;) {
		uint32_t cp;
		size_t n = utf8_char(u + i, len - i, &cp);
		const char *put = n && !is_control(cp) ? s + i : replacement;
		size_t m = n && !is_control(cp) ? n : 3;
		if (o + m >= size)
			break;
		memcpy(out + o, put, m);
		o += m;
		i += n ? n : 1;
	}
	if (size > 0)
		out[o] = '\0';
	return o;
}
