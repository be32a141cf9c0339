/* The population: one record per entity, put in canonical order (bytewise by
 * USCC) and committed to by a digest before anything is drawn from it. */
#ifndef INSPECT_POPULATION_H
#define INSPECT_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"
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

struct population {
	struct entity *v;
	size_t n;
};

void population_finish(struct population *p);

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

/* Writes entity e as its canonical CSV record, newline included, into
 * out[RECORD_MAX]; returns its length. */
size_t population_format_record(const struct entity *e, char *out);

/* SHA-256 of the canonical CSV text: the header line, then every record in
 * canonical order. A canonical population file hashes to this digest. */
void population_digest(const struct population *p, uint8_t out[32]);

#endif
