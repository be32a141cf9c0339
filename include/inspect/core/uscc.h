/* Unified social credit codes (统一社会信用代码), GB 32100-2015: 18 characters
 * from a 31-character alphabet, the last a check character. */
#ifndef INSPECT_USCC_H
#define INSPECT_USCC_H

#include <stdbool.h>
#include <stdint.h>

#include "inspect/core/diag.h"

#define USCC_LEN 18

/* A character's value plus one, 0 outside the alphabet. */
extern const uint8_t uscc_value_plus_one[256];

/* Value 0..30 of a code character, or -1 if not in the alphabet
 * "0123456789ABCDEFGHJKLMNPQRTUWXY". */
static inline int uscc_char_value(char c)
{
	return uscc_value_plus_one[(unsigned char)c] - 1;
}
/* The check character for the first 17 characters. */
char uscc_check_char(const char *first17);
/* 0 if s[0..len) is a valid code, else FAIL_INVALID with the reason added
 * to why (which may be NULL when only the verdict is wanted). */
int uscc_check(const char *s, unsigned len, struct diag *why);

#endif
