#include "inspect/core/uscc.h"

#include <stdbool.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* 3^i mod 31 for positions 1..17 (GB 32100-2015, table 2). */
static const unsigned weight[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
				    29, 25, 13, 8,  24, 10, 30, 28};

/* A table, since parsing and sorting look up every character of every
 * code. */
const uint8_t uscc_value_plus_one[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18,
	['J'] = 19, ['K'] = 20, ['L'] = 21, ['M'] = 22, ['N'] = 23, ['P'] = 24,
	['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28, ['W'] = 29, ['X'] = 30,
	['Y'] = 31,
};


char uscc_check_char(const char *first17)
{
	unsigned sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (unsigned)uscc_char_value(first17[i]) * weight[i];
	return alphabet[(31 - sum % 31) % 31];
}

/* One pass: alphabet, region digits and the weighted sum together, since
 * the daemon checks every code of the population it reads. */
int uscc_check(const char *s, unsigned len, struct diag *why)
{
	if (len != USCC_LEN)
		return diag_add(why, "uscc must be 18 characters");
	unsigned sum = 0;
	bool digits = true;
	for (int i = 0; i < USCC_LEN; i++) {
		int v = uscc_char_value(s[i]);
		if (v < 0)
			return diag_add(why, "uscc has a character outside "
					     "GB 32100's alphabet");
		if (i < 17)
			sum += (unsigned)v * weight[i];
		if (i >= 2 && i < 8)
			digits &= v < 10;
	}
	if (!digits)
		return diag_add(why, "uscc characters 3-8 must be a region "
				"code");
	if (alphabet[(31 - sum % 31) % 31] != s[17])
		return diag_add(why, "uscc check character is wrong");
	return 0;
}
