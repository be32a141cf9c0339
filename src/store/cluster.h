/* The store's servers (store.h): one, or a Redis Cluster's masters and
 * which slots each serves; which server a command goes to. Private to the
 * store floor. */
#ifndef INSPECT_STORE_CLUSTER_H
#define INSPECT_STORE_CLUSTER_H

#include "inspect/store/store.h"

/* Learns from the link to the configured server (already authenticated)
 * whether it is a cluster node and, if so, every master and the slots it
 * serves. The link becomes node 0's, or is closed. 0, or FAIL_LOST with
 * the reason in s->err. */
int cluster_discover(struct store *s, struct link *seed);
/* Reads the slots again from any master (after MOVED). 0 or FAIL_LOST. */
int cluster_refresh(struct store *s);
/* The node a command goes to; follows WATCH, MULTI and EXEC so that a
 * transaction's commands all go where it began. */
int cluster_route(struct store *s, const struct args *a);
/* Node i's link, opened and authenticated if it was not. NULL on failure
 * (the reason in s->err). */
struct link *cluster_link(struct store *s, int i);
/* The node at host:port among the masters, or -1. */
int cluster_node_at(const struct store *s, const char *address);
/* Addresses of the nodes this process has seen, for a reconnect when the
 * configured one is down: copies up to max into out, returns how many. */
int cluster_seen(char (*out)[280], int max);

/* Sends one command on a link and reads its reply (conn.c). 0, or -1
 * with the reason in s->err. */
int link_command(struct store *s, struct link *l, const struct args *a,
		 redisReply **reply);
/* AUTH on a link when the configuration has a password. */
int link_authenticate(struct store *s, struct link *l);

#endif
