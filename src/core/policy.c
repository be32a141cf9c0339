#include "inspect/core/policy.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/decimal.h"
#include "inspect/core/sha256.h"
#include "inspect/core/yaml_doc.h"

/* The document as libcyaml loads it: numbers stay text so that they are
 * read exactly as decimals, never through a binary float. */
struct y_class {
	char *rate;
	char *weight;
	unsigned cooldown_days;
};

struct y_flag {
	char *factor;
	bool certain;
};

struct y_cap {
	unsigned visits;
	unsigned days;
	char *classes;
	char *exempt_flags;
};

struct y_caps {
	struct y_cap *of[CAP_COUNT];
};

struct y_classes {
	struct y_class *of[CLASS_COUNT];
};

struct y_flags {
	struct y_flag *of[FLAG_COUNT];
};

struct y_results {
	char *review_by;
	unsigned *correction_working_days, *objection_working_days,
		*adverse_public_years;
};

struct y_policy {
	char *name;
	char *design;
	unsigned size;
	unsigned team_size;
	bool disclose_inspectors;
	struct y_classes classes;
	struct y_flags flags;
	struct y_caps caps;
	char *merge;
	char *general_items_max_ratio;
	struct y_results *results;
};

static const cyaml_schema_field_t class_fields[] = {
	CYAML_FIELD_STRING_PTR("rate", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_class, rate, 1, 32),
	CYAML_FIELD_STRING_PTR("weight",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_class, weight, 1, 32),
	CYAML_FIELD_UINT("cooldown_days", CYAML_FLAG_OPTIONAL, struct y_class,
			 cooldown_days),
	CYAML_FIELD_END};

static const cyaml_schema_field_t flag_fields[] = {
	CYAML_FIELD_STRING_PTR("factor",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_flag, factor, 1, 32),
	CYAML_FIELD_BOOL("certain", CYAML_FLAG_OPTIONAL, struct y_flag,
			 certain),
	CYAML_FIELD_END};

static const cyaml_schema_field_t cap_fields[] = {
	CYAML_FIELD_UINT("visits", CYAML_FLAG_DEFAULT, struct y_cap, visits),
	CYAML_FIELD_UINT("days", CYAML_FLAG_DEFAULT, struct y_cap, days),
	CYAML_FIELD_STRING_PTR("classes",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_cap, classes, 1, 8),
	CYAML_FIELD_STRING_PTR("exempt_flags",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_cap, exempt_flags, 1, 8),
	CYAML_FIELD_END};

#define CAP_FIELD(L, i)                                                      \
	CYAML_FIELD_MAPPING_PTR(L, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
				struct y_caps, of[i], cap_fields)

static const cyaml_schema_field_t caps_fields[] = {
	CAP_FIELD("any_item", CAP_ANY_ITEM),
	CAP_FIELD("same_item", CAP_SAME_ITEM), CYAML_FIELD_END};

#define CLASS_FIELD(L, i)                                                    \
	CYAML_FIELD_MAPPING_PTR(L, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
				struct y_classes, of[i], class_fields)
#define FLAG_FIELD(L, i)                                                     \
	CYAML_FIELD_MAPPING_PTR(L, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
				struct y_flags, of[i], flag_fields)

static const cyaml_schema_field_t classes_fields[] = {
	CLASS_FIELD("A", 0), CLASS_FIELD("B", 1), CLASS_FIELD("C", 2),
	CLASS_FIELD("D", 3), CYAML_FIELD_END};

static const cyaml_schema_field_t flags_fields[] = {
	FLAG_FIELD("B", 0), FLAG_FIELD("R", 1), FLAG_FIELD("P", 2),
	FLAG_FIELD("E", 3), CYAML_FIELD_END};

#define RESULT_DAYS(L, f)                                                    \
	CYAML_FIELD_UINT_PTR(L, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,    \
			     struct y_results, f)

static const cyaml_schema_field_t results_fields[] = {
	CYAML_FIELD_STRING_PTR("review_by",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_results, review_by, 1, 32),
	RESULT_DAYS("correction_working_days", correction_working_days),
	RESULT_DAYS("objection_working_days", objection_working_days),
	RESULT_DAYS("adverse_public_years", adverse_public_years),
	CYAML_FIELD_END};

