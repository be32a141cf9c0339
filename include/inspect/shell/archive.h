/* The archive: immutable copies an audit needs (a campaign's population,
 * the roster, item list and calendars its plan read), compressed with
 * zstd in a directory, each named by the SHA-256 of its content:
 *
 *     <dir>/<kind>/<first two hex digits>/<sha256 hex>.zst
 *
 * Campaigns drawing from the same population, or planned on the same
 * roster, share one entry. An entry is written to a temporary file beside
 * it, synced, renamed into place and its directory synced: a reader finds
 * it whole or not at all, after a crash too, and several writers (daemons
 * sharing the directory over a mount) may write the same entry at once.
 * A reader checks what it decompresses against the name; an entry missing,
 * cut short or altered is an error that names its path, never another
 * content. No Redis here (docs/REDIS.md, "The archive").
 *
 * Functions return 0 (or a count) or a code of enum fail: FAIL_INVALID,
 * the entry is missing, does not decompress or does not match its digest;
 * FAIL_LOST, the archive could not be read or written (permissions, I/O,
 * a full disk: try again). The reason, one line naming the path, goes to
 * the caller's struct diag. */
#ifndef INSPECT_ARCHIVE_H
#define INSPECT_ARCHIVE_H

#include <stddef.h>

#include "inspect/core/diag.h"
#include "inspect/core/strbuf.h"

enum archive_kind {
	ARCHIVE_POPULATION, /* canonical population CSV (population_digest) */
	ARCHIVE_ROSTER,     /* the roster CSV a team draw read */
	ARCHIVE_ITEMS,      /* the item list's file a plan read */
	ARCHIVE_CALENDAR,   /* a calendar document a plan was made on */
	ARCHIVE_JOURNAL,    /* a publication's commands, until it is done */
	ARCHIVE_KINDS
};

/* "population", "roster", "items", "calendar", "journal": the kinds'
 * folders. */
extern const char *const archive_kind_names[ARCHIVE_KINDS];

/* The zstd level entries are written at (bench/RESULTS.md, "Archive"). */
#define ARCHIVE_LEVEL 3
/* A journal is read back only after a crash, and written while a
 * publication waits: the fastest level. */
#define JOURNAL_LEVEL 1

/* The entry's path into out[size]; FAIL_INVALID if hex is not 64
 * lowercase hex digits (a record's field never becomes another path) or
 * the path does not fit. */
int archive_path(char *out, size_t size, const char *dir,
		 enum archive_kind kind, const char *hex);

/* Archives data under hex, its SHA-256 (NULL: computed; either way into
 * ret_hex if not NULL). Returns 1 if the entry was there and reads back
 * right (nothing written), 0 if written, 2 if written over an entry that
 * did not read back right, or FAIL_INVALID if data does not match hex,
 * FAIL_LOST. */
int archive_put(const char *dir, enum archive_kind kind, const void *data,
		size_t len, const char *hex, char ret_hex[65],
		struct diag *err);

/* Archiving a content too large to hold twice, piece by piece: the
 * population of a campaign is formatted and compressed as it goes. */
struct archive_writer;

/* Starts writing the entry hex of kind; hex NULL: the entry is named by
 * its content when committed (a publication's journal, streamed as it is
 * recorded). Returns 1 if entry hex is there and reads back right (*ret
 * NULL, nothing to write), 0 with *ret, or FAIL_INVALID (hex no digest),
 * FAIL_LOST. */
int archive_writer_create(const char *dir, enum archive_kind kind,
			  const char *hex, struct archive_writer **ret,
			  struct diag *err);
/* Adds content; a failure is kept and reported by commit. */
void archive_writer_add(struct archive_writer *w, const void *data,
			size_t len);
/* Ends the entry: checks the content's SHA-256 against hex (or names the
 * entry by it), syncs and renames it into place, and gives its name in
 * ret_hex if not NULL. Destroys w. Returns 0, 2 if it replaced an entry
 * that did not read back right, FAIL_INVALID if the content did not match
 * hex (nothing written), or FAIL_LOST. */
int archive_writer_commit(struct archive_writer *w, char ret_hex[65],
			  struct diag *err);
/* Abandons the entry (its temporary file removed). NULL is fine. */
void archive_writer_destroy(struct archive_writer *w);

/* The content of entry hex, appended to out, checked against hex: 0, or
 * FAIL_INVALID with "archive entry <path> is missing", "... is corrupt:
 * decompression failed: <zstd's reason>", "... does not match its
 * digest", or FAIL_LOST (out of memory, or the file unreadable). */
int archive_get(const char *dir, enum archive_kind kind, const char *hex,
		struct strbuf *out, struct diag *err);
/* Reading an entry too large to hold, piece by piece (a journal, a step
 * at a time). */
struct archive_reader;

/* Opens entry hex: 0 with *ret, or as archive_get. */
int archive_reader_open(const char *dir, enum archive_kind kind,
			const char *hex, struct archive_reader **ret,
			struct diag *err);
/* Appends at least want bytes of the content to out (NULL: hashed only),
 * fewer at its end. 1 once the whole content is read and checked against
 * hex (nothing more to read), 0 before, or as archive_get: the content
 * appended so far is the entry's only if 1 comes. */
int archive_reader_read(struct archive_reader *r, struct strbuf *out,
			size_t want, struct diag *err);
/* NULL is fine. */
void archive_reader_close(struct archive_reader *r);

/* Whether entry hex is there and reads back right, without keeping it:
 * 0, or as archive_get. */
int archive_check(const char *dir, enum archive_kind kind, const char *hex,
		  struct diag *err);

/* Removes entry hex (a journal once its publication is done); one that
 * is not there is fine. 0, or FAIL_LOST (err). */
int archive_remove(const char *dir, enum archive_kind kind, const char *hex,
		   struct diag *err);

#endif
