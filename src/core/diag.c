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
	d->reduced = false;
}

static void add_line(struct diag *d, const char *fmt, va_list ap)
{
	if (d->reduced) { /* its one line ends again in a newline */
		d->text[d->len++] = '\n';
		d->text[d->len] = '\0';
		d->reduced = false;
	}
	d->count++;
	if (d->lines >= DIAG_MAX_LINES)
		return;
	size_t room = sizeof(d->text) - d->len;
	int n = vsnprintf(d->text + d->len, room, fmt, ap);
	if (n < 0 || (size_t)n + 2 > room) {
		d->text[d->len] = '\0';
		return;
	}
	d->len += (size_t)n;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
	d->lines++;
}

int diag_add(struct diag *d, const char *fmt, ...)
{
	if (!d)
		return FAIL_INVALID;
	va_list ap;
	va_start(ap, fmt);
	add_line(d, fmt, ap);
	va_end(ap);
	return FAIL_INVALID;
}

int diag_set(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	diag_init(d);
	va_start(ap, fmt);
	add_line(d, fmt, ap);
	va_end(ap);
	return FAIL_INVALID;
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

const char *diag_reason(struct diag *d)
{
	if (d->reduced || d->count == 0)
		return d->text;
	static const char more[] = " (and more)";
	size_t n = strcspn(d->text, "\n");
	if (d->count > 1) {
		if (n > sizeof(d->text) - sizeof(more))
			n = sizeof(d->text) - sizeof(more);
		memcpy(d->text + n, more, sizeof(more));
		n += sizeof(more) - 1;
	}
	d->text[n] = '\0';
	d->len = n;
	d->lines = d->count = 1;
	d->reduced = true;
	return d->text;
}
