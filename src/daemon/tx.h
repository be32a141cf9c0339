/* A MULTI ... EXEC transaction of any size on a store connection. Queued
 * replies are read every TX_ROUND commands, so neither side holds the
 * whole transaction's replies at once. */
#ifndef INSPECTD_TX_H
#define INSPECTD_TX_H

#include <hiredis/hiredis.h>

#include "inspect/store/store.h"

#define TX_ROUND 1024

struct tx {
	struct store *s;
	struct args a; /* the next command: reset, fill, tx_send */
	size_t unread;
	int failed;
	char why[256];
};

void tx_begin(struct tx *t, struct store *s);
/* Queues the command in t->a. */
void tx_send(struct tx *t);
/* What a dead letter keeps of an entry: a junk entry of any size costs
 * Redis at most about DEAD_FIELDS_MAX * (DEAD_NAME_MAX + DEAD_VALUE_MAX)
 * bytes, and the stream holds about `keep` of them. */
#define DEAD_FIELDS_MAX 16
#define DEAD_NAME_MAX 64
#define DEAD_VALUE_MAX 256

/* XADD to stream (MAXLEN ~ keep) of an entry set aside: its id, the
 * reason, cut (1 if anything of it was left out), then its first
 * DEAD_FIELDS_MAX fields, names and values cut to their limits; sent. */
void tx_dead_letter(struct tx *t, const char *stream, unsigned long keep,
		    const char *entry_id, const char *why,
		    const redisReply *fields);
/* EXEC. Returns 0 (applied), 1 (not applied: a watched key changed), or
 * -1 (connection lost, or a command was refused: t->why). */
int tx_commit(struct tx *t);
/* Abandons a transaction that was never committed. */
void tx_discard(struct tx *t);

#endif
