/* The public disclosure of a campaign (抽查结果公示): its plan and results
 * as the public sees them, written as CSV, JSON or one static HTML page.
 * By construction it holds no class, score, flags or inclusion
 * probability: the rows have no place for them. Inspector names appear
 * only where the policy allows (team is NULL otherwise). */
#ifndef INSPECT_DISCLOSURE_H
#define INSPECT_DISCLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/results.h"
#include "inspect/core/strbuf.h"

struct disclosure_item {
	const char *code, *name;
	const char *share; /* of the visits that check it: "0.25"; "" all */
};

struct disclosure_row {
	const char *uscc, *name;
	int32_t planned;                 /* the visit's working day */
	const char *team;                /* NULL when not disclosed */
	const struct result_code *result; /* NULL while none is in */
	int32_t result_date;
	/* The campaign whose visit this one was left to (a merged visit:
	 * its result is that campaign's), or NULL. */
	const char *merged_with;
	/* After publication (docs/RESULTS.md), days or 0 for none: the last
	 * correction; an objection's filing (open) or answer; the end of an
	 * adverse result's publication, from which result is NULL. */
	int32_t corrected;
	enum objection_state objection;
	int32_t objection_day;
	int32_t publication_ended;
	/* Per-item results as the record keeps them ("SC-017:01,..."), or
	 * NULL. */
	const char *items;
	/* A follow-up's outcome (后续处置) and its day, or NULL and 0. */
	const struct follow_up_outcome *follow_up;
	int32_t follow_up_done;
	/* A partner department's result on a joint visit (its own items),
	 * in the national record: its agency's name; NULL for the
	 * campaign's department. */
	const char *agency;
};

struct disclosure {
	const char *campaign, *department, *window, *draw_date;
	/* "directed" or "undirected"; "" for a campaign recorded before
	 * task types were. */
	const char *task_type;
	const struct disclosure_item *items;
	unsigned n_items;
	size_t population, selected;
	size_t capped; /* entities the policy's caps held back */
	/* The commitment anyone can check the draw against. */
	const char *population_digest, *policy_digest, *seed, *entropy,
		*algorithm;
	/* The years whose working days were planned on a provisional
	 * calendar (no State Council notice yet), "2027,2028"; "" for none. */
	const char *calendar_provisional;
	bool teams_disclosed;
	const struct disclosure_row *rows; /* ascending by uscc */
	size_t n;
	/* The second random's commitments (NULL for a campaign published
	 * before they were kept): the roster's, the team draw inputs' and
	 * the outcome's digests, as in the audit bundle. */
	const char *roster_digest, *team_inputs_digest, *outcome_digest;
	/* The department's agency name (检查实施机关, the departments list);
	 * NULL or "" names it by its code. */
	const char *agency;
};

void disclosure_csv(const struct disclosure *d, struct strbuf *out);
void disclosure_json(const struct disclosure *d, struct strbuf *out);
void disclosure_html(const struct disclosure *d, struct strbuf *out);
/* The record the national enterprise credit disclosure system shows of a
 * random inspection (抽查检查结果信息: 检查实施机关, 类型, 日期, 结果), one
 * line per visit that took place (its result in; a visit left to another
 * campaign's is that campaign's), with the entity's USCC and name: CSV
 * with Chinese headers, or JSON. */
void disclosure_national_csv(const struct disclosure *d, struct strbuf *out);
void disclosure_national_json(const struct disclosure *d, struct strbuf *out);

#endif
