/* The integration harness's Redis Cluster: real redis-server nodes
 * (--cluster-enabled) formed into a cluster by redis-cli --cluster create,
 * for tests of inspectd against slot routing, MOVED and failover.
 *
 * Like harness.h: real processes on free loopback ports, 127.0.0.1 only (a
 * fresh Debian machine has no /etc/hosts, so no name is ever resolved), a
 * temporary directory each, children bound to the test process's life
 * (PR_SET_PDEATHSIG). Every wait is bounded (30 s) and fails the test with
 * what was still wrong, so a broken cluster is a clear failure and never a
 * hang. */
#ifndef TESTS_HARNESS_CLUSTER_H
#define TESTS_HARNESS_CLUSTER_H

#include <hiredis/hiredis.h>
#include <stddef.h>

#include "harness.h"

/* 3 masters with 2 replicas each at most: enough for every failover test. */
#define CLUSTER_MAX_NODES 9

/* Node i is node[i] (a redis_proc: pid 0 while it is killed, its port and
 * directory kept so that it can come back as the same node). bus_port is
 * its --cluster-port: the default, port + 10000, passes 65535 for half the
 * ephemeral ports free_port hands out. */
struct redis_cluster {
	struct redis_proc node[CLUSTER_MAX_NODES];
	int bus_port[CLUSTER_MAX_NODES];
	int n;
	int masters, replicas;
};

/* Starts masters * (1 + replicas_per_master) cluster nodes (AOF with
 * appendfsync always, as redis_start; node timeout 1000 ms so that a
 * failover takes seconds), forms the cluster with redis-cli --cluster
 * create, and waits until it is healthy (cluster_wait_ok). Which node
 * replicates which is redis-cli's choice: ask cluster_master_of. Needs
 * masters >= 3 (redis-cli refuses fewer). */
void cluster_start(struct redis_cluster *cl, int masters,
		   int replicas_per_master);
/* Waits up to 30 s until, on every live node: CLUSTER INFO says
 * cluster_state:ok, 16384 slots assigned and all n nodes known; CLUSTER
 * SLOTS gives the same slot map, whose masters are all live; each node
 * is a master in that map or a replica whose link is up (INFO
 * replication master_link_status:up, so it holds the data). Fails the
 * test with the first thing still wrong, naming `what`. */
void cluster_wait_ok(struct redis_cluster *cl, const char *what);
/* Index of the node serving the slot as master now, by CLUSTER SLOTS of
 * the first live node (after cluster_wait_ok every live node agrees). */
int cluster_master_for_slot(struct redis_cluster *cl, unsigned slot);
/* Index of the master node idx replicates, or -1 if it is a master. */
int cluster_master_of(struct redis_cluster *cl, int idx);
/* A plain hiredis connection to the slot's master, for assertions:
 * inspectd's keys share the hash tag {insp}, so tests pass
 * key_slot("{insp}", 6) (inspect/store/slot.h). The caller redisFree()s. */
redisContext *cluster_client(struct redis_cluster *cl, unsigned slot);
/* kill -9 the master idx (it must have a replica in sync), wait until a
 * replica has been promoted and the live nodes are healthy again; returns
 * the index of the master now serving idx's slots. */
int cluster_kill_master(struct redis_cluster *cl, int idx);
/* Starts a killed node again on its port and directory: it reads its
 * nodes.conf and rejoins (a former master as a replica of the replica
 * that took its place); waits until healthy, so it is in sync. */
void cluster_restart_node(struct redis_cluster *cl, int idx);
/* kill -9 every live node, start them all again, wait until healthy
 * (which node is master afterwards is the cluster's choice). */
void cluster_restart_all(struct redis_cluster *cl);
/* "redis://127.0.0.1:PORT" of a live node, for inspectd's config (a
 * cluster client discovers the rest from one node); returns the port,
 * for daemon_start. */
int cluster_address(const struct redis_cluster *cl, char *buf, size_t size);
/* Kills every node and removes their directories. */
void cluster_finish(struct redis_cluster *cl);

#endif
