/* What the fuzz targets share: libFuzzer's entry point, and an input cut
 * into parts at a separator line, NUL-terminated copies. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PARTS 16

struct parts {
	char *buf;
	const char *s[FUZZ_MAX_PARTS];
	size_t len[FUZZ_MAX_PARTS];
	size_t n;
};

static inline char *find(char *at, size_t len, const char *sep, size_t sl)
{
	for (size_t i = 0; i + sl <= len; i++)
		if (memcmp(at + i, sep, sl) == 0)
			return at + i;
	return NULL;
}

/* Cuts data at each occurrence of sep (at most FUZZ_MAX_PARTS parts);
 * every part is NUL-terminated in p->buf. */
static inline void parts_cut(const uint8_t *data, size_t size,
			     const char *sep, struct parts *p)
{
	size_t sl = strlen(sep);
	p->buf = malloc(size + 1);
	memcpy(p->buf, data, size);
	p->buf[size] = '\0';
	p->n = 0;
	char *at = p->buf, *end = p->buf + size;
	while (p->n < FUZZ_MAX_PARTS) {
		char *next = p->n + 1 < FUZZ_MAX_PARTS && sl
				     ? find(at, (size_t)(end - at), sep, sl)
				     : NULL;
		p->s[p->n] = at;
		p->len[p->n] = next ? (size_t)(next - at) : (size_t)(end - at);
		p->n++;
		if (!next)
			break;
		*next = '\0';
		at = next + sl;
	}
}

static inline void parts_free(struct parts *p)
{
	free(p->buf);
}

#endif
