#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "inspect/store/store.h"

static void reset(struct store *s)
{
	s->nodes = NULL;
	s->n_nodes = 0;
	s->cluster = false;
	s->slot_node = NULL;
	s->watch_node = s->multi_node = s->chosen_node = -1;
	s->in_multi = false;
	s->pending = NULL;
	s->pend_head = s->pend_len = s->pend_cap = 0;
	s->out = NULL;
	s->out_cap = 0;
}

/* The command in the Redis protocol into s->out; its length, or 0 (out
 * of memory, s->err). */
static size_t format_command(struct store *s, const struct args *a);

int link_command(struct store *s, struct link *l, const struct args *a,
		 redisReply **reply)
{
	size_t n = format_command(s, a);
	if (!n || link_write(l, s->out, n, &s->err) < 0 ||
	    link_read(l, reply, &s->err) < 0)
		return -1;
	return 0;
}

int link_authenticate(struct store *s, struct link *l)
{
	const struct redis_config *r = &s->cfg->redis;
	if (!r->password[0])
		return 0;
	struct args a;
	redisReply *rep;
	args_init(&a);
	args_add(&a, "AUTH");
	if (r->user[0])
		args_add(&a, r->user);
	args_add(&a, r->password);
	int rc = link_command(s, l, &a, &rep);
	args_finish(&a);
	if (rc == 0 && rep->type == REDIS_REPLY_ERROR) {
		diag_set(&s->err, "AUTH: %s", rep->str);
		rc = -1;
	}
	if (rc == 0)
		freeReplyObject(rep);
	else
		link_close(l);
	return rc < 0 ? FAIL_LOST : 0;
}

/* The configured server, or when it does not answer (a cluster's master
 * that failed, say), the other nodes configured, then another node this
 * process has seen. */
static int open_seed(struct store *s, struct link *seed)
{
	const struct redis_config *r = &s->cfg->redis;
	if (r->unix_path[0])
		return link_open(seed, NULL, 0, r, &s->err);
	if (link_open(seed, r->host, r->port, r, &s->err) == 0)
		return 0;
	struct diag first = s->err;
	for (int i = 0; i < r->n_nodes; i++)
		if (link_open(seed, r->nodes[i].host, r->nodes[i].port, r,
			      &s->err) == 0)
			return 0;
	char seen[64][280];
	int n = cluster_seen(seen, 64);
	for (int i = 0; i < n; i++) {
		char *colon = strrchr(seen[i], ':');
		*colon = '\0';
		if (link_open(seed, seen[i], atoi(colon + 1), r, &s->err) == 0)
			return 0;
	}
	s->err = first;
	return -1;
}

int store_connect(struct store *s, const struct config *cfg)
{
	s->cfg = cfg;
	diag_init(&s->err);
	reset(s); /* callers need not clear the struct */
	struct link seed;
	if (open_seed(s, &seed) < 0 || link_authenticate(s, &seed) < 0)
		return FAIL_LOST;
	if (cluster_discover(s, &seed) < 0) {
		store_close(s);
		return FAIL_LOST;
	}
	return 0;
}

void store_close(struct store *s)
{
	for (int i = 0; i < s->n_nodes; i++)
		link_close(&s->nodes[i].link);
	free(s->nodes);
	free(s->slot_node);
	free(s->pending);
	free(s->out);
	reset(s);
}

void store_on_node(struct store *s, int i)
{
	s->chosen_node = i;
}

static int scan_node(struct store *s, const char *match,
		     int (*each)(struct store *s, const char *key, void *ctx),
		     void *ctx)
{
	char cursor[32] = "0";
	int rc = 0;
	do {
		redisReply *r = store_runv(s, "SCAN", cursor, "MATCH", match,
					   "COUNT", "1000", NULL);
		if (!r)
			return FAIL_LOST;
		const redisReply *keys = r->type == REDIS_REPLY_ARRAY &&
						 r->elements == 2
					 ? r->element[1] : NULL;
		if (keys)
			snprintf(cursor, sizeof(cursor), "%s",
				 r->element[0]->str);
		else
			diag_set(&s->err, "SCAN: %s",
				 r->type == REDIS_REPLY_ERROR ? r->str
							      : "no cursor");
		for (size_t i = 0; keys && rc == 0 && i < keys->elements; i++)
			if (keys->element[i]->type == REDIS_REPLY_STRING)
				rc = each(s, keys->element[i]->str, ctx);
		freeReplyObject(r);
		if (!keys)
			return FAIL_REFUSED;
	} while (rc == 0 && strcmp(cursor, "0"));
	return rc;
}

