/* What inspectd hands to the credit platform goes through an outbox: an
 * adverse result is added to <p>outbox in the transaction that records it
 * (one hash slot with the rest of inspectd's keys), and relayed from there
 * to <g>events, which lives in the credit platform's slots, under the
 * same entry id. The relay is idempotent: it relays in id order and skips
 * what <g>events holds already, so a relay cut short by a crash, or two
 * relays at once, hand each event over exactly once. <g>events is
 * written by inspectd alone; an outbox entry older than its last entry
 * and not in it is kept and reported, never dropped. */
#ifndef INSPECT_OUTBOX_H
#define INSPECT_OUTBOX_H

#include <stddef.h>

#include "inspect/store/store.h"

/* Relays up to max of the oldest outbox entries and deletes them from the
 * outbox. Returns how many were taken from the outbox (0: it is empty),
 * or FAIL_LOST / FAIL_REFUSED (s->err). */
int store_outbox_relay(struct store *s, size_t max);

#endif
