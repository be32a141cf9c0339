#include "inspect/core/items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/decimal.h"
#include "inspect/core/number.h"
#include "inspect/core/yaml_doc.h"

struct y_pledge {
	char *verify;
	char *deadline_working_days;
};

struct y_item {
	char *code, *name, *department, *qualification, *kind;
	struct y_pledge *pledge;
};

struct y_items {
	struct y_item *items;
	unsigned items_count;
};

static const cyaml_schema_field_t pledge_fields[] = {
	CYAML_FIELD_STRING_PTR("verify", CYAML_FLAG_POINTER, struct y_pledge,
			       verify, 1, 15),
	/* Read as text: decimal digits only (libcyaml would take 010 as
	 * octal and 0x14 as hexadecimal). */
	CYAML_FIELD_STRING_PTR("deadline_working_days", CYAML_FLAG_POINTER,
			       struct y_pledge, deadline_working_days, 1, 8),
	CYAML_FIELD_END};

static const cyaml_schema_field_t item_fields[] = {
	CYAML_FIELD_STRING_PTR("code", CYAML_FLAG_POINTER, struct y_item, code,
			       1, 64),
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_item, name,
			       1, 256),
	CYAML_FIELD_STRING_PTR("department", CYAML_FLAG_POINTER, struct y_item,
			       department, 1, 64),
	CYAML_FIELD_STRING_PTR("qualification",
			       CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_item, qualification, 1, 32),
	CYAML_FIELD_STRING_PTR("kind", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct y_item, kind, 1, 16),
	CYAML_FIELD_MAPPING_PTR("pledge",
				CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct y_item, pledge, pledge_fields),
	CYAML_FIELD_END};

static const cyaml_schema_value_t item_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_item, item_fields),
};

static const cyaml_schema_field_t items_fields[] = {
	CYAML_FIELD_SEQUENCE("items", CYAML_FLAG_POINTER, struct y_items,
			     items, &item_entry, 1, ITEMS_MAX),
	CYAML_FIELD_END};

static const cyaml_schema_value_t items_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_items, items_fields),
};

/* verify: "all", or a rate 0 < r <= 1 of at most 12 fraction digits;
 * deadline_working_days: 1 to PLEDGE_MAX_DEADLINE_DAYS, decimal; the
 * department a campaign's department (code characters). */
static int pledge_rule_of(const char *origin, const struct y_item *yi,
			  const struct y_pledge *y, struct pledge_rule *ret,
			  struct diag *err)
{
	const char *code = yi->code;
	unsigned long long days = 0;
	ret->on = true;
	if (!code_chars(yi->department, strlen(yi->department), 64))
		return diag_add(err, "%s: items: %s: a pledge item's department "
				"is 1 to 64 letters, digits, '-', '_' or '.' "
				"(it names its campaigns' department)", origin,
				code);
	if (strlen(code) > PLEDGE_MAX_CODE)
		return diag_add(err, "%s: items: %s: a pledge item's code is "
				"at most %d bytes", origin, code,
				PLEDGE_MAX_CODE);
	snprintf(ret->verify, sizeof(ret->verify), "%s", y->verify);
	if (!number_parse_str(y->deadline_working_days,
			      PLEDGE_MAX_DEADLINE_DAYS, &days))
		days = 0;
	ret->deadline_days = (unsigned)days;
	if (!strcmp(y->verify, "all"))
		ret->rate = PI_ONE;
	else if (!decimal_parse(y->verify, PI_SCALE, PI_ONE, &ret->rate) ||
		 ret->rate == 0)
		return diag_add(err, "%s: items: %s: pledge.verify: '%s' is "
				"neither all nor a rate above 0 and at most 1 "
				"(at most 12 decimals)", origin, code,
				y->verify);
	if (ret->deadline_days < 1 ||
	    ret->deadline_days > PLEDGE_MAX_DEADLINE_DAYS)
		return diag_add(err, "%s: items: %s: pledge."
				"deadline_working_days: '%s' is not a whole "
				"number from 1 to %d", origin, code,
				y->deadline_working_days,
				PLEDGE_MAX_DEADLINE_DAYS);
	return 0;
}

int item_list_parse(const char *origin, const char *text, size_t len,
		    struct item_list *ret, struct diag *err)
{
	struct y_items *y = NULL;
	if (yaml_doc_load(origin, text, len, &items_schema, (void **)&y,
			  err) < 0)
		return -1;
	struct item_list l = {calloc(y->items_count, sizeof(struct item)), 0};
	int r = l.v ? 0 : diag_add(err, "%s: out of memory", origin);
	for (unsigned i = 0; r == 0 && i < y->items_count; i++) {
		const struct y_item *yi = &y->items[i];
		struct item *it = &l.v[l.n];
		snprintf(it->code, sizeof(it->code), "%s", yi->code);
		snprintf(it->name, sizeof(it->name), "%s", yi->name);
		snprintf(it->department, sizeof(it->department), "%s",
			 yi->department);
		snprintf(it->qualification, sizeof(it->qualification), "%s",
			 yi->qualification ? yi->qualification : "");
		it->key = yi->kind && !strcmp(yi->kind, "key");
		if (!code_chars(yi->code, strlen(yi->code), 64))
			r = diag_add(err, "%s: items: code %s: use letters, "
				     "digits, '-', '_' or '.'", origin,
				     yi->code);
		else if (yi->kind && !it->key && strcmp(yi->kind, "general"))
			r = diag_add(err, "%s: items: %s: kind '%s' is not key "
				     "or general", origin, it->code, yi->kind);
		else if (yi->pledge && pledge_rule_of(origin, yi, yi->pledge,
						      &it->pledge, err) < 0)
			r = -1;
		else if (item_find(&l, it->code))
			r = diag_add(err, "%s: items: code %s is listed twice",
				     origin, it->code);
		else
			l.n++;
	}
	yaml_doc_free(&items_schema, y);
	if (r < 0) {
		item_list_finish(&l);
		return -1;
	}
	*ret = l;
	return 0;
}

void item_list_finish(struct item_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct item *item_find(const struct item_list *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].code, code))
			return &l->v[i];
	return NULL;
}
