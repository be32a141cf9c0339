#include "inspect/store/ops.h"

#include <stdio.h>
#include <string.h>

#include "inspect/store/grades.h"

/* A command on the key of kind k: command, key, then the rest. */
static redisReply *run_on(struct store *s, const char *command,
			  enum key_kind k, const char *a, const char *b,
			  const char *const *rest, size_t n)
{
	char key[256];
	struct args x;
	key_name(key, sizeof(key), s->cfg, k, a, b);
	args_init(&x);
	args_add(&x, command);
	args_add(&x, key);
	for (size_t i = 0; i < n; i++)
		args_add(&x, rest[i]);
	redisReply *r = store_run(s, &x);
	args_finish(&x);
	return r;
}

/* 0 for a reply, STORE_REFUSED for an error reply, STORE_LOST for none;
 * the reply freed. */
static int status_of(struct store *s, redisReply *r)
{
	int rc = !r ? STORE_LOST
		     : r->type == REDIS_REPLY_ERROR ? STORE_REFUSED : 0;
	if (rc == STORE_REFUSED)
		snprintf(s->err, sizeof(s->err), "%.200s", r->str);
	freeReplyObject(r);
	return rc;
}

int store_watch(struct store *s, enum key_kind k, const char *arg)
{
	return status_of(s, run_on(s, "WATCH", k, arg, NULL, NULL, 0));
}

int store_unwatch(struct store *s)
{
	return status_of(s, store_runv(s, "UNWATCH", NULL));
}

redisReply *store_get(struct store *s, enum key_kind k, const char *arg)
{
	return run_on(s, "GET", k, arg, NULL, NULL, 0);
}

redisReply *store_get2(struct store *s, enum key_kind k, const char *a,
		       const char *b)
{
	return run_on(s, "GET", k, a, b, NULL, 0);
}

redisReply *store_hget(struct store *s, enum key_kind k, const char *arg,
		       const char *field)
{
	return run_on(s, "HGET", k, arg, NULL, &field, 1);
}

redisReply *store_hmget(struct store *s, enum key_kind k, const char *arg,
			const char *const *fields, size_t n)
{
	return run_on(s, "HMGET", k, arg, NULL, fields, n);
}

redisReply *store_hgetall(struct store *s, enum key_kind k, const char *arg)
{
	return run_on(s, "HGETALL", k, arg, NULL, NULL, 0);
}

redisReply *store_smembers(struct store *s, enum key_kind k)
{
	return run_on(s, "SMEMBERS", k, NULL, NULL, NULL, 0);
}

redisReply *store_xrange(struct store *s, enum key_kind k, const char *arg)
{
	static const char *const all[] = {"-", "+"};
	return run_on(s, "XRANGE", k, arg, NULL, all, 2);
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
	for (size_t i = 0; i < n; i++) {
		args_add(&x, f[i].name);
		args_addn(&x, f[i].value,
			  f[i].len ? f[i].len : strlen(f[i].value));
	}
	redisReply *r = store_run(s, &x);
	args_finish(&x);
	if (r && r->type == REDIS_REPLY_STRING && size)
		snprintf(id, size, "%s", r->str);
	return status_of(s, r);
}

int store_ack(struct store *s, enum key_kind stream, const char *entry_id)
{
	const char *ack[] = {INTAKE_GROUP, entry_id};
	int rc = status_of(s, run_on(s, "XACK", stream, NULL, NULL, ack, 2));
	return rc ? rc
		  : status_of(s, run_on(s, "XDEL", stream, NULL, NULL,
					&entry_id, 1));
}

int store_is_stream(struct store *s, enum key_kind k, const char *arg,
		    bool *ok)
{
	redisReply *r = run_on(s, "TYPE", k, arg, NULL, NULL, 0);
	if (!r)
		return STORE_LOST;
	*ok = r->type == REDIS_REPLY_STATUS &&
	      (!strcmp(r->str, "stream") || !strcmp(r->str, "none"));
	if (!*ok) {
		char key[256];
		key_name(key, sizeof(key), s->cfg, k, arg, NULL);
		snprintf(s->err, sizeof(s->err), "%.200s holds a %.20s, not a "
			 "stream", key,
			 r->type == REDIS_REPLY_STATUS ? r->str : "?");
	}
	freeReplyObject(r);
	return 0;
}
