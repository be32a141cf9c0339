/* Failures and their reasons, one convention for every floor.
 *
 * A function that can fail returns 0 (or a count, or a pointer) when it
 * succeeds and a code of enum fail, negative, when it does not; the reason
 * is added to a struct diag: the caller's, or, for a failure of the Redis
 * connection, the store's own (store.err). Library code never prints; the
 * shell logs or prints the reason once. file.h alone returns -errno, whose
 * reason is the errno. */
#ifndef INSPECT_DIAG_H
#define INSPECT_DIAG_H

#include <stdbool.h>
#include <stddef.h>

enum fail {
	/* The input, or what Redis holds, does not read. The core fails
	 * only so, and returns it as -1. */
	FAIL_INVALID = -1,
	/* The connection to Redis failed: connect again, do it again. */
	FAIL_LOST = -2,
	/* Refused: Redis answered a command with an error, or an entry is
	 * to be answered with a refusal. */
	FAIL_REFUSED = -3,
	/* A transaction was not applied because a key it watched changed
	 * meanwhile: another writer was first; try again. */
	FAIL_CONFLICT = -4
};

#define DIAG_MAX_LINES 20

struct diag {
	char text[4096];    /* up to DIAG_MAX_LINES lines, '\n'-separated */
	size_t len;
	unsigned lines;     /* lines kept in text */
	unsigned count;     /* lines added, kept or not */
	bool reduced;	    /* text is diag_reason's one line */
};

void diag_init(struct diag *d);
/* Adds one line (no trailing newline needed); d NULL: the reason is not
 * wanted, only the verdict. Returns FAIL_INVALID (-1), so that callers
 * can write `return diag_add(d, ...)`. */
int diag_add(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The diag emptied, then one line added: a reason that replaces the last
 * one (a connection's). Returns FAIL_INVALID. */
int diag_set(struct diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The kept lines, plus "... and N more" when some were dropped. */
const char *diag_text(struct diag *d);
/* The diag as one reason, for a log line or a refusal: its first line,
 * without newline, " (and more)" added when it had more. The other lines
 * are dropped; "" when it has none. */
const char *diag_reason(struct diag *d);

#endif
