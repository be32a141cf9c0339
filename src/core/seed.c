#include "inspect/core/seed.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/sha256.h"

void seed_hex(const uint8_t *bytes, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Appends a netstring "<length>:<bytes>," (D. J. Bernstein's encoding: no
 * field can be confused with the next, whatever bytes it holds). */
static size_t netstring(char *out, size_t size, size_t used, const char *s,
			size_t len)
{
	if (used >= size)
		return size;
	int n = snprintf(out + used, size - used, "%zu:", len);
	if (n < 0 || used + (size_t)n + len + 1 >= size)
		return size;
	used += (size_t)n;
	memcpy(out + used, s, len);
	used += len;
	out[used++] = ',';
	return used;
}

size_t seed_encode(const struct seed_input *in, char *out, size_t size)
{
	char policy[65], population[65], date[11];
	size_t id_len = strlen(in->campaign_id);
	size_t entropy_len = strlen(in->entropy);
	if (id_len == 0 || id_len > SEED_MAX_ID ||
	    entropy_len > SEED_MAX_ENTROPY)
		return 0;
	seed_hex(in->policy_digest, 32, policy);
	seed_hex(in->population_digest, 32, population);
	date_format(in->date, date);
	size_t used = 0;
	used = netstring(out, size, used, ALGORITHM_VERSION,
			 strlen(ALGORITHM_VERSION));
	used = netstring(out, size, used, in->campaign_id, id_len);
	used = netstring(out, size, used, policy, 64);
	used = netstring(out, size, used, population, 64);
	used = netstring(out, size, used, date, 10);
	used = netstring(out, size, used, in->entropy, entropy_len);
	return used >= size ? 0 : used;
}

int seed_derive(const struct seed_input *in, uint8_t seed[32])
{
	char buf[512];
	size_t len = seed_encode(in, buf, sizeof(buf));
	if (len == 0)
		return -1;
	sha256(buf, len, seed);
	return 0;
}

void seed_stream(const uint8_t seed[32], const char *algorithm,
		 struct rng *r)
{
	char hex[65], buf[160];
	uint8_t d[32];
	seed_hex(seed, 32, hex);
	int n = snprintf(buf, sizeof(buf), "%zu:%s,64:%s,", strlen(algorithm),
			 algorithm, hex);
	sha256(buf, (size_t)n, d);
	rng_seed(r, d);
}

bool seed_unhex(const char *hex, uint8_t out[32])
{
	for (int i = 0; i < 64; i++) {
		char ch = hex[i];
		int v = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
						 : -1;
		if (v < 0)
			return false;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return hex[64] == '\0';
}
