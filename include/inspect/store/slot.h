/* Redis Cluster's hash slots (the cluster specification, "Keys
 * distribution model"): CRC16 (XMODEM) of the key, or of its hash tag,
 * the part between the first '{' and the first '}' after it when that is
 * not empty, modulo 16384. Keys of one slot live on one master, and only
 * keys of one slot can meet in a transaction. */
#ifndef INSPECT_SLOT_H
#define INSPECT_SLOT_H

#include <stddef.h>
#include <stdint.h>

#define SLOT_COUNT 16384u

uint16_t crc16_xmodem(const char *s, size_t len);
unsigned key_slot(const char *key, size_t len);

#endif
