#include "inspect/store/board_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/store/campaign_view.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"

/* A campaign's part of the board, kept between reads. */
struct board_cached {
	struct board_campaign c;
	size_t results;  /* the record's count when its visits were read */
	int32_t today;   /* the day they were read on */
	uint64_t read_ms; /* when (monotonic) */
	struct board_visit *visits; /* of today and tomorrow */
	size_t n_visits;
	bool seen; /* still published at the last read */
};

void board_cache_free(struct board_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].visits);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* src into dst[size], cut if need be before a whole UTF-8 character. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

static size_t count_of(const char *s)
{
	unsigned long long n = 0;
	return s && number_parse_str(s, SIZE_MAX, &n) ? (size_t)n : 0;
}

/* The consumer group of stream kind: whether it exists, and each of its
 * consumers' pending entries. FAIL_LOST, or 0. */
static int read_group(struct store *s, enum key_kind kind, const char *name,
		      bool *present, struct board *b)
{
	char key[200];
	key_name(key, sizeof(key), s->cfg, kind, NULL, NULL);
	redisReply *g = store_runv(s, "XINFO", "GROUPS", key, NULL);
	if (!g)
		return FAIL_LOST;
	*present = false;
	for (size_t i = 0; g->type == REDIS_REPLY_ARRAY && i < g->elements; i++) {
		const redisReply *n = reply_field(g->element[i], "name");
		*present |= n && n->type == REDIS_REPLY_STRING &&
			    !strcmp(n->str, INTAKE_GROUP);
	}
	freeReplyObject(g);
	if (!*present)
		return 0;
	redisReply *c = store_runv(s, "XINFO", "CONSUMERS", key, INTAKE_GROUP,
				   NULL);
	if (!c)
		return FAIL_LOST;
	size_t n = c->type == REDIS_REPLY_ARRAY ? c->elements : 0;
	struct board_consumer *l = realloc(b->consumers, (b->n_consumers + n + 1) *
							    sizeof(*l));
	if (l)
		b->consumers = l;
	for (size_t i = 0; l && i < n; i++) {
		const redisReply *e = c->element[i];
		const redisReply *nm = reply_field(e, "name"),
				 *p = reply_field(e, "pending"),
				 *idle = reply_field(e, "idle");
		struct board_consumer *x = &l[b->n_consumers++];
		memset(x, 0, sizeof(*x));
		copy(x->stream, sizeof(x->stream), name);
		copy(x->name, sizeof(x->name),
		     nm && nm->type == REDIS_REPLY_STRING ? nm->str : "");
		x->pending = p && p->type == REDIS_REPLY_INTEGER
				     ? (uint64_t)p->integer : 0;
		x->idle_ms = idle && idle->type == REDIS_REPLY_INTEGER
				     ? (uint64_t)idle->integer : 0;
	}
	freeReplyObject(c);
	return 0;
}

/* Reads a campaign's visits into its cached part. FAIL_LOST, -1 when it
 * is not published (any more), or 0. */
