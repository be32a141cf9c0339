/* The cluster and TLS harness itself (harness_cluster.h, harness_tls.h),
 * checked with plain hiredis and redis-cli only, before any inspectd test
 * leans on it: a key written to the {insp} slot's master survives its
 * failover, the old master's return as a replica and a restart of every
 * node; a TLS-only server answers a client with a certificate and nobody
 * else. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness_cluster.h"
#include "harness_tls.h"
#include "inspect/store/slot.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void expect_reply(redisContext *c, const char *command, const char *want)
{
	redisReply *r = cmd(c, command);
	cr_assert(r->type == REDIS_REPLY_STRING ||
		      r->type == REDIS_REPLY_STATUS ||
		      r->type == REDIS_REPLY_ERROR,
		  "%s: no text reply", command);
	cr_assert_str_eq(r->str, want, "%s", command);
	freeReplyObject(r);
}

/* The key on the slot's master as the cluster names it now. */
static void expect_key(struct redis_cluster *cl, unsigned slot)
{
	redisContext *c = cluster_client(cl, slot);
	expect_reply(c, "GET {insp}:harness", "kept");
	redisFree(c);
}

Test(cluster_harness, failover_rejoin_and_restart, .timeout = 150)
{
	struct redis_cluster cl;
	unsigned slot = key_slot("{insp}", 6);
	char moved[64], addr[64], want[64];
	double t0 = now();
	cluster_start(&cl, 3, 1);
	double t_start = now() - t0;
	int old = cluster_master_for_slot(&cl, slot);
	redisContext *c = cluster_client(&cl, slot);
	expect_reply(c, "SET {insp}:harness kept", "OK");
	/* Replication is asynchronous: a kill -9 right after the write may
	 * lose it (as Redis documents). WAIT 1 0 returns once the replica
	 * has acknowledged it, so the failover below must keep it. */
	cr_assert_eq(cmd_int(c, "WAIT 1 0"), 1);
	redisFree(c);

	t0 = now();
	int promoted = cluster_kill_master(&cl, old);
	double t_failover = now() - t0;
	cr_assert_neq(promoted, old);
	cr_assert_eq(cluster_master_for_slot(&cl, slot), promoted);
	expect_key(&cl, slot);
	/* A write after the failover: the old master can only learn it by
	 * syncing from the promoted one. */
	c = cluster_client(&cl, slot);
	expect_reply(c, "SET {insp}:after promoted", "OK");
	redisFree(c);
	/* Another master redirects to the promoted one. */
	int other =
	    cluster_master_for_slot(&cl, (slot + SLOT_COUNT / 2) % SLOT_COUNT);
	cr_assert_neq(other, promoted);
	c = redis_client(cl.node[other].port);
	snprintf(moved, sizeof(moved), "MOVED %u 127.0.0.1:%d", slot,
		 cl.node[promoted].port);
	expect_reply(c, "GET {insp}:harness", moved);
	redisFree(c);

	t0 = now();
	cluster_restart_node(&cl, old);
	double t_rejoin = now() - t0;
	cr_assert_eq(cluster_master_of(&cl, old), promoted,
		     "node %d rejoined, but not as %d's replica", old,
		     promoted);
	cr_assert_eq(cluster_master_for_slot(&cl, slot), promoted);
	/* In sync: the replica serves the new master's write to a READONLY
	 * client. */
	c = redis_client(cl.node[old].port);
	expect_reply(c, "READONLY", "OK");
	expect_reply(c, "GET {insp}:after", "promoted");
	expect_reply(c, "GET {insp}:harness", "kept");
	redisFree(c);

	t0 = now();
	cluster_restart_all(&cl);
	double t_restart = now() - t0;
	expect_key(&cl, slot);
	int port = cluster_address(&cl, addr, sizeof(addr));
	snprintf(want, sizeof(want), "redis://127.0.0.1:%d", port);
	cr_assert_str_eq(addr, want);
	cluster_finish(&cl);
	fprintf(stderr,
		"# cluster: start %.1f s, failover %.1f s, rejoin %.1f s, "
		"restart of all %.1f s\n",
		t_start, t_failover, t_rejoin, t_restart);
}

