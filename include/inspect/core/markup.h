/* Writing CSV, JSON and HTML text safely: shared by the public
 * disclosure and the statistics report. */
#ifndef INSPECT_MARKUP_H
#define INSPECT_MARKUP_H

#include <stdbool.h>

#include "inspect/core/strbuf.h"

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line
 * break, quotes doubled), then "," or, for the last, CRLF. A cell a
 * spreadsheet would run as a formula gets a leading apostrophe. */
void csv_field(struct strbuf *b, const char *s, bool last);

/* The style every public or department page starts from: fonts a
 * Chinese reader's machine has, the measure, headings, definition
 * lists. Each page adds its own rules after it. */
#define PAGE_STYLE                                                             \
	"body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\","      \
	"\"WenQuanYi Micro Hei\",\"PingFang SC\",\"Microsoft YaHei\","       \
	"sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222;" \
	"line-height:1.5}\n"                                                  \
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;"           \
	"border-bottom:1px solid #ccc}\n"                                     \
	"dl{display:grid;grid-template-columns:max-content 1fr;"              \
	"gap:.2em 1em}dt{color:#555}dd{margin:0}\n"

/* A JSON string, bytes that are not UTF-8 as U+FFFD. */
void json_string(struct strbuf *b, const char *s);
/* "name":"value", and a comma when comma is set. */
void json_member(struct strbuf *b, const char *name, const char *value,
		 bool comma);
/* Text with & < > " escaped. */
void html_text(struct strbuf *b, const char *s);
/* <dt>label</dt><dd class="cls">value</dd>; label is markup, value text. */
void html_pair(struct strbuf *b, const char *label, const char *value,
	       const char *cls);
/* 'sha256-<base64>' of an inline element's text ("\n" + text), for a
 * page's Content-Security-Policy. */
void csp_hash(const char *text, char out[60]);

#endif
