#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/store/store.h"

static struct timeval tv_of(int ms)
{
	return (struct timeval){ms / 1000, (ms % 1000) * 1000};
}

static int fail(struct store *s, const char *what)
{
	diag_set(&s->err, "%s: %s", what,
		 s->c && s->c->errstr[0] ? s->c->errstr : strerror(errno));
	store_close(s);
	return FAIL_LOST;
}

static int authenticate(struct store *s)
{
	const struct redis_config *r = &s->cfg->redis;
	if (!r->password[0])
		return 0;
	redisReply *rep = r->user[0] ? store_runv(s, "AUTH", r->user,
						  r->password, NULL)
				     : store_runv(s, "AUTH", r->password, NULL);
	if (!rep)
		return FAIL_LOST;
	int ok = rep->type != REDIS_REPLY_ERROR;
	if (!ok)
		diag_set(&s->err, "AUTH: %s", rep->str);
	freeReplyObject(rep);
	if (!ok)
		store_close(s);
	return ok ? 0 : FAIL_LOST;
}

int store_connect(struct store *s, const struct config *cfg)
{
	const struct redis_config *r = &cfg->redis;
	struct timeval ct = tv_of(r->connect_timeout_ms);
	s->cfg = cfg;
	diag_init(&s->err);
	s->out = NULL; /* callers need not clear the struct */
	s->out_cap = 0;
	s->c = r->unix_path[0]
		       ? redisConnectUnixWithTimeout(r->unix_path, ct)
		       : redisConnectWithTimeout(r->host, r->port, ct);
	if (!s->c || s->c->err)
		return fail(s, "connect");
	if (redisSetTimeout(s->c, tv_of(r->command_timeout_ms)) != REDIS_OK)
		return fail(s, "set timeout");
	return authenticate(s);
}

void store_close(struct store *s)
{
	if (s->c)
		redisFree(s->c);
	s->c = NULL;
	free(s->out);
	s->out = NULL;
	s->out_cap = 0;
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

redisReply *store_run(struct store *s, const struct args *a)
{
	if (!s->c || a->failed) {
		diag_set(&s->err, "%s",
			 a->failed ? "out of memory" : "not connected");
		return NULL;
	}
	redisReply *r = redisCommandArgv(s->c, a->n, a->v, a->len);
	if (!r)
		fail(s, a->n ? a->v[0] : "command");
	return r;
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

/* The command in the Redis protocol, written here rather than by hiredis,
 * whose per-argument formatting cost a publication of 80,000 tasks about
 * a third of its time. */
int store_append(struct store *s, const struct args *a)
{
	if (!s->c || a->failed) {
		diag_set(&s->err, "%s",
			 a->failed ? "out of memory" : "not connected");
		return FAIL_LOST;
	}
	size_t need = 32;
	for (int i = 0; i < a->n; i++)
		need += a->len[i] + 32;
	if (need > s->out_cap) {
		char *p = realloc(s->out, need);
		if (!p) {
			diag_set(&s->err, "out of memory");
			return FAIL_LOST;
		}
		s->out = p;
		s->out_cap = need;
	}
	char *o = put_count(s->out, '*', (size_t)a->n);
	for (int i = 0; i < a->n; i++) {
		o = put_count(o, '$', a->len[i]);
		memcpy(o, a->v[i], a->len[i]);
		o += a->len[i];
		*o++ = '\r';
		*o++ = '\n';
	}
	if (redisAppendFormattedCommand(s->c, s->out, (size_t)(o - s->out)) !=
	    REDIS_OK)
		return fail(s, "append");
	return 0;
}

redisReply *store_next_reply(struct store *s)
{
	void *r = NULL;
	if (!s->c) {
		diag_set(&s->err, "not connected");
		return NULL;
	}
	if (redisGetReply(s->c, &r) != REDIS_OK || !r) {
		fail(s, "reply");
		return NULL;
	}
	return r;
}

#define ROUND 512 /* commands in flight */

static int append_round(struct store *s, struct args *a, size_t first,
			size_t last,
			void (*build)(size_t i, struct args *a, void *ctx),
			void *ctx)
{
	for (size_t i = first; i < last; i++) {
		args_reset(a);
		build(i, a, ctx);
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
int store_pipeline_each(struct store *s, size_t n,
			void (*build)(size_t i, struct args *a, void *ctx),
			void (*each)(size_t i, const redisReply *r, void *ctx),
			void *ctx)
{
	struct args a;
	args_init(&a);
	int rc = append_round(s, &a, 0, n < ROUND ? n : ROUND, build, ctx);
	for (size_t first = 0; first < n && rc == 0; first += ROUND) {
		size_t last = first + ROUND < n ? first + ROUND : n;
		size_t next = last + ROUND < n ? last + ROUND : n;
		rc = append_round(s, &a, last, next, build, ctx);
		for (size_t i = first; i < last && rc == 0; i++) {
			redisReply *r = store_next_reply(s);
			if (!r) {
				rc = -1;
				break;
			}
			each(i, r, ctx);
			freeReplyObject(r);
		}
	}
	args_finish(&a);
	return rc;
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
