/* Strict whole numbers: what a stranger's text or a stored field says is
 * taken only if it is ASCII decimal digits and nothing else (no sign, no
 * space, no "2x"), within bounds. strtoul/atol/sscanf("%u") take less. */
#ifndef INSPECT_NUMBER_H
#define INSPECT_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

/* s[0..len) as a number from 0 to max into *out; false if it is not one
 * (empty, a byte other than 0-9, or above max). */
bool number_parse(const char *s, size_t len, unsigned long long max,
		  unsigned long long *out);
/* The same for a NUL-terminated string. */
bool number_parse_str(const char *s, unsigned long long max,
		      unsigned long long *out);
/* s as a number up to max, or `otherwise` if it is none (NULL, empty,
 * not digits, too large): for stored fields that only inspectd writes. */
unsigned long long number_or(const char *s, unsigned long long max,
			     unsigned long long otherwise);

#endif
