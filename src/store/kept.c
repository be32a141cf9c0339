/* Immutable copies named by their content: <p><kind>:<sha256>. */
#include <stdio.h>
#include <string.h>

#include "inspect/core/seed.h"
#include "inspect/core/sha256.h"
#include "inspect/core/strbuf.h"
#include "inspect/store/keys.h"
#include "inspect/store/ops.h"
#include "inspect/store/store.h"

redisReply *store_kept_copy(struct store *s, enum key_kind kind,
			    const char *hex, char *key, size_t size,
			    bool *ret_bad)
{
	char got[65];
	uint8_t d[32];
	key_name(key, size, s->cfg, kind, hex, NULL);
	*ret_bad = false;
	redisReply *r = store_runv(s, "GET", key, NULL);
	if (!r)
		return NULL;
	if (r->type == REDIS_REPLY_STRING) {
		sha256(r->str, r->len, d);
		seed_hex(d, 32, got);
		if (!strcmp(got, hex))
			return r;
	}
	freeReplyObject(r);
	*ret_bad = true;
	return NULL;
}

int store_population_text(struct store *s, const char *hex, unsigned chunks,
			  struct strbuf *out)
{
	for (unsigned k = 0; k < chunks; k++) {
		char n[16];
		snprintf(n, sizeof(n), "%u", k);
		redisReply *r = store_get2(s, KEY_POPULATION_CHUNK, hex, n);
		if (!r)
			return FAIL_LOST;
		bool ok = r->type == REDIS_REPLY_STRING;
		if (ok)
			sb_add(out, r->str, r->len);
		freeReplyObject(r);
		if (!ok) {
			diag_set(&s->err,
				 "the population %.16s... "
				 "is missing chunk %u of %u",
				 hex, k, chunks);
			return FAIL_INVALID;
		}
	}
	return 0;
}
