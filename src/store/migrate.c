#include "inspect/store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/number.h"
#include "inspect/store/grades.h"
#include "inspect/store/keys.h"

void legacy_prefix(const char *prefix, char out[32])
{
	size_t n = 0;
	for (const char *p = prefix; *p && n < 31; p++)
		if (*p != '{' && *p != '}')
			out[n++] = *p;
	out[n] = '\0';
}

/* The kinds whose buckets had the prefix's hash tag ("{insp}:history:17")
 * before each took one of its own ("{insp/17}:history"). */
static const enum key_kind spread_kinds[] = {KEY_INSPECTED, KEY_HISTORY,
					     KEY_LASTTEAM};
#define SPREAD_KINDS (sizeof(spread_kinds) / sizeof(*spread_kinds))

/* The name the configured layout gives the key named rest after an older
 * prefix: a bucket of spread_kinds ("history:17") its own hash tag's,
 * any other key the prefix and rest. */
static void new_name(const struct store *s, const char *rest, char *out,
		     size_t size)
{
	for (size_t i = 0; i < SPREAD_KINDS; i++) {
		const char *kind = key_specs[spread_kinds[i]].pattern;
		size_t n = strlen(kind);
		unsigned long long k;
		if (strncmp(rest, kind, n) || rest[n] != ':')
			continue;
		const char *b = rest + n + 1;
		if (number_parse(b, strlen(b), INSPECTED_BUCKETS - 1, &k)) {
			key_name_u(out, size, s->cfg, spread_kinds[i], k);
			return;
		}
	}
	snprintf(out, size, "%s%s", s->cfg->prefix, rest);
}

int store_unspread_layout(struct store *s)
{
	char (*names)[64] = malloc(INSPECTED_BUCKETS * sizeof(*names));
	struct args a;
	args_init(&a);
	int found = 0;
	for (size_t i = 0; names && i < SPREAD_KINDS && !found; i++) {
		args_reset(&a);
		args_add(&a, "EXISTS");
		for (unsigned k = 0; k < INSPECTED_BUCKETS; k++) {
			snprintf(names[k], sizeof(names[k]), "%s%s:%u",
				 s->cfg->prefix,
				 key_specs[spread_kinds[i]].pattern, k);
			args_add(&a, names[k]);
		}
		redisReply *r = a.failed ? NULL : store_run(s, &a);
		if (!r) {
			found = FAIL_LOST;
			break;
		}
		found = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
		freeReplyObject(r);
	}
	if (!names)
		diag_set(&s->err, "out of memory");
	free(names);
	args_finish(&a);
	return names ? found : FAIL_LOST;
}

int store_legacy_layout(struct store *s, const char *from)
{
	static const char *const names[] = {"intake", "public", "roster"};
	int found = 0;
	for (size_t i = 0; i < 3 && !found; i++) {
		char key[160];
		snprintf(key, sizeof(key), "%s%s", from, names[i]);
		redisReply *r = store_runv(s, "EXISTS", key, NULL);
		if (!r)
			return FAIL_LOST;
		found = r->type == REDIS_REPLY_INTEGER && r->integer > 0;
		freeReplyObject(r);
	}
	return found;
}

/* MATCH pattern of every key starting with prefix: glob characters
 * escaped. */
static void match_of(const char *prefix, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = prefix; *p && n + 3 < size; p++) {
		if (strchr("*?[]\\", *p))
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '*';
	out[n] = '\0';
}

/* Elements of an array reply, or of its pairs (by = 2), sorted, for a
 * comparison that does not depend on a hash's or a set's inner order. */
