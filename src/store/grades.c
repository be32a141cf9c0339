#include "inspect/store/keys.h"
#include "inspect/store/grades.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/bucket.h"
#include "inspect/shell/clock.h"
#include "inspect/core/date.h"
#include "inspect/store/store.h"

struct meta {
	uint64_t generation, count;
	uint32_t buckets;
};

/* A whole number of up to 18 digits; UINT64_MAX for anything else (a
 * sign, a space, a letter, nothing), which every check below refuses. */
static uint64_t reply_u64(const redisReply *r)
{
	if (!r || r->type != REDIS_REPLY_STRING || r->len == 0 || r->len > 18)
		return UINT64_MAX;
	uint64_t v = 0;
	for (size_t i = 0; i < r->len; i++) {
		if (r->str[i] < '0' || r->str[i] > '9')
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(r->str[i] - '0');
	}
	return v;
}

static int read_meta(struct store *s, struct meta *m, struct diag *err)
{
	char key[128];
	key_name(key, sizeof(key), s->cfg, KEY_GRADES_META, NULL, NULL);
	redisReply *r = store_runv(s, "HGETALL", key, NULL);
	if (!r)
		return FAIL_LOST;
	const redisReply *schema = reply_field(r, "schema");
	m->generation = reply_u64(reply_field(r, "generation"));
	uint64_t buckets = reply_u64(reply_field(r, "buckets"));
	m->buckets = buckets > GRADES_MAX_BUCKETS ? 0 : (uint32_t)buckets;
	m->count = reply_u64(reply_field(r, "count"));
	int rc = 0;
	if (r->type == REDIS_REPLY_ERROR)
		rc = diag_add(err, "%s: %.200s", key, r->str);
	else if (r->type != REDIS_REPLY_ARRAY || r->elements == 0)
		rc = diag_add(err, "%s: no grade index (import one first)",
			      key);
	else if (!schema || strcmp(schema->str, GRADES_SCHEMA) != 0)
		rc = diag_add(err, "%s: schema is not %s", key, GRADES_SCHEMA);
	else if (m->buckets == 0 || m->buckets > GRADES_MAX_BUCKETS ||
		 (m->buckets & (m->buckets - 1)))
		rc = diag_add(err, "%s: buckets must be a power of two up to "
			      "%u", key, GRADES_MAX_BUCKETS);
	else if (m->generation == UINT64_MAX || m->generation == 0)
		rc = diag_add(err, "%s: generation must be a whole number "
			      "from 1", key);
	/* Checked before anything is allocated for it. */
	else if (m->count == UINT64_MAX || m->count > s->cfg->max_population)
		rc = diag_add(err, "%s: count must be a whole number up to "
			      "max_population (%u)", key,
			      s->cfg->max_population);
	freeReplyObject(r);
	return rc;
}

static int grow(struct population *p, size_t *cap, size_t more)
{
	if (p->n + more <= *cap)
		return 0;
	size_t want = *cap ? *cap : 1024;
	while (want < p->n + more)
		want *= 2;
	struct entity *v = realloc(p->v, want * sizeof(*v));
	if (!v)
		return -1;
	p->v = v;
	*cap = want;
	return 0;
}

struct bucket_read {
	struct store *s;
	const struct meta *m;
	struct population *p;
	size_t cap;
	struct diag *err;
};

/* One bucket's HGETALL reply into the population. */
static int take_bucket(const redisReply *r, uint32_t b, const char *key,
		       struct bucket_read *br)
{
	struct population *p = br->p;
	struct diag *err = br->err;
	uint32_t buckets = br->m->buckets;
	size_t *cap = &br->cap;
	if (r->type != REDIS_REPLY_ARRAY)
		return diag_add(err, "%s: not a hash", key);
	if (grow(p, cap, r->elements / 2) < 0)
		return diag_add(err, "out of memory reading the grade index");
	struct diag why;
	diag_init(&why);
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *u = r->element[i], *v = r->element[i + 1];
		struct entity *e = &p->v[p->n];
		if (population_parse_record(u->str, u->len, v->str, v->len, e,
					    &why) == 0 &&
		    bucket_of(u->str, u->len, buckets) != b)
			diag_add(&why, "stored in the wrong bucket");
		if (why.count == 0) {
			p->n++;
			continue;
		}
		diag_add(err, "%s field %.*s: %s", key,
			 (int)(u->len < 32 ? u->len : 32), u->str,
			 diag_reason(&why));
		diag_init(&why);
	}
	return 0;
}

