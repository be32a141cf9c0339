#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inspect/core/number.h"
#include "inspect/core/bucket.h"
#include "inspect/store/keys.h"
#include "inspect/store/grades.h"

/* About 64 entities a bucket: hashes stay listpack-encoded (Redis keeps a
 * hash compact up to 128 fields), the layout the reader is fastest on. */
#define PER_BUCKET 64
#define LOCK_MS "3600000" /* the import lock's life since its renewal */

static uint32_t bucket_count(size_t n)
{
	uint32_t b = 1;
	while (b < GRADES_MAX_BUCKETS && (size_t)b * PER_BUCKET < n)
		b <<= 1;
	return b;
}

/* An error reply to a write: the first one kept as the reason. */
static void check_reply(struct store *s, const redisReply *r, int *rc)
{
	if (r->type == REDIS_REPLY_ERROR && *rc == 0) {
		diag_set(&s->err, "%.200s", r->str);
		*rc = FAIL_REFUSED;
	}
}

/* Entities ordered by bucket: order[start[b] .. start[b + 1]). */
static uint32_t *by_bucket(const struct population *pop, uint32_t buckets,
			   size_t *start)
{
	uint32_t *order = malloc((pop->n ? pop->n : 1) * sizeof(*order));
	uint32_t *b_of = malloc((pop->n ? pop->n : 1) * sizeof(*b_of));
	if (!order || !b_of) {
		free(order);
		free(b_of);
		return NULL;
	}
	memset(start, 0, (buckets + 1) * sizeof(*start));
	for (size_t i = 0; i < pop->n; i++) {
		b_of[i] = bucket_of(pop->v[i].uscc, USCC_LEN, buckets);
		start[b_of[i] + 1]++;
	}
	for (uint32_t b = 0; b < buckets; b++)
		start[b + 1] += start[b];
	size_t *next = malloc(buckets * sizeof(*next));
	if (!next) {
		free(order);
		free(b_of);
		return NULL;
	}
	memcpy(next, start, buckets * sizeof(*next));
	for (size_t i = 0; i < pop->n; i++)
		order[next[b_of[i]]++] = (uint32_t)i;
	free(next);
	free(b_of);
	return order;
}

/* The HSETs of a group of buckets (GROUP of them: the lock is renewed
 * between groups), pipelined: command j writes bucket cmd[j].bucket's
 * entities from order[cmd[j].from], at most 2 * PER_BUCKET of them (the
 * bucket's end is start[bucket + 1]). A command can be built again for
 * the same j (a resharding, conn.c). */
#define GROUP 1024u
#define FIELDS_MAX (2 * PER_BUCKET)

struct bucket_hsets {
	struct store *s;
	const struct population *pop;
	const uint32_t *order;
	const size_t *start;
	uint64_t gen;
	size_t n, cap;
	struct {
		uint32_t bucket;
		size_t from;
	} *cmd;
	char (*rec)[RECORD_MAX];
	char key[128];
	int rc;
};

static int add_hset(struct bucket_hsets *h, uint32_t b, size_t from)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 2 * GROUP;
		void *v = realloc(h->cmd, cap * sizeof(*h->cmd));
		if (!v)
			return -1;
		h->cmd = v;
		h->cap = cap;
	}
	h->cmd[h->n].bucket = b;
	h->cmd[h->n++].from = from;
	return 0;
}

static void build_hset(size_t j, struct args *a, void *ctx)
{
	struct bucket_hsets *h = ctx;
	uint32_t b = h->cmd[j].bucket;
	size_t from = h->cmd[j].from;
	size_t to = from + FIELDS_MAX < h->start[b + 1] ? from + FIELDS_MAX
							: h->start[b + 1];
	idx_key(h->key, sizeof(h->key), h->s->cfg, h->gen, b);
	args_add(a, "HSET");
	args_add(a, h->key);
	for (size_t k = from, m = 0; k < to; k++, m++) {
		const struct entity *e = &h->pop->v[h->order[k]];
		size_t len = population_format_record(e, h->rec[m]);
		/* The value is the record less its uscc and comma, and less
		 * its newline. */
		args_addn(a, e->uscc, USCC_LEN);
		args_addn(a, h->rec[m] + USCC_LEN + 1, len - USCC_LEN - 2);
	}
}

static void each_hset(size_t j, const redisReply *r, void *ctx)
{
	struct bucket_hsets *h = ctx;
	(void)j;
	check_reply(h->s, r, &h->rc);
}

/* Buckets [first, last) written, pipelined. 0, FAIL_LOST or
 * FAIL_REFUSED. */
static int write_group(struct bucket_hsets *h, uint32_t first, uint32_t last)
{
	h->n = 0;
	for (uint32_t b = first; b < last; b++)
		for (size_t k = h->start[b]; k < h->start[b + 1];
		     k += FIELDS_MAX)
			if (add_hset(h, b, k) < 0) {
				diag_set(&h->s->err, "out of memory");
				return FAIL_LOST;
			}
	if (store_pipeline_each(h->s, h->n, build_hset, each_hset, h) < 0)
		return FAIL_LOST;
	return h->rc;
}

