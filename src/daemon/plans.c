/* Annual plans (plan.h): on each batch's freeze day, inspectd sends the
 * batch's intake entry itself, a two-phase campaign that freezes its
 * population and publishes its digest, and draws when the batch's entropy
 * is given (inspectctl submit --entropy-for). Once a day, and again after
 * each filing (which removes <p>plans:day): in one transaction, WATCHing
 * the day's mark and each plan's sent batches, the entries of the batches
 * due and not sent yet, their marks, and the day's. So each batch is sent
 * once, whatever is killed when; its entry is then answered as any is. A
 * batch whose day passed while no daemon ran is sent late, on the next
 * day one runs (its window may then be refused, on record). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/plan.h"
#include "inspect/shell/log.h"
#include "inspect/store/ops.h"
#include "answer.h"
#include "worker.h"

static int by_str(const void *a, const void *b)
{
	return strcmp((*(redisReply *const *)a)->str,
		      (*(redisReply *const *)b)->str);
}

/* A filed plan as read under WATCH: the document parsed, and which of
 * its batches were sent. */
struct filed {
	const char *id;
	struct plan p;
	bool readable;
	redisReply *sent;
};

/* Reads plan id's document and sent batches, its sent marks WATCHed. A
 * plan whose document does not read is logged: none of its batches is
 * sent. Returns 0 or FAIL_LOST. */
static int filed_read(struct worker *w, const char *id, struct filed *f)
{
	static const char *const text[] = {"text"};
	memset(f, 0, sizeof(*f));
	f->id = id;
	if (store_watch(&w->store, KEY_PLAN_BATCHES, id) < 0)
		return FAIL_LOST;
	redisReply *doc = store_hmget(&w->store, KEY_PLAN, id, text, 1);
	f->sent = doc ? store_hgetall(&w->store, KEY_PLAN_BATCHES, id) : NULL;
	if (!f->sent) {
		freeReplyObject(doc);
		return FAIL_LOST;
	}
	struct diag err;
	diag_init(&err);
	const redisReply *d = doc->element[0];
	f->readable = d->type == REDIS_REPLY_STRING &&
		      plan_parse(id, d->str, d->len, &f->p, &err) == 0;
	if (!f->readable)
		log_error("a filed plan does not read: none of its batches is "
			  "sent", "plan=%s reason=%s", id,
			  log_quote(diag_reason(&err)));
	freeReplyObject(doc);
	return 0;
}

/* Adds to t the entries and marks of f's batches due today and not sent.
 * Returns how many. */
static long filed_due(struct worker *w, const struct filed *f, struct tx *t,
		      const char *day)
{
	long n = 0;
	for (unsigned k = 0; f->readable && k < f->p.n_tasks; k++)
		for (unsigned b = 0; b < f->p.tasks[k].n_batches; b++) {
			const struct plan_task *task = &f->p.tasks[k];
			const struct plan_batch *batch = &task->batches[b];
			if (batch->freeze > w->today ||
			    reply_field(f->sent, batch->id))
				continue;
			struct plan_entry e;
			struct kv fields[16];
			plan_batch_entry(&f->p, task, batch, &e);
			for (size_t i = 0; i < e.n; i++)
				fields[i] = (struct kv){e.f[i].name,
							e.f[i].value,
							e.f[i].value_len, 0};
			tx_xadd(t, KEY_INTAKE, NULL, fields, e.n);
			const struct kv mark[] = {KV(batch->id, day)};
			tx_hset(t, KEY_PLAN_BATCHES, f->id, mark, 1);
			n++;
		}
	return n;
}

int plans_step(struct worker *w)
{
	char today[11];
	date_format(w->today, today);
	if (store_watch(&w->store, KEY_PLANS_DAY, NULL) < 0)
		return FAIL_LOST;
	redisReply *mark = store_get(&w->store, KEY_PLANS_DAY, NULL);
	redisReply *ids = mark ? store_smembers(&w->store, KEY_PLANS) : NULL;
	if (!ids) {
		freeReplyObject(mark);
		return FAIL_LOST;
	}
	bool done = mark->type == REDIS_REPLY_STRING && !strcmp(mark->str, today);
	freeReplyObject(mark);
	size_t n = ids->type == REDIS_REPLY_ARRAY ? ids->elements : 0;
	struct filed *f = done ? NULL : calloc(n + 1, sizeof(*f));
	if (!f) {
		freeReplyObject(ids);
		if (!done)
			log_error("plan batches not sent: out of memory", "%s",
				  "");
		return store_unwatch(&w->store) == FAIL_LOST ? FAIL_LOST : 0;
	}
	if (n > 1) /* an empty array's element is NULL */
		qsort(ids->element, n, sizeof(*ids->element), by_str);
	int r = 0;
	size_t read = 0;
	while (r == 0 && read < n)
		if ((r = filed_read(w, ids->element[read]->str, &f[read])) == 0)
			read++;
	long sent = 0;
	if (r == 0) { /* all read under WATCH: now the transaction */
		struct tx t;
		tx_begin(&t, &w->store);
		for (size_t i = 0; i < n; i++)
			sent += filed_due(w, &f[i], &t, today);
		tx_set(&t, KEY_PLANS_DAY, NULL, today, strlen(today));
		r = answer_commit(w, &t, "send plan batches");
	}
	for (size_t i = 0; i < read; i++) {
		if (f[i].readable)
			plan_finish(&f[i].p);
		freeReplyObject(f[i].sent);
	}
	free(f);
	freeReplyObject(ids);
	if (r == 0 && sent)
		log_info("plan batches sent", "day=%s campaigns=%ld", today,
			 sent);
	return r == FAIL_CONFLICT ? 0 : r;
}
