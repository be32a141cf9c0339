/* Commands on one key, named by its kind (keys.h), outside transactions:
 * the reads the shells make, and the few writes that need no transaction.
 * The key is formatted here; the caller never names a command or a key.
 * Each returns the reply (the caller frees it; NULL: connection lost,
 * reason in s->err) or, for writes, 0 / STORE_LOST / STORE_REFUSED. */
#ifndef INSPECT_OPS_H
#define INSPECT_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect/store/keys.h"
#include "inspect/store/store.h"
#include "inspect/store/tx.h"

/* WATCH of one key, for the transaction that follows; UNWATCH of all. */
int store_watch(struct store *s, enum key_kind k, const char *arg);
int store_unwatch(struct store *s);
redisReply *store_get(struct store *s, enum key_kind k, const char *arg);
redisReply *store_get2(struct store *s, enum key_kind k, const char *a,
		       const char *b);
redisReply *store_hget(struct store *s, enum key_kind k, const char *arg,
		       const char *field);
redisReply *store_hmget(struct store *s, enum key_kind k, const char *arg,
			const char *const *fields, size_t n);
redisReply *store_hgetall(struct store *s, enum key_kind k, const char *arg);
redisReply *store_smembers(struct store *s, enum key_kind k);
/* XRANGE of the whole stream. */
redisReply *store_xrange(struct store *s, enum key_kind k, const char *arg);
/* Whether the key is a stream or absent (*ok), or another type: then
 * the reason in s->err. Returns 0 or STORE_LOST. */
int store_is_stream(struct store *s, enum key_kind k, const char *arg,
		    bool *ok);
/* SET outside a transaction (an immutable copy named by its content). */
int store_set(struct store *s, enum key_kind k, const char *a, const char *b,
	      const char *text, size_t len);
/* XADD of an entry (an intake or results entry from the command line);
 * its id into id[size]. */
int store_xadd(struct store *s, enum key_kind k, const struct kv *f,
	       size_t n, char *id, size_t size);
/* XACK and XDEL of an entry answered before (only its acknowledgement
 * was lost). */
int store_ack(struct store *s, enum key_kind stream, const char *entry_id);

#endif
