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

int answer_refuse_drawn(struct worker *w, const struct answer *a,
			const struct campaign_record *rec,
			const struct drawn *x, const char *why)
{
	char seedhex[65], pophex[65], audit[200], from[11], to[11];
	char visit_window[24];
	struct audit_refs refs;
	struct record_texts rt;
	seed_hex(x->seed, 32, seedhex);
	seed_hex(rec->population_digest, 32, pophex);
	long chunks = rec->frozen ? 0 : answer_population_kept(w, pophex);
	if (!rec->frozen && chunks == 0)
		chunks = answer_keep_population(w, pophex, x->pop);
	if (chunks < 0)
		return ENTRY_LOST;
	struct tx t;
	tx_begin(&t, &w->store);
	if (plan_add_refusal_audit(w, &t, a->c->id, x->plan, &refs) < 0) {
		tx_discard(&t);
		snprintf(w->store.err, sizeof(w->store.err), "out of memory");
		return ENTRY_LOST;
	}
	key_name(audit, sizeof(audit), w->cfg, KEY_AUDIT, a->c->id, NULL);
	date_format(x->plan->window_from, from);
	date_format(x->plan->window_to, to);
	snprintf(visit_window, sizeof(visit_window), "%s..%s", from, to);
	char selected[24];
	snprintf(selected, sizeof(selected), "%zu", x->d->n_chosen);
	/* In the record and the public event alike. */
	const struct kv drawn[] = {
		KV("seed", seedhex),
		KV("entropy", a->c->entropy),
		KV("selected", selected),
		KV("visit_window", visit_window),
		KV("roster_digest", refs.roster_hex),
		KV("items_digest", refs.items_hex),
		KV("team_inputs_digest", refs.team_inputs_hex),
		KV("calendars", refs.calendars),
		KV("calendar_provisional", refs.provisional),
	};
	const size_t n_drawn = sizeof(drawn) / sizeof(*drawn);
	struct kv_list l, ev;
	answer_record_fields(&l, "rejected", a, rec, &rt);
	for (size_t i = 0; i < n_drawn; i++)
		kv_add(&l, drawn[i].name, drawn[i].value);
	kv_add(&l, "error", why);
	kv_add(&l, "refused_by", "teams");
	kv_add(&l, "audit", audit);
	if (!rec->frozen) { /* a frozen record has them already */
		kv_addn(&l, "policy_text", rec->policy->text, rec->policy->len);
		kv_addu(&l, "frozen_chunks", (unsigned long long)chunks);
	}
	tx_hset_list(&t, KEY_CAMPAIGN, a->c->id, &l);
	answer_refusal_begin(w, &t, a, why, &ev);
	kv_add(&ev, "department", a->c->department);
	kv_add(&ev, "items", rt.items);
	kv_add(&ev, "date", rt.date);
	kv_add(&ev, "population_digest", rt.population_digest);
	kv_add(&ev, "policy_digest", rt.policy_digest);
	for (size_t i = 0; i < n_drawn; i++)
		kv_add(&ev, drawn[i].name, drawn[i].value);
	kv_addu(&ev, "population", x->pop->n);
	tx_xadd_list(&t, KEY_PUBLIC, NULL, &ev);
	kv_finish(&l);
	kv_finish(&ev);
	tx_ack(&t, KEY_INTAKE, a->entry_id);
	return answer_commit(w, &t, "refuse after the draw");
}
