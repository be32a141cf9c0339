/* The second random in the daemon: a team and a working day for each
 * selected entity, and what publication writes of them. */
#ifndef INSPECTD_TEAMS_H
#define INSPECTD_TEAMS_H

#include "inspect/core/assign.h"
#include "inspect/core/merge.h"
#include "inspect/core/bundle.h"
#include "inspect/store/tx.h"
#include "worker.h"

#define PLAN_MAX_DAYS 400

/* What a drawn campaign is: the campaign, its population, the draw, the
 * visit plan (NULL until its teams are drawn) and the seed. */
struct drawn {
	const struct campaign *c;
	const struct population *pop;
	const struct draw *d;
	const struct visit_plan *plan;
	const uint8_t *seed;
	int32_t date; /* the draw date */
};

struct visit_plan {
	struct roster roster;      /* <p>roster as read at draw time */
	char *roster_text;         /* ...and its CSV */
	size_t roster_len;
	struct team_rules rules;
	const struct campaign *c;  /* its items, for the audit */
	/* The item list the rules came from: the catalog's, or a frozen
	 * campaign's committed copy (owned then). */
	const struct item_list *items;
	const char *items_text;
	size_t items_len;
	struct item_list frozen_items;
	char *frozen_items_text;
	/* The working days' calendar: the catalog's, or a frozen campaign's
	 * committed documents ("cn-YYYY.yaml:<sha256>,..."; owned then). */
	const struct calendar *cal;
	struct calendar frozen_cal;
	char frozen_calendars[8 * 80];
	struct visit *v;           /* the draw's visits, with previous teams */
	uint32_t (*prev)[TEAM_MAX];
	struct assignment *a;      /* one per selected entity */
	uint32_t *item_mask;       /* each one's items (bit i: c->items[i]) */
	size_t n;
	/* Merged visits (policy merge): each selected entity's visit on
	 * record it joins or is left to (NULL without merges), and the team
	 * draw's visits, the skipped ones left out. */
	struct merge *merge;
	enum merge_mode merge_mode;
	struct merged_draw md;
	int32_t window_from, window_to;
	/* The first day whose year's calendar the plan keeps: the window's
	 * first, or a pledge campaign's earliest approval's date. */
	int32_t calendars_from;
	bool backdated;            /* a back-dated record: no past day fed */
	int32_t days[PLAN_MAX_DAYS]; /* the window's working days */
	size_t n_days;
	uint16_t *used; /* other campaigns' visits, [inspector * n_days + day] */
	bool refused_by_draw; /* assign_teams found no team for a visit */
};

/* Draws the teams. Returns 0, FAIL_LOST, or FAIL_REFUSED with the reason the
 * campaign is refused in why. */
int plan_visits(struct worker *w, const struct campaign_record *rec,
		const struct drawn *x, struct visit_plan *out,
		struct diag *why);
void visit_plan_finish(struct visit_plan *p);
/* What a freeze can refuse before the entropy, on the roster it commits
 * to: an invalid roster, an item whose qualification nobody holds, a
 * window without working days, a pps campaign of more inspector-days
 * than the roster offers. Returns 0, or FAIL_REFUSED with why. */
int plan_precheck(struct worker *w, const struct campaign *c,
		  const struct campaign_record *rec, const struct text *roster,
		  struct diag *why);

/* Visit k of a plan. */
struct merged_visit {
	const struct visit_plan *p;
	size_t k;
};

/* How many visits were skipped (or joined, skipped false). */
size_t plan_merged(const struct visit_plan *p, bool skipped);

/* How visit k is merged: MERGE_NONE, or the policy's mode with the
 * campaign and items of the visit on record it joins or is left to. */
enum merge_mode plan_merge_of(const struct visit_plan *p, size_t k,
			      const char **campaign, const char **items);

/* The campaign's items (bit i: c->items[i]) of department j of the team
 * rules (rules.departments[j]), by the item list the plan read. */
uint32_t plan_department_items(const struct visit_plan *p, unsigned j);
/* The items visit k checks (docs/ALGORITHM.md, "Items per visit"), in
 * the campaign's order, joined by sep. */
