/* inspectd's HTTP endpoint (docs/HTTP.md) on the daemon's libuv loop:
 * health, readiness, metrics, the staff dashboard and its JSON API.
 * Every answer is written from memory (the board snapshot, the
 * counters): a request never waits for Redis, and the loop never blocks. */
#ifndef INSPECTD_HTTP_H
#define INSPECTD_HTTP_H

#include <uv.h>

#include "inspect/core/board.h"
#include "inspect/shell/config.h"

/* What the endpoint asks the daemon, on the loop's thread. */
struct http_source {
	/* The latest board, NULL before the first read. */
	const struct board *(*board)(void *ctx);
	void (*readiness)(void *ctx, struct readiness *r);
	int32_t (*today)(void *ctx);
	void *ctx;
};

struct http_server;

/* Listens as cfg->http says (tokens read, TLS set up). NULL with the
 * reason in err. */
struct http_server *http_start(uv_loop_t *loop, const struct config *cfg,
			       const struct http_source *src,
			       struct diag *err);
/* Stops listening, asks open connections to close, and frees the server
 * once the last has (the loop then ends by itself). */
void http_stop(struct http_server *h);

#endif