static const cyaml_schema_field_t policy_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_policy,
			       name, 1, 63),
	CYAML_FIELD_STRING_PTR("design", CYAML_FLAG_POINTER, struct y_policy,
			       design, 1, 16),
	CYAML_FIELD_UINT("size", CYAML_FLAG_OPTIONAL, struct y_policy, size),
	CYAML_FIELD_UINT("team_size", CYAML_FLAG_OPTIONAL, struct y_policy,
			 team_size),
	CYAML_FIELD_BOOL("disclose_inspectors", CYAML_FLAG_OPTIONAL,
			 struct y_policy, disclose_inspectors),
	CYAML_FIELD_MAPPING("classes", CYAML_FLAG_DEFAULT, struct y_policy,
			    classes, classes_fields),
	CYAML_FIELD_MAPPING("flags", CYAML_FLAG_OPTIONAL, struct y_policy,
			    flags, flags_fields),
	CYAML_FIELD_MAPPING("caps", CYAML_FLAG_OPTIONAL, struct y_policy,
			    caps, caps_fields),
	CYAML_FIELD_STRING_PTR("merge", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_policy, merge, 1, 16),
	CYAML_FIELD_STRING_PTR("general_items_max_ratio",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_policy, general_items_max_ratio, 1, 16),
	CYAML_FIELD_MAPPING_PTR("results",
				CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct y_policy, results, results_fields),
	CYAML_FIELD_END};

static const cyaml_schema_value_t policy_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_policy,
			    policy_fields),
};

int policy_class_index(char letter)
{
	const char *p = letter ? strchr(POLICY_CLASS_LETTERS, letter) : NULL;
	return p ? (int)(p - POLICY_CLASS_LETTERS) : -1;
}

int policy_flag_index(char letter)
{
	const char *p = letter ? strchr(POLICY_FLAG_LETTERS, letter) : NULL;
	return p ? (int)(p - POLICY_FLAG_LETTERS) : -1;
}

/* What the checks need to name a place in the document. */
#define FAIL YAML_DOC_FAIL

static bool name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int check_class(const struct yaml_doc *d, const struct y_policy *y,
		       int i, struct class_rule *out)
{
	char path[32];
	char letter = POLICY_CLASS_LETTERS[i];
	const struct y_class *c = y->classes.of[i];
	bool pps = strcmp(y->design, "pps") == 0;
	const char *want = pps ? "weight" : "rate";
	const char *other = pps ? "rate" : "weight";

	if (!c)
		return FAIL(d, "classes", "class %c is missing: a policy "
			    "states every class", letter);
	const char *val = pps ? c->weight : c->rate;
	snprintf(path, sizeof(path), "classes.%c.%s", letter, other);
	if (pps ? c->rate != NULL : c->weight != NULL)
		return FAIL(d, path, "a %s policy takes %s, not %s",
			    y->design, want, other);
	snprintf(path, sizeof(path), "classes.%c.%s", letter, want);
	if (!val)
		return FAIL(d, path, "missing");
	uint64_t max = pps ? FACTOR_ONE * 1000000 : PI_ONE;
	uint64_t *dst = pps ? &out->weight : &out->rate;
	if (!decimal_parse(val, pps ? FACTOR_SCALE : PI_SCALE, max, dst))
		return FAIL(d, path, "'%s' is not a decimal from 0 to %s "
			    "with at most %d decimals", val,
			    pps ? "1000000" : "1",
			    pps ? FACTOR_SCALE : PI_SCALE);
	snprintf(path, sizeof(path), "classes.%c.cooldown_days", letter);
	if (c->cooldown_days > POLICY_MAX_COOLDOWN)
		return FAIL(d, path, "%u is above %u days", c->cooldown_days,
			    POLICY_MAX_COOLDOWN);
	out->cooldown_days = c->cooldown_days;
	return 0;
}

