#include "inspect/store/history.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/strbuf.h"
#include "inspect/store/grades.h"
#include "inspect/store/keys.h"

struct history_read {
	struct store *s;
	struct population *p;
	int32_t from, to;
	struct diag *err;
	size_t bad;
};

static void bucket_key(size_t k, char *out, size_t size, void *ctx)
{
	const struct history_read *vr = ctx;
	key_name_u(out, size, vr->s->cfg, KEY_HISTORY, k);
}

/* One field "<uscc>:<campaign>" -> "YYYY-MM-DD,items". */
static void take_visit(struct history_read *vr, const redisReply *f,
		       const redisReply *v)
{
	struct diag why;
	int32_t day;
	if (f->len <= USCC_LEN || f->str[USCC_LEN] != ':' ||
	    !population_find(vr->p, f->str))
		return; /* another entity's, or out of the scope */
	diag_init(&why);
	if (v->len < 12 || v->str[10] != ',' || !date_parse(v->str, 10, &day))
		diag_add(&why, "not YYYY-MM-DD,items");
	else if (day > vr->from && day < vr->to)
		visits_add(&vr->p->visits,
			   &(struct visit_text){f->str, day,
						f->str + USCC_LEN + 1,
						v->str + 11,
						f->len - USCC_LEN - 1,
						v->len - 11},
			   &why);
	if (why.count && vr->bad++ < 5)
		diag_add(vr->err, "visit record %.*s: %s",
			 (int)(f->len < 100 ? f->len : 100), f->str,
			 diag_reason(&why));
}

static void take_bucket(size_t k, const redisReply *r, void *ctx)
{
	struct history_read *vr = ctx;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i + 1]->type == REDIS_REPLY_STRING)
			take_visit(vr, r->element[i], r->element[i + 1]);
}

int history_read(struct store *s, struct population *p, int32_t from,
		 int32_t to, struct diag *err)
{
	struct history_read vr = {s, p, from, to, err, 0};
	if (store_hgetall_each(s, INSPECTED_BUCKETS, bucket_key, take_bucket,
			       &vr) < 0)
		return FAIL_LOST;
	if (vr.bad)
		return FAIL_INVALID;
	return visits_canonicalize(p, "visits", err) < 0 ? FAIL_INVALID : 0;
}

/* The stale fields found, bucket by bucket, NUL-separated. */
struct stale {
	struct store *s;
	int32_t before;
	struct strbuf names[INSPECTED_BUCKETS];
	unsigned count[INSPECTED_BUCKETS];
};

static void stale_key(size_t k, char *out, size_t size, void *ctx)
{
	const struct stale *st = ctx;
	key_name_u(out, size, st->s->cfg, KEY_HISTORY, k);
}

static void take_stale(size_t k, const redisReply *r, void *ctx)
{
	struct stale *st = ctx;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2) {
		const redisReply *f = r->element[i], *v = r->element[i + 1];
		int32_t day;
		if (f->type != REDIS_REPLY_STRING ||
		    v->type != REDIS_REPLY_STRING || v->len < 10 ||
		    !date_parse(v->str, 10, &day) || day >= st->before)
			continue;
		sb_add(&st->names[k], f->str, f->len + 1); /* with its NUL */
		st->count[k]++;
	}
}

/* HDEL of bucket k's stale fields. */
static int remove_stale(struct stale *st, size_t k)
{
	char key[128];
	struct args a;
	stale_key(k, key, sizeof(key), st);
	args_init(&a);
	args_add(&a, "HDEL");
	args_add(&a, key);
	for (const char *f = st->names[k].s, *end = f + st->names[k].len;
	     f < end; f += strlen(f) + 1)
		args_add(&a, f);
	redisReply *r = st->names[k].failed ? NULL : store_run(st->s, &a);
	args_finish(&a);
	int rc = !r			       ? FAIL_LOST
		 : r->type == REDIS_REPLY_ERROR ? FAIL_REFUSED
						: 0;
	if (rc == FAIL_REFUSED)
		diag_set(&st->s->err, "HDEL %s: %s", key, r->str);
	if (!r && st->names[k].failed)
		diag_set(&st->s->err, "out of memory");
	freeReplyObject(r);
	return rc;
}

long history_prune(struct store *s, int32_t before)
{
	struct stale *st = calloc(1, sizeof(*st));
	if (!st) {
		diag_set(&s->err, "out of memory");
		return FAIL_LOST;
	}
	st->s = s;
	st->before = before;
	long removed = 0;
	int rc = store_hgetall_each(s, INSPECTED_BUCKETS, stale_key,
				    take_stale, st);
	for (size_t k = 0; rc == 0 && k < INSPECTED_BUCKETS; k++) {
		if (st->count[k] == 0)
			continue;
		rc = remove_stale(st, k);
		removed += st->count[k];
	}
	for (size_t k = 0; k < INSPECTED_BUCKETS; k++)
		sb_finish(&st->names[k]);
	free(st);
	return rc < 0 ? rc : removed;
}