int store_scan(struct store *s, const char *match,
	       int (*each)(struct store *s, const char *key, void *ctx),
	       void *ctx)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < s->n_nodes; i++) {
		store_on_node(s, i);
		rc = scan_node(s, match, each, ctx);
	}
	store_on_node(s, -1);
	return rc;
}

int store_on_a_replica(struct store *s, const char *what)
{
	redisReply *r = store_runv(s, "ROLE", NULL);
	if (!r)
		return FAIL_LOST;
	const redisReply *list = r->type == REDIS_REPLY_ARRAY &&
					 r->elements == 3
				     ? r->element[2] : NULL;
	size_t replicas = list && list->type == REDIS_REPLY_ARRAY
				  ? list->elements : 0;
	freeReplyObject(r);
	if (replicas == 0)
		return 0;
	r = store_runv(s, "WAIT", "1", "1000", NULL);
	if (!r)
		return FAIL_LOST;
	bool acked = r->type == REDIS_REPLY_INTEGER && r->integer >= 1;
	freeReplyObject(r);
	if (!acked)
		diag_set(&s->err, "no replica has %s yet (WAIT 1 1000)", what);
	return acked ? 0 : FAIL_REFUSED;
}

static void lost(struct store *s)
{
	store_close(s); /* the reason is in s->err */
}

void args_init(struct args *a)
{
	memset(a, 0, sizeof(*a));
}

void args_finish(struct args *a)
{
	free(a->v);
	free(a->len);
	args_init(a);
}

void args_reset(struct args *a)
{
	a->n = 0;
	a->nums = 0;
	a->failed = false;
}

void args_addn(struct args *a, const char *s, size_t len)
{
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 16;
		const char **v = realloc(a->v, (size_t)cap * sizeof(*v));
		if (v)
			a->v = v;
		size_t *l = v ? realloc(a->len, (size_t)cap * sizeof(*l)) : NULL;
		if (!l) { /* the command is not sent (store_run, store_append) */
			a->failed = true;
			return;
		}
		a->len = l;
		a->cap = cap;
	}
	a->v[a->n] = s;
	a->len[a->n++] = len;
}

void args_add(struct args *a, const char *s)
{
	args_addn(a, s, strlen(s));
}

void args_addu(struct args *a, unsigned long long v)
{
	if (a->nums >= 16)
		abort(); /* a programming error: too many numbers */
	char *buf = a->num[a->nums++];
	snprintf(buf, 24, "%llu", v);
	args_add(a, buf);
}

static bool error_is(const redisReply *r, const char *what)
{
	return r->type == REDIS_REPLY_ERROR &&
	       !strncmp(r->str, what, strlen(what));
}

/* A cluster whose slots move, or whose master failed over, answers so. */
static bool cluster_changed(const redisReply *r)
{
	return error_is(r, "MOVED ") || error_is(r, "ASK ") ||
	       error_is(r, "CLUSTERDOWN") || error_is(r, "TRYAGAIN");
}

static bool usable(struct store *s, const struct args *a)
{
	if (s->nodes && !a->failed)
		return true;
	diag_set(&s->err, "%s", a->failed ? "out of memory" : "not connected");
	return false;
}

/* ASK: the slot is moving to the node named; this one command goes there,
 * after ASKING. */
static redisReply *ask(struct store *s, const struct args *a,
		       const redisReply *r)
{
	const char *to = strrchr(r->str, ' ') + 1;
	int node = cluster_node_at(s, to);
	if (node < 0 && cluster_refresh(s) == 0)
		node = cluster_node_at(s, to);
	struct link *l = node >= 0 ? cluster_link(s, node) : NULL;
	redisReply *asking = NULL, *reply = NULL;
	struct args w;
	args_init(&w);
	args_add(&w, "ASKING");
	if (!l)
		diag_set(&s->err, "ASK to %s: no such master", to);
	else if (link_command(s, l, &w, &asking) == 0)
		link_command(s, l, a, &reply);
	args_finish(&w);
	if (asking)
		freeReplyObject(asking);
	return reply;
}

/* One command, and its reply. On a cluster, a MOVED reply is followed
 * (the slots are read again) and an ASK too, a few times at most. */
