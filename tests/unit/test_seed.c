#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/seed.h"

static struct seed_input input(const char *id, const char *entropy,
			       const uint8_t *pd, const uint8_t *qd)
{
	return (struct seed_input){id, pd, qd, date_from_civil(2026, 11, 24),
				   entropy};
}

Test(seed, encoding_is_the_documented_netstrings)
{
	uint8_t pd[32], qd[32];
	memset(pd, 0xab, 32);
	memset(qd, 0x01, 32);
	struct seed_input in = input("HN-2026-0001", "7 3 9 1, 4", pd, qd);
	char buf[512];
	size_t n = seed_encode(&in, buf, sizeof(buf));
	char want[512];
	snprintf(want, sizeof(want),
		 "15:inspectd-draw/1,12:HN-2026-0001,64:%s,64:%s,"
		 "10:2026-11-24,10:7 3 9 1, 4,",
		 "abababababababababababababababababababababababababababababababab",
		 "0101010101010101010101010101010101010101010101010101010101010101");
	cr_assert_eq(n, strlen(want));
	cr_assert(memcmp(buf, want, n) == 0, "%.*s", (int)n, buf);
	uint8_t seed[32], check[32];
	cr_assert_eq(seed_derive(&in, seed), 0);
	crypto_hash_sha256(check, (unsigned char *)want, n);
	cr_assert(memcmp(seed, check, 32) == 0);
}

Test(seed, every_input_changes_the_seed)
{
	uint8_t pd[32] = {1}, qd[32] = {2}, pd2[32] = {3}, base[32], s[32];
	struct seed_input in = input("C1", "e", pd, qd);
	cr_assert_eq(seed_derive(&in, base), 0);
	struct seed_input variants[] = {
		input("C2", "e", pd, qd), input("C1", "f", pd, qd),
		input("C1", "e", pd2, qd), input("C1", "e", pd, pd2),
		/* Moving a byte between fields must change the encoding. */
		input("C1e", "", pd, qd),
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
		cr_assert_eq(seed_derive(&variants[i], s), 0);
		cr_assert(memcmp(s, base, 32) != 0, "variant %zu", i);
	}
	in.date++;
	cr_assert_eq(seed_derive(&in, s), 0);
	cr_assert(memcmp(s, base, 32) != 0, "date");
}

Test(seed, refuses_inputs_over_their_limits)
{
	uint8_t d[32] = {0}, s[32];
	char id[SEED_MAX_ID + 2], ent[SEED_MAX_ENTROPY + 2];
	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	memset(ent, 'y', sizeof(ent) - 1);
	ent[sizeof(ent) - 1] = '\0';
	struct seed_input a = input(id, "e", d, d), b = input("c", ent, d, d),
			  c = input("", "e", d, d);
	cr_assert_eq(seed_derive(&a, s), -1);
	cr_assert_eq(seed_derive(&b, s), -1);
	cr_assert_eq(seed_derive(&c, s), -1);
}
