#include "inspect/core/sha256.h"

/* The low-level interface: its context lives in the caller's struct, so
 * that nothing is allocated and nothing can fail, and it runs the same
 * accelerated code as EVP. OpenSSL 3 marks it deprecated, not removed. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((struct sha256 *)0)->ctx),
	       "struct sha256 holds a SHA256_CTX");

static SHA256_CTX *ctx_of(struct sha256 *h)
{
	return (SHA256_CTX *)(void *)h->ctx;
}

void sha256_init(struct sha256 *h)
{
	SHA256_Init(ctx_of(h));
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	SHA256_Update(ctx_of(h), data, len);
}

void sha256_final(struct sha256 *h, uint8_t out[32])
{
	SHA256_Final(out, ctx_of(h));
}

void sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final(&h, out);
}
