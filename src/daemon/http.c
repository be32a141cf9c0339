/* The HTTP endpoint on H2O's libuv build (libh2o, Debian's libh2o-dev):
 * a maintained HTTP/1.1 and HTTP/2 server whose parser has been fuzzed
 * for years, that runs on the loop inspectd already has, and brings TLS
 * through the OpenSSL inspectd already links. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <h2o.h>
#include <h2o/http2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "inspect/core/access.h"
#include "inspect/core/markup.h"
#include "inspect/shell/file.h"
#include "inspect/shell/log.h"
#include "metrics.h"

struct http_handler {
	h2o_handler_t super;
	struct http_server *server;
};

struct http_server {
	uv_loop_t *loop;
	const struct config *cfg;
	struct http_source src;
	h2o_globalconf_t config;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	uv_tcp_t listener;
	SSL_CTX *ssl;
	struct access_list tokens;
	bool loopback;  /* listening on a loopback address only */
	unsigned open;  /* connections not yet closed */
	bool stopping, listener_closed;
	char csp[256];  /* the dashboard's Content-Security-Policy */
	uv_timer_t reaper; /* frees the server a loop turn after dispose */
};

static uint64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static void header(h2o_req_t *req, const char *name, const char *value)
{
	h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name),
			      1, NULL, value, strlen(value));
}

/* Sends body (copied) with status and type; never cached, never sniffed. */
static void reply(h2o_req_t *req, int status, const char *reason,
		 const char *type, const char *body, size_t len)
{
	req->res.status = status;
	req->res.reason = reason;
	header(req, "content-type", type);
	header(req, "cache-control", "no-store");
	header(req, "x-content-type-options", "nosniff");
	req->res.content_length = len;
	h2o_send_inline(req, body, len);
}

static void send_text(h2o_req_t *req, int status, const char *reason,
		      const char *body)
{
	reply(req, status, reason, "text/plain; charset=utf-8", body,
	     strlen(body));
}

static bool path_is(const h2o_req_t *req, const char *p)
{
	return h2o_memis(req->path_normalized.base, req->path_normalized.len,
			 p, strlen(p));
}

/* The rest of the path after prefix into out, when the path starts so
 * and the rest is an id (else false). */
static bool path_after(const h2o_req_t *req, const char *prefix,
		       char *out, size_t size)
{
	size_t n = strlen(prefix), len = req->path_normalized.len;
	if (len <= n || len - n >= size ||
	    memcmp(req->path_normalized.base, prefix, n))
		return false;
	memcpy(out, req->path_normalized.base + n, len - n);
	out[len - n] = '\0';
	return code_chars(out, len - n, SEED_MAX_ID);
}

/* The token of "Authorization: Bearer T", else of the cookie
 * inspectd_token=T; its entry, or NULL. */
static const struct access_entry *who(const struct http_server *h,
				      h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
	if (i >= 0) {
		const h2o_iovec_t *v = &req->headers.entries[i].value;
		if (v->len > 7 && !strncasecmp(v->base, "bearer ", 7))
			return access_find(&h->tokens, v->base + 7, v->len - 7);
		return NULL;
	}
	for (i = -1; (i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE,
					 i)) >= 0;) {
		const h2o_iovec_t *v = &req->headers.entries[i].value;
		static const char name[] = "inspectd_token=";
		for (size_t at = 0; at + sizeof(name) - 1 <= v->len;) {
			size_t end = at;
			while (end < v->len && v->base[end] != ';')
				end++;
			if (end - at > sizeof(name) - 1 &&
			    !memcmp(v->base + at, name, sizeof(name) - 1))
				return access_find(&h->tokens,
						   v->base + at + sizeof(name) - 1,
						   end - at - sizeof(name) + 1);
			at = end + 1;
			while (at < v->len && v->base[at] == ' ')
				at++;
		}
	}
	return NULL;
}

static void unauthorized(h2o_req_t *req)
{
	metric_count(METRIC_HTTP_UNAUTHORIZED, 1);
	header(req, "www-authenticate", "Bearer realm=\"inspectd\"");
	send_text(req, 401, "Unauthorized", "unauthorized: send a bearer "
		  "token, or sign in at /login\n");
}

/* The sign-in page for browsers: a token given once becomes a cookie
 * (HttpOnly, SameSite=Strict; Secure under TLS). */
