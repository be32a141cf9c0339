/* A growable text buffer for what the core writes out (bundle files,
 * disclosures). A failed allocation sets failed and keeps what was
 * written; the caller checks once at the end. */
#ifndef INSPECT_STRBUF_H
#define INSPECT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s; /* NUL-terminated when len > 0 */
	size_t len, cap;
	bool failed;
};

void sb_add(struct strbuf *b, const char *s, size_t len);
void sb_puts(struct strbuf *b, const char *s);
void sb_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_finish(struct strbuf *b);

#endif