static void bucket_key(size_t b, char *out, size_t size, void *ctx)
{
	const struct bucket_read *br = ctx;
	idx_key(out, size, br->s->cfg, br->m->generation, b);
}

static void take_reply(size_t b, const redisReply *r, void *ctx)
{
	struct bucket_read *br = ctx;
	char key[128];
	bucket_key(b, key, sizeof(key), ctx);
	take_bucket(r, (uint32_t)b, key, br);
}

static int read_buckets(struct store *s, const struct meta *m,
			struct population *p, struct diag *err)
{
	struct bucket_read br = {s, m, p, 0, err};
	unsigned errors = err->count;
	/* The count meta gives is exact unless the index is being replaced
	 * (then the read is repeated): no slack, it would be peak memory. */
	if (grow(p, &br.cap, m->count + 1024) < 0)
		return diag_add(err, "out of memory for %llu entities",
				(unsigned long long)m->count);
	if (store_hgetall_each(s, m->buckets, bucket_key, take_reply, &br) < 0)
		return FAIL_LOST;
	return err->count == errors ? 0 : FAIL_INVALID;
}

struct inspected_read {
	struct store *s;
	struct population *p;
};

static void inspected_key(size_t k, char *out, size_t size, void *ctx)
{
	const struct inspected_read *ir = ctx;
	key_name_u(out, size, ir->s->cfg, KEY_INSPECTED, k);
}

/* A later recorded inspection moves last_inspected forward. */
static void take_inspected(size_t k, const redisReply *r, void *ctx)
{
	struct inspected_read *ir = ctx;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2) {
		const redisReply *u = r->element[i], *d = r->element[i + 1];
		int32_t day;
		struct entity *e =
		    u->len == USCC_LEN ? population_find(ir->p, u->str) : NULL;
		if (e && date_parse(d->str, (unsigned)d->len, &day) &&
		    (e->last_inspected == DATE_NONE || day > e->last_inspected))
			e->last_inspected = day;
	}
}

static int merge_inspected(struct store *s, struct population *p)
{
	struct inspected_read ir = {s, p};
	return store_hgetall_each(s, INSPECTED_BUCKETS, inspected_key,
				  take_inspected, &ir) < 0
		   ? FAIL_LOST
		   : 0;
}

int grades_read(struct store *s, struct population *ret,
		uint64_t *ret_generation, struct grades_timing *t,
		struct diag *err)
{
	struct grades_timing ignored;
	t = t ? t : &ignored;
	for (int attempt = 0; attempt < 3; attempt++) {
		struct meta before, after;
		struct population p = {0};
		double t0 = clock_seconds();
		int r = read_meta(s, &before, err);
		if (r == 0)
			r = read_buckets(s, &before, &p, err);
		if (r == 0)
			r = read_meta(s, &after, err);
		if (r == 0 && after.generation != before.generation) {
			population_finish(&p); /* replaced while read: again */
			continue;
		}
		/* Buckets missing or extra (a generation half written, or
		 * removed under its meta) is a damaged index, not an empty
		 * scope. */
		if (r == 0 && p.n != before.count)
			r = diag_add(err,
				     "the grade index's generation %llu "
				     "holds %zu entities, its meta says %llu: "
				     "an incomplete index (import it again)",
				     (unsigned long long)before.generation, p.n,
				     (unsigned long long)before.count) < 0
				? FAIL_INVALID
				: 0;
		double t1 = clock_seconds();
		if (r == 0 && population_canonicalize(&p, "grade index", 0,
						      err) < 0)
			r = FAIL_INVALID;
		double t2 = clock_seconds();
		if (r == 0)
			r = merge_inspected(s, &p);
		*t = (struct grades_timing){t1 - t0, t2 - t1,
					    clock_seconds() - t2};
		if (r < 0) {
			population_finish(&p);
			return r;
		}
		*ret = p;
		*ret_generation = before.generation;
		return 0;
	}
	return diag_add(err, "the grade index was replaced three times while "
			"being read");
}

