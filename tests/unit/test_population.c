#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/rng.h"
#include "inspect/core/seed.h"

#define HEADER POPULATION_HEADER "\n"
/* Two valid codes: the standard's example and one of the helpers'. */
#define U1 "91350100M000100Y43"

static int parse(const char *csv, struct population *p, struct diag *err)
{
	diag_init(err);
	int r = population_parse_csv("pop.csv", csv, strlen(csv), p, err);
	if (r == 0) {
		r = population_canonicalize(p, "pop.csv", 2, err);
		if (r < 0) /* refused: the records are still ours to free */
			population_finish(p);
	}
	return r;
}

static const char *refusal(const char *csv)
{
	static struct diag err;
	struct population p = {0};
	cr_assert_eq(parse(csv, &p, &err), -1, "accepted:\n%s", csv);
	return diag_text(&err);
}

Test(population, parses_every_field)
{
	struct population p;
	struct diag err;
	cr_assert_eq(parse(HEADER U1 ",C,512,350102,C1311,BE,2025-06-30\n",
			   &p, &err), 0, "%s", diag_text(&err));
	cr_assert_eq(p.n, 1);
	const struct entity *e = &p.v[0];
	cr_assert(memcmp(e->uscc, U1, 18) == 0);
	cr_assert_eq(e->cls, CLASS_C);
	cr_assert_eq(e->score, 512);
	cr_assert_eq(e->region, 350102);
	cr_assert_str_eq(e->industry, "C1311");
	cr_assert_eq(e->flags, 1u << FLAG_B | 1u << FLAG_E);
	char d[11];
	date_format(e->last_inspected, d);
	cr_assert_str_eq(d, "2025-06-30");
	population_finish(&p);
}

Test(population, optional_fields_crlf_and_bom)
{
	struct population p;
	struct diag err;
	cr_assert_eq(parse("\xEF\xBB\xBF" POPULATION_HEADER "\r\n" U1
			   ",A,,350102,,,\r\n", &p, &err), 0, "%s",
		     diag_text(&err));
	cr_assert_eq(p.v[0].score, SCORE_NONE);
	cr_assert_eq(p.v[0].last_inspected, DATE_NONE);
	cr_assert_eq(p.v[0].flags, 0);
	cr_assert_str_eq(p.v[0].industry, "");
	population_finish(&p);
}

Test(population, each_bad_field_is_named_with_its_line)
{
	const char *why = refusal(
		HEADER U1 ",E,,350102,,,\n"                      /* 2 */
		U1 ",A,1001,350102,,,\n"                          /* 3 */
		U1 ",A,,35010,,,\n"                               /* 4 */
		U1 ",A,,350102,X12,,\n"                           /* 5 */
		U1 ",A,,350102,,BX,\n"                            /* 6 */
		U1 ",A,,350102,,BB,\n"                            /* 7 */
		U1 ",A,,350102,,,2025-02-30\n"                    /* 8 */
		"91350100M000100Y44,A,,350102,,,\n"               /* 9 */
		U1 ",A,,350102,,\n"                               /* 10 */
		U1 ",A,,350102,,,,extra\n");                      /* 11 */
	cr_assert_str_eq(why,
		"pop.csv:2: class must be A, B, C or D\n"
		"pop.csv:3: score must be an integer from 0 to 1000\n"
		"pop.csv:4: region must be a 6-digit administrative code\n"
		"pop.csv:5: industry must be a GB/T 4754 code such as C1311\n"
		"pop.csv:6: flags may only hold B, R, P and E\n"
		"pop.csv:7: a flag is repeated\n"
		"pop.csv:8: last_inspected must be a date YYYY-MM-DD or empty\n"
		"pop.csv:9: uscc check character is wrong\n"
		"pop.csv:10: expected 7 fields, found 6\n"
		"pop.csv:11: expected 7 fields, found more than 7\n");
}

Test(population, header_must_match)
{
	cr_assert_str_eq(refusal("uscc,class\n"),
			 "pop.csv:1: header must be " POPULATION_HEADER "\n");
	cr_assert_str_eq(refusal(""), "pop.csv:1: empty file, expected "
				      "header " POPULATION_HEADER "\n");
}

Test(population, problems_are_capped_and_counted)
{
	size_t rows = DIAG_MAX_LINES + 15;
	char *csv = malloc(64 * rows + 100), *o = csv;
	o += sprintf(o, HEADER);
	for (size_t i = 0; i < rows; i++)
		o += sprintf(o, U1 ",Z,,350102,,,\n");
	const char *why = refusal(csv);
	free(csv);
	cr_assert_not_null(strstr(why, "pop.csv:21: class must be"));
	cr_assert_null(strstr(why, "pop.csv:22:"));
	cr_assert_not_null(strstr(why, "... and 15 more\n"));
}

