/* The configuration's Redis connection: redis://, rediss:// (TLS) and
 * unix:// addresses, and the TLS keys, refused with the place and the
 * reason when they do not fit together; other nodes of a cluster; a
 * publication's step. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect/shell/config.h"

/* Loads text as a config file; 0 or -1 with the message in err. */
static int load(const char *text, struct config *c, struct diag *err)
{
	char path[] = "/tmp/test-config-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_defaults(c);
	diag_init(err);
	int rc = config_load(path, c, err);
	unlink(path);
	return rc;
}

Test(config, addresses)
{
	struct redis_config r = {0};
	struct diag err;
	diag_init(&err);
	cr_assert_eq(config_redis_url("rediss://10.0.0.5:6380", &r, &err), 0);
	cr_assert(r.tls);
	cr_assert_str_eq(r.host, "10.0.0.5");
	cr_assert_eq(r.port, 6380);
	cr_assert_eq(config_redis_url("redis://[::1]:6379", &r, &err), 0);
	cr_assert(!r.tls, "redis:// is plain again");
	cr_assert_str_eq(r.host, "::1");
	cr_assert_lt(config_redis_url("rediss:/x:1", &r, &err), 0);
	cr_assert(strstr(diag_text(&err), "rediss://HOST:PORT"), "%s",
		  diag_text(&err));
}

Test(config, tls_keys)
{
	struct config c;
	struct diag err;
	cr_assert_eq(load("redis:\n  address: rediss://127.0.0.1:6380\n"
			  "  tls_ca: /etc/ca.crt\n  tls_certificate: /etc/c.crt\n"
			  "  tls_key: /etc/c.key\n  tls_server_name: redis.test\n",
			  &c, &err), 0, "%s", diag_text(&err));
	cr_assert(c.redis.tls);
	cr_assert_str_eq(c.redis.tls_ca, "/etc/ca.crt");
	cr_assert_str_eq(c.redis.tls_certificate, "/etc/c.crt");
	cr_assert_str_eq(c.redis.tls_key, "/etc/c.key");
	cr_assert_str_eq(c.redis.tls_server_name, "redis.test");
	/* TLS keys with a plain address: the key named, the way out said. */
	cr_assert_lt(load("redis:\n  address: redis://127.0.0.1:6379\n"
			  "  tls_ca: /etc/ca.crt\n", &c, &err), 0);
	cr_assert(strstr(diag_text(&err), "redis.tls_ca") &&
			  strstr(diag_text(&err), "rediss://"),
		  "%s", diag_text(&err));
	/* A certificate without its key. */
	cr_assert_lt(load("redis:\n  address: rediss://127.0.0.1:6380\n"
			  "  tls_certificate: /etc/c.crt\n", &c, &err), 0);
	cr_assert(strstr(diag_text(&err), "redis.tls_certificate") &&
			  strstr(diag_text(&err), "redis.tls_key"),
		  "%s", diag_text(&err));
}

Test(config, publication_step)
{
	struct config c;
	struct diag err;
	cr_assert_eq(load("log_level: info\n", &c, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(c.publication_step_kib, 512);
	cr_assert_eq(load("publication_step_kib: 64\n", &c, &err), 0);
	cr_assert_eq(c.publication_step_kib, 64);
	cr_assert_eq(load("publication_step_kib: 4000000000\n", &c, &err), 0);
	cr_assert_eq(c.publication_step_kib, 1048576, "at most 1 GiB");
	cr_assert_lt(load("publication_step_kib: lots\n", &c, &err), 0);
	cr_assert(strstr(diag_text(&err), ":1:23") &&
			  strstr(diag_text(&err), "'lots'"),
		  "%s", diag_text(&err)); /* line and column, and the value */
	cr_assert_eq(load("log_level: info\n", &c, &err), 0);
	cr_assert_eq(c.publication_step_ms, 30);
	cr_assert_eq(load("publication_step_ms: 0\n", &c, &err), 0);
	cr_assert_eq(c.publication_step_ms, 0, "0: steps of a size alone");
	cr_assert_eq(load("publication_step_ms: 99999\n", &c, &err), 0);
	cr_assert_eq(c.publication_step_ms, 10000, "at most 10 s");
	cr_assert_lt(load("publication_step_ms: -5\n", &c, &err), 0);
}

Test(config, other_nodes_of_a_cluster)
{
	struct config c;
	struct diag err;
	cr_assert_eq(load("redis:\n  address: redis://10.0.0.1:7000\n"
			  "  nodes: [\"10.0.0.2:7000\", \"[::1]:7001\"]\n",
			  &c, &err), 0, "%s", diag_text(&err));
	cr_assert_eq(c.redis.n_nodes, 2);
	cr_assert_str_eq(c.redis.nodes[0].host, "10.0.0.2");
	cr_assert_eq(c.redis.nodes[0].port, 7000);
	cr_assert_str_eq(c.redis.nodes[1].host, "::1");
	cr_assert_eq(c.redis.nodes[1].port, 7001);
	cr_assert_str_eq(c.redis.host, "10.0.0.1", "the address is kept");
	/* A node that is no HOST:PORT: which one, and the form. */
	cr_assert_lt(load("redis:\n  address: redis://10.0.0.1:7000\n"
			  "  nodes: [\"10.0.0.2:7000\", \"10.0.0.3\"]\n",
			  &c, &err), 0);
	cr_assert(strstr(diag_text(&err), "redis.nodes.1") &&
			  strstr(diag_text(&err), "HOST:PORT"),
		  "%s", diag_text(&err));
	/* Nodes beside a Unix socket. */
	cr_assert_lt(load("redis:\n  address: unix:///run/redis.sock\n"
			  "  nodes: [\"10.0.0.2:7000\"]\n", &c, &err), 0);
	cr_assert(strstr(diag_text(&err), "redis.nodes.0"), "%s",
		  diag_text(&err));
	/* At most REDIS_MAX_NODES of them. */
	char text[512] = "redis:\n  address: redis://10.0.0.1:7000\n  nodes: [";
	for (int i = 0; i <= REDIS_MAX_NODES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%s\"10.0.1.%d:7000\"", i ? ", " : "", i);
	strcat(text, "]\n");
	cr_assert_lt(load(text, &c, &err), 0);
	cr_assert(strstr(diag_text(&err), ":3:") &&
			  strstr(diag_text(&err), "8 max"),
		  "%s", diag_text(&err)); /* its line, and the bound */
}
