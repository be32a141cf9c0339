#include "inspect/store/history.h"

#include <string.h>

#include "inspect/core/date.h"
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
		visits_add(&vr->p->visits, f->str, day, v->str + 11,
			   v->len - 11, &why);
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
