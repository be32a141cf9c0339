/* Tables of text cells and their writers (tables.h). */
#include "inspect/core/tables.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/markup.h"

struct table *table_add(struct table_set *s, const char *name,
			const char *title, const char *cols)
{
	if (s->n == TABLE_MAX_TABLES) { /* a bug: said, and nothing kept */
		s->failed = true;
		free(s->spare.cells);
		memset(&s->spare, 0, sizeof(s->spare));
		return &s->spare;
	}
	struct table *t = &s->t[s->n++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
	for (const char *c = cols; *c && t->n_cols < TABLE_MAX_COLS;) {
		size_t n = strcspn(c, ",");
		bool num = *c == '#';
		snprintf(t->cols[t->n_cols], sizeof(t->cols[0]), "%.*s",
			 (int)(n - num), c + num);
		t->numeric |= (unsigned)num << t->n_cols;
		t->n_cols++;
		c += n + (c[n] == ',');
	}
	return t;
}

void table_row(struct table_set *s, struct table *t, const char *fmt, ...)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 8;
		void *g = realloc(t->cells, cap * t->n_cols * TABLE_CELL);
		if (!g) {
			s->failed = true;
			return;
		}
		t->cells = g;
		t->cap_rows = cap;
	}
	char line[TABLE_MAX_COLS * TABLE_CELL];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	char(*cell)[TABLE_CELL] = t->cells + t->n_rows++ * t->n_cols;
	const char *c = line;
	for (unsigned i = 0; i < t->n_cols; i++) {
		size_t n = strcspn(c, "|");
		snprintf(cell[i], TABLE_CELL, "%.*s", (int)n, c);
		c += n + (c[n] == '|');
	}
}

void table_head(struct table_set *s, const char *name, const char *value)
{
	if (s->n_head == TABLE_MAX_HEAD) {
		s->failed = true;
		return;
	}
	s->head_names[s->n_head] = name;
	s->head_values[s->n_head++] = value;
}

const char *table_cell(const struct table *t, size_t row, unsigned col)
{
	return t->cells[row * t->n_cols + col];
}

const struct table *table_find(const struct table_set *s, const char *name)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->t[i].name, name))
			return &s->t[i];
	return NULL;
}

int table_col(const struct table *t, const char *name)
{
	for (unsigned c = 0; t && c < t->n_cols; c++)
		if (!strcmp(t->cols[c], name))
			return (int)c;
	return -1;
}

void table_set_free(struct table_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->t[i].cells);
	free(s->spare.cells);
	s->spare.cells = NULL;
	s->n = 0;
}

