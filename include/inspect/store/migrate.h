/* Moving inspectd's keys from a layout of an older prefix (before keys
 * carried a hash tag: "insp:") to the configured one ("{insp}:"), and the
 * buckets of inspections on record, history and last teams from the
 * prefix's hash tag to their own ("{insp}:history:17" ->
 * "{insp/17}:history"), key by
 * key: DUMP, RESTORE under the new name with its time to live, DEL. Each
 * command touches one key, so it works on a single node and on a cluster
 * alike, and a migration cut short is finished by running it again (a
 * key already restored is found there, and the old one deleted). Consumer
 * groups and their pending entries move with their streams. Run it with
 * the daemons stopped, or idle: they serve nothing while keys of the
 * older layout exist (store_legacy_layout). */
#ifndef INSPECT_MIGRATE_H
#define INSPECT_MIGRATE_H

#include <stddef.h>

#include "inspect/store/store.h"

/* The prefix of the layout before hash tags that the configured prefix
 * replaces: its braces taken out ("{insp}:" -> "insp:"). */
void legacy_prefix(const char *prefix, char out[32]);

/* Whether keys of the older layout `from` are there (its intake, public
 * stream or roster): 1, 0, or FAIL_LOST. */
int store_legacy_layout(struct store *s, const char *from);

/* Whether buckets of inspections on record, history or last teams are under
 * the prefix's own hash tag ("{insp}:history:17"), as before each took
 * one of its own ("{insp/17}:history"): 1, 0, or FAIL_LOST. */
int store_unspread_layout(struct store *s);

/* Moves every key whose name starts with `from` to the configured prefix
 * (the rest of its name kept; a bucket of inspections on record,
 * history or last teams to its own hash tag), and the buckets store_unspread_layout
 * finds to theirs. Returns 0 with the count in *moved, or
 * FAIL_LOST / FAIL_REFUSED (s->err names the key). */
int store_migrate(struct store *s, const char *from, size_t *moved);

#endif
