/* The integration harness's TLS: certificates made with the openssl
 * command line, and a real redis-server speaking TLS only, for tests of
 * inspectd's TLS connections (server verification, client certificates).
 * Like harness.h: 127.0.0.1 only (no name is ever looked up: a fresh
 * Debian machine has no /etc/hosts), a temporary directory per server,
 * children bound to the test process's life. */
#ifndef TESTS_HARNESS_TLS_H
#define TESTS_HARNESS_TLS_H

#include <stddef.h>

#include "harness.h"

/* Certificates for TLS tests, all PEM, EC P-256 keys unencrypted: a CA;
 * a server certificate it signed for IP 127.0.0.1 AND DNS redis.test
 * (subjectAltName; a client connects to 127.0.0.1 and may check either,
 * never looking the name up); a client certificate it signed (for
 * tls-auth-clients); and a rogue CA with a server certificate for the same
 * names signed by it, which a client trusting `ca` must refuse. */
struct tls_files {
	char ca[128];
	char server_cert[128], server_key[128];
	char client_cert[128], client_key[128];
	char rogue_ca[128];
	char rogue_cert[128], rogue_key[128];
};

/* Makes them in dir (which must exist) with the openssl command; fails
 * the test with openssl's output if it cannot. */
void tls_make_certs(const char *dir, struct tls_files *out);

/* redis_start_tls flags. By default clients must present a certificate
 * signed by f->ca (--tls-auth-clients yes) and the server presents
 * f->server_cert. */
enum {
	TLS_CLIENT_OPTIONAL = 1, /* --tls-auth-clients optional */
	TLS_ROGUE_CERT = 2,	 /* present f->rogue_cert instead */
};
/* (With TLS_ROGUE_CERT the harness checks readiness trusting f->rogue_ca;
 * tls_cli, which trusts f->ca, is then refused, as a client should be.) */

/* Starts redis-server speaking TLS only (--port 0, r->port is the TLS
 * port) with AOF as redis_start, in a fresh directory; ready when
 * redis-cli --tls with the client certificate gets PONG. Like
 * redis_start, a redis-cli MONITOR (over TLS) logs every command for
 * slots_check, so redis_kill and redis_finish work on it unchanged. */
void redis_start_tls(struct redis_proc *r, const struct tls_files *f,
		     int flags);
/* Starts it again on the same port and directory (after redis_kill). */
void redis_restart_tls(struct redis_proc *r, const struct tls_files *f,
		       int flags);
/* Runs redis-cli --tls against r with f's CA and client certificate:
 * args is appended to the command line as is (shell words: quote keys
 * with braces). Output into out; returns redis-cli's exit status. */
int tls_cli(const struct redis_proc *r, const struct tls_files *f, char *out,
	    size_t size, const char *args);

#endif
