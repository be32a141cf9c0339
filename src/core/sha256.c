#include "inspect/core/sha256.h"

#include <openssl/evp.h>
#include <stdlib.h>

/* EVP calls fail only when out of memory, which is fatal here as anywhere
 * else a digest is needed. */
static void *check(void *p)
{
	if (!p)
		abort();
	return p;
}

void sha256_init(struct sha256 *h)
{
	h->ctx = check(EVP_MD_CTX_new());
	if (!EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL))
		abort();
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	if (len && !EVP_DigestUpdate(h->ctx, data, len))
		abort();
}

void sha256_final(struct sha256 *h, uint8_t out[32])
{
	if (!EVP_DigestFinal_ex(h->ctx, out, NULL))
		abort();
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final(&h, out);
}