redisReply *store_run(struct store *s, const struct args *a)
{
	if (!usable(s, a))
		return NULL;
	for (int hop = 0;; hop++) {
		struct link *l = cluster_link(s, cluster_route(s, a));
		redisReply *r = NULL;
		if (!l || link_command(s, l, a, &r) < 0) {
			lost(s);
			return NULL;
		}
		if (!s->cluster || !cluster_changed(r) || hop == 4)
			return r;
		if (error_is(r, "ASK ")) {
			redisReply *asked = ask(s, a, r);
			freeReplyObject(r);
			if (!asked)
				lost(s);
			return asked;
		}
		if (!error_is(r, "MOVED ")) { /* down, or trying again */
			diag_set(&s->err, "the cluster is changing: %s",
				 r->str);
			freeReplyObject(r);
			lost(s);
			return NULL;
		}
		freeReplyObject(r);
		if (cluster_refresh(s) < 0) {
			lost(s);
			return NULL;
		}
	}
}

redisReply *store_runv(struct store *s, ...)
{
	struct args a;
	va_list ap;
	args_init(&a);
	va_start(ap, s);
	for (const char *p; (p = va_arg(ap, const char *));)
		args_add(&a, p);
	va_end(ap);
	redisReply *r = store_run(s, &a);
	args_finish(&a);
	return r;
}

static char *put_count(char *o, char kind, size_t n)
{
	char digits[24];
	int k = 0;
	*o++ = kind;
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (k > 0)
		*o++ = digits[--k];
	*o++ = '\r';
	*o++ = '\n';
	return o;
}

size_t args_format_bound(const struct args *a)
{
	size_t need = 32;
	for (int i = 0; i < a->n; i++)
		need += a->len[i] + 32;
	return need;
}

/* Written here rather than by hiredis, whose per-argument formatting cost
 * a publication of 80,000 tasks about a third of its time. */
size_t args_format(const struct args *a, char *out)
{
	char *o = put_count(out, '*', (size_t)a->n);
	for (int i = 0; i < a->n; i++) {
		o = put_count(o, '$', a->len[i]);
		memcpy(o, a->v[i], a->len[i]);
		o += a->len[i];
		*o++ = '\r';
		*o++ = '\n';
	}
	return (size_t)(o - out);
}

static size_t format_command(struct store *s, const struct args *a)
{
	size_t need = args_format_bound(a);
	if (need > s->out_cap) {
		char *p = realloc(s->out, need);
		if (!p) {
			diag_set(&s->err, "out of memory");
			return 0;
		}
		s->out = p;
		s->out_cap = need;
	}
	return args_format(a, s->out);
}

static bool pend_push(struct store *s, int node)
{
	if (s->pend_len == s->pend_cap) {
		size_t cap = s->pend_cap ? s->pend_cap * 2 : 1024;
		int *v = malloc(cap * sizeof(*v));
		if (!v)
			return false;
		for (size_t i = 0; i < s->pend_len; i++)
			v[i] = s->pending[(s->pend_head + i) % s->pend_cap];
		free(s->pending);
		s->pending = v;
		s->pend_head = 0;
		s->pend_cap = cap;
	}
	s->pending[(s->pend_head + s->pend_len++) % s->pend_cap] = node;
	return true;
}

/* Writes n commands' bytes to node's link and expects their n replies
 * from it. 0, or FAIL_LOST with the connection closed (s->err). */
static int append_to(struct store *s, int node, const char *cmds,
		     size_t len, size_t n)
{
	struct link *l = len ? cluster_link(s, node) : NULL;
	if (!l || link_write(l, cmds, len, &s->err) < 0) {
		lost(s); /* the reason is in s->err */
		return FAIL_LOST;
	}
	for (size_t i = 0; i < n; i++)
		if (!pend_push(s, node)) { /* a reply could not be told apart */
			diag_set(&s->err, "out of memory");
			lost(s);
			return FAIL_LOST;
		}
	return 0;
}

/* Queued on the link of its node (a transaction's commands where it
 * began); sent when enough are queued or a reply is awaited. */
int store_append(struct store *s, const struct args *a)
{
	if (!usable(s, a))
		return FAIL_LOST;
	int node = cluster_route(s, a);
	/* Its link opened first: opening one formats AUTH into s->out. */
	if (!cluster_link(s, node)) {
		lost(s);
		return FAIL_LOST;
	}
	size_t len = format_command(s, a); /* into s->out, which it may move */
	return append_to(s, node, s->out, len, 1);
}