static int by_element(const void *a, const void *b)
{
	const redisReply *x = *(const redisReply *const *)a;
	const redisReply *y = *(const redisReply *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->str, y->str, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool same_elements(const redisReply *a, const redisReply *b,
			  size_t by, bool sorted)
{
	if (a->type != b->type)
		return false;
	if (a->type == REDIS_REPLY_STRING)
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	if (a->type != REDIS_REPLY_ARRAY || a->elements != b->elements)
		return a->type == REDIS_REPLY_NIL && b->type == REDIS_REPLY_NIL;
	if (sorted) { /* by its first element of each group of `by` */
		qsort(a->element, a->elements / by, by * sizeof(*a->element),
		      by_element);
		qsort(b->element, b->elements / by, by * sizeof(*b->element),
		      by_element);
	}
	for (size_t i = 0; i < a->elements; i++)
		if (!same_elements(a->element[i], b->element[i], 1, false))
			return false;
	return true;
}

/* Whether keys a and b hold the same value, whatever its type. 1, 0, or
 * FAIL_LOST. */
static int same_content(struct store *s, const char *a, const char *b)
{
	redisReply *t = store_runv(s, "TYPE", a, NULL);
	if (!t)
		return FAIL_LOST;
	static const struct {
		const char *type, *command, *arg1, *arg2, *arg3;
		size_t by;
	} reads[] = {
		{"string", "GET", NULL, NULL, NULL, 1},
		{"hash", "HGETALL", NULL, NULL, NULL, 2},
		{"set", "SMEMBERS", NULL, NULL, NULL, 1},
		{"zset", "ZRANGE", "0", "-1", "WITHSCORES", 0},
		{"list", "LRANGE", "0", "-1", NULL, 0},
		{"stream", "XRANGE", "-", "+", NULL, 0},
	};
	size_t k = 0;
	while (k < 6 && (t->type != REDIS_REPLY_STATUS ||
			 strcmp(t->str, reads[k].type)))
		k++;
	freeReplyObject(t);
	if (k == 6)
		return 0;
	redisReply *x = store_runv(s, reads[k].command, a, reads[k].arg1,
				   reads[k].arg2, reads[k].arg3, NULL);
	redisReply *y = x ? store_runv(s, reads[k].command, b, reads[k].arg1,
				       reads[k].arg2, reads[k].arg3, NULL)
			  : NULL;
	int rc = !y ? FAIL_LOST
		    : same_elements(x, y, reads[k].by ? reads[k].by : 1,
				    reads[k].by != 0);
	freeReplyObject(x);
	freeReplyObject(y);
	return rc;
}

/* The new key exists already: fine if a run cut short before its DEL
 * restored it (the same value); anything else is not overwritten. */
static int same_value(struct store *s, const char *key, const char *old)
{
	int same = same_content(s, key, old);
	if (same == 0)
		diag_set(&s->err,
			 "%.100s and %.100s both hold "
			 "values, not the same: move one by hand",
			 old, key);
	return same < 0 ? same : same ? 0 : FAIL_REFUSED;
}

/* 0 for a reply, FAIL_LOST for none, FAIL_REFUSED (with what and the
 * key in s->err) for an error reply; the reply freed. */
static int reply_status(struct store *s, redisReply *r, const char *what,
			const char *key)
{
	int rc = !r				? FAIL_LOST
		 : r->type == REDIS_REPLY_ERROR ? FAIL_REFUSED
						: 0;
	if (rc == FAIL_REFUSED)
		diag_set(&s->err, "%s %.150s: %.80s", what, key, r->str);
	freeReplyObject(r);
	return rc;
}

/* A campaign record names its visits and audit keys: renamed in the old
 * record itself, before it is copied, so that the copy equals what is
 * left behind (a second run compares them). */
static int rename_fields(struct store *s, const char *old, size_t from_len)
{
	static const char *const fields[] = {"visits", "audit"};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		redisReply *v = store_runv(s, "HGET", old, fields[i], NULL);
		if (!v)
			return FAIL_LOST;
		char now[512] = "";
		if (v->type == REDIS_REPLY_STRING &&
		    !strncmp(v->str, old, from_len))
			snprintf(now, sizeof(now), "%s%s", s->cfg->prefix,
				 v->str + from_len);
		freeReplyObject(v);
		if (now[0])
			rc = reply_status(s, store_runv(s, "HSET", old,
							fields[i], now, NULL),
					  "HSET", old);
	}
	return rc;
}

/* RESTORE of dump (with ttl) as key; a key there already is fine only if
 * a run cut short before its DEL restored it. */
static int restore(struct store *s, const char *key, const char *old,
		   const redisReply *dump, const redisReply *ttl)
{
	char ms[24];
	snprintf(ms, sizeof(ms), "%lld",
		 ttl->type == REDIS_REPLY_INTEGER && ttl->integer > 0
			 ? ttl->integer : 0);
	struct args a;
	args_init(&a);
	args_add(&a, "RESTORE");
	args_add(&a, key);
	args_add(&a, ms);
	args_addn(&a, dump->str, dump->len);
	redisReply *r = store_run(s, &a);
	args_finish(&a);
	if (r && r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "BUSYKEY", 7)) {
		freeReplyObject(r);
		return same_value(s, key, old);
	}
	return reply_status(s, r, "RESTORE", key);
}

