#include "inspect/core/campaign.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/pledges.h"
#include "inspect/core/policy.h"
#include "inspect/core/strbuf.h"
#include "inspect/core/text.h"

/* A field's value read into c: 0, or FAIL_INVALID with why not. */
typedef int (*field_parser)(const char *v, size_t len, struct campaign *c,
			    struct diag *why);

bool code_chars(const char *v, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = v[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		      ch == '.'))
			return false;
	}
	return true;
}

static void copy(char *dst, const char *v, size_t len)
{
	memcpy(dst, v, len);
	dst[len] = '\0';
}

#define CODE_RULE "1 to 64 letters, digits, '-', '_' or '.'"

static int p_id(const char *v, size_t len, struct campaign *c, struct diag *why)
{
	if (!code_chars(v, len, SEED_MAX_ID))
		return diag_add(why, "must be " CODE_RULE);
	copy(c->id, v, len);
	return 0;
}

static int p_department(const char *v, size_t len, struct campaign *c,
			struct diag *why)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_NAME))
		return diag_add(why, "must be " CODE_RULE);
	copy(c->department, v, len);
	return 0;
}

static int p_policy(const char *v, size_t len, struct campaign *c,
		    struct diag *why)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_NAME))
		return diag_add(why, "must be " CODE_RULE);
	copy(c->policy, v, len);
	return 0;
}

/* Calls each(item) for every comma-separated item; at most max items. */
static int each_item(const char *v, size_t len, unsigned max, field_parser each,
		     struct campaign *c, struct diag *why)
{
	unsigned n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && v[i] != ',')
			continue;
		if (++n > max)
			return diag_add(why, "has too many items");
		if (each(v + start, i - start, c, why) < 0)
			return FAIL_INVALID;
		start = i + 1;
	}
	return 0;
}

/* CODE, or CODE:SHARE: the share of the campaign's visits that check
 * the item (docs/ALGORITHM.md, "Items per visit"), a decimal of at most 6
 * places from 0.000001 to 1; without one, every visit checks it. */
static int one_item(const char *v, size_t len, struct campaign *c,
		    struct diag *why)
{
	const char *colon = memchr(v, ':', len);
	size_t code = colon ? (size_t)(colon - v) : len;
	if (!code_chars(v, code, CAMPAIGN_MAX_NAME))
		return diag_add(why, "items are " CODE_RULE ", separated by "
				"commas, each with its share after a colon "
				"or none");
	for (unsigned i = 0; i < c->n_items; i++)
		if (strlen(c->items[i]) == code &&
		    !memcmp(c->items[i], v, code))
			return diag_add(why, "names item %.*s twice",
					(int)code, v);
	uint64_t share = ITEM_SHARE_ONE;
	char text[16];
	size_t tl = colon ? len - code - 1 : 0;
	if (colon && (tl == 0 || tl >= sizeof(text)))
		return diag_add(why, "an item's share is a decimal from "
				"0.000001 to 1");
	if (colon) {
		memcpy(text, colon + 1, tl);
		text[tl] = '\0';
		if (!decimal_parse(text, FACTOR_SCALE, ITEM_SHARE_ONE,
				   &share) || share == 0)
			return diag_add(why, "item %.*s's share '%s' is not a "
					"decimal from 0.000001 to 1",
					(int)code, v, text);
	}
	c->item_share[c->n_items] = (uint32_t)share;
	copy(c->items[c->n_items++], v, code);
	return 0;
}

static int p_items(const char *v, size_t len, struct campaign *c,
		   struct diag *why)
{
	if (each_item(v, len, CAMPAIGN_MAX_ITEMS, one_item, c, why) < 0)
		return FAIL_INVALID;
	/* Every visit checks something: one item, at least, has no share. */
	for (unsigned i = 0; i < c->n_items; i++)
		if (c->item_share[i] == ITEM_SHARE_ONE)
			return 0;
	return diag_add(why, "every item has a share below 1: at least one "
			"is checked at every visit");
}

int campaign_items_parse(const char *text, struct campaign *c,
			 struct diag *why)
{
	c->n_items = 0;
	return p_items(text, strlen(text), c, why);
}

bool campaign_has_shares(const struct campaign *c)
{
	for (unsigned i = 0; i < c->n_items; i++)
		if (c->item_share[i] != ITEM_SHARE_ONE)
			return true;
	return false;
}

void item_share_text(uint32_t share, char sep, char *out, size_t size)
{
	out[0] = '\0';
	if (share == ITEM_SHARE_ONE || size < 2)
		return;
	out[0] = sep;
	decimal_format(share, FACTOR_SCALE, out + 1, size - 1);
}

void campaign_items_text(const struct campaign *c, uint32_t mask,
			 bool shares, char sep, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < c->n_items && n < size; i++) {
		if (!(mask >> i & 1))
			continue;
		char share[24] = "";
		if (shares)
			item_share_text(c->item_share[i], ':', share,
					sizeof(share));
		if (n)
			n = buf_put(out, size, n, &sep, 1);
		n = buf_put(out, size, n, c->items[i], strlen(c->items[i]));
		n = buf_put(out, size, n, share, strlen(share));
	}
}

