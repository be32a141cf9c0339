#include "inspect/store/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/grades.h"

/* A command on the key of kind k: command, key, then the rest. */
/* A key by its kind and arguments. */
struct key_ref {
	enum key_kind k;
	const char *a, *b;
};

static redisReply *run_on(struct store *s, const char *command,
			  struct key_ref ref, const char *const *rest,
			  size_t n)
{
	char key[256];
	struct args x;
	key_name(key, sizeof(key), s->cfg, ref.k, ref.a, ref.b);
	args_init(&x);
	args_add(&x, command);
	args_add(&x, key);
	for (size_t i = 0; i < n; i++)
		args_add(&x, rest[i]);
	redisReply *r = store_run(s, &x);
	args_finish(&x);
	return r;
}

/* 0 for a reply, FAIL_REFUSED for an error reply, FAIL_LOST for none;
 * the reply freed. */
static int status_of(struct store *s, redisReply *r)
{
	int rc = !r				? FAIL_LOST
		 : r->type == REDIS_REPLY_ERROR ? FAIL_REFUSED
						: 0;
	if (rc == FAIL_REFUSED)
		diag_set(&s->err, "%.200s", r->str);
	freeReplyObject(r);
	return rc;
}

int store_watch(struct store *s, enum key_kind k, const char *arg)
{
	return status_of(s, run_on(s, "WATCH", (struct key_ref){k, arg, NULL}, NULL, 0));
}

int store_unwatch(struct store *s)
{
	return status_of(s, store_runv(s, "UNWATCH", NULL));
}

redisReply *store_get(struct store *s, enum key_kind k, const char *arg)
{
	return run_on(s, "GET", (struct key_ref){k, arg, NULL}, NULL, 0);
}

redisReply *store_get2(struct store *s, enum key_kind k, const char *a,
		       const char *b)
{
	return run_on(s, "GET", (struct key_ref){k, a, b}, NULL, 0);
}

redisReply *store_hget(struct store *s, enum key_kind k, const char *arg,
		       const char *field)
{
	return run_on(s, "HGET", (struct key_ref){k, arg, NULL}, &field, 1);
}

redisReply *store_hmget(struct store *s, enum key_kind k, const char *arg,
			const char *const *fields, size_t n)
{
	return run_on(s, "HMGET", (struct key_ref){k, arg, NULL}, fields, n);
}

redisReply *store_hgetall(struct store *s, enum key_kind k, const char *arg)
{
	return run_on(s, "HGETALL", (struct key_ref){k, arg, NULL}, NULL, 0);
}

redisReply *store_smembers(struct store *s, enum key_kind k)
{
	return run_on(s, "SMEMBERS", (struct key_ref){k, NULL, NULL}, NULL, 0);
}

redisReply *store_xrange(struct store *s, enum key_kind k, const char *arg)
{
	static const char *const all[] = {"-", "+"};
	return run_on(s, "XRANGE", (struct key_ref){k, arg, NULL}, all, 2);
}

int store_set(struct store *s, enum key_kind k, const char *a, const char *b,
	      const char *text, size_t len)
{
	char key[256];
	struct args x;
	key_name(key, sizeof(key), s->cfg, k, a, b);
	args_init(&x);
	args_add(&x, "SET");
	args_add(&x, key);
	args_addn(&x, text, len);
	redisReply *r = store_run(s, &x);
	args_finish(&x);
	return status_of(s, r);
}

int store_xadd(struct store *s, enum key_kind k, const struct kv *f,
	       size_t n, char *id, size_t size)
{
	char key[256];
	struct args x;
	key_name(key, sizeof(key), s->cfg, k, NULL, NULL);
	args_init(&x);
	args_add(&x, "XADD");
	args_add(&x, key);
	args_add(&x, "*");
	args_add_kv(&x, f, n);
	redisReply *r = store_run(s, &x);
	args_finish(&x);
	if (r && r->type == REDIS_REPLY_STRING && size)
		snprintf(id, size, "%s", r->str);
	return status_of(s, r);
}

int store_ack(struct store *s, enum key_kind stream, const char *entry_id)
{
	const char *ack[] = {INTAKE_GROUP, entry_id};
	const struct key_ref key = {stream, NULL, NULL};
	int rc = status_of(s, run_on(s, "XACK", key, ack, 2));
	return rc ? rc : status_of(s, run_on(s, "XDEL", key, &entry_id, 1));
}

int store_is_stream(struct store *s, enum key_kind k, const char *arg,
		    bool *ok)
{
	redisReply *r = run_on(s, "TYPE", (struct key_ref){k, arg, NULL}, NULL, 0);
	if (!r)
		return FAIL_LOST;
	*ok = r->type == REDIS_REPLY_STATUS &&
	      (!strcmp(r->str, "stream") || !strcmp(r->str, "none"));
	if (!*ok) {
		char key[256];
		key_name(key, sizeof(key), s->cfg, k, arg, NULL);
		diag_set(&s->err,
			 "%.200s holds a %.20s, not a "
			 "stream",
			 key, r->type == REDIS_REPLY_STATUS ? r->str : "?");
	}
	freeReplyObject(r);
	return 0;
}

redisReply *store_zfirst_in(struct store *s, enum key_kind k, long long lo,
			    long long hi)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%lld", lo);
	snprintf(b, sizeof(b), "%lld", hi);
	const char *rest[] = {a, b, "LIMIT", "0", "1"};
	return run_on(s, "ZRANGEBYSCORE", (struct key_ref){k, NULL, NULL}, rest, 5);
}

