/* Writing CSV, JSON and HTML text safely: shared by the public
 * disclosure and the statistics report. */
#include "inspect/core/markup.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/sha256.h"
#include "inspect/core/text.h"

/* A cell a spreadsheet would run as a formula (OWASP: one starting with
 * = + - @, a tab or a carriage return) gets a leading apostrophe, which
 * spreadsheets show as text; such a cell is always quoted. */
static bool formula_like(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]);
}

void csv_field(struct strbuf *b, const char *s, bool last)
{
	bool formula = formula_like(s);
	if (formula || strpbrk(s, ",\"\r\n")) {
		sb_puts(b, formula ? "\"'" : "\"");
		for (const char *p = s; *p; p++) {
			sb_add(b, p, 1);
			if (*p == '"')
				sb_add(b, p, 1);
		}
		sb_puts(b, "\"");
	} else {
		sb_puts(b, s);
	}
	sb_puts(b, last ? "\r\n" : ",");
}

void json_string(struct strbuf *b, const char *s)
{
	sb_puts(b, "\"");
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_char(s + i, len - i, &cp);
		if (n == 0) /* not UTF-8: a reader must still read the file */
			sb_puts(b, "\\ufffd");
		else if (cp == '"' || cp == '\\')
			sb_printf(b, "\\%c", (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			sb_printf(b, "\\u%04x", (unsigned)cp);
		else
			sb_add(b, s + i, n);
		i += n ? n : 1;
	}
	sb_puts(b, "\"");
}

void json_member(struct strbuf *b, const char *name, const char *value,
			bool comma)
{
	json_string(b, name);
	sb_puts(b, ":");
	json_string(b, value);
	if (comma)
		sb_puts(b, ",");
}

void html_text(struct strbuf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		default: sb_add(b, p, 1);
		}
	}
}

void html_pair(struct strbuf *b, const char *label, const char *value,
		      const char *cls)
{
	sb_printf(b, "<dt>%s</dt><dd%s%s%s>", label, cls ? " class=\"" : "",
		  cls ? cls : "", cls ? "\"" : "");
	html_text(b, value);
	sb_puts(b, "</dd>\n");
}

/* 'sha256-<base64>' of an inline element's text, for the page's
 * Content-Security-Policy. */
void csp_hash(const char *text, char out[60])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				  "qrstuvwxyz0123456789+/";
	uint8_t h[33] = {0};
	struct sha256 ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, "\n", 1);
	sha256_update(&ctx, text, strlen(text));
	sha256_final(&ctx, h);
	char *o = out + sprintf(out, "'sha256-");
	for (int i = 0; i < 33; i += 3) {
		uint32_t v = (uint32_t)h[i] << 16 | (uint32_t)h[i + 1] << 8 |
			     h[i + 2];
		for (int k = 0; k < 4; k++)
			*o++ = b64[v >> (18 - 6 * k) & 63];
	}
	strcpy(o - 1, "='"); /* 32 bytes: 43 characters and one '=' */
}
