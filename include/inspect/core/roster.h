/* The inspector pool (执法检查人员名录库) and the inspection item list
 * (抽查事项清单): who may be sent, and what each item needs. */
#ifndef INSPECT_ROSTER_H
#define INSPECT_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/core/uscc.h"

#define ROSTER_HEADER \
	"id,name,badge,department,jurisdictions,qualifications," \
	"daily_capacity,conflicts,active"
#define ROSTER_MAX_PREFIXES 16
#define ROSTER_MAX_CONFLICTS 64
#define ROSTER_MAX_QUALIFICATIONS 64 /* distinct names in one roster */
#define ROSTER_MAX_CAPACITY 50

struct inspector {
	char id[33], name[97], badge[33], department[65];
	char jurisdictions[ROSTER_MAX_PREFIXES][7]; /* region code prefixes */
	unsigned n_jurisdictions;
	uint64_t qualifications; /* bit q: the roster's qualification q */
	unsigned daily_capacity;
	char conflicts[ROSTER_MAX_CONFLICTS][USCC_LEN]; /* sorted */
	unsigned n_conflicts;
	bool active;
};

struct roster {
	struct inspector *v;
	size_t n;
	char qualification[ROSTER_MAX_QUALIFICATIONS][33];
	unsigned n_qualifications;
};

/* Parses the roster CSV (ROSTER_HEADER; lists separated by ';'). Every bad
 * row is reported "origin:line: reason" and the file refused. */
int roster_parse_csv(const char *origin, const char *text, size_t len,
		     struct roster *ret, struct diag *err);
void roster_finish(struct roster *r);
/* The bit of a qualification name, or -1 if no inspector holds it. */
int roster_qualification(const struct roster *r, const char *name);
/* The roster's ids sorted (malloc'd), for roster_find. */
struct roster_id {
	const char *id;
	uint32_t at;
};
struct roster_id *roster_by_id(const struct roster *r);
/* The index of the inspector with this id, or -1. */
long roster_find(const struct roster *r, const struct roster_id *ids,
		 const char *id);
bool inspector_covers(const struct inspector *i, uint32_t region);
bool inspector_conflicts(const struct inspector *i, const char *uscc);

#endif
