/* The random-inspection item list (抽查事项清单): a campaign may only name
 * listed items; each belongs to a department and may need a
 * qualification of the team. An item with a `pledge` rule is a pledge
 * item: only inspectd's pledge campaigns name it. */
#ifndef INSPECT_ITEMS_H
#define INSPECT_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inspect/core/diag.h"

#define ITEMS_MAX 1024
/* Working days: a window from the day after planning to a deadline this
 * far stays within the 366 days a campaign's window may span. */
#define PLEDGE_MAX_DEADLINE_DAYS 200
/* A pledge item's code is at most this long, so that the id of its
 * campaigns (PV-YYYYMMDD-YYYYMMDD-<run>-<code>) fits 64 bytes. */
#define PLEDGE_MAX_CODE 36

/* A pledge item (告知承诺事项): approvals granted on the applicant's
 * pledge, verified after approval by inspectd's own daily campaigns
 * (pledges.h). */
struct pledge_rule {
	bool on;
	char verify[16];        /* "all", or the sampling rate as written */
	uint64_t rate;          /* in 10^-12 (PI_ONE for all) */
	unsigned deadline_days; /* working days from the approval date */
};

struct item {
	char code[65];
	char name[257];
	char department[65];
	char qualification[33]; /* "" if none */
	/* A key item (重点检查事项, kind: key) is checked at any share of a
	 * campaign's visits; a general one (一般检查事项, the default) at
	 * most at the policy's general_items_max_share. */
	bool key;
	struct pledge_rule pledge;
};

struct item_list {
	struct item *v;
	size_t n;
};

int item_list_parse(const char *origin, const char *text, size_t len,
		    struct item_list *ret, struct diag *err);
void item_list_finish(struct item_list *l);
const struct item *item_find(const struct item_list *l, const char *code);

#endif
