#include "tx.h"

#include <stdio.h>
#include <string.h>

#include "inspect/shell/log.h"

static void note(struct tx *t, const char *why)
{
	if (!t->failed)
		snprintf(t->why, sizeof(t->why), "%s", why);
	t->failed = 1;
}

/* Reads every outstanding QUEUED reply, keeping the first error. */
static void read_queued(struct tx *t)
{
	while (t->unread > 0 && store_connected(t->s)) {
		redisReply *r = store_next_reply(t->s);
		t->unread--;
		if (!r) {
			note(t, t->s->err);
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
	if (!store_connected(t->s) || store_append(t->s, &t->a) < 0) {
		note(t, t->s->err);
		args_reset(&t->a);
		return;
	}
	args_reset(&t->a);
	if (++t->unread == TX_ROUND)
		read_queued(t);
}

int tx_commit(struct tx *t)
{
	bool exec = !t->failed;
	int rc = -1;
	args_reset(&t->a);
	args_add(&t->a, exec ? "EXEC" : "DISCARD");
	if (store_connected(t->s) && store_append(t->s, &t->a) == 0) {
		read_queued(t);
		redisReply *r = store_connected(t->s) ? store_next_reply(t->s)
						      : NULL;
		if (!r)
			note(t, t->s->err);
		else if (r->type == REDIS_REPLY_ERROR)
			note(t, r->str);
		else if (exec && !t->failed)
			rc = r->type == REDIS_REPLY_NIL ? 1 : 0;
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
	return rc;
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

void tx_dead_letter(struct tx *t, const char *stream, unsigned long keep,
		    const char *entry_id, const char *why,
		    const redisReply *fields)
{
	char maxlen[24];
	snprintf(maxlen, sizeof(maxlen), "%lu", keep);
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