int store_append_raw(struct store *s, const char *cmds, size_t len,
		     size_t n)
{
	if (!s->nodes || (s->cluster && !s->in_multi)) {
		diag_set(&s->err, "%s", s->nodes ? "no transaction is open"
						 : "not connected");
		return FAIL_LOST;
	}
	return append_to(s, s->cluster ? s->multi_node : 0, cmds, len, n);
}

static bool redirected(const redisReply *r)
{
	return error_is(r, "MOVED ") || error_is(r, "ASK ");
}

/* The reply to the oldest command appended. Every other link's queue is
 * sent first, so that all the masters work while this one is read. A
 * cluster that changed under a transaction (MOVED, ASK, CLUSTERDOWN)
 * loses the connection: the caller starts again, on the slots as they are
 * then. A pipeline outside a transaction may take MOVED and ASK (follow)
 * and send the command again itself. */
static redisReply *next_reply(struct store *s, bool arena, bool follow)
{
	if (!s->nodes || !s->pend_len) {
		diag_set(&s->err, "%s", s->nodes ? "no reply is due"
						 : "not connected");
		return NULL;
	}
	int node = s->pending[s->pend_head];
	s->pend_head = (s->pend_head + 1) % s->pend_cap;
	s->pend_len--;
	redisReply *r = NULL;
	for (int i = 0; i < s->n_nodes; i++)
		if (i != node && s->nodes[i].link.out_len &&
		    link_flush(&s->nodes[i].link, &s->err) < 0)
			goto lost;
	struct link *l = &s->nodes[node].link;
	if ((arena ? link_read_arena(l, &r, &s->err)
		   : link_read(l, &r, &s->err)) < 0)
		goto lost;
	if (s->cluster && cluster_changed(r) && !(follow && redirected(r))) {
		diag_set(&s->err, "the cluster changed: %s", r->str);
		if (!arena)
			freeReplyObject(r);
		goto lost;
	}
	return r;
lost:
	lost(s);
	return NULL;
}

redisReply *store_next_reply(struct store *s)
{
	return next_reply(s, false, false);
}

int store_flush(struct store *s)
{
	for (int i = 0; s->nodes && i < s->n_nodes; i++)
		if (s->nodes[i].link.out_len &&
		    link_flush(&s->nodes[i].link, &s->err) < 0) {
			lost(s);
			return FAIL_LOST;
		}
	return s->nodes ? 0 : FAIL_LOST;
}

#define ROUND 512 /* commands in flight */

struct pipeline {
	void (*build)(size_t i, struct args *a, void *ctx);
	void (*each)(size_t i, const redisReply *r, void *ctx);
	void *ctx;
};

/* The commands of a pipeline answered MOVED or ASK: their slot moved, or
 * is moving, while the pipeline ran (a resharding). */
struct redirects {
	size_t *v;
	size_t n, cap;
	bool moved;
};

static int set_aside(struct store *s, struct redirects *d, size_t i,
		     const redisReply *r)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		size_t *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			diag_set(&s->err, "out of memory");
			store_close(s); /* the replies after it are still due */
			return FAIL_LOST;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = i;
	d->moved |= error_is(r, "MOVED ");
	return 0;
}

static int append_round(struct store *s, struct args *a, size_t first,
			size_t last, const struct pipeline *p)
{
	for (size_t i = first; i < last; i++) {
		args_reset(a);
		p->build(i, a, p->ctx);
		if (store_append(s, a) < 0) {
			/* Replies of the commands sent before are still
			 * due: the connection is out of step, and closed. */
			store_close(s); /* keeps the reason in s->err */
			return FAIL_LOST;
		}
	}
	return 0;
}

/* One round stays in flight ahead of the one being read: the first read
 * of a round sends the next round too, so Redis answers it while this side
 * parses (a round at a time left Redis idle half the time). */
static int rounds(struct store *s, size_t n, const struct pipeline *p,
		  struct redirects *d)
{
	struct args a;
	args_init(&a);
	int rc = append_round(s, &a, 0, n < ROUND ? n : ROUND, p);
	for (size_t first = 0; first < n && rc == 0; first += ROUND) {
		size_t last = first + ROUND < n ? first + ROUND : n;
		size_t next = last + ROUND < n ? last + ROUND : n;
		rc = append_round(s, &a, last, next, p);
		for (size_t i = first; i < last && rc == 0; i++) {
			/* Given to each and done with before the next: in
			 * its link's arena, never freed one by one. */
			redisReply *r = next_reply(s, true, true);
			if (!r)
				rc = FAIL_LOST;
			else if (s->cluster && redirected(r))
				rc = set_aside(s, d, i, r);
			else
				p->each(i, r, p->ctx);
		}
	}
	for (int i = 0; s->nodes && i < s->n_nodes; i++)
		link_free_arena(&s->nodes[i].link);
	args_finish(&a);
	return rc;
}

