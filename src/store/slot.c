#include "inspect/store/slot.h"

#include <string.h>

uint16_t crc16_xmodem(const char *s, size_t len)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t)((uint8_t)s[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021)
					   : (uint16_t)(crc << 1);
	}
	return crc;
}

unsigned key_slot(const char *key, size_t len)
{
	const char *open = memchr(key, '{', len);
	if (open) {
		size_t rest = len - (size_t)(open - key) - 1;
		const char *close = memchr(open + 1, '}', rest);
		if (close && close > open + 1) {
			key = open + 1;
			len = (size_t)(close - open - 1);
		}
	}
	return crc16_xmodem(key, len) & (SLOT_COUNT - 1);
}
