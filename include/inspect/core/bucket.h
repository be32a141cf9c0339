/* Which hash of the grade index holds a code: FNV-1a (32-bit) of the USCC,
 * modulo the bucket count (a power of two). */
#ifndef INSPECT_BUCKET_H
#define INSPECT_BUCKET_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t bucket_of(const char *uscc, size_t len,
				 uint32_t buckets)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)uscc[i];
		h *= 16777619u;
	}
	return h & (buckets - 1);
}

#endif
