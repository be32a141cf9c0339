#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/decimal.h"
#include "inspect/core/items.h"
#include "inspect/core/visit_items.h"

static struct campaign items(const char *text, const char **why)
{
	static struct diag err;
	struct campaign c;
	memset(&c, 0, sizeof(c));
	diag_init(&err);
	*why = campaign_items_parse(text, &c, &err) == 0 ? "" : diag_text(&err);
	return c;
}

/* CODE:SHARE: a share of the visits, one item at least at every visit. */
Test(visit_items, shares_are_read_and_written_back)
{
	const char *why;
	struct campaign c = items("SC-001,SC-017:0.30,SC-020:0.000001", &why);
	cr_assert_str_eq(why, "");
	cr_assert_eq(c.n_items, 3);
	cr_assert_eq(c.item_share[0], ITEM_SHARE_ONE);
	cr_assert_eq(c.item_share[1], 300000);
	cr_assert_eq(c.item_share[2], 1);
	cr_assert_str_eq(c.items[1], "SC-017");
	cr_assert(campaign_has_shares(&c));
	char out[200];
	campaign_items_text(&c, UINT32_MAX, true, ',', out, sizeof(out));
	cr_assert_str_eq(out, "SC-001,SC-017:0.3,SC-020:0.000001");
	campaign_items_text(&c, 0x5, false, '+', out, sizeof(out));
	cr_assert_str_eq(out, "SC-001+SC-020");
	c = items("SC-001:1,SC-017", &why);
	cr_assert_str_eq(why, "");
	cr_assert(!campaign_has_shares(&c), "a share of 1 is every visit");
	static const char *const bad[][2] = {
		{"SC-001,SC-017:0", "share '0' is not a decimal"},
		{"SC-001,SC-017:1.5", "share '1.5' is not a decimal"},
		{"SC-001,SC-017:0.1234567", "is not a decimal"},
		{"SC-001,SC-017:", "share is a decimal"},
		{"SC-001,SC-017:-0.5", "is not a decimal"},
		{"SC-001:0.5,SC-017:0.3", "at least one is checked at every"},
		{"SC-001,SC-001:0.5", "names item SC-001 twice"},
		{"SC 1", "items are 1 to 64"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		items(bad[i][0], &why);
		cr_assert(strstr(why, bad[i][1]), "%s: %s", bad[i][0], why);
	}
}

static const uint8_t SEED[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

Test(visit_items, without_shares_every_visit_checks_every_item)
{
	uint32_t share[3] = {ITEM_SHARE_ONE, ITEM_SHARE_ONE, ITEM_SHARE_ONE};
	uint32_t mask[50];
	cr_assert_eq(visit_items_draw(SEED, share, 3, 50, mask), 0);
	for (int k = 0; k < 50; k++)
		cr_assert_eq(mask[k], 7u);
}

static unsigned visits_with(const uint32_t *mask, size_t n, unsigned bit)
{
	unsigned c = 0;
	for (size_t k = 0; k < n; k++)
		c += mask[k] >> bit & 1;
	return c;
}

/* share × n visits when that is whole; otherwise its floor or ceiling,
 * the ceiling with the fraction's chance: over 20,000 seeds the mean
 * count of 7 × 0.5 is 3.5 within 0.03 (6 standard deviations: the
 * deviation of one count is 0.5). */
Test(visit_items, counts_are_the_share_of_the_visits)
{
	uint32_t share[3] = {ITEM_SHARE_ONE, 300000, 999999};
	static uint32_t mask[1000];
	cr_assert_eq(visit_items_draw(SEED, share, 3, 1000, mask), 0);
	cr_assert_eq(visits_with(mask, 1000, 0), 1000);
	cr_assert_eq(visits_with(mask, 1000, 1), 300);
	unsigned c = visits_with(mask, 1000, 2);
	cr_assert(c == 999 || c == 1000, "%u", c);
	uint32_t half[2] = {ITEM_SHARE_ONE, 500000};
	double sum = 0;
	for (uint32_t s = 0; s < 20000; s++) {
		uint8_t seed[32] = {0};
		memcpy(seed, &s, sizeof(s));
		cr_assert_eq(visit_items_draw(seed, half, 2, 7, mask), 0);
		unsigned n = visits_with(mask, 7, 1);
		cr_assert(n == 3 || n == 4, "%u", n);
		sum += n;
	}
	cr_assert(fabs(sum / 20000 - 3.5) < 0.03, "%f", sum / 20000);
}

/* Every visit is as likely as any other to check an item of share s:
 * P = s, so that an entity's chance to be checked for it is its chance
 * to be drawn times s. 10 visits, shares 0.25 (2.5 a draw: rounded at
 * random) and 0.7 (drawn as the complement), 20,000 seeds: each visit's
 * frequency within 0.02 of s (more than 6 standard deviations). */
Test(visit_items, every_visit_is_equally_likely)
{
	uint32_t share[3] = {250000, ITEM_SHARE_ONE, 700000};
	unsigned hits[2][10] = {{0}};
	uint32_t mask[10];
	for (uint32_t s = 0; s < 20000; s++) {
		uint8_t seed[32] = {0xa5};
		memcpy(seed + 4, &s, sizeof(s));
		cr_assert_eq(visit_items_draw(seed, share, 3, 10, mask), 0);
		for (int k = 0; k < 10; k++) {
			cr_assert(mask[k] & 2, "item 1 is at every visit");
			hits[0][k] += mask[k] & 1;
			hits[1][k] += mask[k] >> 2 & 1;
		}
	}
	for (int k = 0; k < 10; k++) {
		cr_assert(fabs(hits[0][k] / 20000.0 - 0.25) < 0.02, "%d: %u",
			  k, hits[0][k]);
		cr_assert(fabs(hits[1][k] / 20000.0 - 0.7) < 0.02, "%d: %u",
			  k, hits[1][k]);
	}
	/* The same seed, the same items: the verifiers draw them again. */
	uint32_t again[10];
	visit_items_draw(SEED, share, 3, 10, mask);
	visit_items_draw(SEED, share, 3, 10, again);
	cr_assert_arr_eq(mask, again, sizeof(mask));
}

/* Key items (重点) have no limit; a general one (一般, the default) may
 * reach at most the policy's ratio of the pool: its share of the draw's
 * expected visits. 100 expected visits in a pool of 1,000: a share of 0.3
 * reaches 0.03. */
Test(visit_items, general_items_within_the_policy_limit)
{
	static const char yaml[] =
		"items:\n"
		"  - {code: K1, name: key, department: D, kind: key}\n"
		"  - {code: G1, name: general, department: D, kind: general}\n"
		"  - {code: G2, name: general too, department: D}\n";
	struct item_list l;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(item_list_parse("items.yaml", yaml, strlen(yaml), &l,
				     &err), 0, "%s", diag_text(&err));
	cr_assert(item_find(&l, "K1")->key);
	cr_assert(!item_find(&l, "G1")->key && !item_find(&l, "G2")->key);
	const char codes[3][65] = {"K1", "G1", "G2"};
	const u128 expected = (u128)100 * PI_ONE;
	uint32_t ok[3] = {ITEM_SHARE_ONE, 300000, 100000};
	cr_assert_eq(visit_items_check("teams.txt", codes, ok, 3, &l, 30000,
				       expected, 1000, &err), 0, "%s",
		     diag_text(&err));
	uint32_t over[3] = {ITEM_SHARE_ONE, 300000, 300001};
	cr_assert_eq(visit_items_check("teams.txt", codes, over, 3, &l, 30000,
				       expected, 1000, &err), -1);
	cr_assert(strstr(diag_text(&err), "teams.txt: G2 is a general item: "
			 "the draw would check it at 0.0300001 of the pool, "
			 "above the policy's general_items_max_ratio 0.03"),
		  "%s", diag_text(&err));
	diag_init(&err);
	cr_assert_eq(visit_items_check("teams.txt", codes, over, 3, &l,
				       ITEM_SHARE_ONE, expected, 1000, &err),
		     0, "no limit: any share");
	cr_assert_eq(visit_items_check("teams.txt", codes, over, 3, &l, 0,
				       expected, 1000, &err),
		     0, "no limit: any share");
	item_list_finish(&l);
	static const char kind[] =
		"items:\n  - {code: X, name: x, department: D, kind: main}\n";
	diag_init(&err);
	cr_assert_eq(item_list_parse("items.yaml", kind, strlen(kind), &l,
				     &err), -1);
	cr_assert(strstr(diag_text(&err), "kind 'main' is not key or general"),
		  "%s", diag_text(&err));
}
