#include "inspect/core/decimal.h"

#include <stdio.h>
#include <string.h>

bool decimal_parse(const char *s, unsigned scale, uint64_t max_units,
		   uint64_t *ret_units)
{
	u128 v = 0;
	unsigned frac = 0, int_digits = 0;
	bool dot = false;
	const char *p = s;
	for (; *p; p++) {
		if (*p == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
		if (dot && ++frac > scale)
			return false;
		if (!dot && ++int_digits > 19)
			return false;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (int_digits == 0 || (dot && frac == 0)) /* "", ".5", "5." */
		return false;
	for (; frac < scale; frac++)
		v *= 10;
	if (v > max_units)
		return false;
	*ret_units = (uint64_t)v;
	return true;
}

void decimal_format(uint64_t units, unsigned scale, char *out, size_t size)
{
	uint64_t one = 1;
	for (unsigned i = 0; i < scale; i++)
		one *= 10;
	uint64_t whole = units / one, frac = units % one;
	if (frac == 0) {
		snprintf(out, size, "%llu", (unsigned long long)whole);
		return;
	}
	char digits[24];
	snprintf(digits, sizeof(digits), "%0*llu", (int)scale,
		 (unsigned long long)frac);
	size_t n = strlen(digits);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	snprintf(out, size, "%llu.%s", (unsigned long long)whole, digits);
}

void decimal_format_ratio(u128 num, u128 den, char *out, size_t size)
{
	if (num == 0 || num >= den) {
		snprintf(out, size, num == 0 ? "0" : "1");
		return;
	}
	char buf[64] = "0.";
	size_t n = 2, last_nonzero = 0;
	unsigned significant = 0;
	u128 r = num;
	while (significant < 15 && r != 0 && n < sizeof(buf) - 1) {
		r *= 10;
		unsigned digit = (unsigned)(r / den);
		r %= den;
		buf[n++] = (char)('0' + digit);
		if (digit != 0 || significant > 0)
			significant++;
		if (digit != 0)
			last_nonzero = n;
	}
	buf[last_nonzero] = '\0';
	snprintf(out, size, "%s", buf);
}