static int read_visits(struct store *s, const struct calendar *cal,
		       int32_t today, unsigned within, struct board_cached *x)
{
	struct campaign_view v;
	struct diag err;
	diag_init(&err);
	int r = campaign_view_read(s, x->c.id, &v, &err);
	if (r < 0)
		return r;
	struct board_campaign *c = &x->c;
	memset(c->status, 0, sizeof(c->status));
	c->follow_ups_open = c->follow_ups_late = 0;
	c->next_deadline = DATE_NONE;
	c->unreadable = false;
	c->visits_dropped = 0;
	free(x->visits);
	x->visits = NULL;
	x->n_visits = 0;
	size_t cap = 0;
	for (size_t i = 0; i < v.n; i++) {
		struct planned_visit pv;
		struct result_record rr;
		bool has;
		if (!campaign_row_parse(&v.rows[i], &pv, &rr, &has)) {
			c->unreadable = true;
			continue;
		}
		if (pv.n_ids == 0) /* merged: its result is another's */
			continue;
		int32_t deadline;
		enum result_status st = result_status_of(
			cal, today, within, pv.date, has ? &rr : NULL, &deadline);
		c->status[st]++;
		if ((st == RESULT_PENDING || st == RESULT_AT_RISK ||
		     st == RESULT_OVERDUE) && deadline != DATE_NONE &&
		    (c->next_deadline == DATE_NONE || deadline < c->next_deadline))
			c->next_deadline = deadline;
		enum follow_up_state fu = has ? result_follow_up_state(&rr, today)
					      : FOLLOW_UP_NONE;
		c->follow_ups_open += fu != FOLLOW_UP_NONE;
		c->follow_ups_late += fu == FOLLOW_UP_LATE;
		if (pv.date != today && pv.date != today + 1)
			continue;
		if (x->n_visits >= BOARD_MAX_VISITS) {
			c->visits_dropped++;
			continue;
		}
		if (x->n_visits == cap) {
			cap = cap ? 2 * cap : 16;
			struct board_visit *g = realloc(x->visits,
							cap * sizeof(*g));
			if (!g)
				break;
			x->visits = g;
		}
		struct board_visit *bv = &x->visits[x->n_visits++];
		memset(bv, 0, sizeof(*bv));
		copy(bv->campaign, sizeof(bv->campaign), c->id);
		copy(bv->department, sizeof(bv->department), c->department);
		copy(bv->uscc, sizeof(bv->uscc), v.rows[i].uscc);
		copy(bv->name, sizeof(bv->name), pv.name);
		copy(bv->team, sizeof(bv->team), pv.team);
		bv->date = pv.date;
	}
	campaign_view_finish(&v);
	return 0;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct board_cached *)a)->c.id,
		      ((const struct board_cached *)b)->c.id);
}

/* The cached part of campaign id, added if new (NULL: no memory). */
static struct board_cached *cached(struct board_cache *cache, const char *id)
{
	struct board_cached key;
	copy(key.c.id, sizeof(key.c.id), id);
	struct board_cached *x = cache->n ? bsearch(&key, cache->v, cache->n,
						    sizeof(*x), by_id)
					  : NULL;
	if (x)
		return x;
	if (cache->n == cache->cap) {
		size_t cap = cache->cap ? 2 * cache->cap : 16;
		struct board_cached *g = realloc(cache->v, cap * sizeof(*g));
		if (!g)
			return NULL;
		cache->v = g;
		cache->cap = cap;
	}
	x = &cache->v[cache->n++];
	memset(x, 0, sizeof(*x));
	x->today = DATE_NONE;
	copy(x->c.id, sizeof(x->c.id), id);
	qsort(cache->v, cache->n, sizeof(*x), by_id);
	return bsearch(&key, cache->v, cache->n, sizeof(*x), by_id);
}

static const char *const record_fields[] = {
	"department", "task_type", "plan", "visit_window", "date",
	"selected", "results"};

/* Each published campaign: its record, and its visits when its results
 * or the day changed. FAIL_LOST or 0. */
static uint64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int read_campaigns(struct store *s, const struct calendar *cal,
			  int32_t today, const struct board_reading *how,
			  struct board_cache *cache)
{
	uint64_t now = monotonic_ms();
	redisReply *ids = store_smembers(s, KEY_PUBLISHED);
	if (!ids)
		return FAIL_LOST;
	for (size_t i = 0; i < cache->n; i++)
		cache->v[i].seen = false;
	int r = 0;
	for (size_t i = 0; r == 0 && ids->type == REDIS_REPLY_ARRAY &&
			   i < ids->elements; i++) {
		const char *id = ids->element[i]->str;
		redisReply *f = store_hmget(s, KEY_CAMPAIGN, id, record_fields,
					    7);
		if (!f) {
			r = FAIL_LOST;
			break;
		}
		struct board_cached *x = cached(cache, id);
		if (!x) {
			freeReplyObject(f);
			break;
		}
		struct board_campaign *c = &x->c;
		copy(c->department, sizeof(c->department), reply_str(f, 0));
		copy(c->task_type, sizeof(c->task_type), reply_str(f, 1));
		copy(c->plan, sizeof(c->plan), reply_str(f, 2));
		copy(c->visit_window, sizeof(c->visit_window), reply_str(f, 3));
		const char *day = reply_str(f, 4);
		if (!day || !date_parse(day, (unsigned)strlen(day), &c->date))
			c->date = DATE_NONE;
		c->selected = count_of(reply_str(f, 5));
		c->results = count_of(reply_str(f, 6));
		freeReplyObject(f);
		x->seen = true;
		/* Read again on a new day, or once results have come in, at
		 * most every reread_seconds (a campaign may have a million
		 * visits). */
		if (x->today == today && (x->results == c->results ||
					  now - x->read_ms <
						  1000ULL * how->reread_seconds))
			continue;
		if (how->defer && atomic_load(how->defer)) {
			c->counts_pending = x->today == DATE_NONE;
			continue;
		}
		c->counts_pending = false;
		int v = read_visits(s, cal, today, how->within, x);
		if (v == FAIL_LOST)
			r = FAIL_LOST;
		else if (v == 0) {
			x->today = today;
			x->results = c->results;
			x->read_ms = now;
		} else {
			x->seen = false; /* not published any more */
		}
	}
	freeReplyObject(ids);
	return r;
}

