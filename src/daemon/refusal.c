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
	char rkey[160], items[2200], window[32], buf[3][72], seedhex[65];
	char pophex[65], audit[200], from[11], to[11], visit_window[24];
	char pub[128];
	struct audit_refs refs;
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
	key_name(rkey, sizeof(rkey), w->cfg, KEY_CAMPAIGN, a->c->id, NULL);
	key_name(audit, sizeof(audit), w->cfg, KEY_AUDIT, a->c->id, NULL);
	date_format(x->plan->window_from, from);
	date_format(x->plan->window_to, to);
	snprintf(visit_window, sizeof(visit_window), "%s..%s", from, to);
	char selected[24];
	snprintf(selected, sizeof(selected), "%zu", x->d->n_chosen);
	/* In the record and the public event alike. */
	const char *kv[][2] = {
		{"seed", seedhex},
		{"entropy", a->c->entropy},
		{"selected", selected},
		{"visit_window", visit_window},
		{"roster_digest", refs.roster_hex},
		{"items_digest", refs.items_hex},
		{"team_inputs_digest", refs.team_inputs_hex},
		{"calendars", refs.calendars},
		{"calendar_provisional", refs.provisional},
	};
	const size_t n_kv = sizeof(kv) / sizeof(*kv);
	answer_record_fields(&t, rkey, "rejected", a, rec, items, window, buf);
	for (size_t i = 0; i < n_kv; i++) {
		args_add(&t.a, kv[i][0]);
		args_add(&t.a, kv[i][1]);
	}
	args_add(&t.a, "error");
	args_add(&t.a, why);
	args_add(&t.a, "refused_by");
	args_add(&t.a, "teams");
	args_add(&t.a, "audit");
	args_add(&t.a, audit);
	if (!rec->frozen) { /* a frozen record has them already */
		args_add(&t.a, "policy_text");
		args_addn(&t.a, rec->policy->text, rec->policy->len);
		args_add(&t.a, "frozen_chunks");
		args_addu(&t.a, (unsigned long long)chunks);
	}
	tx_send(&t);
	answer_refusal_begin(w, &t, a, why, pub);
	const char *pub_kv[][2] = {
		{"department", a->c->department},
		{"items", items},
		{"date", buf[2]},
		{"population_digest", buf[1]},
		{"policy_digest", buf[0]},
	};
	for (size_t i = 0; i < sizeof(pub_kv) / sizeof(*pub_kv); i++) {
		args_add(&t.a, pub_kv[i][0]);
		args_add(&t.a, pub_kv[i][1]);
	}
	for (size_t i = 0; i < n_kv; i++) {
		args_add(&t.a, kv[i][0]);
		args_add(&t.a, kv[i][1]);
	}
	args_add(&t.a, "population");
	args_addu(&t.a, x->pop->n);
	tx_send(&t);
	answer_ack(w, &t, KEY_INTAKE, a->entry_id);
	return answer_commit(w, &t, "refuse after the draw");
}
