#include "inspect/core/items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/yaml_doc.h"

struct y_item {
	char *code, *name, *department, *qualification;
};

struct y_items {
	struct y_item *items;
	unsigned items_count;
};

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
		if (item_find(&l, it->code))
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
