#include "inspect/core/departments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/campaign.h"
#include "inspect/core/text.h"
#include "inspect/core/yaml_doc.h"

struct y_department {
	char *code, *name, *region;
};

struct y_departments {
	struct y_department *departments;
	unsigned departments_count;
};

static const cyaml_schema_field_t department_fields[] = {
	CYAML_FIELD_STRING_PTR("code", CYAML_FLAG_POINTER, struct y_department,
			       code, 1, 64),
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_department,
			       name, 1, 256),
	CYAML_FIELD_STRING_PTR("region", CYAML_FLAG_POINTER,
			       struct y_department, region, 1, 16),
	CYAML_FIELD_END};

static const cyaml_schema_value_t department_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_department,
			    department_fields),
};

static const cyaml_schema_field_t departments_fields[] = {
	CYAML_FIELD_SEQUENCE("departments", CYAML_FLAG_POINTER,
			     struct y_departments, departments,
			     &department_entry, 1, DEPARTMENTS_MAX),
	CYAML_FIELD_END};

static const cyaml_schema_value_t departments_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_departments,
			    departments_fields),
};

static int check(const struct yaml_doc *d, unsigned i,
		 const struct y_department *y, const struct department_list *l)
{
	char at[48];
	snprintf(at, sizeof(at), "departments.%u", i);
	if (!code_chars(y->code, strlen(y->code), 64))
		return yaml_doc_error(d, at, "code %s: use letters, digits, "
				      "'-', '_' or '.'", y->code);
	if (department_find(l, y->code))
		return yaml_doc_error(d, at, "code %s is listed twice",
				      y->code);
	if (text_check(y->name, strlen(y->name), 257, NULL) < 0)
		return yaml_doc_error(d, at, "name: UTF-8 text without "
				      "control characters");
	if (strlen(y->region) != 6 || strspn(y->region, "0123456789") != 6)
		return yaml_doc_error(d, at, "region %s is not a 6-digit "
				      "administrative code", y->region);
	return 0;
}

int department_list_parse(const char *origin, const char *text, size_t len,
			  struct department_list *ret, struct diag *err)
{
	struct y_departments *y = NULL;
	if (yaml_doc_load(origin, text, len, &departments_schema, (void **)&y,
			  err) < 0)
		return -1;
	struct yaml_doc d = {origin, text, len, err};
	struct department_list l = {
		calloc(y->departments_count + 1, sizeof(struct department)), 0};
	int r = l.v ? 0 : diag_add(err, "%s: out of memory", origin);
	for (unsigned i = 0; r == 0 && i < y->departments_count; i++) {
		const struct y_department *yd = &y->departments[i];
		if ((r = check(&d, i, yd, &l)) < 0)
			break;
		struct department *to = &l.v[l.n++];
		snprintf(to->code, sizeof(to->code), "%s", yd->code);
		snprintf(to->name, sizeof(to->name), "%s", yd->name);
		snprintf(to->region, sizeof(to->region), "%s", yd->region);
	}
	yaml_doc_free(&departments_schema, y);
	if (r < 0) {
		department_list_finish(&l);
		return -1;
	}
	*ret = l;
	return 0;
}

void department_list_finish(struct department_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct department *department_find(const struct department_list *l,
					 const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].code, code))
			return &l->v[i];
	return NULL;
}

const char *department_name(const struct department_list *l,
			    const char *code)
{
	const struct department *dp = department_find(l, code);
	return dp ? dp->name : code;
}
