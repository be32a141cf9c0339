/* TLS for the integration tests (harness_tls.h): certificates by the
 * openssl command, redis-server with --tls-port only, and redis-cli --tls,
 * the independent client the tests check the server with. */
#include "harness_tls.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Extensions by name: a CA, a server for 127.0.0.1 and redis.test, a
 * client. The file is the whole configuration, so nothing depends on the
 * system's openssl.cnf. */
static const char openssl_cnf[] =
    "[req]\ndistinguished_name = dn\nprompt = no\n"
    "[dn]\nCN = inspectd-test\n"
    "[ca_ext]\nbasicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier = hash\n"
    "[server_ext]\nbasicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = IP:127.0.0.1,DNS:redis.test\n"
    "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
    "[client_ext]\nbasicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature\n"
    "extendedKeyUsage = clientAuth\n"
    "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n";

/* Each certificate: its file names' stem, subject, issuer's stem (NULL:
 * self-signed) and extensions. */
struct cert {
	const char *name, *cn, *ca, *ext;
};

static const struct cert certs[] = {
    {"ca", "inspectd-test-ca", NULL, "ca_ext"},
    {"server", "redis.test", "ca", "server_ext"},
    {"client", "inspectd-test-client", "ca", "client_ext"},
    {"rogue-ca", "inspectd-test-rogue-ca", NULL, "ca_ext"},
    {"rogue", "redis.test", "rogue-ca", "server_ext"},
};

#define NEWKEY "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

/* name.key and name.crt in dir: a self-signed CA, or a request signed by
 * its CA. In a subshell: run's 2>&1 then takes every command's output. */
static void make_cert(const char *dir, const struct cert *c)
{
	char out[8192];
	int rc;
	if (!c->ca)
		rc = run(out, sizeof(out),
			 "(cd '%s' && openssl req -config openssl.cnf -x509 "
			 "%s -keyout %s.key -out %s.crt -days 30 -subj /CN=%s "
			 "-extensions %s)",
			 dir, NEWKEY, c->name, c->name, c->cn, c->ext);
	else
		rc = run(out, sizeof(out),
			 "(cd '%s' && openssl req -config openssl.cnf -new %s "
			 "-keyout %s.key -out %s.csr -subj /CN=%s && "
			 "openssl x509 -req -in %s.csr -CA %s.crt -CAkey "
			 "%s.key -CAcreateserial -days 30 -extfile "
			 "openssl.cnf -extensions %s -out %s.crt)",
			 dir, NEWKEY, c->name, c->name, c->cn, c->name, c->ca,
			 c->ca, c->ext, c->name);
	cr_assert_eq(rc, 0, "openssl could not make %s/%s.crt:\n%s", dir,
		     c->name, out);
}

void tls_make_certs(const char *dir, struct tls_files *f)
{
	char path[160];
	cr_assert_lt(strlen(dir), 100);
	snprintf(path, sizeof(path), "%s/openssl.cnf", dir);
	FILE *cnf = fopen(path, "w");
	cr_assert_not_null(cnf, "%s", path);
	fputs(openssl_cnf, cnf);
	fclose(cnf);
	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++)
		make_cert(dir, &certs[i]);
	snprintf(f->ca, sizeof(f->ca), "%s/ca.crt", dir);
	snprintf(f->server_cert, sizeof(f->server_cert), "%s/server.crt", dir);
	snprintf(f->server_key, sizeof(f->server_key), "%s/server.key", dir);
	snprintf(f->client_cert, sizeof(f->client_cert), "%s/client.crt", dir);
	snprintf(f->client_key, sizeof(f->client_key), "%s/client.key", dir);
	snprintf(f->rogue_ca, sizeof(f->rogue_ca), "%s/rogue-ca.crt", dir);
	snprintf(f->rogue_cert, sizeof(f->rogue_cert), "%s/rogue.crt", dir);
	snprintf(f->rogue_key, sizeof(f->rogue_key), "%s/rogue.key", dir);
}

/* redis-cli over TLS to port, trusting cacert, with f's client
 * certificate. */
static int cli(int port, const char *cacert, const struct tls_files *f,
	       char *out, size_t size, const char *args)
{
	return run(out, size,
		   "redis-cli --tls --cacert '%s' --cert '%s' "
		   "--key '%s' -h 127.0.0.1 -p %d %s",
		   cacert, f->client_cert, f->client_key, port, args);
}

int tls_cli(const struct redis_proc *r, const struct tls_files *f, char *out,
	    size_t size, const char *args)
{
	return cli(r->port, f->ca, f, out, size, args);
}

/* The MONITOR of redis_spawn, over TLS. */
static void tls_monitor(struct redis_proc *r, const struct tls_files *f,
			const char *cacert)
{
	char port[16], mon[128], out[8192];
	snprintf(port, sizeof(port), "%d", r->port);
	snprintf(mon, sizeof(mon), "%s/monitor.%d.log", r->dir, r->spawns++);
	char *ca = (char *)cacert, *cert = (char *)f->client_cert;
	char *key = (char *)f->client_key;
	/* clang-format off */
	char *argv[] = {"redis-cli", "--tls", "--cacert", ca, "--cert", cert,
			"--key", key, "-h", "127.0.0.1", "-p", port,
			"MONITOR", NULL};
	/* clang-format on */
	r->monitor = spawn(argv, mon);
	bool on = false;
	for (int i = 0; i < 100 && !on; i++) {
		cli(r->port, cacert, f, out, sizeof(out), "CLIENT LIST");
		on = strstr(out, "cmd=monitor") != NULL;
		if (!on)
			sleep_ms(20);
	}
	cr_assert(on, "redis-cli --tls MONITOR did not attach");
}

static void tls_spawn(struct redis_proc *r, const struct tls_files *f,
		      int flags)
{
	bool rogue = flags & TLS_ROGUE_CERT;
	const char *cacert = rogue ? f->rogue_ca : f->ca;
	char port[16], log[96], out[8192] = "";
	snprintf(port, sizeof(port), "%d", r->port);
	snprintf(log, sizeof(log), "%s/redis.log", r->dir);
	char *cert = (char *)(rogue ? f->rogue_cert : f->server_cert);
	char *key = (char *)(rogue ? f->rogue_key : f->server_key);
	char *auth = flags & TLS_CLIENT_OPTIONAL ? "optional" : "yes";
	/* clang-format off */
	char *argv[] = {"redis-server", "--port", "0", "--tls-port", port,
			"--bind", "127.0.0.1", "--dir", r->dir, "--save", "",
			"--appendonly", "yes", "--appendfsync", "always",
			"--daemonize", "no",
			"--tls-cert-file", cert, "--tls-key-file", key,
			"--tls-ca-cert-file", (char *)f->ca,
			"--tls-auth-clients", auth, NULL};
	/* clang-format on */
	r->pid = spawn(argv, log);
	for (int i = 0; i < 100 && strcmp(out, "PONG\n"); i++) {
		cli(r->port, cacert, f, out, sizeof(out), "PING");
		if (strcmp(out, "PONG\n"))
			sleep_ms(50);
	}
	cr_assert_str_eq(out, "PONG\n",
			 "redis-server did not start with TLS "
			 "on %d (see %s/redis.log)",
			 r->port, r->dir);
	tls_monitor(r, f, cacert);
}

void redis_start_tls(struct redis_proc *r, const struct tls_files *f, int flags)
{
	redis_reserve(r);
	tls_spawn(r, f, flags);
}

void redis_restart_tls(struct redis_proc *r, const struct tls_files *f,
		       int flags)
{
	tls_spawn(r, f, flags);
}