static void login_page(h2o_req_t *req, int status, const char *note)
{
	struct strbuf b = {0};
	sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta "
		"charset=\"utf-8\"><title>inspectd 登录 Sign in</title>"
		"<style>" PAGE_STYLE "</style></head>\n<body><h1>inspectd "
		"智能看板</h1>\n");
	if (note)
		sb_printf(&b, "<p><strong>%s</strong></p>\n", note);
	sb_puts(&b, "<form method=\"post\" action=\"/login\"><label>Token "
		"令牌 <input type=\"password\" name=\"token\" "
		"autocomplete=\"current-password\" required></label> "
		"<button type=\"submit\">Sign in 登录</button></form>\n"
		"</body></html>\n");
	header(req, "content-security-policy", "default-src 'none'; "
	       "style-src 'unsafe-inline'; form-action 'self'; "
	       "frame-ancestors 'none'; base-uri 'none'");
	header(req, "x-frame-options", "DENY");
	reply(req, status, status == 200 ? "OK" : "Unauthorized",
	      "text/html; charset=utf-8", b.s, b.len);
	sb_finish(&b);
}

/* 303 to path, setting cookie (h2o_send_redirect drops the headers). */
static void see_other(h2o_req_t *req, const char *path, const char *cookie)
{
	header(req, "set-cookie", cookie);
	header(req, "location", path);
	send_text(req, 303, "See Other", path);
}

static void sign_in(struct http_server *h, h2o_req_t *req)
{
	char token[ACCESS_TOKEN_MAX + 2];
	long n = access_form_token(req->entity.base, req->entity.len, token,
				   sizeof(token));
	if (n <= 0 || !access_find(&h->tokens, token, (size_t)n)) {
		metric_count(METRIC_HTTP_UNAUTHORIZED, 1);
		login_page(req, 401, "Unknown token. 令牌无效。");
		return;
	}
	char cookie[ACCESS_TOKEN_MAX + 96];
	snprintf(cookie, sizeof(cookie), "inspectd_token=%s; Path=/; HttpOnly; "
		 "SameSite=Strict%s", token, h->ssl ? "; Secure" : "");
	see_other(req, "/dashboard", cookie);
}

static void sign_out(h2o_req_t *req)
{
	see_other(req, "/login", "inspectd_token=; Path=/; HttpOnly; "
		  "SameSite=Strict; Max-Age=0");
}

static void probes(struct http_server *h, h2o_req_t *req)
{
	struct strbuf b = {0};
	if (path_is(req, "/healthz")) {
		send_text(req, 200, "OK", "ok\n");
	} else if (path_is(req, "/readyz")) {
		struct readiness r;
		h->src.readiness(h->src.ctx, &r);
		readiness_text(&r, &b);
		bool ok = readiness_ok(&r);
		reply(req, ok ? 200 : 503, ok ? "OK" : "Service Unavailable",
		     "text/plain; charset=utf-8", b.s ? b.s : "", b.len);
	} else {
		struct metrics m;
		metrics_copy(&m);
		metrics_text(&m, h->src.board(h->src.ctx), now_ms(), &b);
		reply(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
		     b.s ? b.s : "", b.len);
	}
	sb_finish(&b);
}

/* The staff pages and the API: the token's departments only; a campaign
 * of another department is as unknown as one that does not exist. */