/* The latest refused entries of a dead-letter stream. FAIL_LOST or 0. */
static int read_refusals(struct store *s, enum key_kind kind,
			 const char *name, const char *campaign_field,
			 const struct board_cache *cache, struct board *b)
{
	char key[200], count[16];
	key_name(key, sizeof(key), s->cfg, kind, NULL, NULL);
	snprintf(count, sizeof(count), "%d", BOARD_MAX_REFUSALS);
	redisReply *l = store_runv(s, "XREVRANGE", key, "+", "-", "COUNT",
				   count, NULL);
	if (!l)
		return FAIL_LOST;
	size_t n = l->type == REDIS_REPLY_ARRAY ? l->elements : 0;
	struct board_refusal *g = realloc(b->refusals,
					  (b->n_refusals + n + 1) * sizeof(*g));
	if (g)
		b->refusals = g;
	for (size_t i = 0; g && i < n; i++) {
		const redisReply *e = l->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
			continue;
		const redisReply *f = e->element[1],
				 *c = reply_field(f, campaign_field),
				 *d = reply_field(f, "department"),
				 *why = reply_field(f, "reason");
		struct board_refusal *x = &g[b->n_refusals++];
		memset(x, 0, sizeof(*x));
		copy(x->stream, sizeof(x->stream), name);
		copy(x->entry, sizeof(x->entry), e->element[0]->str);
		if (c && c->type == REDIS_REPLY_STRING)
			copy(x->campaign, sizeof(x->campaign), c->str);
		if (d && d->type == REDIS_REPLY_STRING)
			copy(x->named, sizeof(x->named), d->str);
		if (why && why->type == REDIS_REPLY_STRING)
			copy(x->reason, sizeof(x->reason), why->str);
		/* The campaign's department sees it; so does a department
		 * the entry named (a partner's result, an entry of its own). */
		for (size_t k = 0; !x->department[0] && k < cache->n; k++)
			if (!strcmp(cache->v[k].c.id, x->campaign))
				copy(x->department, sizeof(x->department),
				     cache->v[k].c.department);
		if (!x->department[0])
			copy(x->department, sizeof(x->department), x->named);
	}
	freeReplyObject(l);
	return 0;
}

static int by_batch(const void *a, const void *b)
{
	const struct board_batch *x = a, *y = b;
	int c = strcmp(x->plan, y->plan);
	return c ? c : strcmp(x->campaign, y->campaign);
}

/* The batches the annual plans have sent, each with its campaign's
 * status. FAIL_LOST or 0. */