int store_watch_all(struct store *s, enum key_kind k,
		    const char *const *args, size_t n)
{
	char (*keys)[256] = malloc((n + 1) * sizeof(*keys));
	struct args x;
	args_init(&x);
	args_add(&x, "WATCH");
	for (size_t i = 0; keys && i < n; i++) {
		key_name(keys[i], sizeof(keys[i]), s->cfg, k, args[i], NULL);
		args_add(&x, keys[i]);
	}
	redisReply *r = keys ? store_run(s, &x) : NULL;
	if (!keys)
		diag_set(&s->err, "out of memory");
	args_finish(&x);
	free(keys);
	return status_of(s, r);
}

struct hget_each {
	enum key_kind k;
	const char *(*arg)(size_t i, void *ctx);
	const char *(*field)(size_t i, size_t *len, void *ctx);
	void (*each)(size_t i, const redisReply *r, void *ctx);
	void *ctx;
	struct store *s;
	char key[256]; /* the command is sent before the next is built */
};

static void build_hget(size_t i, struct args *a, void *ctx)
{
	struct hget_each *e = ctx;
	size_t len;
	const char *f = e->field(i, &len, e->ctx);
	key_name(e->key, sizeof(e->key), e->s->cfg, e->k, e->arg(i, e->ctx),
		 NULL);
	args_add(a, "HGET");
	args_add(a, e->key);
	args_addn(a, f, len);
}

static void each_hget(size_t i, const redisReply *r, void *ctx)
{
	struct hget_each *e = ctx;
	e->each(i, r, e->ctx);
}

int store_hget_each(struct store *s, size_t n, enum key_kind k,
		    const struct hget_calls *f, void *ctx)
{
	struct hget_each e = {k, f->arg, f->field, f->each, ctx, s, ""};
	return store_pipeline_each(s, n, build_hget, each_hget, &e) < 0
		   ? FAIL_LOST
		   : 0;
}

int store_group_create(struct store *s, enum key_kind stream)
{
	static const char *const rest[] = {INTAKE_GROUP, "0", "MKSTREAM"};
	char key[256];
	key_name(key, sizeof(key), s->cfg, stream, NULL, NULL);
	redisReply *r = store_runv(s, "XGROUP", "CREATE", key, rest[0],
				   rest[1], rest[2], NULL);
	/* BUSYGROUP: it is there already. */
	if (r && r->type == REDIS_REPLY_ERROR &&
	    !strncmp(r->str, "BUSYGROUP", 9)) {
		freeReplyObject(r);
		return 0;
	}
	return status_of(s, r);
}

redisReply *store_read_group(struct store *s, enum key_kind stream,
			     const char *consumer, const char *from,
			     unsigned count, int block_ms)
{
	char key[256], n[16], block[16];
	key_name(key, sizeof(key), s->cfg, stream, NULL, NULL);
	snprintf(n, sizeof(n), "%u", count);
	snprintf(block, sizeof(block), "%d", block_ms);
	return block_ms ? store_runv(s, "XREADGROUP", "GROUP", INTAKE_GROUP,
				     consumer, "COUNT", n, "BLOCK", block,
				     "STREAMS", key, from, NULL)
			: store_runv(s, "XREADGROUP", "GROUP", INTAKE_GROUP,
				     consumer, "COUNT", n, "STREAMS", key,
				     from, NULL);
}

redisReply *store_claim(struct store *s, enum key_kind stream,
			const char *consumer, int idle_ms)
{
	char key[256], idle[16];
	key_name(key, sizeof(key), s->cfg, stream, NULL, NULL);
	snprintf(idle, sizeof(idle), "%d", idle_ms);
	return store_runv(s, "XAUTOCLAIM", key, INTAKE_GROUP, consumer, idle,
			  "0-0", "COUNT", "1", "JUSTID", NULL);
}

struct hset_each {
	struct store *s;
	enum key_kind k;
	size_t (*build)(size_t i, const char **arg, struct kv *f, void *ctx);
	void *ctx;
	bool refused;
	char key[256];
	struct kv f[8];
};

static void build_hset(size_t i, struct args *a, void *ctx)
{
	struct hset_each *e = ctx;
	const char *arg = NULL;
	size_t n = e->build(i, &arg, e->f, e->ctx);
	key_name(e->key, sizeof(e->key), e->s->cfg, e->k, arg, NULL);
	args_add(a, "HSET");
	args_add(a, e->key);
	args_add_kv(a, e->f, n < 8 ? n : 8);
}

static void each_hset(size_t i, const redisReply *r, void *ctx)
{
	struct hset_each *e = ctx;
	if (r->type == REDIS_REPLY_ERROR && !e->refused) {
		e->refused = true;
		diag_set(&e->s->err, "%.200s", r->str);
	}
}

int store_hset_each(struct store *s, enum key_kind k, size_t n,
		    size_t (*build)(size_t i, const char **arg, struct kv *f,
				    void *ctx),
		    void *ctx)
{
	struct hset_each e = {s, k, build, ctx, false, "", {{0}}};
	if (store_pipeline_each(s, n, build_hset, each_hset, &e) < 0)
		return FAIL_LOST;
	return e.refused ? FAIL_REFUSED : 0;
}
