#include "inspect/store/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/shell/log.h"
#include "inspect/store/journal.h"

static void note(struct tx *t, const char *why)
{
	if (!t->failed)
		diag_set(&t->why, "%s", why);
	t->failed = 1;
}

/* Reads every outstanding QUEUED reply, keeping the first error. */
static void read_queued(struct tx *t)
{
	while (t->unread > 0 && store_connected(t->s)) {
		redisReply *r = store_next_reply(t->s);
		t->unread--;
		if (!r) {
			note(t, diag_reason(&t->s->err));
			return;
		}
		if (r->type == REDIS_REPLY_ERROR)
			note(t, r->str);
		freeReplyObject(r);
	}
}

void tx_begin(struct tx *t, struct store *s)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	args_init(&t->a);
	args_add(&t->a, "MULTI");
	tx_send(t);
}

void tx_send(struct tx *t)
{
	if (t->j) {
		if (journal_add(t->j, &t->a) < 0)
			note(t, "out of memory");
		args_reset(&t->a);
		return;
	}
	if (!store_connected(t->s) || store_append(t->s, &t->a) < 0) {
		note(t, diag_reason(&t->s->err));
		args_reset(&t->a);
		return;
	}
	args_reset(&t->a);
	if (++t->unread >= TX_ROUND)
		read_queued(t);
}

void tx_raw(struct tx *t, const char *cmds, size_t len, size_t n)
{
	if (t->failed)
		return;
	if (!store_connected(t->s) ||
	    store_append_raw(t->s, cmds, len, n) < 0) {
		note(t, diag_reason(&t->s->err));
		return;
	}
	t->unread += n;
	if (t->unread >= TX_ROUND)
		read_queued(t);
}

int tx_commit(struct tx *t)
{
	return tx_commit_while(t, NULL, NULL);
}

int tx_commit_while(struct tx *t, void (*meanwhile)(void *ctx), void *ctx)
{
	bool exec = !t->failed;
	int rc = FAIL_REFUSED;
	args_reset(&t->a);
	if (t->j) { /* recorded, not sent */
		args_finish(&t->a);
		return exec ? 0 : FAIL_REFUSED;
	}
	args_add(&t->a, exec ? "EXEC" : "DISCARD");
	if (store_connected(t->s) && store_append(t->s, &t->a) == 0) {
		if (meanwhile && store_flush(t->s) == 0)
			meanwhile(ctx);
		read_queued(t);
		redisReply *r = store_connected(t->s) ? store_next_reply(t->s)
						      : NULL;
		if (!r)
			note(t, diag_reason(&t->s->err));
		else if (r->type == REDIS_REPLY_ERROR)
			note(t, r->str);
		else if (exec && !t->failed)
			rc = r->type == REDIS_REPLY_NIL ? FAIL_CONFLICT : 0;
		/* Redis applies the rest of a transaction when one of its
		 * commands fails at EXEC (a key of the wrong type): nothing
		 * can be undone, but it is not passed over in silence. */
		for (size_t i = 0; rc == 0 && r->type == REDIS_REPLY_ARRAY &&
				   i < r->elements; i++)
			if (r->element[i]->type == REDIS_REPLY_ERROR)
				log_error("a command of a transaction failed",
					  "command=%zu reason=%s", i + 1,
					  log_quote(r->element[i]->str));
		freeReplyObject(r);
	}
	args_finish(&t->a);
	return rc == FAIL_REFUSED && !store_connected(t->s) ? FAIL_LOST : rc;
}

void tx_discard(struct tx *t)
{
	note(t, "discarded");
	tx_commit(t);
}

/* Whether a dead letter of this entry leaves anything out: a field past
 * DEAD_FIELDS_MAX, a name past DEAD_NAME_MAX or a value past
 * DEAD_VALUE_MAX bytes. */
