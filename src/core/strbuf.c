#include "inspect/core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct strbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sb_add(struct strbuf *b, const char *s, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void sb_puts(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Formatted once where it fits in the room left (the common case), twice
 * where the buffer must grow first. */
void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	size_t room = b->cap - b->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		if (!reserve(b, (size_t)n)) {
			if (room) /* what was cut stays out of the text */
				b->s[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n >= 0)
		b->len += (size_t)n;
	else if (room)
		b->s[b->len] = '\0';
}

size_t buf_put(char *out, size_t size, size_t n, const char *s, size_t len)
{
	if (n < size) {
		size_t room = size - n - 1;
		size_t k = len < room ? len : room;
		memcpy(out + n, s, k);
		out[n + k] = '\0';
	}
	return n + len;
}

void sb_finish(struct strbuf *b)
{
	free(b->s);
	*b = (struct strbuf){0};
}