static void staff(struct http_server *h, h2o_req_t *req,
		  const struct access_entry *e)
{
	char id[SEED_MAX_ID + 2];
	bool json = false, one = false;
	if (path_is(req, "/dashboard") || path_is(req, "/"))
		;
	else if (path_is(req, "/api/dashboard"))
		json = true;
	else if (path_after(req, "/dashboard/campaign/", id, sizeof(id)))
		one = true;
	else if (path_after(req, "/api/campaign/", id, sizeof(id)))
		one = json = true;
	else {
		send_text(req, 404, "Not Found", "not found\n");
		return;
	}
	const struct board *b = h->src.board(h->src.ctx);
	if (!b) {
		header(req, "retry-after", "2");
		send_text(req, 503, "Service Unavailable",
			  "the dashboard has not read Redis yet\n");
		return;
	}
	struct metrics m;
	metrics_copy(&m);
	struct board_view v = {e->departments, e->n_departments, e->all,
			       h->src.today(h->src.ctx), now_ms(),
			       h->cfg->http.within_days, one ? id : NULL, &m};
	if (one) {
		bool found = false;
		for (size_t i = 0; i < b->n_campaigns && !found; i++)
			found = !strcmp(b->campaigns[i].id, id) &&
				board_view_sees(&v, b->campaigns[i].department);
		if (!found) {
			send_text(req, 404, "Not Found", "no such campaign\n");
			return;
		}
	}
	struct strbuf out = {0};
	if (json) {
		board_json(b, &v, &out);
		reply(req, 200, "OK", "application/json", out.s, out.len);
	} else {
		board_html(b, &v, &out);
		header(req, "content-security-policy", h->csp);
		header(req, "x-frame-options", "DENY");
		header(req, "referrer-policy", "no-referrer");
		reply(req, 200, "OK", "text/html; charset=utf-8", out.s, out.len);
	}
	sb_finish(&out);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct http_server *h = ((struct http_handler *)self)->server;
	metric_count(METRIC_HTTP_REQUESTS, 1);
	/* Stopping: each answer closes its connection, so that a client
	 * polling over keep-alive cannot hold the stop back. */
	if (h->stopping)
		req->http1_is_persistent = 0;
	bool post = h2o_memis(req->method.base, req->method.len,
			      H2O_STRLIT("POST"));
	if (path_is(req, "/login")) {
		if (post)
			sign_in(h, req);
		else
			login_page(req, 200, NULL);
		return 0;
	}
	if (path_is(req, "/logout")) {
		sign_out(req);
		return 0;
	}
	if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) &&
	    !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
		header(req, "allow", "GET, HEAD");
		send_text(req, 405, "Method Not Allowed", "GET or HEAD only\n");
		return 0;
	}
	const struct access_entry *e = who(h, req);
	bool probe = path_is(req, "/healthz") || path_is(req, "/readyz") ||
		     path_is(req, "/metrics");
	/* Readiness and metrics name consumers and counts of the whole
	 * deployment: open on loopback, else for a token of every
	 * department (liveness for any token). */
	bool open = h->cfg->http.open_probes && h->loopback;
	if (probe && (open || (e && (e->all || path_is(req, "/healthz")))))
		probes(h, req);
	else if (probe && e)
		send_text(req, 403, "Forbidden", "the operators' probes need a "
			  "token of every department (*)\n");
	else if (!e)
		unauthorized(req);
	else
		staff(h, req, e);
	return 0;
}

/* A connection's handle, with the way back to its server (h2o keeps
 * its own pointer in the handle's data). */
struct conn {
	uv_tcp_t tcp;
	struct http_server *server;
};

static void on_reaped(uv_handle_t *t)
{
	free(t->data);
}

/* On the loop turn after the dispose: H2O's timers, closed by it, have
 * finished closing (their handles live in h). */
static void on_reap(uv_timer_t *t)
{
	uv_close((uv_handle_t *)t, on_reaped);
}

/* Disposes of the server once stopping, the listener closed and every
 * connection gone; frees it a loop turn later. */
static void maybe_free(struct http_server *h)
{
	if (!h->stopping || h->open || !h->listener_closed)
		return;
	h2o_context_dispose(&h->ctx);
	h2o_config_dispose(&h->config);
	if (h->ssl)
		SSL_CTX_free(h->ssl);
	access_free(&h->tokens);
	uv_timer_init(h->loop, &h->reaper);
	h->reaper.data = h;
	uv_timer_start(&h->reaper, on_reap, 0, 0);
}

static void on_conn_closed(uv_handle_t *handle)
{
	struct conn *c = (struct conn *)handle;
	struct http_server *h = c->server;
	free(c);
	h->open--;
	maybe_free(h);
}

static void on_accept(uv_stream_t *listener, int status)
{
	struct http_server *h = listener->data;
	if (status != 0 || h->stopping)
		return;
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return;
	c->server = h;
	uv_tcp_init(h->loop, &c->tcp);
	if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0) {
		uv_close((uv_handle_t *)&c->tcp, (uv_close_cb)free);
		return;
	}
	h->open++;
	h2o_accept(&h->accept, h2o_uv_socket_create((uv_stream_t *)&c->tcp,
						    on_conn_closed));
}

static int load_tokens(struct http_server *h, struct diag *err)
{
	const char *path = h->cfg->http.tokens_file;
	if (!path[0])
		return 0; /* no staff pages: probes only */
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & 007))
		return diag_add(err, "http.tokens_file %s is readable by "
				"others (mode %04o): chmod 600 it", path,
				(unsigned)(st.st_mode & 07777));
	char *text;
	size_t len;
	int e = file_read(path, 1 << 20, &text, &len);
	if (e < 0)
		return diag_add(err, "http.tokens_file %s: %s", path,
				strerror(-e));
	int r = access_parse(text, len, path, &h->tokens, err);
	free(text);
	return r;
}