Test(population, duplicates_name_both_lines)
{
	char a[19], b[19];
	make_uscc(1, a);
	make_uscc(2, b);
	char csv[512];
	snprintf(csv, sizeof(csv), HEADER "%.18s,A,,350102,,,\n%.18s,B,,"
		 "350102,,,\n%.18s,C,,350102,,,\n", b, a, b);
	char want[128];
	snprintf(want, sizeof(want), "pop.csv:4: duplicate uscc %.18s (first "
		 "on line 2)\n", b);
	cr_assert_str_eq(refusal(csv), want);
}

Test(population, bad_rows_and_repeats_are_reported_together)
{
	char a[19], b[19];
	make_uscc(1, a);
	make_uscc(2, b);
	char csv[512];
	snprintf(csv, sizeof(csv), HEADER "%.18s,A,,350102,,,\n%.18s,Z,,"
		 "350102,,,\n%.18s,B,,350102,,,\n%.18s,C,,350102,,,\n", b, a,
		 a, b);
	char want[256];
	snprintf(want, sizeof(want), "pop.csv:3: class must be A, B, C or "
		 "D\npop.csv:5: duplicate uscc %.18s (first on line 2)\n", b);
	cr_assert_str_eq(refusal(csv), want);
}

Test(population, canonical_order_is_bytewise_and_independent_of_input)
{
	enum { N = 5000 };
	struct population p = {.v = malloc(N * sizeof(struct entity)), .n = N};
	struct rng r;
	rng_init(&r, 3, 5);
	/* Codes over all of the alphabet, so that every radix pass works. */
	for (size_t i = 0; i < N; i++)
		p.v[i] = make_entity(rng_next(&r) % 0x7fffffffffffULL, 0, 0);
	for (size_t i = 0; i < N; i++) /* and set the first characters */
		p.v[i].uscc[0] = "159AY"[i % 5], p.v[i].uscc[17] =
			uscc_check_char(p.v[i].uscc);
	uint8_t d1[32], d2[32];
	struct diag err;
	diag_init(&err);
	cr_assert_eq(population_canonicalize(&p, "x", 0, &err), 0);
	for (size_t i = 1; i < N; i++)
		cr_assert_lt(memcmp(p.v[i - 1].uscc, p.v[i].uscc, 18), 0);
	population_digest(&p, d1);
	/* Reverse, re-sort: same order, same digest. */
	for (size_t i = 0; i < N / 2; i++) {
		struct entity t = p.v[i];
		p.v[i] = p.v[N - 1 - i];
		p.v[N - 1 - i] = t;
	}
	cr_assert_eq(population_canonicalize(&p, "x", 0, &err), 0);
	population_digest(&p, d2);
	cr_assert(memcmp(d1, d2, 32) == 0);
	population_finish(&p);
}

/* The daemon sorts in place, files through keys that remember lines:
 * both give the same order, on codes that share long prefixes too (runs
 * that the in-place sort takes down to their last characters). */
Test(population, both_sorts_give_the_same_order)
{
	enum { N = 20000 };
	struct population a = {.v = malloc(N * sizeof(struct entity)), .n = N};
	struct population b = {.v = malloc(N * sizeof(struct entity)), .n = N};
	struct rng r;
	rng_init(&r, 11, 7);
	for (size_t i = 0; i < N; i++) {
		/* 1 in 4 from a small range: the same first 15 or so */
		uint64_t k = i % 4 ? rng_next(&r) % 0x7fffffffffffULL : 1000 + i;
		a.v[i] = make_entity(k, 0, 0);
		a.v[i].uscc[0] = "19AY"[rng_next(&r) % 4];
		a.v[i].uscc[17] = uscc_check_char(a.v[i].uscc);
	}
	struct diag err;
	diag_init(&err);
	cr_assert_eq(population_canonicalize(&a, "x", 2, &err), 0, "%s",
		     diag_reason(&err));
	for (size_t i = 0; i < N; i++) /* shuffled back */
		b.v[i] = a.v[(i * 7331) % N];
	cr_assert_eq(population_canonicalize(&b, "x", 0, &err), 0, "%s",
		     diag_reason(&err));
	cr_assert_eq(memcmp(a.v, b.v, N * sizeof(struct entity)), 0);
	/* and a repeat is refused by both, by its code */
	b.v[N / 2] = b.v[N / 3];
	cr_assert_eq(population_canonicalize(&b, "x", 0, &err), -1);
	char want[64];
	snprintf(want, sizeof(want), "x: duplicate uscc %.18s", b.v[N / 3].uscc);
	cr_assert(strstr(diag_reason(&err), want), "%s", diag_reason(&err));
	population_finish(&a);
	population_finish(&b);
}

Test(population, digest_is_sha256_of_the_canonical_csv)
{
	char b[19], a[19];
	make_uscc(7, b);
	make_uscc(3, a);
	char csv[512], canonical[512];
	/* Out of order, with CRLF and flags out of canonical order. */
	snprintf(csv, sizeof(csv), HEADER "%.18s,D,7,440304,C1311,EB,"
		 "2024-01-02\r\n%.18s,A,,440304,,,\r\n", b, a);
	snprintf(canonical, sizeof(canonical), HEADER "%.18s,A,,440304,,,\n"
		 "%.18s,D,7,440304,C1311,BE,2024-01-02\n", a, b);
	struct population p;
	struct diag err;
	cr_assert_eq(parse(csv, &p, &err), 0);
	uint8_t got[32], want[32];
	population_digest(&p, got);
	crypto_hash_sha256(want, (unsigned char *)canonical, strlen(canonical));
	cr_assert(memcmp(got, want, 32) == 0);
	population_finish(&p);
}