static int one_region(const char *v, size_t len, struct campaign *c,
		      struct diag *why)
{
	static const char rule[] =
		"regions are 1 to 6 digit prefixes of a region code";
	if (len == 0 || len > 6)
		return diag_add(why, "%s", rule);
	for (size_t i = 0; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return diag_add(why, "%s", rule);
	copy(c->scope.regions[c->scope.n_regions++], v, len);
	return 0;
}

static int p_regions(const char *v, size_t len, struct campaign *c,
		     struct diag *why)
{
	return each_item(v, len, SCOPE_MAX_PREFIXES, one_region, c, why);
}

static int one_industry(const char *v, size_t len, struct campaign *c,
			struct diag *why)
{
	static const char rule[] =
	    "industries are GB/T 4754 prefixes such as C13";
	if (len == 0 || len > 5 || v[0] < 'A' || v[0] > 'T')
		return diag_add(why, "%s", rule);
	for (size_t i = 1; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return diag_add(why, "%s", rule);
	copy(c->scope.industries[c->scope.n_industries++], v, len);
	return 0;
}

static int p_industries(const char *v, size_t len, struct campaign *c,
			struct diag *why)
{
	return each_item(v, len, SCOPE_MAX_PREFIXES, one_industry, c, why);
}

static int p_flags(const char *v, size_t len, struct campaign *c,
		   struct diag *why)
{
	for (size_t i = 0; i < len; i++) {
		int f = policy_flag_index(v[i]);
		if (f < 0)
			return diag_add(why, "may only hold B, R, P and E");
		c->scope.flags |= (uint8_t)(1u << f);
	}
	return 0;
}

static int p_size(const char *v, size_t len, struct campaign *c,
		  struct diag *why)
{
	uint64_t n = 0;
	if (len == 0 || len > 10)
		return diag_add(why, "is not a whole number from 1 to "
				"268435456");
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return diag_add(why, "is not a whole number from 1 "
					"to 268435456");
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (n == 0 || n > POLICY_MAX_SIZE)
		return diag_add(why, "is not a whole number from 1 to "
				"268435456");
	c->size = (uint32_t)n;
	return 0;
}

static int p_date(const char *v, size_t len, struct campaign *c,
		  struct diag *why)
{
	return date_parse(v, (unsigned)len, &c->date)
		   ? 0
		   : diag_add(why, "is not a date YYYY-MM-DD");
}

static int p_window(const char *v, size_t len, struct campaign *c,
		    struct diag *why)
{
	if (len != 22 || memcmp(v + 10, "..", 2) != 0 ||
	    !date_parse(v, 10, &c->window_from) ||
	    !date_parse(v + 12, 10, &c->window_to))
		return diag_add(why, "is not YYYY-MM-DD..YYYY-MM-DD");
	if (c->window_to < c->window_from)
		return diag_add(why, "ends before it starts");
	if (c->window_to - c->window_from > 366)
		return diag_add(why, "is longer than a year");
	return 0;
}

static int p_backdated(const char *v, size_t len, struct campaign *c,
		       struct diag *why)
{
	if (len == 3 && !memcmp(v, "yes", 3))
		c->backdated = true;
	else if (!(len == 2 && !memcmp(v, "no", 2)))
		return diag_add(why, "must be yes or no");
	return 0;
}

const char *const task_type_names[TASK_TYPES] = {"undirected", "directed"};
const char *const task_type_zh[TASK_TYPES] = {"不定向抽查", "定向抽查"};

static int p_task_type(const char *v, size_t len, struct campaign *c,
		       struct diag *why)
{
	for (int t = 0; t < TASK_TYPES; t++)
		if (strlen(task_type_names[t]) == len &&
		    !memcmp(v, task_type_names[t], len)) {
			c->task_type = (enum task_type)t;
			return 0;
		}
	return diag_add(why, "must be directed or undirected");
}

static int p_plan(const char *v, size_t len, struct campaign *c,
		  struct diag *why)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_PLAN))
		return diag_add(why, "must be 1 to %d letters, digits, '-', "
				"'_' or '.'", CAMPAIGN_MAX_PLAN);
	copy(c->plan, v, len);
	return 0;
}

static int p_entropy(const char *v, size_t len, struct campaign *c,
		     struct diag *why)
{
	if (len > SEED_MAX_ENTROPY)
		return diag_add(why, "is longer than 256 bytes");
	/* Published in the plan and the disclosure: text anyone can read. */
	if (len && text_check(v, len, SEED_MAX_ENTROPY, why) < 0)
		return FAIL_INVALID;
	copy(c->entropy, v, len);
	c->has_entropy = true;
	return 0;
}

static const struct rule {
	const char *name;
	field_parser parse;
	bool campaign, entropy; /* allowed in that entry type */
	bool required;          /* in every type that allows it */
} rules[] = {
	{"id", p_id, true, true, true},
	{"department", p_department, true, false, true},
	{"policy", p_policy, true, false, true},
	{"items", p_items, true, false, true},
	{"regions", p_regions, true, false, false},
	{"industries", p_industries, true, false, false},
	{"flags", p_flags, true, false, false},
	{"size", p_size, true, false, false},
	{"date", p_date, true, false, false},
	{"window", p_window, true, false, false},
	{"backdated", p_backdated, true, false, false},
	{"task_type", p_task_type, true, false, false},
	{"plan", p_plan, true, false, false},
	{"entropy", p_entropy, true, true, false},
};
#define N_RULES (sizeof(rules) / sizeof(*rules))

