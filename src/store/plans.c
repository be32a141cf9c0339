/* Filing an annual plan (plans.h). */
#include "inspect/store/plans.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"
#include "inspect/store/tx.h"

int plans_file(struct store *s, const struct plan *p, const char *text,
	       size_t len, int32_t today, struct diag *why)
{
	static const char *const filed[] = {"filed"};
	if (store_watch(s, KEY_PLAN, p->id) < 0)
		return FAIL_LOST;
	redisReply *r = store_hmget(s, KEY_PLAN, p->id, filed, 1);
	if (!r)
		return FAIL_LOST;
	if (reply_str(r, 0)) {
		diag_add(why, "plan %s was filed on %s: a filed plan is public "
			 "and stays as it is (file a change as a plan of its "
			 "own id)", p->id, reply_str(r, 0));
		freeReplyObject(r);
		store_unwatch(s);
		return FAIL_REFUSED;
	}
	freeReplyObject(r);
	uint8_t d[32];
	char hex[65], canonical[65], day[11], year[8], tasks[16], batches[16];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, text, len);
	sha256_final(&h, d);
	seed_hex(d, 32, hex);
	plan_digest_hex(p, canonical);
	date_format(today, day);
	snprintf(year, sizeof(year), "%d", p->year);
	unsigned n = 0;
	for (unsigned t = 0; t < p->n_tasks; t++)
		n += p->tasks[t].n_batches;
	snprintf(tasks, sizeof(tasks), "%u", p->n_tasks);
	snprintf(batches, sizeof(batches), "%u", n);
	const struct kv rec[] = {
		KV("department", p->department), KV("year", year),
		KV("title", p->title),           KV("filed", day),
		KV("digest", hex),               KV("plan_digest", canonical),
		KVN("text", text, len),
	};
	const struct kv event[] = {
		KV("type", "plan_filed"), KV("plan", p->id),
		KV("department", p->department), KV("year", year),
		KV("title", p->title), KV("tasks", tasks),
		KV("batches", batches), KV("digest", hex),
		KV("plan_digest", canonical),
	};
	struct tx t;
	tx_begin(&t, s);
	tx_hset(&t, KEY_PLAN, p->id, rec, sizeof(rec) / sizeof(*rec));
	tx_sadd(&t, KEY_PLANS, p->id);
	tx_del(&t, KEY_PLANS_DAY, NULL);
	tx_xadd(&t, KEY_PUBLIC, NULL, event, sizeof(event) / sizeof(*event));
	return tx_commit(&t);
}
