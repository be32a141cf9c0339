#include "inspect/store/campaign_view.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/seed.h"
#include "inspect/core/visit_items.h"
#include "inspect/store/grades.h"

static int by_uscc(const void *a, const void *b)
{
	return strcmp(((const struct campaign_row *)a)->uscc,
		      ((const struct campaign_row *)b)->uscc);
}

/* A hash reply as rows (uscc, value in .result), sorted. */
static struct campaign_row *rows_of(const redisReply *h, size_t *n)
{
	*n = h->type == REDIS_REPLY_ARRAY ? h->elements / 2 : 0;
	struct campaign_row *r = calloc(*n + 1, sizeof(*r));
	for (size_t i = 0; r && i < *n; i++)
		r[i] = (struct campaign_row){.uscc = h->element[2 * i]->str,
					     .result = h->element[2 * i + 1]};
	if (r)
		qsort(r, *n, sizeof(*r), by_uscc);
	return r;
}

static int view_read(struct store *s, const char *id,
		     struct campaign_view *v, bool refused_ok,
		     struct diag *err)
{
	char key[200];
	memset(v, 0, sizeof(*v));
	key_name(key, sizeof(key), s->cfg, KEY_CAMPAIGN, id, NULL);
	v->record = store_runv(s, "HGETALL", key, NULL);
	key_name(key, sizeof(key), s->cfg, KEY_VISITS, id, NULL);
	v->visits = v->record ? store_runv(s, "HGETALL", key, NULL) : NULL;
	key_name(key, sizeof(key), s->cfg, KEY_CAMPAIGN_RESULTS, id, NULL);
	v->results = v->visits ? store_runv(s, "HGETALL", key, NULL) : NULL;
	if (!v->results) {
		campaign_view_finish(v);
		return FAIL_LOST;
	}
	const char *status = campaign_view_field(v, "status");
	/* A campaign refused by its team draw has the record of a plan. */
	bool refused = refused_ok && status && !strcmp(status, "rejected") &&
		       campaign_view_field(v, "refused_by");
	if (!refused && (!status || strcmp(status, "published"))) {
		campaign_view_finish(v);
		return diag_add(err, "campaign %s is %s", id,
				status ? "not published" : "unknown");
	}
	size_t nr;
	struct campaign_row *res = rows_of(v->results, &nr);
	v->rows = rows_of(v->visits, &v->n);
	v->results_sorted = res;
	if (!res || !v->rows) {
		campaign_view_finish(v);
		return diag_add(err, "out of memory");
	}
	/* Both ascending: a visit's own result ("USCC") comes right before
	 * its partners' ("USCC@DEPARTMENT"); results of no visit are
	 * passed over. */
	size_t j = 0;
	for (size_t i = 0; i < v->n; i++) {
		struct campaign_row *row = &v->rows[i];
		row->visit = row->result; /* rows_of put the value there */
		row->result = NULL;
		while (j < nr && strncmp(res[j].uscc, row->uscc, USCC_LEN) < 0)
			j++;
		if (j < nr && !strcmp(res[j].uscc, row->uscc))
			row->result = res[j++].result;
		row->partners = &res[j];
		while (j < nr && !strncmp(res[j].uscc, row->uscc, USCC_LEN) &&
		       res[j].uscc[USCC_LEN] == '@')
			j++;
		row->n_partners = (size_t)(&res[j] - row->partners);
	}
	return 0;
}

const char *campaign_row_department(const struct campaign_row *partner)
{
	return partner->uscc + USCC_LEN + 1;
}

int campaign_view_read(struct store *s, const char *id,
		       struct campaign_view *v, struct diag *err)
{
	return view_read(s, id, v, false, err);
}

int campaign_view_read_audit(struct store *s, const char *id, struct campaign_view *v,
			     struct diag *err)
{
	return view_read(s, id, v, true, err);
}

const char *campaign_view_field(const struct campaign_view *v,
				const char *name)
{
	const redisReply *f = v->record ? reply_field(v->record, name) : NULL;
	return f && f->type == REDIS_REPLY_STRING ? f->str : NULL;
}

bool campaign_row_parse(const struct campaign_row *row,
			struct planned_visit *visit,
			struct result_record *result, bool *has_result)
{
	*has_result = row->result && row->result->type == REDIS_REPLY_STRING;
	return planned_visit_parse(row->visit->str, row->visit->len, visit) ==
		       0 &&
	       (!*has_result || result_record_parse(row->result->str,
						    row->result->len,
						    result) == 0);
}

void campaign_view_finish(struct campaign_view *v)
{
	freeReplyObject(v->record);
	freeReplyObject(v->visits);
	freeReplyObject(v->results);
	free(v->rows);
	free(v->results_sorted);
	memset(v, 0, sizeof(*v));
}

int campaign_view_deadlines(const struct campaign_view *v,
			    const struct deadline_day *on,
			    size_t counts[RESULT_STATUSES], deadline_each each,
			    void *ctx)
{
	struct planned_visit visit;
	struct result_record result;
	bool has;
	memset(counts, 0, RESULT_STATUSES * sizeof(*counts));
	for (size_t i = 0; i < v->n; i++) {
		if (!campaign_row_parse(&v->rows[i], &visit, &result, &has))
			return -1;
		if (visit.n_ids == 0) /* merged: its result is another's */
			continue;
		int32_t deadline;
		enum result_status st = result_status_of(
			on->cal, on->today, on->within, visit.date,
			has ? &result : NULL,
			&deadline);
		counts[st]++;
		if (each)
			each(&v->rows[i], &visit, st, deadline, ctx);
	}
	return 0;
}

int campaign_view_follow_ups(const struct campaign_view *v, int32_t today,
			     size_t *open, size_t *late, follow_up_each each,
			     void *ctx)
{
	*open = *late = 0;
	for (size_t k = 0; k < v->n; k++) {
		struct planned_visit pv;
		struct result_record rr;
		bool has;
		if (!campaign_row_parse(&v->rows[k], &pv, &rr, &has))
			return -1;
		enum follow_up_state st = has ? result_follow_up_state(&rr, today)
					      : FOLLOW_UP_NONE;
		*open += st != FOLLOW_UP_NONE;
		*late += st == FOLLOW_UP_LATE;
		if (st == FOLLOW_UP_LATE && each)
			each(&v->rows[k], &pv, &rr, ctx);
	}
	return 0;
}

int campaign_view_items(const struct campaign_view *v, struct campaign *c,
			uint32_t **mask, struct diag *err)
{
	uint8_t seed[32];
	const char *items = campaign_view_field(v, "items");
	const char *hex = campaign_view_field(v, "seed");
	*mask = NULL;
	memset(c, 0, sizeof(*c));
	if (!items || campaign_items_parse(items, c, err) < 0)
		return diag_add(err, "the record's items do not read");
	if (!campaign_has_shares(c))
		return 0;
	if (!hex || !seed_unhex(hex, seed))
		return diag_add(err, "the record has no seed to draw its "
				"visits' items from");
	*mask = calloc(v->n + 1, sizeof(**mask));
	if (!*mask || visit_items_draw(seed, c->item_share, c->n_items, v->n,
				       *mask) < 0) {
		free(*mask);
		*mask = NULL;
		return diag_add(err, "out of memory");
	}
	return 0;
}
