#include "inspect/uscc.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* 3^i mod 31 for positions 1..17 (GB 32100-2015, table 2). */
static const unsigned weight[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
				    29, 25, 13, 8,  24, 10, 30, 28};

int uscc_char_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	for (int i = 10; i < 31; i++)
		if (alphabet[i] == c)
			return i;
	return -1;
}

char uscc_check_char(const char *first17)
{
	unsigned sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (unsigned)uscc_char_value(first17[i]) * weight[i];
	return alphabet[(31 - sum % 31) % 31];
}

const char *uscc_invalid(const char *s, unsigned len)
{
	if (len != USCC_LEN)
		return "uscc must be 18 characters";
	for (int i = 0; i < USCC_LEN; i++)
		if (uscc_char_value(s[i]) < 0)
			return "uscc has a character outside GB 32100's alphabet";
	for (int i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return "uscc characters 3-8 must be a region code";
	if (uscc_check_char(s) != s[17])
		return "uscc check character is wrong";
	return 0;
}