void plan_visit_items(const struct visit_plan *p, size_t k, char sep,
		      char *out, size_t size);
/* "name badge, name badge" of visit k's team. */
void plan_team_text(const struct visit_plan *p, size_t k, char *out,
		    size_t size);
/* What a publication writes its plan from: the campaign, the selected
 * entities and their plan (each visit's items in it), and each one's
 * name and address (name(k, ctx), address(k, ctx)). */
struct plan_out {
	const char *campaign;
	const struct population *pop;
	const struct draw *d;
	const struct visit_plan *p;
	const char *(*name)(size_t k, void *ctx);
	const char *(*address)(size_t k, void *ctx);
	void *ctx;
};

/* Each inspector's visits a day (<p>load:<YYYY-MM-DD>: id -> count), read
 * under WATCH before the draw and set to the new totals in the
 * transaction: one HSET a day (the WATCH makes totals as safe as
 * increments, and one HINCRBY per inspector and day was 80,000 commands
 * for a campaign of 400,000 visits). */
int plan_add_load(struct tx *t, const struct visit_plan *p);

/* The visit history caps count (<p/k>history): for each visit,
 * "<uscc>:<campaign>" -> "YYYY-MM-DD,ITEM+ITEM" (its day, the items it
 * checks, ascending). */
int plan_add_history(struct tx *t, const struct plan_out *o,
		     const struct campaign *c);
/* The plan of each visit day, read by the daily feeds: <p>day:<date>,
 * field "<campaign>|<uscc>" -> name, address, items, team ids and team
 * text, separated by unit separators (0x1f); and the day in the sorted
 * set <p>days of days with visits to deliver. */
int plan_add_days(struct worker *w, struct tx *t, const struct plan_out *o);
/* The campaign's visits, <p>visits:<campaign>: uscc -> date, team ids,
 * team text and entity name, separated by 0x1f (planned_visit_parse). */
int plan_add_visits(struct tx *t, const struct plan_out *o);
/* What publication records of the audit copies, and commits to in the
 * public plan: the roster's digest, "cn-YYYY.yaml:<sha256>,..." of the
 * window's calendars, the years among them that are provisional
 * ("2027,2028", "" for none), and the digests of the team draw's inputs
 * and outcome as the audit bundle writes them. */
struct audit_refs {
	char roster_hex[65];
	char calendars[8 * 80];
	char provisional[8 * 5];
	char team_inputs_hex[65]; /* SHA-256 of the bundle's teams.txt */
	char items_hex[65];       /* ...of the item list (items.yaml) */
	char outcome_hex[65];     /* ...and of its outcome.csv */
};

/* Archives the calendar documents of the years from..to spans under
 * their digests, and names them in ret->calendars and ret->provisional.
 * Returns 0, -1 if a year has no document, or FAIL_LOST (reason in
 * store.err). */
int plan_keep_calendars(struct worker *w, int32_t from, int32_t to,
			struct audit_refs *ret);
/* Archives what the team draw read, for audit bundles, before the
 * publication's transaction: the roster, the item list its departments
 * and qualifications came from and the calendar documents of the window's
 * years (a frozen campaign's, archived at its freeze, named again), their
 * digests into ret. Returns 0, or FAIL_LOST (reason in store.err). */
int plan_archive_copies(struct worker *w, const struct visit_plan *p,
			struct audit_refs *ret);
/* What the team draw read besides those (<p>audit:<campaign>,
 * docs/REDIS.md, with a salt) in the transaction, and the outcome's
 * digest, into ret. Returns 0 or -1 (out of memory). */
int plan_add_audit(struct tx *t, const char *campaign,
		   const struct visit_plan *p, struct audit_refs *ret);
/* The same for a plan its team draw refused: teams.txt without a salt,
 * no outcome. */
int plan_add_refusal_audit(struct tx *t, const char *campaign,
			   const struct visit_plan *p, struct audit_refs *ret);
/* The rotation record (<p>lastteam:<b>: uscc -> ids) in the transaction. */
int plan_add_rotation(struct tx *t,
		      const struct population *pop, const struct draw *d,
		      const struct visit_plan *p);

#endif