static int check_flag(const struct yaml_doc *d, const struct y_flag *f, int i,
		      struct flag_rule *out)
{
	char path[32];
	out->factor = FACTOR_ONE;
	out->certain = false;
	if (!f)
		return 0;
	snprintf(path, sizeof(path), "flags.%c", POLICY_FLAG_LETTERS[i]);
	if (f->certain && f->factor)
		return FAIL(d, path, "certain and factor exclude each other");
	if (!f->certain && !f->factor)
		return FAIL(d, path, "give a factor or certain: true");
	out->certain = f->certain;
	snprintf(path, sizeof(path), "flags.%c.factor", POLICY_FLAG_LETTERS[i]);
	if (f->factor && !decimal_parse(f->factor, FACTOR_SCALE,
					1000 * FACTOR_ONE, &out->factor))
		return FAIL(d, path, "'%s' is not a decimal from 0 to 1000 "
			    "with at most %d decimals", f->factor,
			    FACTOR_SCALE);
	return 0;
}

/* letters (each of `alphabet` at most once) as bits; false if another
 * letter or a repeat is among them. */
static bool letter_bits(const char *letters, const char *alphabet, uint8_t *ret)
{
	uint8_t bits = 0;
	for (const char *s = letters; *s; s++) {
		const char *at = strchr(alphabet, *s);
		if (!at || (bits >> (at - alphabet) & 1))
			return false;
		bits |= (uint8_t)(1u << (at - alphabet));
	}
	*ret = bits;
	return true;
}

static int check_cap(const struct yaml_doc *d, const struct y_cap *c, int i,
		     struct cap_rule *out)
{
	static const char *const names[] = POLICY_CAP_NAMES;
	char path[40];
	memset(out, 0, sizeof(*out));
	if (!c)
		return 0;
	snprintf(path, sizeof(path), "caps.%s.visits", names[i]);
	if (c->visits < 1 || c->visits > POLICY_MAX_CAP_VISITS)
		return FAIL(d, path, "%u is not from 1 to %u", c->visits,
			    POLICY_MAX_CAP_VISITS);
	snprintf(path, sizeof(path), "caps.%s.days", names[i]);
	if (c->days < 1 || c->days > POLICY_MAX_CAP_DAYS)
		return FAIL(d, path, "%u is not from 1 to %u", c->days,
			    POLICY_MAX_CAP_DAYS);
	snprintf(path, sizeof(path), "caps.%s.classes", names[i]);
	out->classes = (1u << CLASS_COUNT) - 1;
	if (c->classes &&
	    !letter_bits(c->classes, POLICY_CLASS_LETTERS, &out->classes))
		return FAIL(d, path, "'%s' is not letters of %s, each at most "
			    "once", c->classes, POLICY_CLASS_LETTERS);
	snprintf(path, sizeof(path), "caps.%s.exempt_flags", names[i]);
	if (c->exempt_flags &&
	    !letter_bits(c->exempt_flags, POLICY_FLAG_LETTERS,
			 &out->exempt_flags))
		return FAIL(d, path, "'%s' is not letters of %s, each at most "
			    "once", c->exempt_flags, POLICY_FLAG_LETTERS);
	out->visits = c->visits;
	out->days = c->days;
	return 0;
}

/* The largest weight an entity can get must stay within POLICY_MAX_WEIGHT
 * (see docs/ALGORITHM.md for the arithmetic it keeps exact). */
static int check_weight_range(const struct yaml_doc *d, const struct policy *p)
{
	for (int c = 0; c < CLASS_COUNT; c++) {
		u128 w = p->cls[c].weight;
		for (int f = 0; f < FLAG_COUNT; f++)
			if (p->flag[f].factor > FACTOR_ONE)
				w = w * p->flag[f].factor / FACTOR_ONE;
		if (w > POLICY_MAX_WEIGHT)
			return FAIL(d, "flags", "class %c weight times the "
				    "flags' factors can exceed %llu",
				    POLICY_CLASS_LETTERS[c],
				    POLICY_MAX_WEIGHT / FACTOR_ONE);
	}
	return 0;
}

/* Corrections within 5 working days of publication and objections
 * answered within 10: the defaults (docs/RESULTS.md says where they come
 * from); an adverse result public for 3 years. */
