#include "inspect/store/reply_arena.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

struct chunk {
	struct chunk *next;
	size_t cap, used;
	max_align_t data[];
};

struct reply_arena {
	struct chunk *first, *cur;
	redisReplyObjectFunctions *plain; /* the reader's own */
};

static void *take(struct reply_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	while (a->cur && a->cur->used + size > a->cur->cap && a->cur->next)
		a->cur = a->cur->next; /* kept from an earlier reply */
	if (!a->cur || a->cur->used + size > a->cur->cap) {
		size_t cap = size > CHUNK ? size : CHUNK;
		struct chunk *c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->cur ? a->cur->next : NULL;
		if (a->cur)
			a->cur->next = c;
		else
			a->first = c;
		a->cur = c;
	}
	void *p = (char *)a->cur->data + a->cur->used;
	a->cur->used += size;
	return p;
}

/* A reply object of type with extra bytes after it, linked into task's
 * parent array as hiredis' own functions do (a nil array's task is of the
 * array type). */
static redisReply *object(const redisReadTask *task, int type, size_t extra)
{
	redisReply *r = take(task->privdata, sizeof(*r) + extra);
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->type = type;
	if (task->parent) {
		redisReply *parent = task->parent->obj;
		parent->element[task->idx] = r;
	}
	return r;
}

static void *create_string(const redisReadTask *task, char *str, size_t len)
{
	redisReply *r = object(task, task->type, len + 1);
	if (r) {
		r->str = (char *)(r + 1);
		memcpy(r->str, str, len);
		r->str[len] = '\0';
		r->len = len;
	}
	return r;
}

static void *create_array(const redisReadTask *task, int elements)
{
	size_t n = elements > 0 ? (size_t)elements : 0;
	redisReply *r =
		object(task, REDIS_REPLY_ARRAY, n * sizeof(redisReply *));
	if (r && n) {
		r->element = (redisReply **)(r + 1);
		memset(r->element, 0, n * sizeof(redisReply *));
		r->elements = n;
	}
	return r;
}

static void *create_integer(const redisReadTask *task, long long value)
{
	redisReply *r = object(task, REDIS_REPLY_INTEGER, 0);
	if (r)
		r->integer = value;
	return r;
}

static void *create_nil(const redisReadTask *task)
{
	return object(task, REDIS_REPLY_NIL, 0);
}

/* hiredis frees a reply it gives up on (a protocol error): the arena's
 * reset or free takes it back. */
static void free_object(void *reply)
{
	(void)reply;
}

static redisReplyObjectFunctions arena_functions = {
	.createString = create_string,
	.createArray = create_array,
	.createInteger = create_integer,
	.createNil = create_nil,
	.freeObject = free_object,
};

struct reply_arena *reply_arena_new(void)
{
	return calloc(1, sizeof(struct reply_arena));
}

void reply_arena_begin(struct reply_arena *a, redisReader *reader)
{
	for (struct chunk *c = a->first; c; c = c->next)
		c->used = 0;
	a->cur = a->first;
	a->plain = reader->fn;
	reader->fn = &arena_functions;
	reader->privdata = a;
}

void reply_arena_end(struct reply_arena *a, redisReader *reader)
{
	reader->fn = a->plain;
	reader->privdata = NULL;
}

void reply_arena_free(struct reply_arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->first, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}
