/* The population: one record per entity, put in canonical order (bytewise by
 * USCC) and committed to by a digest before anything is drawn from it. */
#ifndef INSPECT_POPULATION_H
#define INSPECT_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/uscc.h"

#define POPULATION_MAX (1u << 28) /* entities; 180 M fit with room */
#define SCORE_NONE 0xffff
#define POPULATION_HEADER \
	"uscc,class,score,region,industry,flags,last_inspected"
/* The longest canonical record, newline included. */
#define RECORD_MAX 64

struct entity {
	char uscc[USCC_LEN];
	char industry[6];       /* GB/T 4754 code, NUL-terminated, may be "" */
	uint32_t region;        /* 6-digit administrative division code */
	int32_t last_inspected; /* day number, or DATE_NONE */
	uint16_t score;         /* 0..1000, or SCORE_NONE */
	uint8_t cls;            /* CLASS_A .. CLASS_D */
	uint8_t flags;          /* bit FLAG_x set for each list flag */
};

/* A random visit on record, of a published campaign: what a cap counts
 * and a visit may join (policy.h). Its campaign id, then its items (codes
 * joined by '+', ascending by bytes), each NUL-terminated in the
 * history's pool. */
struct visit_rec {
	char uscc[USCC_LEN];
	int32_t day;
	uint32_t campaign_at;
	uint32_t items_at;
};

/* The visits of the population's entities that the draw may count, in
 * canonical order once the population is canonical. */
struct visit_history {
	struct visit_rec *v;
	size_t n, cap;
	struct strbuf pool; /* each visit's campaign and items */
};

#define VISITS_HEADER "uscc,date,campaign,items"
#define VISITS_MAX_ITEMS 32 /* a campaign's items, CAMPAIGN_MAX_ITEMS */

struct population {
	struct entity *v;
	size_t n;
	struct visit_history visits; /* empty unless a cap needs them */
};

void population_finish(struct population *p);

/* A visit as given to visits_add: campaign is a campaign id (1 to 64
 * letters, digits, '-', '_' or '.'); items are 1 to VISITS_MAX_ITEMS
 * such codes joined by '+' (any order, no repeats), kept ascending. */
struct visit_text {
	const char *uscc; /* USCC_LEN bytes */
	int32_t day;
	const char *campaign, *items;
	size_t campaign_len, items_len;
};

/* Adds a visit; FAIL_INVALID with the reason in why. */
int visits_add(struct visit_history *h, const struct visit_text *t,
	       struct diag *why);
/* The visit's campaign and items, as kept. */
static inline const char *visit_campaign(const struct visit_history *h,
					 const struct visit_rec *v)
{
	return h->pool.s + v->campaign_at;
}
static inline const char *visit_items(const struct visit_history *h,
				      const struct visit_rec *v)
{
	return h->pool.s + v->items_at;
}
/* Sorts the visits in canonical order (by the bytes of their records) and
 * refuses one whose uscc is not an entity of the (canonical) population. */
int visits_canonicalize(struct population *p, const char *origin,
			struct diag *err);
/* Writes the visits section of the canonical text into out: nothing when
 * there are no visits, else the line VISITS_HEADER and each visit as
 * "uscc,YYYY-MM-DD,campaign,items", in canonical order, each ended by
 * "\n". */
void visits_format(const struct visit_history *h, struct strbuf *out);

/* Parses CSV text with the POPULATION_HEADER header. Every invalid row is
 * reported "origin:line: reason" (the diag keeps the first ones and counts
 * the rest) and the whole text is refused. On success, entity k came from
 * line k + 2 (header and rows only: an empty line is an invalid row). */
int population_parse_csv(const char *origin, const char *text, size_t len,
			 struct population *ret, struct diag *err);

/* Parses one grade record as the Redis index holds it: the uscc, and the
 * rest of its CSV row ("class,score,region,industry,flags,last_inspected").
 * Returns 0, or FAIL_INVALID with the reason it is invalid added to why. */
int population_parse_record(const char *uscc, size_t uscc_len, const char *rest,
			    size_t rest_len, struct entity *ret,
			    struct diag *why);

/* Puts the records in canonical order and refuses duplicate USCCs. With
 * first_line > 0 a duplicate is reported "origin:LINE:" where entity k (in
 * the order given) stood on line first_line + k; else by code alone. */
int population_canonicalize(struct population *p, const char *origin,
			    unsigned first_line, struct diag *err);

/* The entity of a canonical population with this code (USCC_LEN bytes),
 * or NULL. */
struct entity *population_find(const struct population *p, const char *uscc);

/* Writes entity e as its canonical CSV record, newline included, into
 * out[RECORD_MAX]; returns its length. */
size_t population_format_record(const struct entity *e, char *out);

/* SHA-256 of the canonical CSV text: the header line, then every record in
 * canonical order, then the visits section (visits_format). A canonical
 * population file hashes to this digest. */
void population_digest(const struct population *p, uint8_t out[32]);

#endif
