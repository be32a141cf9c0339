/* Redis Cluster for the integration tests (harness_cluster.h).
 *
 * A cluster is judged healthy only from what every live node says of
 * itself: its CLUSTER INFO, its CLUSTER SLOTS and its INFO replication.
 * The nodes learn of a failover by gossip, one after another, so a test
 * that asked one node only could talk to a master the others have already
 * demoted; waiting until all of them agree on one slot map makes the
 * index cluster_master_for_slot returns true on every node. */
#include "harness_cluster.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_MS 30000
#define POLL_MS 100

static void stop(struct redis_proc *r)
{
	if (r->pid <= 0) /* kill(0) would signal our whole process group */
		return;
	redis_kill(r, SIGKILL);
	r->pid = 0;
}

static void remove_dir(const char *dir)
{
	char rm[128];
	/* A child the killed server forked (an AOF rewrite) may still be
	 * writing its temporary file here for a moment: try again. */
	snprintf(rm, sizeof(rm), "rm -rf '%s' 2>/dev/null", dir);
	int rc = system(rm);
	for (int i = 0; rc != 0 && i < 50; i++) {
		sleep_ms(100);
		rc = system(rm);
	}
	cr_expect_eq(rc, 0, "%s could not be removed", dir);
}

/* A connection that gives up instead of hanging on a stopped node. */
static redisContext *connect_quick(int port)
{
	struct timeval tv = {0, 500000};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
	if (c && !c->err) {
		struct timeval ctv = {2, 0};
		redisSetTimeout(c, ctv);
		return c;
	}
	if (c)
		redisFree(c);
	return NULL;
}

/* A command's reply as text ("" if none or not text), into out. */
static bool ask(int port, const char *command, char *out, size_t size)
{
	redisContext *c = connect_quick(port);
	redisReply *r = c ? redisCommand(c, command) : NULL;
	bool ok = r && (r->type == REDIS_REPLY_STRING ||
			r->type == REDIS_REPLY_STATUS);
	snprintf(out, size, "%s", ok ? r->str : "");
	freeReplyObject(r);
	if (c)
		redisFree(c);
	return ok;
}

static int node_of_port(const struct redis_cluster *cl, long long port)
{
	for (int i = 0; i < cl->n; i++)
		if (cl->node[i].port == port)
			return i;
	return -1;
}

/* "node i (port P, dir D)", for messages: its log is D/redis.log. */
static const char *name(const struct redis_cluster *cl, int i)
{
	static char text[128];
	snprintf(text, sizeof(text), "node %d (port %d, %s)", i,
		 cl->node[i].port, cl->node[i].dir);
	return text;
}

static bool port_taken(const struct redis_cluster *cl, int upto, int port)
{
	for (int i = 0; i < upto; i++)
		if (cl->node[i].port == port || cl->bus_port[i] == port)
			return true;
	return false;
}

/* free_port may hand the same port out twice: one that neither nodes
 * before upto nor `other` use. */
static int fresh_port(const struct redis_cluster *cl, int upto, int other)
{
	int p;
	do
		p = free_port();
	while (port_taken(cl, upto, p) || p == other);
	return p;
}

static void node_spawn(struct redis_cluster *cl, int i)
{
	struct redis_proc *r = &cl->node[i];
	char port[16], bus[16], log[96];
	snprintf(port, sizeof(port), "%d", r->port);
	snprintf(bus, sizeof(bus), "%d", cl->bus_port[i]);
	snprintf(log, sizeof(log), "%s/redis.log", r->dir);
	/* repl-diskless-sync-delay 0: a master waits 5 s by default for more
	 * replicas before it streams its data to the first. */
	/* clang-format off */
	char *argv[] = {"redis-server", "--port", port, "--bind", "127.0.0.1",
			"--dir", r->dir, "--save", "", "--appendonly", "yes",
			"--appendfsync", "always", "--daemonize", "no",
			"--cluster-enabled", "yes", "--cluster-port", bus,
			"--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "1000",
			"--repl-diskless-sync-delay", "0", NULL};
	/* clang-format on */
	r->pid = spawn(argv, log);
}

/* Up to 5 s until node i answers PING (not LOADING). */
static void node_await(struct redis_cluster *cl, int i)
{
	char pong[16] = "";
	for (int t = 0; t < 5000 && strcmp(pong, "PONG"); t += 50) {
		ask(cl->node[i].port, "PING", pong, sizeof(pong));
		if (strcmp(pong, "PONG"))
			sleep_ms(50);
	}
	cr_assert_str_eq(pong, "PONG",
			 "%s did not start (see redis.log "
			 "there)",
			 name(cl, i));
}