Test(population, record_round_trips_through_the_parser)
{
	struct entity e = make_entity(42, CLASS_B, 1u << FLAG_P);
	e.score = 1000;
	e.last_inspected = 20000;
	char rec[RECORD_MAX + 64] = HEADER;
	size_t h = strlen(rec);
	rec[h + population_format_record(&e, rec + h)] = '\0';
	struct population p;
	struct diag err;
	cr_assert_eq(parse(rec, &p, &err), 0, "%s", diag_text(&err));
	cr_assert(memcmp(&p.v[0], &e, sizeof(e)) == 0);
	population_finish(&p);
}

Test(population, visits_are_canonical_and_in_the_digest)
{
	char a[19], b[19];
	make_uscc(3, a);
	make_uscc(7, b);
	char csv[1024], canonical[1024], alone[512];
	snprintf(alone, sizeof(alone),
		 HEADER "%.18s,A,,440304,,,\n"
			"%.18s,B,,440304,,,\n",
		 a, b);
	/* Visits out of order, items out of order: put in canonical order. */
	snprintf(csv, sizeof(csv), "%s" VISITS_HEADER "\n"
		 "%.18s,2026-05-01,C-2,SC-002+SC-001\n"
		 "%.18s,2026-03-01,C-1,YJ-004\n"
		 "%.18s,2026-05-01,C-1,SC-001\n"
		 "%.18s,2026-05-01,C-10,SC-001\n", alone, b, a, b, b);
	snprintf(canonical, sizeof(canonical), "%s" VISITS_HEADER "\n"
		 "%.18s,2026-03-01,C-1,YJ-004\n"
		 "%.18s,2026-05-01,C-1,SC-001\n"
		 "%.18s,2026-05-01,C-10,SC-001\n"
		 "%.18s,2026-05-01,C-2,SC-001+SC-002\n", alone, a, b, b, b);
	struct population p, q;
	struct diag err;
	cr_assert_eq(parse(csv, &p, &err), 0, "%s", diag_text(&err));
	cr_assert_eq(p.n, 2);
	cr_assert_eq(p.visits.n, 4);
	uint8_t got[32], want[32], without[32];
	population_digest(&p, got);
	crypto_hash_sha256(want, (unsigned char *)canonical, strlen(canonical));
	cr_assert(memcmp(got, want, 32) == 0);
	/* No visits: the digest of the entities alone, as before visits. */
	cr_assert_eq(parse(alone, &q, &err), 0);
	population_digest(&q, without);
	crypto_hash_sha256(want, (unsigned char *)alone, strlen(alone));
	cr_assert(memcmp(without, want, 32) == 0);
	cr_assert(memcmp(without, got, 32) != 0);
	population_finish(&p);
	population_finish(&q);
}

Test(population, bad_visits_are_named_with_their_line)
{
	char a[19], b[19], csv[1024];
	make_uscc(3, a);
	make_uscc(7, b);
	snprintf(csv, sizeof(csv), HEADER "%.18s,A,,440304,,,\n" VISITS_HEADER
		 "\n%.18s,2026-02-30,C-1,SC-001\n"
		 "%.18s,2026-03-01,C-1,SC-001+SC-001\n"
		 "%.18s,2026-03-01,C-1,SC 1\n"
		 "%.18s,2026-03-01,C 1,SC-001\n"
		 "%.18s,2026-03-01,SC-001\n", a, a, a, a, a, a);
	struct population p;
	struct diag err;
	cr_assert_eq(parse(csv, &p, &err), -1);
	const char *t = diag_text(&err);
	cr_assert(strstr(t, "pop.csv:4: the visit's date must be YYYY-MM-DD"),
		  "%s", t);
	cr_assert(strstr(t, "pop.csv:5: item SC-001 is given twice"), "%s", t);
	cr_assert(strstr(t, "pop.csv:6: items are 1 to 64"), "%s", t);
	cr_assert(strstr(t, "pop.csv:7: the campaign id is 1 to 64"), "%s", t);
	cr_assert(strstr(t, "pop.csv:8: a visit is uscc,date,campaign,items"),
		  "%s", t);
	/* A visit of no entity of the population is refused. */
	snprintf(csv, sizeof(csv),
		 HEADER "%.18s,A,,440304,,,\n" VISITS_HEADER
			"\n%.18s,2026-03-01,C-1,SC-001\n",
		 a, b);
	cr_assert_eq(parse(csv, &p, &err), -1);
	cr_assert(strstr(diag_text(&err), "visits: uscc"), "%s",
		  diag_text(&err));
	cr_assert(strstr(diag_text(&err), "is not in the population"), "%s",
		  diag_text(&err));
}
