/* Pledge verification planned each day, and again after each import
 * (pledges.h): the approvals not yet planned become pledge campaigns,
 * each an intake entry inspectd sends itself. The entries, the approvals
 * each verifies (<p>pledged:<id>), their removal from
 * <p>approvals:pending and the day's mark go in one transaction under a
 * WATCH of the pending approvals, the mark and the day's run count: each
 * approval is planned once, whatever is killed when; the entries are then
 * drawn and published as any campaign is, exactly once. A refused pledge
 * campaign's approvals are pending again, in the refusal's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/number.h"
#include "inspect/shell/log.h"
#include "inspect/store/approvals.h"
#include "inspect/store/ops.h"
#include "answer.h"
#include "worker.h"

static bool any_pledge_item(const struct item_list *items)
{
	for (size_t i = 0; i < items->n; i++)
		if (items->v[i].pledge.on)
			return true;
	return false;
}

/* The intake entry of one batch. */
static void add_entry(struct tx *t, const struct pledge_batch *b,
		      int32_t today)
{
	char date[11], from[11], to[11], window[24], entropy[48];
	date_format(today, date);
	date_format(today + 1, from);
	date_format(b->window_end, to);
	snprintf(window, sizeof(window), "%s..%s", from, to);
	pledge_entropy(today, entropy, sizeof(entropy));
	const struct kv entry[] = {
		KV("type", "campaign"),
		KV("id", b->id),
		KV("department", b->item->department),
		KV("policy", PLEDGE_POLICY),
		KV("items", b->item->code),
		KV("date", date),
		KV("window", window),
		KV("entropy", entropy),
	};
	tx_xadd(t, KEY_INTAKE, NULL, entry, sizeof(entry) / sizeof(*entry));
}

/* Approvals as the fields of an HSET (number -> value) and their
 * numbers, for a transaction. Out of memory, values.failed is set: the
 * transaction then fails, and nothing is lost. */
struct approval_fields {
	struct kv_list values;
	char (*v)[160];
	const char **numbers;
};

static void fields_of(const struct approval *a, size_t n,
		      struct approval_fields *f)
{
	kv_init(&f->values);
	f->v = calloc(n + 1, sizeof(*f->v));
	f->numbers = calloc(n + 1, sizeof(*f->numbers));
	for (size_t i = 0; f->v && f->numbers && i < n; i++) {
		approval_value(&a[i], f->v[i], sizeof(f->v[i]));
		kv_add(&f->values, a[i].number, f->v[i]);
		f->numbers[i] = a[i].number;
	}
	if (!f->v || !f->numbers)
		f->values.failed = true;
}

static void fields_finish(struct approval_fields *f)
{
	kv_finish(&f->values);
	free(f->v);
	free(f->numbers);
}

/* One batch's approvals: what it verifies, and where each went. */
static void add_batch(struct tx *t, const struct pledge_plan *p,
		      const struct pledge_batch *b)
{
	struct approval_fields f;
	struct kv_list ids;
	fields_of(&p->approvals.v[b->first], b->n, &f);
	kv_init(&ids);
	for (size_t i = 0; i < b->n; i++)
		kv_add(&ids, p->approvals.v[b->first + i].number, b->id);
	tx_hset_list(t, KEY_PLEDGED, b->id, &f.values);
	tx_hset_list(t, KEY_APPROVALS_CAMPAIGN, NULL, &ids);
	if (f.numbers)
		tx_hdel(t, KEY_APPROVALS_PENDING, NULL, f.numbers, b->n);
	kv_finish(&ids);
	fields_finish(&f);
}

/* The plan of run `run` of today, or of a later run if a campaign record
 * holds one of its ids already (an entry in a pledge campaign's place,
 * made by the rule: campaign_check), each id's record WATCHed. 0,
 * FAIL_INVALID (no plan), FAIL_LOST. */
static int plan_free_ids(struct worker *w, const struct approval_list *l,
			 unsigned run, struct pledge_plan *plan)
{
	static const char *const status[] = {"status"};
	for (;; run++) {
		if (pledge_plan_make(l->v, l->n, &w->cat->items,
				     &w->cat->calendar, w->today, run,
				     plan) < 0)
			return FAIL_INVALID;
		bool taken = false;
		for (size_t i = 0; !taken && i < plan->n_batches; i++) {
			const char *id = plan->batches[i].id;
			redisReply *r = store_watch(&w->store, KEY_CAMPAIGN,
						    id) == 0
					    ? store_hmget(&w->store,
							  KEY_CAMPAIGN, id,
							  status, 1)
					    : NULL;
			if (!r) {
				pledge_plan_finish(plan);
				return FAIL_LOST;
			}
			taken = reply_str(r, 0) != NULL;
			freeReplyObject(r);
		}
		if (!taken)
			return 0;
		pledge_plan_finish(plan);
	}
}

