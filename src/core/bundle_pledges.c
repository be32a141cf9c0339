/* A pledge campaign's audit bundle, checked against the rules that made
 * it (docs/ALGORITHM.md, "Pledge verification"): nothing of a pledge
 * campaign is chosen, so everything the draw was given follows from its
 * approvals, the item list and the calendars. */
#include <stdio.h>
#include <string.h>

#include "inspect/core/bundle.h"
#include "inspect/core/date.h"
#include "inspect/core/pledges.h"
#include "inspect/core/population.h"
#include "inspect/core/team_inputs.h"

/* The campaign's one item, a pledge item of the bundle's item list. */
static const struct item *pledge_item(const struct bundle *b,
				      const struct item_list *items,
				      const struct team_inputs *ti,
				      struct diag *err)
{
	if (!b->approvals.s || !b->items.s) {
		diag_add(err, "%s: a pledge campaign's bundle has "
			 "approvals.csv, items.yaml and a policy named "
			 PLEDGE_POLICY, b->approvals.s ? "policy.yaml"
						       : "approvals.csv");
		return NULL;
	}
	const struct item *it =
	    ti->n_items == 1 ? item_find(items, ti->items[0]) : NULL;
	if (!it || !it->pledge.on)
		diag_add(err, "teams.txt: a pledge campaign has one item line, "
			 "of a pledge item of items.yaml");
	return it && it->pledge.on ? it : NULL;
}

/* approvals.csv: parses, of the item, in its order, written as the rule
 * writes it. */
static int check_list(const struct bundle *b, const struct item *it,
		      const struct item_list *items, struct approval_list *l,
		      struct diag *err)
{
	if (approvals_parse_csv("approvals.csv", b->approvals.s,
				b->approvals.len, items, l, err) < 0)
		return FAIL_INVALID;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].item, it->code))
			return diag_add(err, "approvals.csv: approval %s is of "
					"item %s, the campaign's is %s",
					l->v[i].number, l->v[i].item, it->code);
	struct strbuf again = {0};
	approval_list_sort(l);
	approvals_format(l, &again);
	bool same = !again.failed && again.len == b->approvals.len &&
		    !memcmp(again.s, b->approvals.s, again.len);
	sb_finish(&again);
	return same ? 0 : diag_add(err, "approvals.csv: not one line per "
				   "approval ascending by uscc, then number");
}

/* The policy document, the entropy and the id the rules give. */
static int check_rules(const struct bundle *b, const struct item *it,
		       const struct team_inputs *ti, struct diag *err)
{
	struct strbuf doc = {0};
	pledge_policy_text(it, &doc);
	bool same = !doc.failed && doc.len == b->policy_yaml.len &&
		    !memcmp(doc.s, b->policy_yaml.s, doc.len);
	sb_finish(&doc);
	if (!same)
		return diag_add(err, "policy.yaml: not the pledge policy of "
				"item %s", it->code);
	char entropy[64];
	pledge_entropy(b->m.date, entropy, sizeof(entropy));
	if (strcmp(entropy, b->m.entropy))
		return diag_add(err, "MANIFEST: the entropy of a pledge "
				"campaign is '%s'", entropy);
	if (!pledge_id_run(b->m.campaign, b->m.date, ti->window_to,
			   it->code))
		return diag_add(err, "MANIFEST: campaign %s is not the id the "
				"rule gives (PV-<date>-<window end>-<run>-%s)",
				b->m.campaign, it->code);
	if (ti->window_from != b->m.date + 1)
		return diag_add(err, "teams.txt: a pledge campaign's window "
				"starts the day after its date");
	return 0;
}

/* Every entity an approval's; every approval's window end the window's
 * last day, by the bundle's calendars. */
static int check_entities_and_window(const struct bundle *b,
				     const struct item *it,
				     const struct approval_list *l,
				     const struct population *pop,
				     const struct team_inputs *ti,
				     struct diag *err)
{
	size_t j = 0;
	for (size_t i = 0; i < pop->n; i++) {
		while (j < l->n && memcmp(l->v[j].uscc, pop->v[i].uscc,
					  USCC_LEN) < 0)
			j++;
		if (j == l->n ||
		    memcmp(l->v[j].uscc, pop->v[i].uscc, USCC_LEN))
			return diag_add(err, "population.csv: %.18s is no "
					"approval's entity", pop->v[i].uscc);
	}
	struct calendar cal = {0};
	int rc = 0;
	for (unsigned i = 0; rc == 0 && i < b->n_calendars; i++)
		rc = calendar_add_year(&cal, b->calendar_names[i],
				       b->calendars[i].s, b->calendars[i].len,
				       err);
	for (size_t i = 0; rc == 0 && i < l->n; i++) {
		if (l->v[i].date > b->m.date) {
			rc = diag_add(err, "approvals.csv: %s is dated after the "
				      "campaign's date", l->v[i].number);
			break;
		}
		int32_t end = pledge_window_end(&cal, it, l->v[i].date,
						b->m.date);
		char want[11], got[24] = "beyond the calendars";
		date_format(ti->window_to, want);
		if (end != DATE_NONE)
			date_format(end, got);
		if (end != ti->window_to)
			rc = diag_add(err, "approvals.csv: %s's window end is "
				      "%s, teams.txt's window ends %s",
				      l->v[i].number, got, want);
	}
	calendar_finish(&cal);
	return rc;
}

int bundle_check_pledges(const struct bundle *b, const struct population *pop,
			 const struct team_inputs *ti, struct diag *err)
{
	struct item_list items = {0};
	struct approval_list l = {0};
	if (b->items.s && item_list_parse("items.yaml", b->items.s,
					  b->items.len, &items, err) < 0)
		return FAIL_INVALID;
	const struct item *it = pledge_item(b, &items, ti, err);
	int rc = it ? check_list(b, it, &items, &l, err) : FAIL_INVALID;
	if (rc == 0)
		rc = check_rules(b, it, ti, err);
	if (rc == 0)
		rc = check_entities_and_window(b, it, &l, pop, ti, err);
	approval_list_finish(&l);
	item_list_finish(&items);
	return rc;
}