static bool entry_is_cut(const redisReply *fields)
{
	if (!fields || fields->type != REDIS_REPLY_ARRAY)
		return false;
	if (fields->elements > 2 * DEAD_FIELDS_MAX)
		return true;
	for (size_t i = 0; i + 1 < fields->elements; i += 2)
		if (fields->element[i]->len > DEAD_NAME_MAX ||
		    fields->element[i + 1]->len > DEAD_VALUE_MAX)
			return true;
	return false;
}

void tx_dead_letter(struct tx *t, enum key_kind kind, unsigned long keep,
		    const char *entry_id, const char *why,
		    const redisReply *fields)
{
	char maxlen[24], stream[256];
	snprintf(maxlen, sizeof(maxlen), "%lu", keep);
	key_name(stream, sizeof(stream), t->s->cfg, kind, NULL, NULL);
	args_add(&t->a, "XADD");
	args_add(&t->a, stream);
	args_add(&t->a, "MAXLEN");
	args_add(&t->a, "~");
	args_add(&t->a, maxlen);
	args_add(&t->a, "*");
	args_add(&t->a, "entry");
	args_add(&t->a, entry_id);
	args_add(&t->a, "reason");
	args_add(&t->a, why);
	args_add(&t->a, "cut");
	args_add(&t->a, entry_is_cut(fields) ? "1" : "0");
	for (size_t i = 0; fields && fields->type == REDIS_REPLY_ARRAY &&
			   i + 1 < fields->elements &&
			   i < 2 * DEAD_FIELDS_MAX;
	     i += 2) {
		const redisReply *k = fields->element[i];
		const redisReply *v = fields->element[i + 1];
		args_addn(&t->a, k->str,
			  k->len < DEAD_NAME_MAX ? k->len : DEAD_NAME_MAX);
		args_addn(&t->a, v->str,
			  v->len < DEAD_VALUE_MAX ? v->len : DEAD_VALUE_MAX);
	}
	tx_send(t);
}

/* Starts a command on the key of kind k (into key, which must live until
 * the command is sent). */
static void begin(struct tx *t, const char *command, enum key_kind k,
		  const char *arg, char key[256])
{
	key_name(key, 256, t->s->cfg, k, arg, NULL);
	args_add(&t->a, command);
	args_add(&t->a, key);
}

void args_add_kv(struct args *a, const struct kv *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		args_addn(a, f[i].name,
			  f[i].name_len ? f[i].name_len : strlen(f[i].name));
		args_addn(a, f[i].value,
			  f[i].len ? f[i].len : strlen(f[i].value));
	}
}

void tx_hset(struct tx *t, enum key_kind k, const char *arg,
	     const struct kv *f, size_t n)
{
	char key[256];
	begin(t, "HSET", k, arg, key);
	args_add_kv(&t->a, f, n);
	tx_send(t);
}

void tx_xadd(struct tx *t, enum key_kind k, const char *arg,
	     const struct kv *f, size_t n)
{
	char key[256];
	begin(t, "XADD", k, arg, key);
	args_add(&t->a, "*");
	args_add_kv(&t->a, f, n);
	tx_send(t);
}

void tx_xadd_capped(struct tx *t, enum key_kind k, const char *arg,
		    unsigned long keep, const struct kv *f, size_t n)
{
	char key[256], maxlen[24];
	snprintf(maxlen, sizeof(maxlen), "%lu", keep);
	begin(t, "XADD", k, arg, key);
	args_add(&t->a, "MAXLEN");
	args_add(&t->a, "~");
	args_add(&t->a, maxlen);
	args_add(&t->a, "*");
	args_add_kv(&t->a, f, n);
	tx_send(t);
}

void tx_set(struct tx *t, enum key_kind k, const char *arg, const char *text,
	    size_t len)
{
	char key[256];
	begin(t, "SET", k, arg, key);
	args_addn(&t->a, text, len);
	tx_send(t);
}