/* Plans today's campaigns, unless <p>pledges:day says they were planned
 * (an import removes it): 1 planned or done before, 0 on a conflict (an
 * import meanwhile: tried again at the next step), or FAIL_LOST. */
static int plan_today(struct worker *w)
{
	char today[11];
	date_format(w->today, today);
	const enum key_kind watched[] = {KEY_PLEDGES_DAY, KEY_PLEDGES_RUNS,
					 KEY_APPROVALS_PENDING};
	for (size_t i = 0; i < 3; i++)
		if (store_watch(&w->store, watched[i], NULL) < 0)
			return FAIL_LOST;
	redisReply *day = store_get(&w->store, KEY_PLEDGES_DAY, NULL);
	redisReply *runs = day ? store_hget(&w->store, KEY_PLEDGES_RUNS, NULL,
					    today)
			       : NULL;
	if (!runs) {
		freeReplyObject(day);
		return FAIL_LOST;
	}
	bool done = day->type == REDIS_REPLY_STRING && !strcmp(day->str, today);
	/* Campaign ids are unique: each run of a day that plans any has a
	 * number of its own. A count that does not read plans nothing (the
	 * day is marked, and the error logged, below). */
	unsigned long long before = 0;
	bool counted = runs->type == REDIS_REPLY_NIL ||
		       (runs->type == REDIS_REPLY_STRING &&
			number_parse_str(runs->str, PLEDGE_MAX_RUNS, &before));
	unsigned run = counted ? 1 + (unsigned)before : PLEDGE_MAX_RUNS + 1;
	freeReplyObject(day);
	freeReplyObject(runs);
	if (done)
		return store_unwatch(&w->store) == FAIL_LOST ? FAIL_LOST : 1;
	struct approval_list pending = {0};
	struct pledge_plan plan;
	struct diag err;
	size_t bad = 0;
	diag_init(&err);
	if (approvals_read(&w->store, KEY_APPROVALS_PENDING, NULL,
			   &w->cat->items, &pending, &bad, &err) < 0) {
		approval_list_finish(&pending);
		return FAIL_LOST;
	}
	if (bad)
		log_warn("approvals pending that do not read (an item no "
			 "longer a pledge item?): left pending",
			 "count=%zu reason=%s", bad,
			 log_quote(diag_reason(&err)));
	int r = plan_free_ids(w, &pending, run, &plan);
	approval_list_finish(&pending);
	if (r == FAIL_LOST)
		return FAIL_LOST;
	if (r < 0) /* the day is marked: tried again after an import */
		log_error("pledge verification not planned: out of memory, or "
			  "no run of the day left (pledges:runs)", "day=%s "
			  "run=%u", today, run);
	struct tx t;
	tx_begin(&t, &w->store);
	for (size_t i = 0; i < plan.n_batches; i++) {
		add_entry(&t, &plan.batches[i], w->today);
		add_batch(&t, &plan, &plan.batches[i]);
	}
	char used[16];
	snprintf(used, sizeof(used), "%u", plan.run);
	const struct kv last_run[] = {KV(today, used)};
	if (plan.n_batches) /* the run the ids took: the next is after it */
		tx_hset(&t, KEY_PLEDGES_RUNS, NULL, last_run, 1);
	tx_set(&t, KEY_PLEDGES_DAY, NULL, today, strlen(today));
	r = answer_commit(w, &t, "plan pledge verification");
	if (r == 0 && (plan.n_batches || plan.waiting))
		log_info("pledge verification planned", "day=%s campaigns=%zu "
			 "approvals=%zu waiting=%zu", today, plan.n_batches,
			 plan.approvals.n, plan.waiting);
	pledge_plan_finish(&plan);
	return r == 0 ? 1 : r == FAIL_CONFLICT ? 0 : r;
}

int pledges_of_refused(struct worker *w, struct answer *a,
		       struct approval_list *l)
{
	struct diag err;
	size_t bad;
	memset(l, 0, sizeof(*l));
	a->requeue = NULL;
	if (strcmp(a->c->policy, PLEDGE_POLICY) || !a->id_unused)
		return 0;
	diag_init(&err);
	if (approvals_read(&w->store, KEY_PLEDGED, a->c->id, &w->cat->items,
			   l, &bad, &err) < 0)
		return FAIL_LOST;
	a->requeue = l;
	return 0;
}

void pledges_requeue(struct tx *t, const struct answer *a)
{
	const struct approval_list *l = a->requeue;
	if (!l || !l->n)
		return;
	struct approval_fields f;
	fields_of(l->v, l->n, &f);
	tx_hset_list(t, KEY_APPROVALS_PENDING, NULL, &f.values);
	if (f.numbers)
		tx_hdel(t, KEY_APPROVALS_CAMPAIGN, NULL, f.numbers, l->n);
	fields_finish(&f);
}

int pledges_step(struct worker *w)
{
	if (!any_pledge_item(&w->cat->items))
		return 0;
	int r = plan_today(w);
	return r < 0 ? r : 0;
}