static int setup_tls(struct http_server *h, struct diag *err)
{
	const struct http_config *c = &h->cfg->http;
	if (!c->tls_certificate[0])
		return 0;
	h->ssl = SSL_CTX_new(TLS_server_method());
	if (!h->ssl)
		return diag_add(err, "TLS: out of memory");
	SSL_CTX_set_min_proto_version(h->ssl, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(h->ssl, c->tls_certificate) != 1)
		return diag_add(err, "http.tls_certificate %s: %s",
				c->tls_certificate,
				ERR_reason_error_string(ERR_get_error()));
	if (SSL_CTX_use_PrivateKey_file(h->ssl, c->tls_key, SSL_FILETYPE_PEM) !=
		    1 ||
	    SSL_CTX_check_private_key(h->ssl) != 1)
		return diag_add(err, "http.tls_key %s: %s", c->tls_key,
				ERR_reason_error_string(ERR_get_error()));
	h2o_ssl_register_alpn_protocols(h->ssl, h2o_http2_alpn_protocols);
	h->accept.ssl_ctx = h->ssl;
	return 0;
}

static int listen_on(struct http_server *h, struct diag *err)
{
	const struct http_config *c = &h->cfg->http;
	struct sockaddr_storage a;
	char port[8];
	snprintf(port, sizeof(port), "%d", c->port);
	if (uv_ip4_addr(c->host, c->port, (struct sockaddr_in *)&a) != 0 &&
	    uv_ip6_addr(c->host, c->port, (struct sockaddr_in6 *)&a) != 0)
		return diag_add(err, "http.listen: %s is not an IP address",
				c->host);
	h->loopback = !strncmp(c->host, "127.", 4) || !strcmp(c->host, "::1");
	uv_tcp_init(h->loop, &h->listener);
	h->listener.data = h;
	int r = uv_tcp_bind(&h->listener, (const struct sockaddr *)&a, 0);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&h->listener, 128, on_accept);
	if (r != 0)
		return diag_add(err, "http.listen %s:%s: %s", c->host, port,
				uv_strerror(r));
	return 0;
}

static void on_listener_closed(uv_handle_t *l)
{
	struct http_server *h = l->data;
	h->listener_closed = true;
	maybe_free(h);
}

struct http_server *http_start(uv_loop_t *loop, const struct config *cfg,
			       const struct http_source *src,
			       struct diag *err)
{
	struct http_server *h = calloc(1, sizeof(*h));
	if (!h) {
		diag_add(err, "out of memory");
		return NULL;
	}
	h->loop = loop;
	h->cfg = cfg;
	h->src = *src;
	char hash[60];
	csp_hash(board_script, hash);
	snprintf(h->csp, sizeof(h->csp), "default-src 'none'; style-src "
		 "'unsafe-inline'; script-src %s; base-uri 'none'; "
		 "form-action 'none'; frame-ancestors 'none'", hash);
	h2o_config_init(&h->config);
	/* A request must arrive whole soon; an idle connection is closed
	 * soon, so that a stop does not wait long for them. */
	h->config.http1.req_timeout = 5000;
	h->config.max_request_entity_size = 4096; /* a sign-in form at most */
	h->config.http1.upgrade_to_http2 = 0; /* HTTP/2 with TLS only */
	h->config.http2.idle_timeout = 5000;
	h2o_hostconf_t *host = h2o_config_register_host(
		&h->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
	struct http_handler *hd = (struct http_handler *)h2o_create_handler(
		path, sizeof(*hd));
	hd->super.on_req = on_req;
	hd->server = h;
	h2o_context_init(&h->ctx, loop, &h->config);
	h->accept.ctx = &h->ctx;
	h->accept.hosts = h->config.hosts;
	if (load_tokens(h, err) < 0 || setup_tls(h, err) < 0 ||
	    listen_on(h, err) < 0) {
		/* Not started: the daemon exits; what is left is freed with
		 * the process. */
		return NULL;
	}
	return h;
}

void http_stop(struct http_server *h)
{
	if (!h || h->stopping)
		return;
	h->stopping = true;
	/* Open connections close by themselves: a request in flight is
	 * answered and its connection closed (on_req), an idle one times out
	 * (req_timeout, 5 s). (H2O 2.2's request_shutdown leaves a timeout
	 * linked that its dispose then asserts on.) An HTTP/2 client over
	 * TLS that keeps sending holds the stop until it pauses 5 s. */
	uv_close((uv_handle_t *)&h->listener, on_listener_closed);
}
