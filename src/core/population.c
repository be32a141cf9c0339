#include "inspect/core/population.h"

#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/policy.h"
#include "inspect/core/rng.h"
#include "inspect/core/sha256.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/uscc.h"

void population_finish(struct population *p)
{
	free(p->v);
	free(p->visits.v);
	sb_finish(&p->visits.pool);
	memset(p, 0, sizeof(*p));
}

/* An order-preserving 90-bit image of a USCC: 5 bits per character, the
 * character's value in the GB 32100 alphabet, which sorts as ASCII does.
 * The entity's index fills the low 28 bits, so one 128-bit integer sorts
 * by code and remembers where the record was. */
#define INDEX_BITS 28
#define KEY_BITS (USCC_LEN * 5)

static u128 sort_key(const struct entity *e, size_t index)
{
	u128 k = 0;
	for (int i = 0; i < USCC_LEN; i++)
		k = k << 5 | (unsigned)uscc_char_value(e->uscc[i]);
	return k << INDEX_BITS | index;
}

static size_t key_index(u128 k)
{
	return (size_t)(k & ((1u << INDEX_BITS) - 1));
}

#define DIGIT_BITS 11
#define BUCKETS (1u << DIGIT_BITS)
#define PASSES ((KEY_BITS + DIGIT_BITS - 1) / DIGIT_BITS)

static unsigned digit(u128 k, unsigned pass)
{
	return (unsigned)(k >> (INDEX_BITS + pass * DIGIT_BITS)) &
	       (BUCKETS - 1);
}

/* LSD radix sort of keys on their upper KEY_BITS; tmp has n slots. One
 * read counts every digit; a pass whose digit is the same for every key
 * (the first characters often are) is skipped. Returns the buffer that
 * holds the result. */
static u128 *radix_sort(u128 *keys, u128 *tmp, size_t n)
{
	size_t (*count)[BUCKETS] = calloc(PASSES, sizeof(*count));
	if (!count)
		return NULL;
	for (size_t i = 0; i < n; i++)
		for (unsigned p = 0; p < PASSES; p++)
			count[p][digit(keys[i], p)]++;
	for (unsigned p = 0; p < PASSES; p++) {
		if (count[p][digit(keys[0], p)] == n)
			continue;
		size_t sum = 0;
		for (unsigned b = 0; b < BUCKETS; b++) {
			size_t c = count[p][b];
			count[p][b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[p][digit(keys[i], p)]++] = keys[i];
		u128 *t = keys;
		keys = tmp;
		tmp = t;
	}
	free(count);
	return keys;
}

/* Slot i of the new array receives the record at from[i]. The loads are
 * independent of each other, so the processor overlaps their cache misses
 * (following the permutation's cycles in place chains them and was four
 * times slower); a prefetch a few slots ahead helps it further. */
static struct entity *gather(const struct entity *v, const uint32_t *from,
			     size_t n)
{
	struct entity *out = malloc(n * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i + 16 < n)
			__builtin_prefetch(&v[from[i + 16]]);
		out[i] = v[from[i]];
	}
	return out;
}

/* Equal codes are adjacent once sorted; the index in each key tells where
 * the record stood. */
static int report_duplicates(const struct population *p, const u128 *sorted,
			     const char *origin, unsigned first_line,
			     struct diag *err)
{
	int r = 0;
	for (size_t i = 1; i < p->n; i++) {
		if (sorted[i - 1] >> INDEX_BITS != sorted[i] >> INDEX_BITS)
			continue;
		const struct entity *e = &p->v[key_index(sorted[i])];
		size_t a = key_index(sorted[i - 1]), b = key_index(sorted[i]);
		if (first_line)
			r = diag_add(err, "%s:%zu: duplicate uscc %.18s (first "
				     "on line %zu)", origin, first_line + b,
				     e->uscc, first_line + a);
		else
			r = diag_add(err, "%s: duplicate uscc %.18s", origin,
				     e->uscc);
	}
	return r;
}

static bool in_strict_order(const struct population *p)
{
	for (size_t i = 1; i < p->n; i++)
		if (memcmp(p->v[i - 1].uscc, p->v[i].uscc, USCC_LEN) >= 0)
			return false;
	return true;
}

/* The sorted order as a permutation: 4 bytes an entity instead of the
 * keys' 32, so that the keys are freed before the records are copied (the
 * daemon's peak memory is records, keys and copy together otherwise). */
static uint32_t *sorted_order(const u128 *sorted, size_t n)
{
	uint32_t *from = malloc(n * sizeof(*from));
	for (size_t i = 0; from && i < n; i++)
		from[i] = (uint32_t)key_index(sorted[i]);
	return from;
}

/* Sorted through keys that remember where each record stood, so that a
 * duplicate is reported with the lines of both: records, keys and a copy
 * at the peak (76 bytes an entity). */
static int sort_keyed(struct population *p, const char *origin,
		      unsigned first_line, struct diag *err)
{
	u128 *keys = malloc(p->n * sizeof(*keys));
	u128 *tmp = malloc(p->n * sizeof(*tmp));
	u128 *sorted = NULL;
	uint32_t *from = NULL;
	struct entity *v = NULL;
	if (keys && tmp) {
		for (size_t i = 0; i < p->n; i++)
			keys[i] = sort_key(&p->v[i], i);
		sorted = radix_sort(keys, tmp, p->n);
	}
	if (sorted) {
		if (report_duplicates(p, sorted, origin, first_line, err) < 0) {
			free(keys);
			free(tmp);
			return -1;
		}
		from = sorted_order(sorted, p->n);
	}
	free(keys);
	free(tmp);
	if (from)
		v = gather(p->v, from, p->n);
	free(from);
	if (!v)
		return diag_add(err, "%s: out of memory sorting %zu entities",
				origin, p->n);
	free(p->v);
	p->v = v;
	return 0;
}

