#include "tx.h"

#include <stdio.h>
#include <string.h>

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

void tx_flush(struct tx *t)
{
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

void tx_add_entry(struct tx *t, const redisReply *fields)
{
	for (size_t i = 0; fields && fields->type == REDIS_REPLY_ARRAY &&
			   i + 1 < fields->elements;
	     i += 2) {
		args_addn(&t->a, fields->element[i]->str,
			  fields->element[i]->len);
		args_addn(&t->a, fields->element[i + 1]->str,
			  fields->element[i + 1]->len);
	}
}

void tx_dead_letter(struct tx *t, const char *stream, const char *entry_id,
		    const char *why, const redisReply *fields)
{
	args_add(&t->a, "XADD");
	args_add(&t->a, stream);
	args_add(&t->a, "*");
	args_add(&t->a, "entry");
	args_add(&t->a, entry_id);
	args_add(&t->a, "reason");
	args_add(&t->a, why);
	tx_add_entry(t, fields);
	tx_send(t);
}
