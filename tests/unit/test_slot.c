/* Redis Cluster's hash slots (the cluster specification's CRC16 test
 * vector and hash tag rules, and slots Redis 7 itself gives with CLUSTER
 * KEYSLOT) and the cluster client's routing: each command to its key's
 * master, a transaction where it began. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../src/store/cluster.h"
#include "inspect/store/slot.h"

static unsigned slot_of(const char *key)
{
	return key_slot(key, strlen(key));
}

Test(slot, crc16_of_the_specification)
{
	/* "Output for "123456789": 31C3" (Keys distribution model). */
	cr_assert_eq(crc16_xmodem("123456789", 9), 0x31c3);
	cr_assert_eq(crc16_xmodem("", 0), 0);
}

Test(slot, slots_as_redis_gives_them)
{
	/* redis-cli CLUSTER KEYSLOT, Redis 7.0 */
	cr_assert_eq(slot_of("foo"), 12182);
	cr_assert_eq(slot_of("bar"), 5061);
	cr_assert_eq(slot_of("hello"), 866);
	cr_assert_eq(slot_of("{insp}:intake"), slot_of("insp"));
}

Test(slot, hash_tags)
{
	/* The specification's examples. */
	cr_assert_eq(slot_of("{user1000}.following"),
		     slot_of("{user1000}.followers"));
	cr_assert_eq(slot_of("foo{}{bar}"), crc16_xmodem("foo{}{bar}", 10) %
						    SLOT_COUNT);
	cr_assert_eq(slot_of("foo{{bar}}zap"), slot_of("{bar"));
	cr_assert_eq(slot_of("foo{bar}{zap}"), slot_of("bar"));
	/* No closing brace: the whole key. */
	cr_assert_eq(slot_of("foo{bar"), crc16_xmodem("foo{bar", 7) %
						 SLOT_COUNT);
	/* The import lock lies in <g>meta's slot. */
	cr_assert_eq(slot_of("{credit:meta}:import"), slot_of("credit:meta"));
}

/* A store that believes in three masters: slot s on master s % 3. */
static void three_masters(struct store *s, struct config *cfg)
{
	static uint16_t map[SLOT_COUNT];
	memset(s, 0, sizeof(*s));
	config_defaults(cfg);
	for (unsigned i = 0; i < SLOT_COUNT; i++)
		map[i] = (uint16_t)(i % 3);
	s->cfg = cfg;
	s->cluster = true;
	s->slot_node = map;
	s->n_nodes = 3;
	s->watch_node = s->multi_node = s->chosen_node = -1;
}

static int route(struct store *s, const char *const *words)
{
	struct args a;
	args_init(&a);
	for (; *words; words++)
		args_add(&a, *words);
	int node = cluster_route(s, &a);
	args_finish(&a);
	return node;
}

#define ROUTE(s, ...) route(s, (const char *const[]){__VA_ARGS__, NULL})

Test(slot, each_command_goes_to_its_keys_master)
{
	struct store s;
	struct config cfg;
	three_masters(&s, &cfg);
	int insp = (int)(slot_of("insp") % 3);
	cr_assert_eq(ROUTE(&s, "GET", "foo"), 12182 % 3);
	cr_assert_eq(ROUTE(&s, "HGETALL", "credit:idx:1:7"),
		     (int)(slot_of("credit:idx:1:7") % 3));
	cr_assert_eq(ROUTE(&s, "XREADGROUP", "GROUP", "inspectd", "c",
			   "COUNT", "1", "STREAMS", "bar", ">"),
		     5061 % 3);
	cr_assert_eq(ROUTE(&s, "XINFO", "STREAM", "hello"), 866 % 3);
	cr_assert_eq(ROUTE(&s, "EVAL", "return 1", "1", "bar"), 5061 % 3);
	/* Without a key: inspectd's slot, or the node chosen for SCAN. */
	cr_assert_eq(ROUTE(&s, "EVAL", "return 1", "0"), insp);
	cr_assert_eq(ROUTE(&s, "ROLE"), insp);
	store_on_node(&s, 2);
	cr_assert_eq(ROUTE(&s, "SCAN", "0"), 2);
}

Test(slot, a_transaction_stays_where_it_began)
{
	struct store s;
	struct config cfg;
	three_masters(&s, &cfg);
	int foo = 12182 % 3;
	cr_assert_eq(ROUTE(&s, "WATCH", "foo"), foo);
	cr_assert_eq(ROUTE(&s, "GET", "hello"), 866 % 3); /* a read */
	cr_assert_eq(ROUTE(&s, "MULTI"), foo);
	/* Queued commands follow MULTI whatever their key: Redis refuses
	 * one of another slot (CROSSSLOT, or MOVED) rather than running it
	 * outside the transaction. */
	cr_assert_eq(ROUTE(&s, "SET", "bar", "1"), foo);
	cr_assert_eq(ROUTE(&s, "EXEC"), foo);
	cr_assert_eq(ROUTE(&s, "GET", "bar"), 5061 % 3);
	/* MULTI without WATCH: inspectd's slot. */
	int insp = (int)(slot_of("insp") % 3);
	cr_assert_eq(ROUTE(&s, "MULTI"), insp);
	cr_assert_eq(ROUTE(&s, "XADD", "bar", "*", "a", "b"), insp);
	cr_assert_eq(ROUTE(&s, "DISCARD"), insp);
	cr_assert_eq(ROUTE(&s, "GET", "bar"), 5061 % 3);
}