/* A few entities by their codes (grades_read_some). */
struct some_read {
	struct store *s;
	const struct meta *m;
	const char *usccs; /* n codes of USCC_LEN bytes, one after the other */
	struct population *p;
	struct diag *err;
	bool inspected; /* the second pass: <p/k>inspected */
	char key[128];  /* the command being built's: it outlives build */
};

static void build_some(size_t i, struct args *a, void *ctx)
{
	struct some_read *sr = ctx;
	const char *u = sr->usccs + i * USCC_LEN;
	if (sr->inspected)
		key_name_u(sr->key, sizeof(sr->key), sr->s->cfg, KEY_INSPECTED,
			   bucket_of(u, USCC_LEN, INSPECTED_BUCKETS));
	else
		idx_key(sr->key, sizeof(sr->key), sr->s->cfg,
			sr->m->generation,
			bucket_of(u, USCC_LEN, sr->m->buckets));
	args_add(a, "HGET");
	args_add(a, sr->key); /* appended before the next build */
	args_addn(a, u, USCC_LEN);
}

/* An entity's record (absent: not in the index), or the day inspectd
 * recorded its inspection, which moves last_inspected forward. */
static void take_some(size_t i, const redisReply *r, void *ctx)
{
	struct some_read *sr = ctx;
	const char *u = sr->usccs + i * USCC_LEN;
	if (r->type == REDIS_REPLY_ERROR) /* not a hash, as grades_read says */
		diag_add(sr->err, "%s: %s", sr->inspected ? "inspected" : "grade "
			 "index", r->str);
	if (r->type != REDIS_REPLY_STRING)
		return;
	struct entity *e;
	int32_t day;
	if (sr->inspected) {
		e = population_find(sr->p, u);
		if (e && date_parse(r->str, (unsigned)r->len, &day) &&
		    (e->last_inspected == DATE_NONE || day > e->last_inspected))
			e->last_inspected = day;
		return;
	}
	struct diag why;
	diag_init(&why);
	e = &sr->p->v[sr->p->n];
	if (population_parse_record(u, USCC_LEN, r->str, r->len, e, &why) == 0)
		sr->p->n++;
	else
		diag_add(sr->err, "grade record %.18s: %s", u,
			 diag_reason(&why));
}

int grades_read_some(struct store *s, const char *usccs, size_t n,
		     struct population *ret, uint64_t *ret_generation,
		     struct diag *err)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		struct meta before, after;
		struct population p = {0};
		p.v = calloc(n + 1, sizeof(struct entity));
		struct some_read sr = {s, &before, usccs, &p, err, false, ""};
		unsigned errors = err->count;
		int r = p.v ? read_meta(s, &before, err)
			    : diag_add(err, "out of memory");
		if (r == 0 && store_pipeline_each(s, n, build_some, take_some,
						  &sr) < 0)
			r = FAIL_LOST;
		if (r == 0)
			r = read_meta(s, &after, err);
		if (r == 0 && after.generation != before.generation) {
			population_finish(&p); /* replaced while read: again */
			continue;
		}
		if (r == 0 && err->count != errors)
			r = FAIL_INVALID;
		if (r == 0 && population_canonicalize(&p, "grade index", 0,
						      err) < 0)
			r = FAIL_INVALID;
		sr.inspected = true;
		if (r == 0 && store_pipeline_each(s, n, build_some, take_some,
						  &sr) < 0)
			r = FAIL_LOST;
		if (r < 0) {
			population_finish(&p);
			return r;
		}
		*ret = p;
		*ret_generation = before.generation;
		return 0;
	}
	return diag_add(err, "the grade index was replaced three times while "
			"being read");
}
