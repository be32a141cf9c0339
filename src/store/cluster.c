/* Redis Cluster for the store (the cluster specification: "Redirection
 * and resharding", "Client and Server roles"): CLUSTER SLOTS tells the
 * masters and their slots; a command goes to the master of its key's
 * slot; commands without a key follow the transaction they belong to. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cluster.h"
#include "inspect/store/slot.h"

/* Every node seen (masters and replicas), process-wide: when the
 * configured node is the master that died, its replicas are still known. */
#define SEEN_MAX 64
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static char seen[SEEN_MAX][280];
static int n_seen;

static void remember(const char *host, int port)
{
	char a[280];
	snprintf(a, sizeof(a), "%s:%d", host, port);
	pthread_mutex_lock(&seen_lock);
	int i = 0;
	while (i < n_seen && strcmp(seen[i], a))
		i++;
	if (i == n_seen && n_seen < SEEN_MAX)
		memcpy(seen[n_seen++], a, sizeof(a));
	pthread_mutex_unlock(&seen_lock);
}

int cluster_seen(char (*out)[280], int max)
{
	pthread_mutex_lock(&seen_lock);
	int n = n_seen < max ? n_seen : max;
	memcpy(out, seen, (size_t)n * sizeof(seen[0]));
	pthread_mutex_unlock(&seen_lock);
	return n;
}

static bool word(const struct args *a, int i, const char *w)
{
	size_t n = strlen(w);
	return i < a->n && a->len[i] == n && !strncasecmp(a->v[i], w, n);
}

/* Which argument is the key that routes the command, or -1 for none. */
static int key_argument(const struct args *a)
{
	static const char *const keyless[] = {
		"MULTI", "EXEC",  "DISCARD", "UNWATCH", "PING",	 "INFO",
		"AUTH",	 "SCAN",  "WAIT",    "CLUSTER", "SCRIPT", "TIME",
		"DBSIZE", "KEYS", "CONFIG",  "CLIENT",	"HELLO", "ASKING"};
	if (a->n < 2)
		return -1;
	for (size_t i = 0; i < sizeof(keyless) / sizeof(*keyless); i++)
		if (word(a, 0, keyless[i]))
			return -1;
	if (word(a, 0, "EVAL") || word(a, 0, "EVALSHA"))
		return a->n > 3 && !word(a, 2, "0") ? 3 : -1;
	if (word(a, 0, "XREAD") || word(a, 0, "XREADGROUP")) {
		for (int i = 1; i + 1 < a->n; i++)
			if (word(a, i, "STREAMS"))
				return i + 1;
		return -1;
	}
	if (word(a, 0, "XGROUP") || word(a, 0, "XINFO") ||
	    word(a, 0, "OBJECT") || word(a, 0, "MEMORY"))
		return a->n > 2 ? 2 : -1;
	return 1;
}

/* A transaction's node that left the cluster (read_slots). */
#define NODE_GONE (-2)

static int prefix_node(const struct store *s)
{
	const char *p = s->cfg->prefix;
	return s->slot_node[key_slot(p, strlen(p))];
}

int cluster_route(struct store *s, const struct args *a)
{
	if (!s->cluster)
		return 0;
	int k = key_argument(a), node;
	if (s->in_multi)
		node = s->multi_node;
	else if (k >= 0)
		node = s->slot_node[key_slot(a->v[k], a->len[k])];
	else if (s->watch_node != -1)
		node = s->watch_node;
	else if (s->chosen_node >= 0)
		node = s->chosen_node;
	else
		node = prefix_node(s);
	if (word(a, 0, "WATCH")) {
		s->watch_node = node;
	} else if (word(a, 0, "MULTI")) {
		s->in_multi = true;
		s->multi_node = node;
	} else if (word(a, 0, "EXEC") || word(a, 0, "DISCARD") ||
		   word(a, 0, "UNWATCH")) {
		s->in_multi = false;
		s->watch_node = -1;
	}
	return node;
}

int cluster_node_at(const struct store *s, const char *address)
{
	for (int i = 0; i < s->n_nodes; i++) {
		char a[280];
		snprintf(a, sizeof(a), "%s:%d", s->nodes[i].host,
			 s->nodes[i].port);
		if (!strcmp(a, address))
			return i;
	}
	return -1;
}

struct link *cluster_link(struct store *s, int i)
{
	if (i < 0 || i >= s->n_nodes) {
		diag_set(&s->err, "the node of the transaction under way left "
			 "the cluster");
		return NULL;
	}
	struct store_node *n = &s->nodes[i];
	if (link_is_open(&n->link))
		return &n->link;
	if (link_open(&n->link, n->host[0] ? n->host : NULL, n->port,
		      &s->cfg->redis, &s->err) < 0 ||
	    link_authenticate(s, &n->link) < 0)
		return NULL;
	return &n->link;
}

static const redisReply *elem(const redisReply *r, size_t i, int type)
{
	return r && r->type == REDIS_REPLY_ARRAY && i < r->elements &&
			       r->element[i]->type == type
		       ? r->element[i] : NULL;
}

/* host:port of a node in CLUSTER SLOTS; "" or "?" is the host the
 * command was sent to (the specification's "unknown endpoint"). */
static bool node_address(const redisReply *n, const char *asked,
			 char *host, size_t size, int *port)
{
	const redisReply *h = elem(n, 0, REDIS_REPLY_STRING);
	const redisReply *p = elem(n, 1, REDIS_REPLY_INTEGER);
	if (!h || !p || p->integer < 1 || p->integer > 65535 ||
	    h->len >= size)
		return false;
	snprintf(host, size, "%s",
		 h->len && strcmp(h->str, "?") ? h->str : asked);
	*port = (int)p->integer;
	return true;
}