/* Columns a terminal shows the text in: CJK characters (three-byte
 * UTF-8 and up) take two. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe0 ? 2 : 1;
	return w;
}

static void text_table(const struct table *t, struct strbuf *b)
{
	size_t w[TABLE_MAX_COLS];
	for (unsigned c = 0; c < t->n_cols; c++) {
		w[c] = width(t->cols[c]);
		for (size_t i = 0; i < t->n_rows; i++)
			if (width(table_cell(t, i, c)) > w[c])
				w[c] = width(table_cell(t, i, c));
	}
	sb_printf(b, "\n%s\n", t->title);
	for (size_t i = 0; i <= t->n_rows; i++) {
		for (unsigned c = 0; c < t->n_cols; c++) {
			const char *v = i ? table_cell(t, i - 1, c) : t->cols[c];
			bool right = i && (t->numeric >> c & 1);
			int pad = (int)(w[c] - width(v));
			sb_printf(b, "%s%*s%s", c ? "  " : "", right ? pad : 0,
				  "", v);
			if (!right && c + 1 < t->n_cols)
				sb_printf(b, "%*s", pad, "");
		}
		sb_puts(b, "\n");
	}
}

void tables_text(const struct table_set *s, const char *title,
		 struct strbuf *b)
{
	sb_puts(b, title);
	sb_puts(b, ":");
	for (unsigned i = 0; i < s->n_head; i++)
		sb_printf(b, " %s %s", s->head_names[i],
			  *s->head_values[i] ? s->head_values[i] : "all");
	sb_puts(b, "\n");
	for (unsigned k = 0; k < s->n; k++)
		text_table(&s->t[k], b);
}

void tables_csv(const struct table_set *s, struct strbuf *b)
{
	sb_puts(b, "table,row,column,value\r\n");
	for (unsigned i = 0; i < s->n_head; i++) {
		sb_printf(b, "%s,0,", s->head);
		csv_field(b, s->head_names[i], false);
		csv_field(b, s->head_values[i], true);
	}
	for (unsigned k = 0; k < s->n; k++) {
		const struct table *t = &s->t[k];
		for (size_t i = 0; i < t->n_rows; i++)
			for (unsigned c = 0; c < t->n_cols; c++) {
				sb_printf(b, "%s,%zu,", t->name, i);
				csv_field(b, t->cols[c], false);
				csv_field(b, table_cell(t, i, c), true);
			}
	}
}

void tables_json(const struct table_set *s, struct strbuf *b)
{
	sb_printf(b, "{\"%s\":{", s->head);
	for (unsigned i = 0; i < s->n_head; i++)
		json_member(b, s->head_names[i], s->head_values[i],
			    i + 1 < s->n_head);
	sb_puts(b, "},\"tables\":{");
	for (unsigned k = 0; k < s->n; k++) {
		const struct table *t = &s->t[k];
		sb_printf(b, "%s\n\"%s\":[", k ? "," : "", t->name);
		for (size_t i = 0; i < t->n_rows; i++) {
			sb_puts(b, i ? ",\n{" : "\n{");
			for (unsigned c = 0; c < t->n_cols; c++) {
				const char *v = table_cell(t, i, c);
				bool num = t->numeric >> c & 1;
				json_string(b, t->cols[c]);
				sb_puts(b, ":");
				if (num)
					sb_puts(b, *v ? v : "null");
				else
					json_string(b, v);
				sb_puts(b, c + 1 < t->n_cols ? "," : "}");
			}
		}
		sb_puts(b, "]");
	}
	sb_puts(b, "}}\n");
}

void tables_html(const struct table_set *s, struct strbuf *b)
{
	for (unsigned k = 0; k < s->n; k++) {
		const struct table *t = &s->t[k];
		sb_printf(b, "<section><h2>%s</h2>\n<table id=\"t-%s\"><thead>"
			  "<tr>", t->title, t->name);
		for (unsigned c = 0; c < t->n_cols; c++)
			sb_printf(b, "<th>%s</th>", t->cols[c]);
		sb_puts(b, "</tr></thead><tbody>\n");
		for (size_t i = 0; i < t->n_rows; i++) {
			sb_puts(b, "<tr>");
			for (unsigned c = 0; c < t->n_cols; c++) {
				sb_puts(b, t->numeric >> c & 1
						   ? "<td class=\"n\">"
						   : "<td>");
				html_text(b, table_cell(t, i, c));
				sb_puts(b, "</td>");
			}
			sb_puts(b, "</tr>\n");
		}
		sb_puts(b, "</tbody></table></section>\n");
	}
}

void html_page_begin(struct strbuf *b, const char *title, const char *style)
{
	char hash[60];
	csp_hash(style, hash);
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
		   "<meta charset=\"utf-8\">\n");
	/* Nothing runs but the page's own style, and nothing is fetched. */
	sb_printf(b, "<meta http-equiv=\"Content-Security-Policy\" content=\""
		  "default-src 'none'; style-src %s; base-uri 'none'; "
		  "form-action 'none'\">\n", hash);
	sb_puts(b, "<meta name=\"viewport\" content=\"width=device-width, "
		   "initial-scale=1\">\n<title>");
	html_text(b, title);
	sb_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}