void cluster_start(struct redis_cluster *cl, int masters, int replicas)
{
	int n = masters * (1 + replicas);
	cr_assert(masters >= 3 && replicas >= 0 && n <= CLUSTER_MAX_NODES,
		  "a cluster of 3 masters or more, %d nodes at most",
		  CLUSTER_MAX_NODES);
	memset(cl, 0, sizeof(*cl));
	cl->n = n;
	cl->masters = masters;
	cl->replicas = replicas;
	for (int i = 0; i < n; i++) {
		redis_reserve(&cl->node[i]);
		cl->node[i].port = fresh_port(cl, i, -1);
		cl->bus_port[i] = fresh_port(cl, i, cl->node[i].port);
	}
	for (int i = 0; i < n; i++)
		node_spawn(cl, i);
	for (int i = 0; i < n; i++)
		node_await(cl, i);
	char line[1024], out[8192];
	size_t used =
	    (size_t)snprintf(line, sizeof(line), "redis-cli --cluster create");
	for (int i = 0; i < n; i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " 127.0.0.1:%d", cl->node[i].port);
	snprintf(line + used, sizeof(line) - used,
		 " --cluster-replicas %d --cluster-yes", replicas);
	int rc = run(out, sizeof(out), "%s", line);
	cr_assert_eq(rc, 0, "%s failed (%d):\n%s", line, rc, out);
	cluster_wait_ok(cl, "cluster_start");
}

/* What CLUSTER INFO says that is not healthy, or "". */
static void check_info(const struct redis_cluster *cl, int i, char *why,
		       size_t size)
{
	char info[4096], want[48];
	snprintf(want, sizeof(want), "cluster_known_nodes:%d\r", cl->n);
	if (!ask(cl->node[i].port, "CLUSTER INFO", info, sizeof(info)))
		snprintf(why, size, "%s does not answer", name(cl, i));
	else if (!strstr(info, "cluster_state:ok"))
		snprintf(why, size, "%s: cluster_state is not ok", name(cl, i));
	else if (!strstr(info, "cluster_slots_assigned:16384\r"))
		snprintf(why, size, "%s: not every slot assigned", name(cl, i));
	else if (!strstr(info, want))
		snprintf(why, size, "%s does not know all %d nodes",
			 name(cl, i), cl->n);
}

struct range {
	long long start, end;
	int master;
};