Test(cluster_harness, tls_server, .timeout = 60)
{
	struct redis_proc r, rogue;
	struct tls_files f;
	char dir[] = "/tmp/inspectd-tls-XXXXXX", out[8192];
	cr_assert_not_null(mkdtemp(dir));
	tls_make_certs(dir, &f);
	/* The certificates, by openssl itself: names, CA, purpose. */
	cr_assert_eq(run(out, sizeof(out),
			 "openssl verify -CAfile %s -verify_ip 127.0.0.1 "
			 "-purpose sslserver %s",
			 f.ca, f.server_cert),
		     0, "%s", out);
	cr_assert_eq(run(out, sizeof(out),
			 "openssl verify -CAfile %s -verify_hostname "
			 "redis.test %s",
			 f.ca, f.server_cert),
		     0, "%s", out);
	cr_assert_eq(run(out, sizeof(out),
			 "openssl verify -CAfile %s -purpose sslclient %s",
			 f.ca, f.client_cert),
		     0, "%s", out);
	cr_assert_neq(run(out, sizeof(out), "openssl verify -CAfile %s %s",
			  f.ca, f.rogue_cert),
		      0, "%s", out);

	redis_start_tls(&r, &f, 0);
	cr_assert_eq(tls_cli(&r, &f, out, sizeof(out), "PING"), 0, "%s", out);
	cr_assert_str_eq(out, "PONG\n");
	cr_assert_eq(tls_cli(&r, &f, out, sizeof(out), "SET '{insp}:k' v"), 0,
		     "%s", out);
	cr_assert_str_eq(out, "OK\n");
	/* No client certificate: refused (tls-auth-clients yes). */
	cr_assert_neq(run(out, sizeof(out),
			  "redis-cli --tls --cacert %s -h 127.0.0.1 -p %d PING",
			  f.ca, r.port),
		      0, "%s", out);
	/* Plain RESP on the TLS port: the handshake fails, no reply. */
	struct timeval tv = {2, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", r.port, tv);
	cr_assert(c && !c->err, "no TCP connection to the TLS port");
	redisSetTimeout(c, tv);
	redisReply *plain = redisCommand(c, "PING");
	cr_assert_null(plain, "a plain client got a reply from TLS redis");
	redisFree(c);
	cr_assert_neq(
	    run(out, sizeof(out), "redis-cli -h 127.0.0.1 -p %d PING", r.port),
	    0, "%s", out);
	/* After a restart the data is back (AOF). */
	redis_kill(&r, SIGKILL);
	redis_restart_tls(&r, &f, 0);
	cr_assert_eq(tls_cli(&r, &f, out, sizeof(out), "GET '{insp}:k'"), 0,
		     "%s", out);
	cr_assert_str_eq(out, "v\n");

	/* A server whose certificate another CA signed: refused by a client
	 * trusting f.ca, accepted by one trusting the rogue CA; with
	 * optional client authentication, no client certificate needed. */
	redis_start_tls(&rogue, &f, TLS_ROGUE_CERT | TLS_CLIENT_OPTIONAL);
	cr_assert_neq(tls_cli(&rogue, &f, out, sizeof(out), "PING"), 0, "%s",
		      out);
	cr_assert(strstr(out, "certificate verify failed"), "%s", out);
	cr_assert_eq(run(out, sizeof(out),
			 "redis-cli --tls --cacert %s -h 127.0.0.1 -p %d PING",
			 f.rogue_ca, rogue.port),
		     0, "%s", out);
	cr_assert_str_eq(out, "PONG\n");

	redis_finish(&rogue);
	redis_finish(&r);
	cr_assert_eq(run(out, sizeof(out), "rm -rf '%s'", dir), 0, "%s", out);
}
