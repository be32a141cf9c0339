#include "inspect/population.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/date.h"
#include "inspect/policy.h"
#include "inspect/rng.h"

void population_finish(struct population *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
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

/* LSD radix sort of keys on their upper KEY_BITS; tmp has n slots. Passes
 * whose digit is the same for every key (the first characters often are)
 * are skipped. Returns the buffer holding the result. */
static u128 *radix_sort(u128 *keys, u128 *tmp, size_t n)
{
	size_t count[BUCKETS];
	for (unsigned shift = INDEX_BITS; shift < INDEX_BITS + KEY_BITS;
	     shift += DIGIT_BITS) {
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(unsigned)(keys[i] >> shift) & (BUCKETS - 1)]++;
		if (count[(unsigned)(keys[0] >> shift) & (BUCKETS - 1)] == n)
			continue;
		size_t sum = 0;
		for (unsigned b = 0; b < BUCKETS; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(unsigned)(keys[i] >> shift) &
				  (BUCKETS - 1)]++] = keys[i];
		u128 *t = keys;
		keys = tmp;
		tmp = t;
	}
	return keys;
}

/* Moves records so that slot i receives the record at from[i], following
 * each cycle of the permutation once; from[] is consumed. */
static void permute(struct entity *v, uint32_t *lines, uint32_t *from,
		    size_t n)
{
	for (size_t start = 0; start < n; start++) {
		if (from[start] == start)
			continue;
		struct entity held = v[start];
		uint32_t held_line = lines ? lines[start] : 0;
		size_t i = start;
		while (from[i] != start) {
			size_t src = from[i];
			v[i] = v[src];
			if (lines)
				lines[i] = lines[src];
			from[i] = (uint32_t)i;
			i = src;
		}
		v[i] = held;
		if (lines)
			lines[i] = held_line;
		from[i] = (uint32_t)i;
	}
}

static int report_duplicates(const struct population *p,
			     const uint32_t *lines, const char *origin,
			     struct diag *err)
{
	int r = 0;
	for (size_t i = 1; i < p->n; i++) {
		if (memcmp(p->v[i - 1].uscc, p->v[i].uscc, USCC_LEN) != 0)
			continue;
		if (lines)
			r = diag_add(err, "%s:%u: duplicate uscc %.18s "
				     "(first on line %u)", origin, lines[i],
				     p->v[i].uscc, lines[i - 1]);
		else
			r = diag_add(err, "%s: duplicate uscc %.18s", origin,
				     p->v[i].uscc);
	}
	return r;
}

static int in_order(const struct population *p)
{
	for (size_t i = 1; i < p->n; i++)
		if (memcmp(p->v[i - 1].uscc, p->v[i].uscc, USCC_LEN) > 0)
			return 0;
	return 1;
}

int population_canonicalize(struct population *p, uint32_t *lines,
			    const char *origin, struct diag *err)
{
	if (p->n > POPULATION_MAX)
		return diag_add(err, "%s: more than %u entities", origin,
				POPULATION_MAX);
	if (p->n > 1 && !in_order(p)) {
		u128 *keys = malloc(p->n * sizeof(*keys));
		u128 *tmp = malloc(p->n * sizeof(*tmp));
		if (!keys || !tmp) {
			free(keys);
			free(tmp);
			return diag_add(err, "%s: out of memory sorting %zu "
					"entities", origin, p->n);
		}
		for (size_t i = 0; i < p->n; i++)
			keys[i] = sort_key(&p->v[i], i);
		u128 *sorted = radix_sort(keys, tmp, p->n);
		/* The permutation fits in the buffer no longer needed. */
		uint32_t *from = (uint32_t *)(sorted == keys ? tmp : keys);
		for (size_t i = 0; i < p->n; i++)
			from[i] = (uint32_t)key_index(sorted[i]);
		free(sorted);
		permute(p->v, lines, from, p->n);
		free(from);
	}
	return report_duplicates(p, lines, origin, err);
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
	crypto_hash_sha256_state st;
	char buf[1 << 16];
	size_t used = 0;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)
				  POPULATION_HEADER "\n",
				  sizeof(POPULATION_HEADER));
	for (size_t i = 0; i < p->n; i++) {
		if (used + RECORD_MAX > sizeof(buf)) {
			crypto_hash_sha256_update(&st, (unsigned char *)buf,
						  used);
			used = 0;
		}
		used += population_format_record(&p->v[i], buf + used);
	}
	crypto_hash_sha256_update(&st, (unsigned char *)buf, used);
	crypto_hash_sha256_final(&st, out);
}
