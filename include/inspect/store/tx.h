/* A MULTI ... EXEC transaction of any size on a store connection. Queued
 * replies are read every TX_ROUND commands, so neither side holds the
 * whole transaction's replies at once. */
#ifndef INSPECT_TX_H
#define INSPECT_TX_H

#include <hiredis/hiredis.h>
#include <stdbool.h>

#include "inspect/store/keys.h"
#include "inspect/store/store.h"

#define TX_ROUND 1024

struct journal;

struct tx {
	struct store *s;
	struct journal *j; /* not NULL: the commands go there (journal.h) */
	struct args a; /* the next command: reset, fill, tx_send */
	size_t unread;
	int failed;
	struct diag why; /* the first command that failed, why */
};

void tx_begin(struct tx *t, struct store *s);
/* Queues the command in t->a. */
void tx_send(struct tx *t);
/* Queues n commands already in the Redis protocol (a journal's step). */
void tx_raw(struct tx *t, const char *cmds, size_t len, size_t n);
/* What a dead letter keeps of an entry: a junk entry of any size costs
 * Redis at most about DEAD_FIELDS_MAX * (DEAD_NAME_MAX + DEAD_VALUE_MAX)
 * bytes, and the stream holds about `keep` of them. */
#define DEAD_FIELDS_MAX 16
#define DEAD_NAME_MAX 64
#define DEAD_VALUE_MAX 256

/* XADD to stream (MAXLEN ~ keep) of an entry set aside: its id, the
 * reason, cut (1 if anything of it was left out), then its first
 * DEAD_FIELDS_MAX fields, names and values cut to their limits; sent. */
void tx_dead_letter(struct tx *t, enum key_kind stream, unsigned long keep,
		    const char *entry_id, const char *why,
		    const redisReply *fields);
/* Commands of the transaction by the kind of their key (keys.h): the key
 * is formatted here, never by the caller. arg is the kind's argument
 * (NULL for a kind without one). Each is sent at once. */
struct kv {
	const char *name, *value;
	size_t len;      /* of value; 0: NUL-terminated */
	size_t name_len; /* of name; 0: NUL-terminated (a USCC is not) */
};
/* The fields as arguments of a command: name, value, ... */
void args_add_kv(struct args *a, const struct kv *f, size_t n);
#define KV(name, value) {(name), (value), 0, 0}
#define KVN(name, value, len) {(name), (value), (len), 0}
/* Fields gathered for one command, numbers formatted in its own room; the
 * strings must outlive the command that sends them. */
struct kv_list {
	struct kv *v;
	size_t n, cap;
	char num[16][24];
	int nums;
	bool failed; /* out of memory, or more than 16 numbers */
};
void kv_init(struct kv_list *l);
void kv_finish(struct kv_list *l);
void kv_add(struct kv_list *l, const char *name, const char *value);
void kv_addn(struct kv_list *l, const char *name, const char *value,
	     size_t len);
void kv_addu(struct kv_list *l, const char *name, unsigned long long v);
/* Adds n fields, each with its lengths (KVN's, or NUL-terminated). */
void kv_add_all(struct kv_list *l, const struct kv *f, size_t n);
/* A list that failed is not sent: the transaction fails (t->why). */
void tx_hset_list(struct tx *t, enum key_kind k, const char *arg,
		  const struct kv_list *l);
void tx_xadd_list(struct tx *t, enum key_kind k, const char *arg,
		  const struct kv_list *l);

void tx_hset(struct tx *t, enum key_kind k, const char *arg,
	     const struct kv *f, size_t n);
/* XADD with an id of the server's ("*"). */
void tx_xadd(struct tx *t, enum key_kind k, const char *arg,
	     const struct kv *f, size_t n);
/* XADD with MAXLEN ~ keep: a stream that keeps about its last keep. */
void tx_xadd_capped(struct tx *t, enum key_kind k, const char *arg,
		    unsigned long keep, const struct kv *f, size_t n);
void tx_set(struct tx *t, enum key_kind k, const char *arg, const char *text,
	    size_t len);
/* SET with an expiry in seconds. */
void tx_set_expiring(struct tx *t, enum key_kind k, const char *arg,
		     const char *text, unsigned long seconds);
void tx_sadd(struct tx *t, enum key_kind k, const char *member);
void tx_zadd(struct tx *t, enum key_kind k, unsigned long long score,
	     const char *member);
void tx_zrem(struct tx *t, enum key_kind k, const char *member);
void tx_hincrby(struct tx *t, enum key_kind k, const char *arg,
		const char *field, long long by);
void tx_hdel(struct tx *t, enum key_kind k, const char *arg,
	     const char *const *fields, size_t n);
void tx_del(struct tx *t, enum key_kind k, const char *arg);
/* The XACK of an entry of a consumer group's stream, and its XDEL: the
 * answer is on record, so the stream keeps only what is pending. */
void tx_ack(struct tx *t, enum key_kind stream, const char *entry_id);

/* EXEC. Returns 0 (applied), FAIL_CONFLICT (not applied: a watched key
 * changed), FAIL_LOST (the connection failed) or FAIL_REFUSED (a
 * command was refused, or out of memory); the reason in t->why. */
int tx_commit(struct tx *t);
/* tx_commit, with meanwhile(ctx) called once the transaction is sent,
 * while Redis applies it (NULL: nothing). */
int tx_commit_while(struct tx *t, void (*meanwhile)(void *ctx), void *ctx);
/* Abandons a transaction that was never committed. */
void tx_discard(struct tx *t);

#endif
