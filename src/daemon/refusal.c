/* A campaign its team draw refused (no team for some visit: a region
 * short of inspector-days, say) is refused after its entropy was used, so
 * the refusal is put on record like a plan: what the draw read is kept
 * and committed to by digest in the record and the public "rejected"
 * event, and its audit bundle (inspectctl export --bundle) re-runs the
 * refusal. The campaign's id is used up: a frozen campaign cannot be
 * drawn again with other entropy. */
#include <stdio.h>
#include <string.h>

#include "answer.h"
#include "inspect/core/date.h"

/* What the draw was made with, in the record and the public event alike:
 * the texts live in x until both are sent. */
struct drawn_texts {
	char seed[65], selected[24], visit_window[24];
	struct kv kv[9];
};

static void drawn_fields(const struct answer *a, const struct drawn *x,
			 const struct audit_refs *refs, struct drawn_texts *d)
{
	char from[11], to[11];
	seed_hex(x->seed, 32, d->seed);
	date_format(x->plan->window_from, from);
	date_format(x->plan->window_to, to);
	snprintf(d->visit_window, sizeof(d->visit_window), "%s..%s", from, to);
	snprintf(d->selected, sizeof(d->selected), "%zu", x->d->n_chosen);
	const struct kv kv[9] = {
		KV("seed", d->seed),
		KV("entropy", a->c->entropy),
		KV("selected", d->selected),
		KV("visit_window", d->visit_window),
		KV("roster_digest", refs->roster_hex),
		KV("items_digest", refs->items_hex),
		KV("team_inputs_digest", refs->team_inputs_hex),
		KV("calendars", refs->calendars),
		KV("calendar_provisional", refs->provisional),
	};
	memcpy(d->kv, kv, sizeof(kv));
}

/* The record, rejected, with what the draw read, and its audit key. */
static void refused_record(struct worker *w, struct tx *t,
			   const struct answer *a,
			   const struct campaign_record *rec,
			   const struct drawn_texts *d,
			   struct record_texts *rt)
{
	char audit[200];
	struct kv_list l;
	key_name(audit, sizeof(audit), w->cfg, KEY_AUDIT, a->c->id, NULL);
	answer_record_fields(&l, "rejected", a, rec, rt);
	kv_add_all(&l, d->kv, 9);
	kv_add(&l, "refused_by", "teams");
	kv_add(&l, "audit", audit);
	tx_hset_list(t, KEY_CAMPAIGN, a->c->id, &l);
	kv_finish(&l);
}

int answer_refuse_drawn(struct worker *w, const struct answer *a,
			const struct campaign_record *rec,
			const struct drawn *x, struct diag *reason)
{
	const char *why = diag_reason(reason);
	struct audit_refs refs;
	struct record_texts rt;
	struct drawn_texts d;
	if (answer_archive_population(w, rec, x->pop) < 0 ||
	    plan_archive_copies(w, x->plan, &refs) < 0)
		return FAIL_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	if (plan_add_refusal_audit(&t, a->c->id, x->plan, &refs) < 0) {
		tx_discard(&t);
		diag_set(&w->store.err, "what the draw read could not be kept: "
			 "out of memory");
		return FAIL_LOST;
	}
	drawn_fields(a, x, &refs, &d);
	refused_record(w, &t, a, rec, &d, &rt);
	struct kv_list extra, ev;
	kv_init(&extra);
	kv_add(&extra, "error", why);
	if (!rec->frozen) /* a frozen record has it already */
		kv_addn(&extra, "policy_text", rec->policy->text,
			rec->policy->len);
	tx_hset_list(&t, KEY_CAMPAIGN, a->c->id, &extra);
	kv_finish(&extra);
	answer_refusal_begin(w, &t, a, why, &ev);
	kv_add(&ev, "department", a->c->department);
	kv_add(&ev, "items", rt.items);
	kv_add(&ev, "date", rt.date);
	kv_add(&ev, "population_digest", rt.population_digest);
	kv_add(&ev, "policy_digest", rt.policy_digest);
	kv_add_all(&ev, d.kv, 9);
	kv_addu(&ev, "population", x->pop->n);
	tx_xadd_list(&t, KEY_PUBLIC, NULL, &ev);
	kv_finish(&ev);
	tx_ack(&t, KEY_INTAKE, a->entry_id);
	return answer_commit(w, &t, "refuse after the draw");
}