static int by_start(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* The slot map node i sees, sorted: the number of ranges (at most max),
 * -1 if it does not answer. */
static int slot_map(const struct redis_cluster *cl, int i, struct range *v,
		    int max)
{
	redisContext *c = connect_quick(cl->node[i].port);
	redisReply *r = c ? redisCommand(c, "CLUSTER SLOTS") : NULL;
	int n = -1;
	if (r && r->type == REDIS_REPLY_ARRAY) {
		/* Each: start, end, [ip, port, id, ...] of the master, then
		 * of its replicas. */
		for (n = 0; n < (int)r->elements && n < max; n++) {
			redisReply *e = r->element[n];
			cr_assert(e->elements >= 3 &&
				      e->element[2]->elements >= 2,
				  "unexpected CLUSTER SLOTS reply");
			v[n].start = e->element[0]->integer;
			v[n].end = e->element[1]->integer;
			v[n].master = node_of_port(
			    cl, e->element[2]->element[1]->integer);
		}
		qsort(v, (size_t)n, sizeof(*v), by_start);
	}
	freeReplyObject(r);
	if (c)
		redisFree(c);
	return n;
}

static bool same_map(const struct range *a, int na, const struct range *b,
		     int nb)
{
	if (na != nb)
		return false;
	for (int k = 0; k < na; k++)
		if (a[k].start != b[k].start || a[k].end != b[k].end ||
		    a[k].master != b[k].master)
			return false;
	return true;
}

static bool in_map(const struct range *v, int n, int idx)
{
	for (int k = 0; k < n; k++)
		if (v[k].master == idx)
			return true;
	return false;
}

/* Node i's slot map against the first live node's (first, *nfirst
 * ranges; set from node i if it is the first): the same, all masters up. */
static void check_map(const struct redis_cluster *cl, int i,
		      struct range *first, int *nfirst, char *why, size_t size)
{
	static struct range v[64];
	int nv = slot_map(cl, i, v, 64);
	if (nv < 0) {
		snprintf(why, size, "%s: no CLUSTER SLOTS", name(cl, i));
		return;
	}
	for (int k = 0; k < nv; k++)
		if (v[k].master < 0 || cl->node[v[k].master].pid <= 0) {
			snprintf(why, size,
				 "%s maps slots %lld-%lld to a "
				 "node that is down",
				 name(cl, i), v[k].start, v[k].end);
			return;
		}
	if (*nfirst < 0) {
		memcpy(first, v, (size_t)nv * sizeof(*v));
		*nfirst = nv;
	} else if (!same_map(first, *nfirst, v, nv)) {
		snprintf(why, size,
			 "%s sees another slot map than the "
			 "first live node",
			 name(cl, i));
	}
}

/* Node i is a master serving slots, or a replica in sync. */
static void check_role(const struct redis_cluster *cl, int i,
		       const struct range *map, int nmap, char *why,
		       size_t size)
{
	char info[4096];
	if (!ask(cl->node[i].port, "INFO replication", info, sizeof(info)))
		snprintf(why, size, "%s: no INFO", name(cl, i));
	else if (strstr(info, "role:slave") &&
		 !strstr(info, "master_link_status:up"))
		snprintf(why, size, "%s is a replica not in sync", name(cl, i));
	else if (strstr(info, "role:master") && !in_map(map, nmap, i))
		snprintf(why, size, "%s is a master without slots",
			 name(cl, i));
}

/* Why the live nodes are not a healthy cluster, or "" if they are. */
static void check(const struct redis_cluster *cl, char *why, size_t size)
{
	static struct range first[64];
	int nfirst = -1;
	why[0] = '\0';
	for (int i = 0; i < cl->n && !why[0]; i++) {
		if (cl->node[i].pid <= 0)
			continue;
		check_info(cl, i, why, size);
		if (!why[0])
			check_map(cl, i, first, &nfirst, why, size);
	}
	for (int i = 0; i < cl->n && !why[0]; i++)
		if (cl->node[i].pid > 0)
			check_role(cl, i, first, nfirst, why, size);
}

void cluster_wait_ok(struct redis_cluster *cl, const char *what)
{
	char why[256];
	check(cl, why, sizeof(why));
	for (int t = 0; t < WAIT_MS && why[0]; t += POLL_MS) {
		sleep_ms(POLL_MS);
		check(cl, why, sizeof(why));
	}
	cr_assert_str_eq(why, "",
			 "%s: the cluster is not healthy after %d s: "
			 "%s (its log: redis.log there)",
			 what, WAIT_MS / 1000, why);
}

static int first_live(const struct redis_cluster *cl)
{
	for (int i = 0; i < cl->n; i++)
		if (cl->node[i].pid > 0)
			return i;
	cr_assert_fail("no cluster node is running");
	return -1;
}

int cluster_master_for_slot(struct redis_cluster *cl, unsigned slot)
{
	static struct range v[64];
	int i = first_live(cl);
	int n = slot_map(cl, i, v, 64);
	for (int k = 0; k < n; k++)
		if (v[k].start <= slot && slot <= v[k].end && v[k].master >= 0)
			return v[k].master;
	cr_assert_fail("%s names no master for slot %u", name(cl, i), slot);
	return -1;
}

int cluster_master_of(struct redis_cluster *cl, int idx)
{
	char info[4096];
	cr_assert(cl->node[idx].pid > 0, "node %d is down", idx);
	cr_assert(
	    ask(cl->node[idx].port, "INFO replication", info, sizeof(info)),
	    "node %d does not answer", idx);
	const char *at = strstr(info, "master_port:");
	if (!strstr(info, "role:slave") || !at)
		return -1;
	return node_of_port(cl, atoll(at + strlen("master_port:")));
}

redisContext *cluster_client(struct redis_cluster *cl, unsigned slot)
{
	return redis_client(cl->node[cluster_master_for_slot(cl, slot)].port);
}

/* The first slot node idx serves as master. */
static unsigned slot_of(struct redis_cluster *cl, int idx)
{
	static struct range v[64];
	int n = slot_map(cl, idx, v, 64);
	for (int k = 0; k < n; k++)
		if (v[k].master == idx)
			return (unsigned)v[k].start;
	cr_assert_fail("node %d serves no slot", idx);
	return 0;
}

int cluster_kill_master(struct redis_cluster *cl, int idx)
{
	char info[4096];
	cr_assert(idx >= 0 && idx < cl->n && cl->node[idx].pid > 0,
		  "node %d is not running", idx);
	cr_assert(
	    ask(cl->node[idx].port, "INFO replication", info, sizeof(info)),
	    "node %d does not answer", idx);
	cr_assert(strstr(info, "role:master") &&
		      !strstr(info, "connected_slaves:0\r"),
		  "node %d is not a master with a replica", idx);
	unsigned slot = slot_of(cl, idx);
	stop(&cl->node[idx]);
	cluster_wait_ok(cl, "cluster_kill_master");
	int m = cluster_master_for_slot(cl, slot);
	cr_assert_neq(m, idx);
	return m;
}

void cluster_restart_node(struct redis_cluster *cl, int idx)
{
	cr_assert(idx >= 0 && idx < cl->n && cl->node[idx].pid <= 0,
		  "node %d is running", idx);
	node_spawn(cl, idx);
	node_await(cl, idx);
	cluster_wait_ok(cl, "cluster_restart_node");
}

void cluster_restart_all(struct redis_cluster *cl)
{
	for (int i = 0; i < cl->n; i++)
		stop(&cl->node[i]);
	for (int i = 0; i < cl->n; i++)
		node_spawn(cl, i);
	for (int i = 0; i < cl->n; i++)
		node_await(cl, i);
	cluster_wait_ok(cl, "cluster_restart_all");
}

int cluster_address(const struct redis_cluster *cl, char *buf, size_t size)
{
	int port = cl->node[first_live(cl)].port;
	snprintf(buf, size, "redis://127.0.0.1:%d", port);
	return port;
}

void cluster_finish(struct redis_cluster *cl)
{
	for (int i = 0; i < cl->n; i++)
		stop(&cl->node[i]);
	for (int i = 0; i < cl->n; i++)
		remove_dir(cl->node[i].dir);
	cl->n = 0;
}