static int write_buckets(struct store *s, const struct population *pop,
			 uint64_t gen, uint32_t buckets, const char *lock,
			 void (*progress)(size_t, size_t))
{
	size_t *start = malloc((buckets + 1) * sizeof(*start));
	uint32_t *order = start ? by_bucket(pop, buckets, start) : NULL;
	struct bucket_hsets h = {
	    .s = s, .pop = pop, .order = order, .start = start, .gen = gen};
	h.rec = malloc(FIELDS_MAX * sizeof(*h.rec));
	int rc = order && h.rec ? 0 : FAIL_LOST;
	if (rc)
		diag_set(&s->err, "out of memory");
	for (uint32_t b = 0; rc == 0 && b < buckets; b += GROUP) {
		uint32_t last = buckets - b < GROUP ? buckets : b + GROUP;
		rc = write_group(&h, b, last);
		if (rc == 0 && last < buckets) {
			/* The lock renewed: a long import keeps it. */
			redisReply *r = store_runv(s, "PEXPIRE", lock, LOCK_MS,
						   NULL);
			if (r)
				check_reply(s, r, &rc);
			else
				rc = FAIL_LOST;
			freeReplyObject(r);
			if (progress)
				progress(start[last], pop->n);
		}
	}
	free(h.cmd);
	free(h.rec);
	free(order);
	free(start);
	return rc;
}

/* UNLINK of bucket i of generation gen. */
struct bucket_unlinks {
	struct store *s;
	uint64_t gen;
	char key[128];
	int rc;
};

static void build_unlink(size_t i, struct args *a, void *ctx)
{
	struct bucket_unlinks *u = ctx;
	idx_key(u->key, sizeof(u->key), u->s->cfg, u->gen, (uint32_t)i);
	args_add(a, "UNLINK");
	args_add(a, u->key);
}

static void each_unlink(size_t i, const redisReply *r, void *ctx)
{
	struct bucket_unlinks *u = ctx;
	(void)i;
	check_reply(u->s, r, &u->rc);
}

static int remove_generation(struct store *s, uint64_t gen, uint32_t buckets)
{
	struct bucket_unlinks u = {.s = s, .gen = gen};
	if (store_pipeline_each(s, buckets, build_unlink, each_unlink, &u) < 0)
		return FAIL_LOST;
	return u.rc;
}

/* Removes the buckets of every generation but keep_a and keep_b: those a
 * killed import left (written, never switched to) or never removed (the
 * old one, killed after the switch). One SCAN over the index's keys, no
 * more than the import itself writes; called under the import lock, so no
 * other import is writing one. */
struct orphans {
	uint64_t keep_a, keep_b;
	size_t plen;
};

/* Only <g>idx:<generation>:<bucket>, none kept. */
static int unlink_orphan(struct store *s, const char *k, void *ctx)
{
	const struct orphans *o = ctx;
	const char *g = k + o->plen;
	size_t len = strcspn(g, ":");
	unsigned long long gen;
	if (!number_parse(g, len, UINT64_MAX, &gen) || g[len] != ':' ||
	    gen == o->keep_a || gen == o->keep_b)
		return 0;
	redisReply *u = store_runv(s, "UNLINK", k, NULL);
	freeReplyObject(u);
	return u ? 0 : FAIL_LOST;
}

static int remove_orphans(struct store *s, uint64_t keep_a, uint64_t keep_b)
{
	char match[160], prefix[80];
	size_t n = 0;
	/* The prefix as a glob that matches itself only. */
	for (const char *p = s->cfg->grades_prefix; *p && n + 3 < sizeof(prefix);
	     p++) {
		if (strchr("*?[]\\", *p))
			prefix[n++] = '\\';
		prefix[n++] = *p;
	}
	prefix[n] = '\0';
	snprintf(match, sizeof(match), "%sidx:*", prefix);
	struct orphans o = {keep_a, keep_b,
			    strlen(s->cfg->grades_prefix) + strlen("idx:")};
	return store_scan(s, match, unlink_orphan, &o);
}

/* One writer of the index at a time: <g>import holds the writer's token,
 * for an hour after it was last renewed (a killed writer's lock expires);
 * the writer renews it as it writes, and switches only while it holds
 * it. docs/REDIS.md states the protocol for every writer. */
struct import_lock {
	char key[128], token[48];
};

static int lock_import(struct store *s, struct import_lock *l)
{
	key_name(l->key, sizeof(l->key), s->cfg, KEY_GRADES_IMPORT, NULL, NULL);
	snprintf(l->token, sizeof(l->token), "%ld-%ld", (long)time(NULL),
		 (long)getpid());
	redisReply *r = store_runv(s, "SET", l->key, l->token, "NX", "PX",
				   LOCK_MS, NULL);
	if (!r)
		return FAIL_LOST;
	bool taken = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	if (!taken)
		diag_set(&s->err,
			 "another import holds %s (it "
			 "expires an hour after that import last renewed it; "
			 "delete it if no import runs)",
			 l->key);
	return taken ? 0 : FAIL_LOST;
}