/* Runs this short are sorted by insertion. */
#define SHORT_RUN 24

static int code_cmp(const struct entity *a, const struct entity *b, int d)
{
	return memcmp(a->uscc + d, b->uscc + d, (size_t)(USCC_LEN - d));
}

/* Sorts v[0..n), equal in their first d characters, by code: an MSD
 * radix sort that swaps the records within the array (American flag
 * sort), one bucket per character of the code's alphabet, which sorts as
 * bytes do. Recursion is at most USCC_LEN deep. */
static void flag_sort(struct entity *v, size_t n, int d)
{
	while (d < USCC_LEN && n > SHORT_RUN) {
		size_t count[32] = {0}, next[32], end[32], at = 0;
		for (size_t i = 0; i < n; i++)
			count[uscc_value_plus_one[(uint8_t)v[i].uscc[d]]]++;
		if (count[uscc_value_plus_one[(uint8_t)v[0].uscc[d]]] == n) {
			d++; /* the same character in all: the next one */
			continue;
		}
		for (unsigned b = 0; b < 32; b++) {
			next[b] = at;
			end[b] = at += count[b];
		}
		for (unsigned b = 0; b < 32; b++)
			while (next[b] < end[b]) {
				unsigned c = uscc_value_plus_one[(uint8_t)v[next[b]]
								     .uscc[d]];
				if (c == b) {
					next[b]++;
					continue;
				}
				struct entity t = v[next[b]];
				v[next[b]] = v[next[c]];
				v[next[c]++] = t;
			}
		for (unsigned b = 0, from = 0; b < 32; from += count[b++])
			if (count[b] > 1)
				flag_sort(v + from, count[b], d + 1);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct entity t = v[i];
		size_t j = i;
		for (; j > 0 && code_cmp(&v[j - 1], &t, d) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* Sorted within the records' own array: no memory but theirs (the
 * daemon's peak is a population's records), a duplicate reported by its
 * code. */
static int sort_in_place(struct population *p, const char *origin,
			 struct diag *err)
{
	int r = 0;
	flag_sort(p->v, p->n, 0);
	for (size_t i = 1; i < p->n; i++)
		if (code_cmp(&p->v[i - 1], &p->v[i], 0) == 0)
			r = diag_add(err, "%s: duplicate uscc %.18s", origin,
				     p->v[i].uscc);
	return r;
}

int population_canonicalize(struct population *p, const char *origin,
			    unsigned first_line, struct diag *err)
{
	if (p->n > POPULATION_MAX)
		return diag_add(err, "%s: more than %u entities", origin,
				POPULATION_MAX);
	if (in_strict_order(p)) /* already canonical, as exported files are */
		return visits_canonicalize(p, origin, err);
	int r = first_line ? sort_keyed(p, origin, first_line, err)
			   : sort_in_place(p, origin, err);
	return r < 0 ? r : visits_canonicalize(p, origin, err);
}

struct entity *population_find(const struct population *p, const char *uscc)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->v[mid].uscc, uscc, USCC_LEN);
		if (c == 0)
			return &p->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t population_format_record(const struct entity *e, char *out)
{
	char *o = out;
	memcpy(o, e->uscc, USCC_LEN);
	o += USCC_LEN;
	*o++ = ',';
	*o++ = POLICY_CLASS_LETTERS[e->cls];
	*o++ = ',';
	if (e->score != SCORE_NONE) {
		unsigned s = e->score;
		if (s >= 1000)
			*o++ = (char)('0' + s / 1000);
		if (s >= 100)
			*o++ = (char)('0' + s / 100 % 10);
		if (s >= 10)
			*o++ = (char)('0' + s / 10 % 10);
		*o++ = (char)('0' + s % 10);
	}
	*o++ = ',';
	uint32_t region = e->region;
	for (int i = 5; i >= 0; i--, region /= 10)
		o[i] = (char)('0' + region % 10);
	o += 6;
	*o++ = ',';
	for (const char *s = e->industry; *s; s++)
		*o++ = *s;
	*o++ = ',';
	for (int f = 0; f < FLAG_COUNT; f++)
		if (e->flags & (1u << f))
			*o++ = POLICY_FLAG_LETTERS[f];
	*o++ = ',';
	if (e->last_inspected != DATE_NONE) {
		date_format(e->last_inspected, o);
		o += 10;
	}
	*o++ = '\n';
	return (size_t)(o - out);
}

void population_digest(const struct population *p, uint8_t out[32])
{
	struct sha256 h;
	char buf[1 << 16];
	size_t used = 0;
	sha256_init(&h);
	sha256_update(&h, POPULATION_HEADER "\n", sizeof(POPULATION_HEADER));
	for (size_t i = 0; i < p->n; i++) {
		if (used + RECORD_MAX > sizeof(buf)) {
			sha256_update(&h, buf, used);
			used = 0;
		}
		used += population_format_record(&p->v[i], buf + used);
	}
	sha256_update(&h, buf, used);
	struct strbuf visits = {0};
	visits_format(&p->visits, &visits);
	sha256_update(&h, visits.s, visits.len);
	sb_finish(&visits);
	sha256_final(&h, out);
}
