/* YAML documents for policies and configuration: a libcyaml load whose
 * errors name origin, line and column, and a locator that finds where a key
 * path stands, for errors found after the load. */
#ifndef INSPECT_YAML_DOC_H
#define INSPECT_YAML_DOC_H

#include <cyaml/cyaml.h>
#include <stdbool.h>
#include <stddef.h>

#include "inspect/core/diag.h"

/* Loads text against schema. On failure adds "origin:line:col: reason" to
 * err and returns -1; *ret_data is then untouched. */
int yaml_doc_load(const char *origin, const char *text, size_t len,
		  const cyaml_schema_value_t *schema, void **ret_data,
		  struct diag *err);
void yaml_doc_free(const cyaml_schema_value_t *schema, void *data);

/* 1-based line and column of the value at a dotted key path
 * ("classes.A.rate"; a sequence's elements by index from 0:
 * "tasks.0.batches.1.window"), or of the first key named k at any depth ("**.k");
 * false if the path is not in the document. */
bool yaml_doc_where(const char *text, size_t len, const char *path,
		    unsigned *ret_line, unsigned *ret_col);

/* A document being checked after its load, for yaml_doc_error. */
struct yaml_doc {
	const char *origin, *text;
	size_t len;
	struct diag *err;
};

/* Adds "origin:line:col: path: reason" (or "origin: path: reason" when the
 * path is not in the document) to d->err; returns -1. */
int yaml_doc_error(const struct yaml_doc *d, const char *path,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define YAML_DOC_FAIL(d, path, ...) yaml_doc_error(d, path, __VA_ARGS__)

#endif
