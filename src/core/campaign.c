#include "inspect/core/campaign.h"

#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/policy.h"
#include "inspect/core/text.h"

typedef const char *(*field_parser)(const char *v, size_t len,
				    struct campaign *c);

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

static const char *p_id(const char *v, size_t len, struct campaign *c)
{
	if (!code_chars(v, len, SEED_MAX_ID))
		return "must be " CODE_RULE;
	copy(c->id, v, len);
	return NULL;
}

static const char *p_department(const char *v, size_t len,
				struct campaign *c)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_NAME))
		return "must be " CODE_RULE;
	copy(c->department, v, len);
	return NULL;
}

static const char *p_policy(const char *v, size_t len, struct campaign *c)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_NAME))
		return "must be " CODE_RULE;
	copy(c->policy, v, len);
	return NULL;
}

/* Calls each(item) for every comma-separated item; at most max items. */
static const char *each_item(const char *v, size_t len, unsigned max,
			     const char *(*each)(const char *, size_t,
						 struct campaign *),
			     struct campaign *c)
{
	unsigned n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && v[i] != ',')
			continue;
		if (++n > max)
			return "has too many items";
		const char *why = each(v + start, i - start, c);
		if (why)
			return why;
		start = i + 1;
	}
	return NULL;
}

static const char *one_item(const char *v, size_t len, struct campaign *c)
{
	if (!code_chars(v, len, CAMPAIGN_MAX_NAME))
		return "items are " CODE_RULE ", separated by commas";
	copy(c->items[c->n_items++], v, len);
	return NULL;
}

static const char *p_items(const char *v, size_t len, struct campaign *c)
{
	return each_item(v, len, CAMPAIGN_MAX_ITEMS, one_item, c);
}

static const char *one_region(const char *v, size_t len, struct campaign *c)
{
	if (len == 0 || len > 6)
		return "regions are 1 to 6 digit prefixes of a region code";
	for (size_t i = 0; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return "regions are 1 to 6 digit prefixes of a region "
			       "code";
	copy(c->scope.regions[c->scope.n_regions++], v, len);
	return NULL;
}

static const char *p_regions(const char *v, size_t len, struct campaign *c)
{
	return each_item(v, len, SCOPE_MAX_PREFIXES, one_region, c);
}

static const char *one_industry(const char *v, size_t len,
				struct campaign *c)
{
	const char *why = "industries are GB/T 4754 prefixes such as C13";
	if (len == 0 || len > 5 || v[0] < 'A' || v[0] > 'T')
		return why;
	for (size_t i = 1; i < len; i++)
		if (v[i] < '0' || v[i] > '9')
			return why;
	copy(c->scope.industries[c->scope.n_industries++], v, len);
	return NULL;
}

static const char *p_industries(const char *v, size_t len,
				struct campaign *c)
{
	return each_item(v, len, SCOPE_MAX_PREFIXES, one_industry, c);
}

static const char *p_flags(const char *v, size_t len, struct campaign *c)
{
	for (size_t i = 0; i < len; i++) {
		int f = policy_flag_index(v[i]);
		if (f < 0)
			return "may only hold B, R, P and E";
		c->scope.flags |= (uint8_t)(1u << f);
	}
	return NULL;
}

static const char *p_size(const char *v, size_t len, struct campaign *c)
{
	uint64_t n = 0;
	if (len == 0 || len > 10)
		return "is not a whole number from 1 to 268435456";
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return "is not a whole number from 1 to 268435456";
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (n == 0 || n > POLICY_MAX_SIZE)
		return "is not a whole number from 1 to 268435456";
	c->size = (uint32_t)n;
	return NULL;
}

static const char *p_date(const char *v, size_t len, struct campaign *c)
{
	return date_parse(v, (unsigned)len, &c->date)
		       ? NULL
		       : "is not a date YYYY-MM-DD";
}

static const char *p_window(const char *v, size_t len, struct campaign *c)
{
	if (len != 22 || memcmp(v + 10, "..", 2) != 0 ||
	    !date_parse(v, 10, &c->window_from) ||
	    !date_parse(v + 12, 10, &c->window_to))
		return "is not YYYY-MM-DD..YYYY-MM-DD";
	if (c->window_to < c->window_from)
		return "ends before it starts";
	if (c->window_to - c->window_from > 366)
		return "is longer than a year";
	return NULL;
}

static const char *p_backdated(const char *v, size_t len,
			       struct campaign *c)
{
	if (len == 3 && !memcmp(v, "yes", 3))
		c->backdated = true;
	else if (!(len == 2 && !memcmp(v, "no", 2)))
		return "must be yes or no";
	return NULL;
}

static const char *p_entropy(const char *v, size_t len, struct campaign *c)
{
	if (len > SEED_MAX_ENTROPY)
		return "is longer than 256 bytes";
	/* Published in the plan and the disclosure: text anyone can read. */
	const char *bad = len ? text_invalid(v, len, SEED_MAX_ENTROPY) : NULL;
	if (bad)
		return bad;
	copy(c->entropy, v, len);
	c->has_entropy = true;
	return NULL;
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
			p_id(f[i].value, f[i].value_len, c);
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
		const char *why = rules[r].parse(f[i].value, f[i].value_len, c);
		if (why)
			return diag_add(err, "field %s: %s", rules[r].name, why);
	}
	if (c->backdated && c->date == DATE_NONE)
		return diag_add(err, "field backdated: a back-dated record needs "
				"its field date");
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
