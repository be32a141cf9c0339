#include "inspect/store/approvals.h"

#include <stdio.h>
#include <string.h>

#include "inspect/store/ops.h"
#include "inspect/store/tx.h"

/* The values recorded for l->v[from .. from + n), by HMGET. NULL: lost. */
static redisReply *recorded(struct store *s, const struct approval_list *l,
			    size_t from, size_t n)
{
	const char *numbers[APPROVALS_BATCH];
	for (size_t i = 0; i < n; i++)
		numbers[i] = l->v[from + i].number;
	return store_hmget(s, KEY_APPROVALS, NULL, numbers, n);
}

/* Compares a batch with what is recorded: conflicts listed in err; new
 * ones marked in fresh. */
static void compare(const struct approval_list *l, size_t from, size_t n,
		    const redisReply *r, bool *fresh, struct diag *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct approval *a = &l->v[from + i];
		const char *old = reply_str(r, i);
		char v[160];
		approval_value(a, v, sizeof(v));
		fresh[i] = old == NULL;
		if (old && strcmp(old, v))
			diag_add(err, "approval %s: recorded before as %.100s, "
				 "now %s", a->number, old, v);
	}
}

/* One batch written: WATCH, read, compare, MULTI of the new ones. */
static long write_batch(struct store *s, const struct approval_list *l,
			size_t from, size_t n, struct diag *err)
{
	bool fresh[APPROVALS_BATCH];
	char values[APPROVALS_BATCH][160];
	struct kv f[APPROVALS_BATCH];
	for (;;) {
		if (store_watch(s, KEY_APPROVALS, NULL) < 0)
			return FAIL_LOST;
		redisReply *r = recorded(s, l, from, n);
		if (!r)
			return FAIL_LOST;
		unsigned errors = err->count;
		compare(l, from, n, r, fresh, err);
		freeReplyObject(r);
		if (err->count != errors) {
			store_unwatch(s);
			return FAIL_INVALID;
		}
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (!fresh[i])
				continue;
			approval_value(&l->v[from + i], values[m],
				       sizeof(values[m]));
			f[m] = (struct kv)KV(l->v[from + i].number, values[m]);
			m++;
		}
		if (m == 0) {
			store_unwatch(s);
			return 0;
		}
		struct tx t;
		tx_begin(&t, s);
		tx_hset(&t, KEY_APPROVALS, NULL, f, m);
		tx_hset(&t, KEY_APPROVALS_PENDING, NULL, f, m);
		/* The day's planning runs again, for these. */
		tx_del(&t, KEY_PLEDGES_DAY, NULL);
		int rc = tx_commit(&t);
		if (rc == 0)
			return (long)m;
		if (rc != FAIL_CONFLICT) {
			if (rc == FAIL_REFUSED)
				diag_add(err, "%s", diag_reason(&t.why));
			return rc == FAIL_LOST ? FAIL_LOST : FAIL_INVALID;
		}
	}
}

long approvals_record(struct store *s, const struct approval_list *l,
		      struct diag *err)
{
	/* Every conflict is found before anything is written. */
	unsigned errors = err->count;
	for (size_t from = 0; from < l->n; from += APPROVALS_BATCH) {
		size_t n = l->n - from < APPROVALS_BATCH ? l->n - from
							 : APPROVALS_BATCH;
		bool fresh[APPROVALS_BATCH];
		redisReply *r = recorded(s, l, from, n);
		if (!r)
			return FAIL_LOST;
		compare(l, from, n, r, fresh, err);
		freeReplyObject(r);
	}
	if (err->count != errors)
		return FAIL_INVALID;
	long total = 0;
	for (size_t from = 0; from < l->n; from += APPROVALS_BATCH) {
		size_t n = l->n - from < APPROVALS_BATCH ? l->n - from
							 : APPROVALS_BATCH;
		long m = write_batch(s, l, from, n, err);
		if (m < 0)
			return m;
		total += m;
	}
	return total;
}

int approvals_read(struct store *s, enum key_kind k, const char *arg,
		   const struct item_list *items, struct approval_list *ret,
		   size_t *ret_bad, struct diag *err)
{
	redisReply *r = store_hgetall(s, k, arg);
	if (!r)
		return FAIL_LOST;
	*ret_bad = 0;
	for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2) {
		const redisReply *f = r->element[i], *v = r->element[i + 1];
		struct approval a;
		struct diag why;
		diag_init(&why);
		/* A NUL in a name or value would make it another approval
		 * (the number is used as a C string): none reads. */
		if (f->type != REDIS_REPLY_STRING ||
		    v->type != REDIS_REPLY_STRING ||
		    strlen(f->str) != f->len || strlen(v->str) != v->len ||
		    approval_from_value(f->str, v->str, v->len, items, &a,
					&why) < 0 ||
		    approval_list_add(ret, &a) < 0) {
			if ((*ret_bad)++ < 5)
				diag_add(err, "approval %.64s: %s",
					 f->type == REDIS_REPLY_STRING ? f->str
								       : "?",
					 why.count ? diag_reason(&why)
						   : "not text, or out of memory");
		}
	}
	freeReplyObject(r);
	return 0;
}
