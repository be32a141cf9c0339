/* Diagnostics: the reasons an operation failed, for the caller to print.
 * Library code never prints; it adds lines here and the shell logs them once. */
#ifndef INSPECT_DIAG_H
#define INSPECT_DIAG_H

#include <stddef.h>

#define DIAG_MAX_LINES 20

struct diag {
	char text[4096];    /* up to DIAG_MAX_LINES lines, '\n'-separated */
	size_t len;
	unsigned lines;     /* lines kept in text */
	unsigned count;     /* lines added, kept or not */
};

void diag_init(struct diag *d);
/* Adds one line (no trailing newline needed). Returns -1 so that callers can
 * write `return diag_add(d, ...)` where -1 is their failure code. */
int diag_add(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The kept lines, plus "... and N more" when some were dropped. */
const char *diag_text(struct diag *d);

#endif