static void unlock_import(struct store *s, const struct import_lock *l)
{
	redisReply *r = store_runv(s, "EVAL", "if redis.call('GET', KEYS[1]) "
				   "== ARGV[1] then return redis.call('DEL', "
				   "KEYS[1]) end return 0", "1", l->key,
				   l->token, NULL);
	freeReplyObject(r);
}

/* The switch to the new generation, one HSET, made only while the lock is
 * still ours (another writer may have taken an expired one). */
static int switch_generation(struct store *s, const struct import_lock *l,
			     const char *meta, uint64_t gen, uint32_t buckets,
			     size_t n)
{
	char gbuf[24], bbuf[24], nbuf[24];
	snprintf(gbuf, sizeof(gbuf), "%llu", (unsigned long long)gen);
	snprintf(bbuf, sizeof(bbuf), "%u", buckets);
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	redisReply *r = store_runv(
		s, "EVAL",
		"if redis.call('GET', KEYS[2]) ~= ARGV[5] then return "
		"redis.error_reply('the import lock was lost: another writer "
		"may be writing the index') end return redis.call('HSET', "
		"KEYS[1], 'schema', ARGV[1], 'buckets', ARGV[2], 'generation', "
		"ARGV[3], 'count', ARGV[4])",
		"2", meta, l->key, GRADES_SCHEMA, bbuf, gbuf, nbuf, l->token,
		NULL);
	if (!r)
		return FAIL_LOST;
	int rc = r->type == REDIS_REPLY_ERROR ? FAIL_REFUSED : 0;
	if (rc)
		diag_set(&s->err, "%s", r->str);
	freeReplyObject(r);
	return rc;
}

static int write_generation(struct store *s, const struct population *pop,
			    const struct import_lock *l,
			    void (*progress)(size_t done, size_t total));

int grades_write(struct store *s, const struct population *pop,
		 void (*progress)(size_t done, size_t total))
{
	struct import_lock l;
	int rc = lock_import(s, &l);
	if (rc < 0)
		return rc;
	rc = write_generation(s, pop, &l, progress);
	if (store_connected(s))
		unlock_import(s, &l);
	return rc;
}

static int write_generation(struct store *s, const struct population *pop,
			    const struct import_lock *l,
			    void (*progress)(size_t done, size_t total))
{
	char meta[128];
	key_name(meta, sizeof(meta), s->cfg, KEY_GRADES_META, NULL, NULL);
	redisReply *old = store_runv(s, "HMGET", meta, "generation", "buckets",
				     NULL);
	redisReply *next = old ? store_runv(s, "HINCRBY", meta,
					    "next_generation", "1", NULL)
			       : NULL;
	if (!old || !next || next->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(old);
		freeReplyObject(next);
		return FAIL_LOST;
	}
	uint64_t gen = (uint64_t)next->integer;
	uint64_t old_gen = number_or(old->element[0]->str, UINT64_MAX, 0);
	uint32_t old_buckets =
		(uint32_t)number_or(old->element[1]->str, GRADES_MAX_BUCKETS, 0);
	freeReplyObject(old);
	freeReplyObject(next);
	uint32_t buckets = bucket_count(pop->n);
	int rc = remove_orphans(s, old_gen, gen);
	if (rc == 0)
		rc = write_buckets(s, pop, gen, buckets, l->key, progress);
	/* The switch: one HSET, so readers see the old or the new index. */
	if (rc == 0)
		rc = switch_generation(s, l, meta, gen, buckets, pop->n);
	if (rc < 0)
		return rc;
	if (progress)
		progress(pop->n, pop->n);
	return old_gen && old_gen != gen
		       ? remove_generation(s, old_gen, old_buckets)
		       : 0;
}

struct details_read {
	struct store *s;
	const struct population *pop;
	const uint32_t *which;
	void (*each)(size_t k, const redisReply *hash, void *ctx);
	void *ctx;
};

static void details_key(size_t k, char *out, size_t size, void *ctx)
{
	const struct details_read *dr = ctx;
	char uscc[USCC_LEN + 1];
	memcpy(uscc, dr->pop->v[dr->which[k]].uscc, USCC_LEN);
	uscc[USCC_LEN] = '\0';
	key_name(out, size, dr->s->cfg, KEY_GRADES_ENT, uscc, NULL);
}

static void details_reply(size_t k, const redisReply *r, void *ctx)
{
	const struct details_read *dr = ctx;
	dr->each(k, r, dr->ctx);
}

int grades_details(struct store *s, const struct population *pop,
		   const uint32_t *which, size_t n,
		   void (*each)(size_t k, const redisReply *hash, void *ctx),
		   void *ctx)
{
	struct details_read dr = {s, pop, which, each, ctx};
	return store_hgetall_each(s, n, details_key, details_reply, &dr) < 0
		   ? FAIL_LOST
		   : 0;
}
