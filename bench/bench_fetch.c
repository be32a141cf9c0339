/* Population fetch from Redis: inspectd's reader (grades_read: fetch and
 * parse, then order, then merge recorded inspections) against the Redis
 * limit, a minimal reader that pipelines HGETALL over the same keys and
 * only counts the fields. Alternates them ROUNDS times.
 * usage: bench_fetch PORT [ROUNDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/shell/clock.h"
#include "inspect/store/grades.h"

static void append_round(redisContext *c, uint64_t gen, uint32_t first,
			 uint32_t last)
{
	for (uint32_t b = first; b < last; b++)
		redisAppendCommand(c, "HGETALL credit:idx:%llu:%u",
				   (unsigned long long)gen, b);
}

/* One round of 512 in flight ahead of the one being read, as inspectd's
 * reader does, so that Redis never waits for this side. */
static double raw_read(redisContext *c, uint64_t gen, uint32_t buckets,
		       size_t *entities)
{
	double t0 = clock_seconds();
	size_t n = 0;
	append_round(c, gen, 0, buckets < 512 ? buckets : 512);
	for (uint32_t first = 0; first < buckets; first += 512) {
		uint32_t last = first + 512 < buckets ? first + 512 : buckets;
		uint32_t next = last + 512 < buckets ? last + 512 : buckets;
		append_round(c, gen, last, next);
		for (uint32_t b = first; b < last; b++) {
			redisReply *r;
			if (redisGetReply(c, (void **)&r) != REDIS_OK)
				exit(1);
			n += r->elements / 2;
			freeReplyObject(r);
		}
	}
	*entities = n;
	return clock_seconds() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_fetch PORT [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	struct config cfg;
	struct store s;
	config_defaults(&cfg);
	cfg.redis.port = atoi(argv[1]);
	cfg.redis.command_timeout_ms = 600000;
	if (store_connect(&s, &cfg) < 0) {
		fprintf(stderr, "%s\n", diag_reason(&s.err));
		return 1;
	}
	/* The minimal reader speaks hiredis on a connection of its own. */
	redisContext *c = redisConnect("127.0.0.1", cfg.redis.port);
	if (!c || c->err) {
		fprintf(stderr, "connect: %s\n", c ? c->errstr : "no memory");
		return 1;
	}
	redisReply *m = redisCommand(c, "HMGET credit:meta generation buckets");
	uint64_t gen = strtoull(m->element[0]->str, NULL, 10);
	uint32_t buckets = (uint32_t)strtoul(m->element[1]->str, NULL, 10);
	freeReplyObject(m);
	for (int k = 0; k < rounds; k++) {
		size_t n = 0;
		double raw = raw_read(c, gen, buckets, &n);
		struct population p;
		struct grades_timing t;
		struct diag err;
		uint64_t g;
		diag_init(&err);
		if (grades_read(&s, &p, &g, &t, &err) < 0) {
			fputs(diag_text(&err), stderr);
			return 1;
		}
		printf("entities %zu raw_s %.3f raw_per_s %.0f fetch_s %.3f "
		       "fetch_per_s %.0f ratio %.2f order_s %.3f merge_s %.3f\n",
		       n, raw, n / raw, t.fetch, p.n / t.fetch, raw / t.fetch,
		       t.order, t.merge);
		population_finish(&p);
	}
	store_close(&s);
	redisFree(c);
	return 0;
}
