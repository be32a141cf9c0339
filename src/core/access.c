#include "inspect/core/access.h"

#include <stdlib.h>
#include <string.h>

static bool token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || strchr("-_.~+/=", c) != NULL;
}

void access_free(struct access_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* One line's departments, "A,B" or "*", into e. 0 or -1 with the reason. */
static int departments(const char *s, size_t n, struct access_entry *e,
		       struct diag *why)
{
	if (n == 1 && s[0] == '*') {
		e->all = true;
		return 0;
	}
	for (size_t at = 0; at <= n;) {
		size_t k = at;
		while (k < n && s[k] != ',')
			k++;
		if (e->n_departments == ACCESS_MAX_DEPARTMENTS)
			return diag_add(why, "more than %d departments",
					ACCESS_MAX_DEPARTMENTS);
		if (!code_chars(s + at, k - at, CAMPAIGN_MAX_NAME))
			return diag_add(why, "'%.*s' is not a department code",
					(int)(k - at), s + at);
		char *d = e->department[e->n_departments];
		memcpy(d, s + at, k - at);
		d[k - at] = '\0';
		e->departments[e->n_departments] = d;
		e->n_departments++;
		at = k + 1;
	}
	return 0;
}

static int line(const char *s, size_t n, struct access_entry *e,
		struct diag *why)
{
	size_t t = 0;
	while (t < n && s[t] != ' ' && s[t] != '\t')
		t++;
	if (t < ACCESS_TOKEN_MIN || t > ACCESS_TOKEN_MAX)
		return diag_add(why, "a token has %d to %d characters",
				ACCESS_TOKEN_MIN, ACCESS_TOKEN_MAX);
	for (size_t i = 0; i < t; i++)
		if (!token_char(s[i]))
			return diag_add(why, "a token is made of A-Z a-z 0-9 "
					"- _ . ~ + / =");
	memcpy(e->token, s, t);
	e->token[t] = '\0';
	size_t d = t;
	while (d < n && (s[d] == ' ' || s[d] == '\t'))
		d++;
	size_t end = n;
	while (end > d && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (d == end)
		return diag_add(why, "the token names no department (give "
				"DEPARTMENT[,DEPARTMENT...] or *)");
	return departments(s + d, end - d, e, why);
}

int access_parse(const char *text, size_t len, const char *origin,
		 struct access_list *out, struct diag *err)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0, no = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		const char *s = text + at;
		at += n + 1;
		no++;
		if (n && s[n - 1] == '\r')
			n--;
		size_t lead = 0;
		while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		if (lead == n || s[lead] == '#')
			continue;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 8;
			struct access_entry *g = realloc(out->v, cap * sizeof(*g));
			if (!g) {
				access_free(out);
				return diag_add(err, "%s: out of memory", origin);
			}
			out->v = g;
		}
		struct access_entry *e = &out->v[out->n];
		memset(e, 0, sizeof(*e));
		struct diag why;
		diag_init(&why);
		if (line(s + lead, n - lead, e, &why) < 0) {
			access_free(out);
			return diag_add(err, "%s:%zu: %s", origin, no,
					diag_reason(&why));
		}
		for (size_t i = 0; i < out->n; i++)
			if (!strcmp(out->v[i].token, e->token)) {
				access_free(out);
				return diag_add(err, "%s:%zu: the token of line "
						"%zu again", origin, no, i + 1);
			}
		out->n++;
	}
	/* departments[] point into each entry: fixed now that v moves no
	 * more. */
	for (size_t i = 0; i < out->n; i++)
		for (size_t k = 0; k < out->v[i].n_departments; k++)
			out->v[i].departments[k] = out->v[i].department[k];
	return 0;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

long access_form_token(const char *body, size_t len, char *out, size_t size)
{
	static const char name[] = "token=";
	for (size_t at = 0; at < len;) {
		size_t end = at;
		while (end < len && body[end] != '&')
			end++;
		if (end - at >= sizeof(name) - 1 &&
		    !memcmp(body + at, name, sizeof(name) - 1)) {
			size_t n = 0;
			for (size_t i = at + sizeof(name) - 1; i < end; i++) {
				char c = body[i];
				if (c == '+') {
					c = ' ';
				} else if (c == '%') {
					int h = i + 2 < end ? hex(body[i + 1]) : -1,
					    l = h >= 0 ? hex(body[i + 2]) : -1;
					if (l < 0)
						return -1;
					c = (char)(h << 4 | l);
					i += 2;
				}
				if (n + 1 >= size)
					return -1;
				out[n++] = c;
			}
			out[n] = '\0';
			return (long)n;
		}
		at = end + 1;
	}
	return -1;
}

const struct access_entry *access_find(const struct access_list *l,
				       const char *token, size_t len)
{
	const struct access_entry *hit = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const char *t = l->v[i].token;
		size_t tl = strlen(t);
		unsigned char diff = tl != len;
		for (size_t k = 0; k < ACCESS_TOKEN_MAX; k++)
			diff |= (unsigned char)((k < tl ? t[k] : 0) ^
						(k < len ? token[k] : 0));
		if (!diff)
			hit = &l->v[i];
	}
	return hit;
}
