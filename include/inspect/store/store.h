/* A connection to Redis for the shells: synchronous, with connect and
 * command timeouts, to one server or to a Redis Cluster (each command
 * routed to the master of its key's slot), over TCP, a Unix socket or
 * TLS. Any I/O error or timeout, or a cluster that changed under a
 * pipeline or transaction, closes the connection, and the caller connects
 * again (the daemon with backoff). */
#ifndef INSPECT_STORE_H
#define INSPECT_STORE_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/shell/config.h"
#include "inspect/store/keys.h"
#include "inspect/store/link.h"

/* The store's operations return 0 or a code of enum fail (diag.h):
 * FAIL_INVALID, what Redis holds does not read (the reason in the
 * caller's struct diag); FAIL_LOST, the connection failed (the reason in
 * s->err); FAIL_REFUSED, Redis answered a command with an error (s->err),
 * the connection is fine; FAIL_CONFLICT, a transaction was not applied
 * because a key it watched changed (try again). */

/* The servers a store speaks to: the one configured, or on Redis Cluster
 * every master, found from the configured address (cluster.c). */
struct store_node {
	char host[256];
	int port;
	struct link link; /* opened when first needed */
};

struct store {
	const struct config *cfg;
	struct diag err; /* why the last operation failed: one line */
	char *out;      /* a command in the protocol, being written */
	size_t out_cap;
	struct store_node *nodes; /* NULL: not connected */
	int n_nodes;
	bool cluster;
	uint16_t *slot_node; /* on a cluster: the master of each slot */
	/* Where commands without a key go: the node of the WATCHed key,
	 * then of the transaction, else of the prefix's hash tag (every
	 * transaction's slot), unless store_on_node chose one. */
	int watch_node, multi_node, chosen_node;
	bool in_multi;
	int *pending; /* the node of each reply to come, in order */
	size_t pend_head, pend_len, pend_cap;
};

/* Connects (on a cluster: learns its masters and slots) and
 * authenticates. Returns 0, or FAIL_LOST with the reason in s->err. */
int store_connect(struct store *s, const struct config *cfg);
void store_close(struct store *s);
static inline bool store_connected(const struct store *s)
{
	return s->nodes != NULL;
}
/* Commands without a key (SCAN) go to node i (0 to n_nodes - 1) after
 * store_on_node(s, i), to the usual one after store_on_node(s, -1). */
void store_on_node(struct store *s, int i);
/* Whether a replica of the node commands without a key go to holds
 * everything it was written (`what` says what, for the reason): with
 * replicas connected, WAIT 1 1000 until one does; without, 0 at once (no
 * failover can lose anything to one). 0, FAIL_REFUSED (no replica has
 * it yet; s->err) or FAIL_LOST. */
int store_on_a_replica(struct store *s, const char *what);
/* SCAN of every key matching the glob, on every master: each(key) for
 * each; a key may come twice (SCAN's promise). Stops at the first
 * non-zero each returns, and returns it; else 0, FAIL_LOST or
 * FAIL_REFUSED (s->err). */
int store_scan(struct store *s, const char *match,
	       int (*each)(struct store *s, const char *key, void *ctx),
	       void *ctx);

/* A command as arguments. Grows as needed; owns copies of nothing: the
 * strings must outlive the call that sends it. */
struct args {
	const char **v;
	size_t *len;
	int n, cap;
	char num[16][24]; /* room for a few formatted numbers */
	int nums;
	bool failed; /* out of memory: the command is refused, not sent */
};

void args_init(struct args *a);
void args_finish(struct args *a);
void args_reset(struct args *a);
void args_add(struct args *a, const char *s);
void args_addn(struct args *a, const char *s, size_t len);
void args_addu(struct args *a, unsigned long long v);

/* Sends one command and waits for its reply (NULL: connection lost, reason
 * in s->err). An error reply is returned as such. Caller frees. */
redisReply *store_run(struct store *s, const struct args *a);
/* The same for a fixed command written as strings, NULL-terminated. */
redisReply *store_runv(struct store *s, ...) __attribute__((sentinel));
/* Pipelining: queue commands, then read their replies in order. */
int store_append(struct store *s, const struct args *a);
redisReply *store_next_reply(struct store *s);
/* Sends whatever is queued on every link. 0 or FAIL_LOST. */
int store_flush(struct store *s);
/* Appends n commands already in the Redis protocol (args_format) to the
 * transaction that is open, on its node. 0 or FAIL_LOST. */
int store_append_raw(struct store *s, const char *cmds, size_t len,
		     size_t n);
/* A command in the Redis protocol: at most args_format_bound(a) bytes
 * written to out; returns how many. */
size_t args_format_bound(const struct args *a);
size_t args_format(const struct args *a, char *out);

/* n commands pipelined in rounds, one round in flight ahead: build(i, a)
 * writes the i-th into a (reset), and each(i, reply) gets its reply, in
 * order. On a cluster being resharded, a command whose slot moved or is
 * moving (MOVED, ASK) is built again and sent where the slot is now, its
 * each() after the others': build(i) must give the same command for the
 * same i. Returns 0, or FAIL_LOST when the connection is lost (s->err). */
int store_pipeline_each(struct store *s, size_t n,
			void (*build)(size_t i, struct args *a, void *ctx),
			void (*each)(size_t i, const redisReply *r, void *ctx),
			void *ctx);

/* store_pipeline_each of HGETALL key(i). */
int store_hgetall_each(struct store *s, size_t n,
		       void (*key)(size_t i, char *out, size_t size, void *ctx),
		       void (*each)(size_t i, const redisReply *r, void *ctx),
		       void *ctx);

/* Reply helpers: a hash reply's field value (NULL if absent). */
const redisReply *reply_field(const redisReply *hash, const char *name);
/* Element i of an array reply (HMGET's) as a string, NULL if it is none. */
const char *reply_str(const redisReply *r, size_t i);

#endif