/* old -> the configured prefix + its rest: copied, then deleted, never
 * deleted unless the copy is there. */
static int move_key(struct store *s, const char *old, size_t from_len)
{
	char key[512];
	new_name(s, old + from_len, key, sizeof(key));
	int rc = !strncmp(old + from_len, "campaign:", 9)
			 ? rename_fields(s, old, from_len) : 0;
	redisReply *dump = rc == 0 ? store_runv(s, "DUMP", old, NULL) : NULL;
	redisReply *ttl = dump ? store_runv(s, "PTTL", old, NULL) : NULL;
	if (rc == 0 && !ttl)
		rc = FAIL_LOST;
	else if (rc == 0 && dump->type == REDIS_REPLY_ERROR)
		rc = reply_status(s, dump, "DUMP", old), dump = NULL;
	/* NIL: gone since the scan; nothing to copy or delete. */
	if (rc == 0 && dump->type == REDIS_REPLY_STRING) {
		rc = restore(s, key, old, dump, ttl);
		if (rc == 0)
			rc = reply_status(s, store_runv(s, "DEL", old, NULL),
					  "DEL", old);
	}
	freeReplyObject(dump);
	freeReplyObject(ttl);
	return rc;
}

/* The keys whose presence tells daemons that an older layout is there
 * (store_legacy_layout): moved last, so that they wait until the rest is
 * moved. */
static bool sentinel(const char *rest)
{
	return !strcmp(rest, "intake") || !strcmp(rest, "public") ||
	       !strcmp(rest, "roster");
}

struct moving {
	size_t from_len;
	size_t *moved;
};

/* Every key but the sentinels, which move last. */
static int move_scanned(struct store *s, const char *k, void *ctx)
{
	struct moving *m = ctx;
	if (sentinel(k + m->from_len))
		return 0;
	int rc = move_key(s, k, m->from_len);
	if (rc == 0)
		(*m->moved)++;
	return rc;
}

int store_migrate(struct store *s, const char *from, size_t *moved)
{
	char match[80];
	size_t from_len = strlen(from);
	*moved = 0;
	if (!from_len || !strcmp(from, s->cfg->prefix)) {
		diag_set(&s->err, "nothing to move: the old "
				  "prefix is empty or the configured one");
		return FAIL_REFUSED;
	}
	match_of(from, match, sizeof(match));
	struct moving m = {from_len, moved};
	int rc = store_scan(s, match, move_scanned, &m);
	/* The buckets the configured prefix's hash tag held, before they
	 * took tags of their own. */
	struct moving buckets = {strlen(s->cfg->prefix), moved};
	for (size_t i = 0; rc == 0 && i < SPREAD_KINDS; i++) {
		char under[64];
		snprintf(under, sizeof(under), "%s%s:", s->cfg->prefix,
			 key_specs[spread_kinds[i]].pattern);
		match_of(under, match, sizeof(match));
		rc = store_scan(s, match, move_scanned, &buckets);
	}
	static const char *const last[] = {"roster", "public", "intake"};
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		char k[80];
		snprintf(k, sizeof(k), "%s%s", from, last[i]);
		redisReply *e = store_runv(s, "EXISTS", k, NULL);
		if (!e)
			return FAIL_LOST;
		bool there = e->type == REDIS_REPLY_INTEGER && e->integer > 0;
		freeReplyObject(e);
		if (there && (rc = move_key(s, k, from_len)) == 0)
			(*moved)++;
	}
	return rc;
}