/* The commands set aside, as a pipeline of their own. */
struct subset {
	const struct pipeline *p;
	const size_t *v;
};

static void build_subset(size_t j, struct args *a, void *ctx)
{
	const struct subset *sub = ctx;
	sub->p->build(sub->v[j], a, sub->p->ctx);
}

static void each_subset(size_t j, const redisReply *r, void *ctx)
{
	const struct subset *sub = ctx;
	sub->p->each(sub->v[j], r, sub->p->ctx);
}

/* Each command set aside alone, following MOVED and ASK (store_run). */
static int one_by_one(struct store *s, const struct pipeline *p,
		      const struct redirects *d)
{
	struct args a;
	args_init(&a);
	int rc = 0;
	for (size_t j = 0; j < d->n && rc == 0; j++) {
		args_reset(&a);
		p->build(d->v[j], &a, p->ctx);
		redisReply *r = store_run(s, &a);
		if (!r) {
			rc = FAIL_LOST;
			break;
		}
		p->each(d->v[j], r, p->ctx);
		freeReplyObject(r);
	}
	args_finish(&a);
	return rc;
}

/* During a resharding, some commands are answered MOVED (their slot has
 * moved: after the slots are read again, they go again as a pipeline)
 * or ASK (it is moving: each goes alone, after ASKING, to the node
 * named). Their each() comes after the others', so out of order. */
static int pipeline_run(struct store *s, size_t n, const struct pipeline *p)
{
	struct redirects d = {0}, again = {0};
	int rc = rounds(s, n, p, &d);
	if (rc == 0 && d.moved) {
		if (cluster_refresh(s) < 0) {
			lost(s);
			rc = FAIL_LOST;
		} else {
			struct subset sub = {p, d.v};
			struct pipeline q = {build_subset, each_subset, &sub};
			rc = rounds(s, d.n, &q, &again);
			for (size_t j = 0; j < again.n; j++)
				again.v[j] = d.v[again.v[j]];
			free(d.v);
			d = again;
		}
	}
	if (rc == 0)
		rc = one_by_one(s, p, &d);
	free(d.v);
	return rc;
}

int store_pipeline_each(struct store *s, size_t n,
			void (*build)(size_t i, struct args *a, void *ctx),
			void (*each)(size_t i, const redisReply *r, void *ctx),
			void *ctx)
{
	return pipeline_run(s, n, &(struct pipeline){build, each, ctx});
}

struct hgetall {
	void (*key)(size_t i, char *out, size_t size, void *ctx);
	void *ctx;
	char name[256];
};

static void build_hgetall(size_t i, struct args *a, void *ctx)
{
	struct hgetall *h = ctx;
	h->key(i, h->name, sizeof(h->name), h->ctx);
	args_add(a, "HGETALL");
	args_add(a, h->name); /* appended before the next build */
}

struct hgetall_each {
	struct hgetall h;
	void (*each)(size_t i, const redisReply *r, void *ctx);
};

static void each_hgetall(size_t i, const redisReply *r, void *ctx)
{
	struct hgetall_each *e = ctx;
	e->each(i, r, e->h.ctx);
}

int store_hgetall_each(struct store *s, size_t n,
		       void (*key)(size_t i, char *out, size_t size, void *ctx),
		       void (*each)(size_t i, const redisReply *r, void *ctx),
		       void *ctx)
{
	struct hgetall_each e = {{key, ctx, ""}, each};
	/* build and each get &e: its first member is the struct hgetall. */
	return store_pipeline_each(s, n, build_hgetall, each_hgetall, &e);
}

const redisReply *reply_field(const redisReply *hash, const char *name)
{
	if (!hash || hash->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < hash->elements; i += 2) {
		const redisReply *k = hash->element[i];
		if (k->type == REDIS_REPLY_STRING && strcmp(k->str, name) == 0)
			return hash->element[i + 1];
	}
	return NULL;
}

const char *reply_str(const redisReply *r, size_t i)
{
	return r && r->type == REDIS_REPLY_ARRAY && i < r->elements &&
			       r->element[i]->type == REDIS_REPLY_STRING
		       ? r->element[i]->str : NULL;
}