static int check_results(const struct yaml_doc *d, const struct y_results *y,
			 struct result_rules *r)
{
	*r = (struct result_rules){"", 5, 10, 3};
	if (!y)
		return 0;
	if (y->review_by && !code_chars(y->review_by, strlen(y->review_by),
					32))
		return FAIL(d, "results.review_by", "'%s' is not a "
			    "qualification name (letters, digits, '-', '_', "
			    "'.')", y->review_by);
	if (y->review_by)
		snprintf(r->review_by, sizeof(r->review_by), "%s",
			 y->review_by);
	const struct {
		const char *path;
		const unsigned *v;
		uint32_t *to, min, max;
	} n[] = {
		{"results.correction_working_days", y->correction_working_days,
		 &r->correction_days, 1, POLICY_MAX_RESULT_DAYS},
		{"results.objection_working_days", y->objection_working_days,
		 &r->objection_days, 1, POLICY_MAX_RESULT_DAYS},
		{"results.adverse_public_years", y->adverse_public_years,
		 &r->adverse_years, 0, POLICY_MAX_PUBLIC_YEARS},
	};
	for (size_t i = 0; i < sizeof(n) / sizeof(*n); i++) {
		if (!n[i].v)
			continue;
		if (*n[i].v < n[i].min || *n[i].v > n[i].max)
			return FAIL(d, n[i].path, "%u is not from %u to %u",
				    *n[i].v, n[i].min, n[i].max);
		*n[i].to = *n[i].v;
	}
	return 0;
}

static int check_policy(const struct yaml_doc *d, const struct y_policy *y,
			struct policy *p)
{
	if (!name_ok(y->name))
		return FAIL(d, "name", "use lower-case letters, digits, '-', "
			    "'_' and '.'");
	snprintf(p->name, sizeof(p->name), "%s", y->name);
	if (strcmp(y->design, "stratified") == 0)
		p->design = DESIGN_STRATIFIED;
	else if (strcmp(y->design, "pps") == 0)
		p->design = DESIGN_PPS;
	else
		return FAIL(d, "design", "'%s' is not stratified or pps",
			    y->design);
	if (y->size > POLICY_MAX_SIZE)
		return FAIL(d, "size", "%u is above %u", y->size,
			    POLICY_MAX_SIZE);
	if (y->size && p->design != DESIGN_PPS)
		return FAIL(d, "size", "only a pps policy has a fixed size");
	p->size = y->size;
	p->team_size = y->team_size ? y->team_size : 2;
	p->disclose_inspectors = y->disclose_inspectors;
	if (p->team_size < 2 || p->team_size > 10)
		return FAIL(d, "team_size", "%u is not from 2 to 10",
			    y->team_size);
	for (int i = 0; i < CLASS_COUNT; i++)
		if (check_class(d, y, i, &p->cls[i]) < 0)
			return -1;
	for (int i = 0; i < FLAG_COUNT; i++)
		if (check_flag(d, y->flags.of[i], i, &p->flag[i]) < 0)
			return -1;
	for (int i = 0; i < CAP_COUNT; i++)
		if (check_cap(d, y->caps.of[i], i, &p->cap[i]) < 0)
			return -1;
	p->merge = MERGE_NONE;
	if (y->merge && strcmp(y->merge, "join") == 0)
		p->merge = MERGE_JOIN;
	else if (y->merge && strcmp(y->merge, "skip") == 0)
		p->merge = MERGE_SKIP;
	else if (y->merge)
		return FAIL(d, "merge", "'%s' is not join or skip", y->merge);
	uint64_t ratio = FACTOR_ONE;
	if (y->general_items_max_ratio &&
	    (!decimal_parse(y->general_items_max_ratio, FACTOR_SCALE,
			    FACTOR_ONE, &ratio) || ratio == 0))
		return FAIL(d, "general_items_max_ratio", "'%s' is not a "
			    "decimal from 0.000001 to 1",
			    y->general_items_max_ratio);
	p->general_ratio_max = (uint32_t)ratio;
	if (check_results(d, y->results, &p->results) < 0)
		return -1;
	return p->design == DESIGN_PPS ? check_weight_range(d, p) : 0;
}

int policy_parse(const char *origin, const char *text, size_t len,
		 struct policy *ret, struct diag *err)
{
	struct yaml_doc d = {origin, text, len, err};
	struct y_policy *y = NULL;
	struct policy p;
	memset(&p, 0, sizeof(p));
	if (yaml_doc_load(origin, text, len, &policy_schema, (void **)&y,
			  err) < 0)
		return -1;
	int r = check_policy(&d, y, &p);
	yaml_doc_free(&policy_schema, y);
	if (r < 0)
		return -1;
	sha256(text, len, p.digest);
	*ret = p;
	return 0;
}