static int add_master(struct store_node **nodes, int *n, const char *host,
		      int port)
{
	for (int i = 0; i < *n; i++)
		if ((*nodes)[i].port == port && !strcmp((*nodes)[i].host, host))
			return i;
	struct store_node *v = realloc(*nodes, (size_t)(*n + 1) * sizeof(*v));
	if (!v)
		return -1;
	*nodes = v;
	memset(&v[*n], 0, sizeof(v[*n]));
	snprintf(v[*n].host, sizeof(v[*n].host), "%s", host);
	v[*n].port = port;
	v[*n].link.fd = -1;
	return (*n)++;
}

/* The masters and the slot map from a CLUSTER SLOTS reply. Links of
 * masters already known are kept; the others closed. */
static int read_slots(struct store *s, const redisReply *r, const char *asked)
{
	struct store_node *nodes = NULL;
	int n = 0;
	uint16_t *map = malloc(SLOT_COUNT * sizeof(*map));
	size_t covered = 0;
	bool ok = map && r->type == REDIS_REPLY_ARRAY;
	for (size_t i = 0; ok && i < r->elements; i++) {
		const redisReply *e = r->element[i];
		const redisReply *lo = elem(e, 0, REDIS_REPLY_INTEGER);
		const redisReply *hi = elem(e, 1, REDIS_REPLY_INTEGER);
		char host[256];
		int port, m = -1;
		ok = lo && hi && lo->integer >= 0 && hi->integer >= lo->integer &&
		     hi->integer < SLOT_COUNT &&
		     node_address(elem(e, 2, REDIS_REPLY_ARRAY), asked, host,
				  sizeof(host), &port) &&
		     (m = add_master(&nodes, &n, host, port)) >= 0;
		for (long long k = ok ? lo->integer : 0; ok && k <= hi->integer;
		     k++)
			map[k] = (uint16_t)m;
		if (ok)
			covered += (size_t)(hi->integer - lo->integer + 1);
		for (size_t j = 2; ok && j < e->elements; j++)
			if (node_address(e->element[j], asked, host,
					 sizeof(host), &port))
				remember(host, port);
	}
	if (!ok || covered != SLOT_COUNT) {
		if (ok)
			diag_set(&s->err, "the cluster serves %zu of the 16384 "
				 "slots: it is not ready (CLUSTER INFO)",
				 covered);
		else
			diag_set(&s->err, "CLUSTER SLOTS: %s",
				 map ? "an answer that does not read"
				     : "out of memory");
		free(map);
		free(nodes);
		return FAIL_LOST;
	}
	/* A transaction under way stays on its node; if that node is gone,
	 * its next command finds no link (NODE_GONE) and the connection is
	 * lost, so that nothing it queued runs anywhere else. */
	int watch = s->watch_node == -1 ? -1 : NODE_GONE;
	int multi = NODE_GONE, chosen = -1;
	for (int i = 0; i < s->n_nodes; i++) { /* keep the open links */
		int j;
		for (j = 0; j < n; j++)
			if (nodes[j].port == s->nodes[i].port &&
			    !strcmp(nodes[j].host, s->nodes[i].host))
				break;
		if (j == n) {
			link_close(&s->nodes[i].link);
			continue;
		}
		nodes[j].link = s->nodes[i].link;
		watch = s->watch_node == i ? j : watch;
		multi = s->multi_node == i ? j : multi;
		chosen = s->chosen_node == i ? j : chosen;
	}
	s->watch_node = watch;
	s->multi_node = multi;
	s->chosen_node = chosen;
	for (int i = 0; i < n; i++)
		remember(nodes[i].host, nodes[i].port);
	free(s->nodes);
	free(s->slot_node);
	s->nodes = nodes;
	s->n_nodes = n;
	s->slot_node = map;
	return 0;
}

static int ask_slots(struct store *s, struct link *l, const char *host)
{
	struct args a;
	redisReply *r;
	args_init(&a);
	args_add(&a, "CLUSTER");
	args_add(&a, "SLOTS");
	int rc = link_command(s, l, &a, &r);
	args_finish(&a);
	if (rc < 0)
		return FAIL_LOST;
	if (r->type == REDIS_REPLY_ERROR) {
		diag_set(&s->err, "CLUSTER SLOTS: %s", r->str);
		freeReplyObject(r);
		return FAIL_REFUSED;
	}
	rc = read_slots(s, r, host);
	freeReplyObject(r);
	return rc;
}

int cluster_discover(struct store *s, struct link *seed)
{
	s->nodes = calloc(1, sizeof(*s->nodes));
	if (!s->nodes) {
		diag_set(&s->err, "out of memory");
		link_close(seed);
		return FAIL_LOST;
	}
	s->n_nodes = 1;
	s->nodes[0].link = *seed; /* the store owns it from here */
	s->nodes[0].port = seed->port;
	if (!s->cfg->redis.unix_path[0]) /* "": the Unix socket */
		snprintf(s->nodes[0].host, sizeof(s->nodes[0].host), "%s",
			 seed->host);
	char asked[256];
	snprintf(asked, sizeof(asked), "%s", seed->host);
	int rc = ask_slots(s, &s->nodes[0].link, asked);
	if (rc == FAIL_REFUSED && strstr(s->err.text, "cluster support")) {
		diag_init(&s->err); /* a server of its own: not a cluster */
		return 0;
	}
	if (rc < 0)
		return FAIL_LOST;
	s->cluster = true;
	return 0;
}

int cluster_refresh(struct store *s)
{
	for (int i = 0; i < s->n_nodes; i++) {
		struct link *l = cluster_link(s, i);
		if (l && ask_slots(s, l, s->nodes[i].host) == 0)
			return 0;
	}
	return FAIL_LOST;
}