static int read_batches(struct store *s, struct board *b)
{
	redisReply *ids = store_smembers(s, KEY_PLANS);
	if (!ids)
		return FAIL_LOST;
	int r = 0;
	for (size_t i = 0; r == 0 && ids->type == REDIS_REPLY_ARRAY &&
			   i < ids->elements; i++) {
		const char *plan = ids->element[i]->str;
		static const char *const f[] = {"department"};
		redisReply *p = store_hmget(s, KEY_PLAN, plan, f, 1);
		redisReply *sent = p ? store_hgetall(s, KEY_PLAN_BATCHES, plan)
				     : NULL;
		if (!sent) {
			freeReplyObject(p);
			r = FAIL_LOST;
			break;
		}
		size_t n = sent->type == REDIS_REPLY_ARRAY ? sent->elements / 2 : 0;
		struct board_batch *g = realloc(b->batches, (b->n_batches + n + 1) *
								   sizeof(*g));
		if (g)
			b->batches = g;
		for (size_t k = 0; g && k < n && r == 0; k++) {
			struct board_batch *x = &g[b->n_batches];
			memset(x, 0, sizeof(*x));
			copy(x->plan, sizeof(x->plan), plan);
			copy(x->department, sizeof(x->department), reply_str(p, 0));
			copy(x->campaign, sizeof(x->campaign),
			     sent->element[2 * k]->str);
			copy(x->sent, sizeof(x->sent), sent->element[2 * k + 1]->str);
			redisReply *st = store_hget(s, KEY_CAMPAIGN, x->campaign,
						    "status");
			if (!st) {
				r = FAIL_LOST;
				break;
			}
			if (st->type == REDIS_REPLY_STRING)
				copy(x->status, sizeof(x->status), st->str);
			freeReplyObject(st);
			b->n_batches++;
		}
		freeReplyObject(p);
		freeReplyObject(sent);
	}
	freeReplyObject(ids);
	if (b->n_batches > 1)
		qsort(b->batches, b->n_batches, sizeof(*b->batches), by_batch);
	return r;
}

static int by_visit(const void *a, const void *b)
{
	const struct board_visit *x = a, *y = b;
	int c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if ((c = strcmp(x->campaign, y->campaign)))
		return c;
	if ((c = strcmp(x->team, y->team)))
		return c;
	return strcmp(x->uscc, y->uscc);
}

/* The board's campaigns and visits from the cache's parts seen. */
static void collect(const struct board_cache *cache, struct board *b)
{
	size_t nc = 0, nv = 0;
	for (size_t i = 0; i < cache->n; i++)
		if (cache->v[i].seen) {
			nc++;
			nv += cache->v[i].n_visits;
		}
	b->campaigns = calloc(nc + 1, sizeof(*b->campaigns));
	struct board_visit *all = calloc(nv + 1, sizeof(*all));
	if (!b->campaigns || !all) {
		free(all);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < cache->n; i++) {
		const struct board_cached *x = &cache->v[i];
		if (!x->seen)
			continue;
		b->campaigns[b->n_campaigns++] = x->c;
		for (size_t j = 0; all && j < x->n_visits; j++)
			all[k++] = x->visits[j];
	}
	qsort(all, k, sizeof(*all), by_visit);
	b->visits = all;
	b->n_visits = k;
}

int board_read(struct store *s, const struct calendar *cal, int32_t today,
	       const struct board_reading *how, struct board_cache *cache,
	       struct board *out)
{
	memset(out, 0, sizeof(*out));
	out->today = today;
	redisReply *pong = store_runv(s, "PING", NULL);
	int r = pong ? 0 : FAIL_LOST;
	freeReplyObject(pong);
	if (r == 0)
		r = read_group(s, KEY_INTAKE, "intake", &out->intake_group, out);
	if (r == 0)
		r = read_group(s, KEY_RESULTS, "results", &out->results_group,
			       out);
	if (r == 0)
		r = read_campaigns(s, cal, today, how, cache);
	if (r == 0)
		r = read_batches(s, out);
	if (r == 0)
		r = read_refusals(s, KEY_INTAKE_REJECTED, "intake", "id", cache,
				  out);
	if (r == 0)
		r = read_refusals(s, KEY_RESULTS_REJECTED, "results",
				  "campaign", cache, out);
	if (r == 0) {
		collect(cache, out);
		out->redis_up = true;
		return 0;
	}
	copy(out->redis_error, sizeof(out->redis_error), diag_reason(&s->err));
	return FAIL_LOST;
}
