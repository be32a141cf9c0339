/* Tables of text cells, and their writers: aligned text for a terminal,
 * one long CSV (table,row,column,value), JSON, HTML tables. What the
 * department's report and a plan's progress print; every format writes
 * the same cells, so the formats agree by construction. */
#ifndef INSPECT_TABLES_H
#define INSPECT_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "inspect/core/strbuf.h"

#define TABLE_CELL 96
#define TABLE_MAX_COLS 12
#define TABLE_MAX_TABLES 16
#define TABLE_MAX_HEAD 8

struct table {
	const char *name;          /* "pool", "batches"...: machines' */
	const char *title;         /* people's, Chinese and English */
	char cols[TABLE_MAX_COLS][24];
	unsigned n_cols;
	unsigned numeric;          /* bit i: column i is a number */
	char (*cells)[TABLE_CELL]; /* row-major */
	size_t n_rows, cap_rows;
};

/* A heading of name/value pairs (what the tables are of), then tables. */
struct table_set {
	const char *head;          /* the heading's name in CSV and JSON */
	const char *head_names[TABLE_MAX_HEAD], *head_values[TABLE_MAX_HEAD];
	unsigned n_head;
	struct table t[TABLE_MAX_TABLES];
	unsigned n;
	struct table spare; /* what table_add gives when t is full */
	bool failed; /* out of memory */
};

/* A new table; cols is "name,#number,..." (a leading '#' marks a column
 * of numbers). */
struct table *table_add(struct table_set *s, const char *name,
			const char *title, const char *cols);
/* Adds a row: fmt is printf'd, then cut at '|' into the cells. */
void table_row(struct table_set *s, struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void table_head(struct table_set *s, const char *name, const char *value);
const struct table *table_find(const struct table_set *s, const char *name);
const char *table_cell(const struct table *t, size_t row, unsigned col);
/* The column named name, or -1. */
int table_col(const struct table *t, const char *name);
void table_set_free(struct table_set *s);

void tables_text(const struct table_set *s, const char *title,
		 struct strbuf *out);
void tables_csv(const struct table_set *s, struct strbuf *out);
void tables_json(const struct table_set *s, struct strbuf *out);
/* The heading as a <dl> and each table as <table id="t-NAME">. */
void tables_html(const struct table_set *s, struct strbuf *out);
/* A whole static page's start: Content-Security-Policy allowing only
 * style (its SHA-256), the title, the style, <body>. */
void html_page_begin(struct strbuf *out, const char *title,
		     const char *style);

#endif