void tx_set_expiring(struct tx *t, enum key_kind k, const char *arg,
		     const char *text, unsigned long seconds)
{
	char key[256];
	begin(t, "SET", k, arg, key);
	args_add(&t->a, text);
	args_add(&t->a, "EX");
	args_addu(&t->a, seconds);
	tx_send(t);
}

void tx_sadd(struct tx *t, enum key_kind k, const char *member)
{
	char key[256];
	begin(t, "SADD", k, NULL, key);
	args_add(&t->a, member);
	tx_send(t);
}

void tx_zadd(struct tx *t, enum key_kind k, unsigned long long score,
	     const char *member)
{
	char key[256];
	begin(t, "ZADD", k, NULL, key);
	args_addu(&t->a, score);
	args_add(&t->a, member);
	tx_send(t);
}

void tx_zrem(struct tx *t, enum key_kind k, const char *member)
{
	char key[256];
	begin(t, "ZREM", k, NULL, key);
	args_add(&t->a, member);
	tx_send(t);
}

void tx_hincrby(struct tx *t, enum key_kind k, const char *arg,
		const char *field, long long by)
{
	char key[256], num[24];
	begin(t, "HINCRBY", k, arg, key);
	snprintf(num, sizeof(num), "%lld", by);
	args_add(&t->a, field);
	args_add(&t->a, num);
	tx_send(t);
}

void tx_hdel(struct tx *t, enum key_kind k, const char *arg,
	     const char *const *fields, size_t n)
{
	char key[256];
	begin(t, "HDEL", k, arg, key);
	for (size_t i = 0; i < n; i++)
		args_add(&t->a, fields[i]);
	tx_send(t);
}

void tx_del(struct tx *t, enum key_kind k, const char *arg)
{
	char key[256];
	begin(t, "DEL", k, arg, key);
	tx_send(t);
}

void tx_ack(struct tx *t, enum key_kind stream, const char *entry_id)
{
	char key[256];
	begin(t, "XACK", stream, NULL, key);
	args_add(&t->a, INTAKE_GROUP);
	args_add(&t->a, entry_id);
	tx_send(t);
	begin(t, "XDEL", stream, NULL, key);
	args_add(&t->a, entry_id);
	tx_send(t);
}

void kv_init(struct kv_list *l)
{
	memset(l, 0, sizeof(*l));
}

void kv_finish(struct kv_list *l)
{
	free(l->v);
	kv_init(l);
}

void kv_addn(struct kv_list *l, const char *name, const char *value,
	     size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct kv *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			l->failed = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	/* len 0 means NUL-terminated in a kv: an empty value says so too */
	l->v[l->n++] = (struct kv){name, len ? value : "", len, 0};
}

void kv_add(struct kv_list *l, const char *name, const char *value)
{
	kv_addn(l, name, value, strlen(value));
}

void kv_add_all(struct kv_list *l, const struct kv *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* Lengths kept: a USCC field is not NUL-terminated. */
		size_t at = l->n;
		kv_addn(l, f[i].name, f[i].value,
			f[i].len ? f[i].len : strlen(f[i].value));
		if (l->n > at)
			l->v[at].name_len = f[i].name_len;
	}
}

void kv_addu(struct kv_list *l, const char *name, unsigned long long v)
{
	if (l->nums == 16) {
		l->failed = true;
		return;
	}
	char *buf = l->num[l->nums++];
	snprintf(buf, sizeof(l->num[0]), "%llu", v);
	kv_add(l, name, buf);
}

void tx_hset_list(struct tx *t, enum key_kind k, const char *arg,
		  const struct kv_list *l)
{
	if (l->failed)
		note(t, "out of memory");
	else
		tx_hset(t, k, arg, l->v, l->n);
}

void tx_xadd_list(struct tx *t, enum key_kind k, const char *arg,
		  const struct kv_list *l)
{
	if (l->failed)
		note(t, "out of memory");
	else
		tx_xadd(t, k, arg, l->v, l->n);
}
