/* One connection to one Redis server, over TCP, a Unix socket or TLS
 * (OpenSSL), with hiredis' reader parsing the replies. hiredis 0.14 has no
 * TLS; owning the socket also lets the store keep one connection per
 * cluster master and write to all of them before reading any. Every wait
 * is bounded: the connect timeout for connecting and the TLS handshake,
 * the command timeout for each read or write that blocks. */
#ifndef INSPECT_LINK_H
#define INSPECT_LINK_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "inspect/core/diag.h"
#include "inspect/shell/config.h"

struct ssl_st;
struct reply_arena;

struct link {
	int fd; /* -1: closed */
	struct ssl_st *ssl;
	redisReader *reader;
	struct reply_arena *arena; /* of link_read_arena, made when first used */
	char *out; /* written, not yet sent */
	size_t out_len, out_cap;
	int command_timeout_ms;
	char host[256]; /* the address it was opened to, for messages */
	int port;
};

/* Opens a link to host:port (or r->unix_path when host is NULL), with TLS
 * when r->tls: the server's certificate is verified against r->tls_ca and
 * its name against r->tls_server_name, or else host. Returns 0, or -1 with
 * the reason in err (the link is closed). */
int link_open(struct link *l, const char *host, int port,
	      const struct redis_config *r, struct diag *err);
void link_close(struct link *l);
static inline bool link_is_open(const struct link *l)
{
	return l->fd >= 0;
}
/* Queues bytes of the protocol; sends when enough are queued. */
int link_write(struct link *l, const char *buf, size_t len,
	       struct diag *err);
/* Sends whatever is queued. */
int link_flush(struct link *l, struct diag *err);
/* Sends what is queued, then waits for the next reply. Returns 0 with
 * *reply (the caller frees it), or -1 with the reason in err. */
int link_read(struct link *l, redisReply **reply, struct diag *err);
/* link_read, with the reply built in the link's arena
 * (inspect/store/reply_arena.h): valid until the link's next
 * link_read_arena, never freed by the caller. */
int link_read_arena(struct link *l, redisReply **reply, struct diag *err);
/* Frees the link's arena and its last reply (a pipeline is over: its
 * chunks, a few MiB, are not kept for the next). */
void link_free_arena(struct link *l);

#endif
