/* A connection to one Redis server (link.h): a non-blocking socket waited
 * on with poll, so that every wait has its bound, OpenSSL on it for TLS,
 * and hiredis' reader for the replies. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "inspect/store/link.h"
#include "inspect/store/reply_arena.h"

#define SEND_AT (64 * 1024) /* bytes queued before they are sent */
#define READ_SIZE (64 * 1024)

/* Waits until fd is ready for events, at most timeout_ms. 0, or -1 with
 * errno (ETIMEDOUT when the time ran out). */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {fd, events, 0};
	for (;;) {
		int n = poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

static int connected_socket(int fd, const struct sockaddr *sa, socklen_t len,
			    int timeout_ms)
{
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS || wait_fd(fd, POLLOUT, timeout_ms) < 0)
		return -1;
	int e = 0;
	socklen_t el = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
		return -1;
	errno = e;
	return e ? -1 : 0;
}

static int open_unix(const char *path, int timeout_ms, struct diag *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		diag_set(err, "connect %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connected_socket(fd, (struct sockaddr *)&sa, sizeof(sa),
				       timeout_ms) < 0) {
		diag_set(err, "connect %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int open_tcp(const char *host, int port, int timeout_ms,
		    struct diag *err)
{
	char service[8];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV},
			*list;
	snprintf(service, sizeof(service), "%d", port);
	int e = getaddrinfo(host, service, &hints, &list);
	if (e) {
		diag_set(err, "connect %s:%d: %s", host, port, gai_strerror(e));
		return -1;
	}
	int fd = -1, saved = 0;
	for (struct addrinfo *a = list; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family,
			    a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    a->ai_protocol);
		if (fd >= 0 && connected_socket(fd, a->ai_addr, a->ai_addrlen,
						timeout_ms) < 0) {
			saved = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(list);
	if (fd < 0) {
		diag_set(err, "connect %s:%d: %s", host, port,
			 strerror(saved ? saved : errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;
}

static const char *ssl_reason(void)
{
	static _Thread_local char text[160];
	unsigned long e = ERR_get_error();
	ERR_clear_error();
	if (!e)
		return "the connection failed";
	ERR_error_string_n(e, text, sizeof(text));
	return text;
}

/* Waits for what an SSL call asked for. 0 to try again, -1 otherwise. */
static int ssl_wait(struct link *l, int rc, int timeout_ms)
{
	switch (SSL_get_error(l->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(l->fd, POLLIN, timeout_ms);
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(l->fd, POLLOUT, timeout_ms);
	case SSL_ERROR_ZERO_RETURN:
		errno = ECONNRESET;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
}

static bool is_ip_address(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

static SSL_CTX *tls_context(const struct redis_config *r, struct diag *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		diag_set(err, "TLS: %s", ssl_reason());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	const char *what = "redis.tls_ca";
	int ok = r->tls_ca[0]
			 ? SSL_CTX_load_verify_locations(ctx, r->tls_ca, NULL)
			 : SSL_CTX_set_default_verify_paths(ctx);
	if (ok && r->tls_certificate[0]) {
		what = "redis.tls_certificate";
		ok = SSL_CTX_use_certificate_chain_file(ctx,
							r->tls_certificate);
		if (ok) {
			what = "redis.tls_key";
			ok = SSL_CTX_use_PrivateKey_file(ctx, r->tls_key,
							 SSL_FILETYPE_PEM) &&
			     SSL_CTX_check_private_key(ctx);
		}
	}
	if (!ok) {
		diag_set(err, "TLS: %s: %s", what, ssl_reason());
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The TLS handshake, verifying the server's certificate and its name (or
 * address) as the configuration or the address gives it. */
static int tls_start(struct link *l, const char *host,
		     const struct redis_config *r, struct diag *err)
{
	SSL_CTX *ctx = tls_context(r, err);
	if (!ctx)
		return -1;
	l->ssl = SSL_new(ctx);
	SSL_CTX_free(ctx); /* the SSL keeps its reference */
	if (!l->ssl || !SSL_set_fd(l->ssl, l->fd)) {
		diag_set(err, "TLS: %s", ssl_reason());
		return -1;
	}
	const char *name = r->tls_server_name[0] ? r->tls_server_name : host;
	int ok = is_ip_address(name)
			 ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(l->ssl),
							 name)
			 : SSL_set_tlsext_host_name(l->ssl, name) &&
				   SSL_set1_host(l->ssl, name);
	if (!ok) {
		diag_set(err, "TLS: server name %s: %s", name, ssl_reason());
		return -1;
	}
	for (int rc; (rc = SSL_connect(l->ssl)) != 1;) {
		if (ssl_wait(l, rc, r->connect_timeout_ms) == 0)
			continue;
		long v = SSL_get_verify_result(l->ssl);
		if (v != X509_V_OK)
			diag_set(err, "TLS with %s:%d: the server's certificate "
				 "for %s: %s", host, l->port, name,
				 X509_verify_cert_error_string(v));
		else if (errno == ETIMEDOUT)
			diag_set(err, "TLS with %s:%d: no handshake within "
				 "%d ms", host, l->port, r->connect_timeout_ms);
		else
			diag_set(err, "TLS with %s:%d: %s", host, l->port,
				 ssl_reason());
		return -1;
	}
	return 0;
}

int link_open(struct link *l, const char *host, int port,
	      const struct redis_config *r, struct diag *err)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->command_timeout_ms = r->command_timeout_ms;
	snprintf(l->host, sizeof(l->host), "%s", host ? host : r->unix_path);
	l->port = port;
	l->fd = host ? open_tcp(host, port, r->connect_timeout_ms, err)
		     : open_unix(r->unix_path, r->connect_timeout_ms, err);
	if (l->fd < 0)
		return -1;
	l->reader = redisReaderCreate();
	if (!l->reader)
		diag_set(err, "out of memory");
	if (!l->reader || (r->tls && tls_start(l, host, r, err) < 0)) {
		link_close(l);
		return -1;
	}
	return 0;
}

void link_close(struct link *l)
{
	if (l->ssl)
		SSL_free(l->ssl);
	if (l->fd >= 0)
		close(l->fd);
	if (l->reader)
		redisReaderFree(l->reader);
	reply_arena_free(l->arena);
	free(l->out);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

static int lost(struct link *l, const char *what, struct diag *err)
{
	diag_set(err, "%s %s:%d: %s", what, l->host, l->port,
		 errno == ETIMEDOUT ? "timed out" : strerror(errno));
	link_close(l);
	return -1;
}

static int send_bytes(struct link *l, const char *buf, size_t len,
		      struct diag *err)
{
	while (len > 0) {
		ssize_t n;
		if (l->ssl) {
			int rc = SSL_write(l->ssl, buf,
					   len > INT32_MAX ? INT32_MAX : (int)len);
			if (rc <= 0) {
				if (ssl_wait(l, rc, l->command_timeout_ms) < 0)
					return lost(l, "write to", err);
				continue;
			}
			n = rc;
		} else {
			n = send(l->fd, buf, len, MSG_NOSIGNAL);
			if (n < 0) {
				if ((errno != EAGAIN && errno != EINTR) ||
				    wait_fd(l->fd, POLLOUT,
					    l->command_timeout_ms) < 0)
					return lost(l, "write to", err);
				continue;
			}
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int link_flush(struct link *l, struct diag *err)
{
	if (l->fd < 0) {
		diag_set(err, "not connected");
		return -1;
	}
	if (l->out_len == 0)
		return 0;
	int rc = send_bytes(l, l->out, l->out_len, err);
	l->out_len = 0;
	return rc;
}

int link_write(struct link *l, const char *buf, size_t len, struct diag *err)
{
	if (l->fd < 0) {
		diag_set(err, "not connected");
		return -1;
	}
	if (l->out_len + len > SEND_AT) { /* a large value goes as it is */
		if (link_flush(l, err) < 0)
			return -1;
		if (len > SEND_AT)
			return send_bytes(l, buf, len, err);
	}
	if (l->out_len + len > l->out_cap) {
		size_t cap = l->out_cap ? l->out_cap : 4096;
		while (cap < l->out_len + len)
			cap *= 2;
		char *p = realloc(l->out, cap);
		if (!p) {
			diag_set(err, "out of memory");
			return -1;
		}
		l->out = p;
		l->out_cap = cap;
	}
	memcpy(l->out + l->out_len, buf, len);
	l->out_len += len;
	return 0;
}

static int receive(struct link *l, struct diag *err)
{
	char buf[READ_SIZE];
	for (;;) {
		ssize_t n;
		if (l->ssl) {
			int rc = SSL_read(l->ssl, buf, sizeof(buf));
			if (rc <= 0) {
				if (ssl_wait(l, rc, l->command_timeout_ms) < 0)
					return lost(l, "read from", err);
				continue;
			}
			n = rc;
		} else {
			n = recv(l->fd, buf, sizeof(buf), 0);
			if (n == 0)
				errno = ECONNRESET;
			if (n <= 0) {
				if (n == 0 ||
				    (errno != EAGAIN && errno != EINTR) ||
				    wait_fd(l->fd, POLLIN,
					    l->command_timeout_ms) < 0)
					return lost(l, "read from", err);
				continue;
			}
		}
		if (redisReaderFeed(l->reader, buf, (size_t)n) != REDIS_OK) {
			diag_set(err, "read from %s:%d: out of memory", l->host,
				 l->port);
			link_close(l);
			return -1;
		}
		return 0;
	}
}

int link_read(struct link *l, redisReply **reply, struct diag *err)
{
	*reply = NULL;
	if (link_flush(l, err) < 0)
		return -1;
	for (;;) {
		void *r = NULL;
		if (redisReaderGetReply(l->reader, &r) != REDIS_OK) {
			diag_set(err, "read from %s:%d: %s", l->host, l->port,
				 l->reader->errstr);
			link_close(l);
			return -1;
		}
		if (r) {
			*reply = r;
			return 0;
		}
		if (receive(l, err) < 0)
			return -1;
	}
}

int link_read_arena(struct link *l, redisReply **reply, struct diag *err)
{
	redisReader *reader = l->reader;
	if (reader && !l->arena && !(l->arena = reply_arena_new())) {
		diag_set(err, "out of memory");
		return -1;
	}
	if (reader)
		reply_arena_begin(l->arena, reader);
	int rc = link_read(l, reply, err);
	if (reader && l->reader == reader) /* else closed, arena and all */
		reply_arena_end(l->arena, reader);
	return rc;
}

void link_free_arena(struct link *l)
{
	reply_arena_free(l->arena);
	l->arena = NULL;
}
