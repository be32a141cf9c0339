/* Commands on one key, named by its kind (keys.h), outside transactions:
 * the reads the shells make, and the few writes that need no transaction.
 * The key is formatted here; the caller never names a command or a key.
 * Each returns the reply (the caller frees it; NULL: connection lost,
 * reason in s->err) or, for writes, 0 / FAIL_LOST / FAIL_REFUSED. */
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
/* The first member of a sorted set with a score from lo to hi. */
redisReply *store_zfirst_in(struct store *s, enum key_kind k, long long lo,
			    long long hi);
/* XRANGE of the whole stream. */
redisReply *store_xrange(struct store *s, enum key_kind k, const char *arg);
/* Whether the key is a stream or absent (*ok), or another type: then
 * the reason in s->err. Returns 0 or FAIL_LOST. */
int store_is_stream(struct store *s, enum key_kind k, const char *arg,
		    bool *ok);
/* SET outside a transaction (an immutable copy named by its content). */
int store_set(struct store *s, enum key_kind k, const char *a, const char *b,
	      const char *text, size_t len);
/* XADD of an entry (an intake or results entry from the command line);
 * its id into id[size]. */
int store_xadd(struct store *s, enum key_kind k, const struct kv *f,
	       size_t n, char *id, size_t size);
/* WATCH of n keys of one kind (args[i] each). */
int store_watch_all(struct store *s, enum key_kind k,
		    const char *const *args, size_t n);
/* HGET of field(i) in the key of kind k and arg(i), pipelined for i < n;
 * each(i, reply) in order. 0 or FAIL_LOST. */
struct hget_calls {
	const char *(*arg)(size_t i, void *ctx);
	const char *(*field)(size_t i, size_t *len, void *ctx);
	void (*each)(size_t i, const redisReply *r, void *ctx);
};
int store_hget_each(struct store *s, size_t n, enum key_kind k,
		    const struct hget_calls *f, void *ctx);
/* n HSETs on keys of kind k, pipelined: build(i, &arg, f, ctx) fills the
 * i-th, its key's argument and up to 8 fields into f, and returns how
 * many. Calls build in order, and again for an i whose slot moved
 * (store_pipeline_each): it must give the same HSET. 0, FAIL_LOST or
 * FAIL_REFUSED. */
int store_hset_each(struct store *s, enum key_kind k, size_t n,
		    size_t (*build)(size_t i, const char **arg, struct kv *f,
				    void *ctx),
		    void *ctx);
/* The consumer group INTAKE_GROUP of a stream, made (with the stream) if
 * missing: 0, FAIL_LOST, or FAIL_REFUSED with Redis's reason. */
int store_group_create(struct store *s, enum key_kind stream);
/* XREADGROUP of up to count entries from `from` ("0": our pending ones,
 * ">": new ones) as consumer, blocking up to block_ms (0: not at all). */
redisReply *store_read_group(struct store *s, enum key_kind stream,
			     const char *consumer, const char *from,
			     unsigned count, int block_ms);
/* XAUTOCLAIM of one entry idle for idle_ms or more (JUSTID). */
redisReply *store_claim(struct store *s, enum key_kind stream,
			const char *consumer, int idle_ms);
/* XACK and XDEL of an entry answered before (only its acknowledgement
 * was lost). */
int store_ack(struct store *s, enum key_kind stream, const char *entry_id);

#endif