static int rule_index(const struct entry_field *f)
{
	for (size_t r = 0; r < N_RULES; r++)
		if (strlen(rules[r].name) == f->name_len &&
		    memcmp(rules[r].name, f->name, f->name_len) == 0)
			return (int)r;
	return -1;
}

static size_t rule_named(const char *name)
{
	size_t r = 0;
	while (r < N_RULES && strcmp(rules[r].name, name) != 0)
		r++;
	return r;
}

/* A task that names industries or flags, or a pledge campaign's (its
 * approvals' entities), draws from a chosen class: it is directed, and
 * saying undirected is a contradiction. Regions alone do not make a task
 * directed: a department's pool is its jurisdiction. */
static int task_type_check(struct campaign *c, bool given, struct diag *err)
{
	bool chosen = c->scope.n_industries || c->scope.flags ||
		      strcmp(c->policy, PLEDGE_POLICY) == 0;
	if (c->type != ENTRY_CAMPAIGN || !chosen)
		return 0;
	if (given && c->task_type == TASK_UNDIRECTED)
		return diag_add(err, "field task_type: undirected draws from "
				"the whole pool, but the entry chooses %s",
				c->scope.n_industries ? "industries"
				: c->scope.flags      ? "list flags"
						      : "a pledge's approvals");
	c->task_type = TASK_DIRECTED;
	return 0;
}

static int parse_type(const struct entry_field *f, size_t n,
		      struct campaign *c, struct diag *err)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].name_len != 4 || memcmp(f[i].name, "type", 4) != 0)
			continue;
		if (f[i].value_len == 8 && !memcmp(f[i].value, "campaign", 8))
			c->type = ENTRY_CAMPAIGN;
		else if (f[i].value_len == 7 &&
			 !memcmp(f[i].value, "entropy", 7))
			c->type = ENTRY_ENTROPY;
		else
			return diag_add(err, "field type: must be campaign or "
					"entropy");
		return 0;
	}
	return diag_add(err, "field type: missing");
}

int campaign_parse(const struct entry_field *f, size_t n,
		   struct campaign *c, struct diag *err)
{
	bool seen[N_RULES] = {false};
	memset(c, 0, sizeof(*c));
	c->date = c->window_from = c->window_to = DATE_NONE;
	if (n > CAMPAIGN_MAX_FIELDS)
		return diag_add(err, "entry has more than %d fields",
				CAMPAIGN_MAX_FIELDS);
	/* The id first, so that a refusal can name the campaign. */
	for (size_t i = 0; i < n; i++)
		if (f[i].name_len == 2 && memcmp(f[i].name, "id", 2) == 0 &&
		    f[i].value_len <= SEED_MAX_ID)
			p_id(f[i].value, f[i].value_len, c, NULL);
	if (parse_type(f, n, c, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (f[i].name_len == 4 && memcmp(f[i].name, "type", 4) == 0)
			continue;
		int r = rule_index(&f[i]);
		if (r < 0 || !(c->type == ENTRY_CAMPAIGN ? rules[r].campaign
							  : rules[r].entropy)) {
			/* A stranger's bytes, shown cleaned: no escape
			 * sequence reaches a terminal through a reason. */
			char name[3 * 64 + 1];
			text_clean(f[i].name, f[i].name_len < 64 ? f[i].name_len
								 : 64,
				   name, sizeof(name));
			return diag_add(err, "field %s: not a field of %s "
					"entry", name,
					c->type == ENTRY_CAMPAIGN ? "a campaign"
								  : "an entropy");
		}
		if (seen[r])
			return diag_add(err, "field %s: given twice",
					rules[r].name);
		seen[r] = true;
		if (f[i].value_len > CAMPAIGN_MAX_VALUE)
			return diag_add(err, "field %s: longer than %d bytes",
					rules[r].name, CAMPAIGN_MAX_VALUE);
		struct diag why;
		diag_init(&why);
		if (rules[r].parse(f[i].value, f[i].value_len, c, &why) < 0)
			return diag_add(err, "field %s: %s", rules[r].name,
					diag_reason(&why));
	}
	if (c->backdated && c->date == DATE_NONE)
		return diag_add(err, "field backdated: a back-dated record needs "
				"its field date");
	if (task_type_check(c, seen[rule_named("task_type")], err) < 0)
		return -1;
	for (size_t r = 0; r < N_RULES; r++) {
		bool allowed = c->type == ENTRY_CAMPAIGN ? rules[r].campaign
							 : rules[r].entropy;
		bool needed = rules[r].required ||
			      (c->type == ENTRY_ENTROPY && r == N_RULES - 1);
		if (allowed && needed && !seen[r])
			return diag_add(err, "field %s: missing",
					rules[r].name);
	}
	return 0;
}
