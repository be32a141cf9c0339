/* The state of one team draw, shared by the greedy pass (assign.c) and the
 * augmenting-path repair (assign_repair.c). Internal to the core. */
#ifndef INSPECT_ASSIGN_WORK_H
#define INSPECT_ASSIGN_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/assign.h"
#include "inspect/core/rng.h"

#define NO_VISIT SIZE_MAX

/* What every visit of one region may draw from: the inspectors of the
 * campaign's departments, active and covering the region. */
struct region_pool {
	uint32_t region;
	uint32_t *who;
	size_t n;
};

/* Scratch of the repair, allocated on its first use. */
struct repair {
	size_t *head;       /* the day's visits by member: CSR over inspectors */
	size_t *by_member;
	uint32_t *seen_inspector, *seen_visit, stamp;
	uint32_t *queue;
	size_t *via_visit;  /* the visit that would give inspector i its seat */
	uint32_t *via_from; /* ...in place of this member */
};

struct work {
	const struct roster *r;
	const struct team_rules *rules;
	const int32_t *days; /* the window's working days */
	size_t n_days;
	const uint16_t *used; /* other campaigns' visits, or NULL */
	uint16_t *left;       /* capacity left: [inspector * n_days + day] */
	int *dept_of;         /* inspector -> index in rules, -1 if none */
	struct region_pool *pools;
	size_t n_pools;
	uint32_t *cand;       /* scratch: candidates */
	struct rng rng;
	/* The visits and what has been placed so far in this pass: each
	 * day's visits as a list through next_on_day. */
	const struct visit *v;
	struct assignment *out;
	size_t n;
	size_t *first_on_day, *next_on_day;
	struct repair repair;
};

struct region_pool *assign_pool_for(struct work *w, uint32_t region);
/* On the team already, on the previous team, or in conflict. */
bool assign_excluded(const struct work *w, const struct visit *v, uint32_t i,
		     const struct assignment *a);
/* A seat to fill on day d: by an inspector of the department dept (or
 * any, -1) holding the qualification qual (or any, -1). */
struct seat_ask {
	size_t d;
	int dept, qual;
};
/* Frees a seat as asked for visit v, whose team so far is a, among the
 * pool's inspectors: re-routes placed visits of that day along a shortest
 * augmenting path. Returns the inspector who now has capacity left on the
 * day, or -1 if no path exists (or out of memory). */
long assign_free_seat(struct work *w, const struct region_pool *p,
		      const struct visit *v, const struct assignment *a,
		      struct seat_ask s);
void assign_repair_finish(struct repair *rp);

#endif
