#include "inspect/store/migrate.h"

#include <stdio.h>
#include <string.h>

#include "inspect/store/grades.h"

void legacy_prefix(const char *prefix, char out[32])
{
	size_t n = 0;
	for (const char *p = prefix; *p && n < 31; p++)
		if (*p != '{' && *p != '}')
			out[n++] = *p;
	out[n] = '\0';
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
			return STORE_LOST;
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

/* The new key exists already: fine if a run cut short before its DEL
 * restored it (the same value); anything else is not overwritten. */
static int same_value(struct store *s, const char *key,
		      const redisReply *dump, const char *old)
{
	redisReply *now = store_runv(s, "DUMP", key, NULL);
	if (!now)
		return STORE_LOST;
	bool same = now->type == REDIS_REPLY_STRING && now->len == dump->len &&
		    !memcmp(now->str, dump->str, dump->len);
	freeReplyObject(now);
	if (!same)
		snprintf(s->err, sizeof(s->err), "%.100s and %.100s both hold "
			 "values, not the same: move one by hand", old, key);
	return same ? 0 : STORE_REFUSED;
}

/* A campaign record names its visits and audit keys: renamed too. */
static int rename_fields(struct store *s, const char *key, const char *old,
			 size_t from_len)
{
	static const char *const fields[] = {"visits", "audit"};
	char prefix_old[64];
	snprintf(prefix_old, sizeof(prefix_old), "%.*s", (int)from_len, old);
	for (size_t i = 0; i < 2; i++) {
		redisReply *v = store_runv(s, "HGET", key, fields[i], NULL);
		if (!v)
			return STORE_LOST;
		char now[512] = "";
		if (v->type == REDIS_REPLY_STRING &&
		    !strncmp(v->str, prefix_old, from_len))
			snprintf(now, sizeof(now), "%s%s", s->cfg->prefix,
				 v->str + from_len);
		freeReplyObject(v);
		redisReply *r = now[0] ? store_runv(s, "HSET", key, fields[i],
						    now, NULL)
				       : NULL;
		if (now[0] && !r)
			return STORE_LOST;
		freeReplyObject(r);
	}
	return 0;
}

/* old -> the configured prefix + its rest. */
static int move_key(struct store *s, const char *old, size_t from_len)
{
	char key[512];
	snprintf(key, sizeof(key), "%s%s", s->cfg->prefix, old + from_len);
	redisReply *dump = store_runv(s, "DUMP", old, NULL);
	redisReply *ttl = dump ? store_runv(s, "PTTL", old, NULL) : NULL;
	int rc = ttl ? 0 : STORE_LOST;
	if (rc == 0 && dump->type == REDIS_REPLY_STRING) {
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
		if (!r)
			rc = STORE_LOST;
		else if (r->type == REDIS_REPLY_ERROR &&
			 !strncmp(r->str, "BUSYKEY", 7))
			rc = same_value(s, key, dump, old);
		else if (r->type == REDIS_REPLY_ERROR) {
			snprintf(s->err, sizeof(s->err), "%.100s -> %.100s: "
				 "%.40s", old, key, r->str);
			rc = STORE_REFUSED;
		}
		freeReplyObject(r);
	}
	if (rc == 0 && !strncmp(old + from_len, "campaign:", 9))
		rc = rename_fields(s, key, old, from_len);
	redisReply *d = rc == 0 ? store_runv(s, "DEL", old, NULL) : NULL;
	if (rc == 0 && !d)
		rc = STORE_LOST;
	freeReplyObject(d);
	freeReplyObject(dump);
	freeReplyObject(ttl);
	return rc;
}

int store_migrate(struct store *s, const char *from, size_t *moved)
{
	char match[80], cursor[32] = "0";
	size_t from_len = strlen(from);
	*moved = 0;
	if (!from_len || !strcmp(from, s->cfg->prefix)) {
		snprintf(s->err, sizeof(s->err), "nothing to move: the old "
			 "prefix is empty or the configured one");
		return STORE_REFUSED;
	}
	match_of(from, match, sizeof(match));
	int rc = 0;
	do {
		redisReply *r = store_runv(s, "SCAN", cursor, "MATCH", match,
					   "COUNT", "1000", NULL);
		if (!r)
			return STORE_LOST;
		bool ok = r->type == REDIS_REPLY_ARRAY && r->elements == 2;
		if (ok)
			snprintf(cursor, sizeof(cursor), "%s",
				 r->element[0]->str);
		const redisReply *keys = ok ? r->element[1] : NULL;
		for (size_t i = 0; rc == 0 && keys && i < keys->elements; i++)
			if ((rc = move_key(s, keys->element[i]->str,
					   from_len)) == 0)
				(*moved)++;
		freeReplyObject(r);
		if (!ok && rc == 0) {
			snprintf(s->err, sizeof(s->err), "SCAN: no cursor");
			rc = STORE_REFUSED;
		}
	} while (rc == 0 && strcmp(cursor, "0"));
	return rc;
}
