/* Text fields that are stored and joined into records (names, addresses,
 * notes): valid UTF-8 without control characters, within a length, so
 * that no content can ever be read as structure (0x1f separates fields of
 * stored visits and day plans) or break a JSON reader. Checked at the
 * door (text_check) and cleaned wherever a stranger's record is read
 * without one (text_clean). */
#ifndef INSPECT_TEXT_H
#define INSPECT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"

#define TEXT_MAX_NAME 240    /* bytes: 80 CJK characters */
#define TEXT_MAX_ADDRESS 480 /* bytes: 160 CJK characters */

/* 0 if s[0..len) is 1 to max bytes of valid UTF-8 (shortest forms, no
 * surrogates) without a control character (C0, DEL or C1); else
 * FAIL_INVALID with why not added to why ("is empty", "is too long", "is
 * not valid UTF-8", "holds a control character"); why may be NULL. */
int text_check(const char *s, size_t len, size_t max, struct diag *why);

/* The length (1 to 4) of the valid UTF-8 character at s, with its code
 * point in cp; 0 if the bytes there are not one. */
size_t text_utf8_char(const char *s, size_t len, uint32_t *cp);

/* Copies s[0..len) into out[size] (NUL-terminated): each invalid UTF-8
 * sequence and each control character becomes U+FFFD, and the copy ends
 * at a character boundary where it would not fit. Returns its length. */
size_t text_clean(const char *s, size_t len, char *out, size_t size);

#endif
