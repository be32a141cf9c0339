/* A publication in bounded steps (journal.h). */
#include "inspect/store/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/store/ops.h"

void journal_init(struct journal *j)
{
	memset(j, 0, sizeof(*j));
}

void journal_finish(struct journal *j)
{
	free(j->buf);
	journal_init(j);
}

void journal_mark_final(struct journal *j)
{
	j->final = j->len;
}

void tx_begin_journal(struct tx *t, struct store *s, struct journal *j)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->j = j;
	args_init(&t->a);
}

int journal_add(struct journal *j, const struct args *a)
{
	size_t need = args_format_bound(a);
	if (j->failed || a->failed)
		return j->failed = true, -1;
	if (j->len + need > j->cap) {
		size_t cap = j->cap ? j->cap : 1 << 20;
		while (cap < j->len + need)
			cap *= 2;
		char *b = realloc(j->buf, cap);
		if (!b)
			return j->failed = true, -1;
		j->buf = b;
		j->cap = cap;
	}
	j->len += args_format(a, j->buf + j->len);
	j->commands++;
	return 0;
}

static size_t size_field(const redisReply *h, const char *name, bool *ok)
{
	const redisReply *v = reply_field(h, name);
	unsigned long long n = 0;
	if (!v || v->type != REDIS_REPLY_STRING ||
	    !number_parse(v->str, v->len, SIZE_MAX, &n))
		*ok = false;
	return (size_t)n;
}

static bool text_field(const redisReply *h, const char *name, char *out,
		       size_t size)
{
	const redisReply *v = reply_field(h, name);
	if (!v || v->type != REDIS_REPLY_STRING || v->len >= size)
		return false;
	memcpy(out, v->str, v->len + 1);
	return true;
}

int publishing_watch(struct store *s, struct publishing *p)
{
	memset(p, 0, sizeof(*p));
	redisReply *h = store_watch(s, KEY_PUBLISHING, NULL) == 0
				? store_hgetall(s, KEY_PUBLISHING, NULL)
				: NULL;
	if (!h)
		return FAIL_LOST;
	if (h->type != REDIS_REPLY_ARRAY || h->elements == 0) {
		freeReplyObject(h);
		return 0;
	}
	bool ok = text_field(h, "campaign", p->campaign, sizeof(p->campaign)) &&
		  text_field(h, "entry", p->entry, sizeof(p->entry)) &&
		  text_field(h, "journal", p->journal, sizeof(p->journal));
	p->size = size_field(h, "size", &ok);
	p->final = size_field(h, "final", &ok);
	p->done = size_field(h, "done", &ok);
	freeReplyObject(h);
	if (ok && p->done <= p->size && p->final <= p->size)
		return 1;
	diag_set(&s->err, "%s does not read: it needs campaign, entry, "
			  "journal, and size, final and done in bytes",
		 key_specs[KEY_PUBLISHING].doc);
	return FAIL_INVALID;
}

void tx_publishing(struct tx *t, const struct publishing *p)
{
	char size[24], final[24], done[24];
	snprintf(size, sizeof(size), "%zu", p->size);
	snprintf(final, sizeof(final), "%zu", p->final);
	snprintf(done, sizeof(done), "%zu", p->done);
	const struct kv f[] = {
		KV("campaign", p->campaign), KV("entry", p->entry),
		KV("journal", p->journal),   KV("size", size),
		KV("final", final),	     KV("done", done),
	};
	tx_hset(t, KEY_PUBLISHING, NULL, f, sizeof(f) / sizeof(*f));
}

/* A decimal count ended by CRLF at *at (advanced past it), or false. */
static bool count_at(const char *buf, size_t end, size_t *at, char kind,
		     size_t *n)
{
	size_t i = *at;
	if (i >= end || buf[i++] != kind)
		return false;
	size_t from = i;
	while (i < end && buf[i] >= '0' && buf[i] <= '9' && i - from < 12)
		i++;
	unsigned long long v;
	if (i + 1 >= end || buf[i] != '\r' || buf[i + 1] != '\n' ||
	    !number_parse(buf + from, i - from, SIZE_MAX, &v))
		return false;
	*n = (size_t)v;
	*at = i + 2;
	return true;
}

/* The end of the command at `at`, or 0 if there is none whole. */
static size_t command_end(const char *buf, size_t at, size_t end)
{
	size_t args, len;
	if (!count_at(buf, end, &at, '*', &args) || args == 0)
		return 0;
	for (size_t i = 0; i < args; i++) {
		if (!count_at(buf, end, &at, '$', &len) || len > end - at ||
		    end - at - len < 2 || buf[at + len] != '\r' ||
		    buf[at + len + 1] != '\n')
			return 0;
		at += len + 2;
	}
	return at;
}

int journal_step(const char *buf, const struct publishing *p, size_t max,
		 size_t *to, size_t *n)
{
	bool last = p->done >= p->final;
	size_t end = last ? p->size : p->final, at = p->done;
	*n = 0;
	while (at < end) {
		size_t next = command_end(buf, at, end);
		if (!next)
			return FAIL_INVALID;
		if (*n > 0 && !last && next - p->done > max)
			break;
		at = next;
		++*n;
	}
	*to = at;
	return *n > 0 ? 0 : FAIL_INVALID;
}

int journal_apply(struct store *s, struct publishing *p, const char *buf,
		  size_t to, size_t n)
{
	struct publishing now;
	int r = publishing_watch(s, &now);
	if (r < 0) /* lost, or unreadable: either way wait and read again */
		return FAIL_LOST;
	if (r == 0 || strcmp(now.entry, p->entry) ||
	    strcmp(now.journal, p->journal) || now.done != p->done) {
		*p = now;
		return store_unwatch(s) == FAIL_LOST ? FAIL_LOST : 1;
	}
	struct tx t;
	tx_begin(&t, s);
	tx_raw(&t, buf + p->done, to - p->done, n);
	if (to < p->size) { /* the last step DELs <p>publishing itself */
		char done[24];
		snprintf(done, sizeof(done), "%zu", to);
		const struct kv f[] = {KV("done", done)};
		tx_hset(&t, KEY_PUBLISHING, NULL, f, 1);
	}
	r = tx_commit(&t);
	if (r == 0)
		p->done = to;
	if (r < 0 && r != FAIL_CONFLICT)
		diag_set(&s->err, "publication step: %.200s",
			 diag_reason(&t.why));
	return r == 0 ? 0 : r == FAIL_CONFLICT ? 1 : FAIL_LOST;
}
