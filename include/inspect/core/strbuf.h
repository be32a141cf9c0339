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

/* s[0..len) appended at out + n in a buffer of size bytes, as
 * snprintf(out + n, size - n, "%.*s", ...) would (cut to fit,
 * NUL-terminated; nothing where n >= size) without parsing a format: the
 * publication formats a few fields of every task. Returns n + len, the
 * length the whole would have. */
size_t buf_put(char *out, size_t size, size_t n, const char *s, size_t len);

#endif
