#include "inspect/core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_init(struct diag *d)
{
	d->text[0] = '\0';
	d->len = 0;
	d->lines = 0;
	d->count = 0;
}

int diag_add(struct diag *d, const char *fmt, ...)
{
	d->count++;
	if (d->lines >= DIAG_MAX_LINES)
		return -1;
	size_t room = sizeof(d->text) - d->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(d->text + d->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > room) {
		d->text[d->len] = '\0';
		return -1;
	}
	d->len += (size_t)n;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
	d->lines++;
	return -1;
}

const char *diag_text(struct diag *d)
{
	unsigned dropped = d->count - d->lines;
	if (dropped > 0 && d->len + 40 < sizeof(d->text)) {
		d->len += (size_t)snprintf(d->text + d->len,
					   sizeof(d->text) - d->len,
					   "... and %u more\n", dropped);
		d->lines = d->count; /* report the tail once */
	}
	return d->text;
}
