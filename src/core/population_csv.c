/* The population CSV: a fixed header, then one entity a line. Fields never
 * contain commas or quotes, so the format is split on commas only. */
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/policy.h"
#include "inspect/core/population.h"

#define FIELDS 7
#define LINE_MAX_LEN 256

struct field {
	const char *s;
	unsigned len;
};

static int parse_score(struct field f, uint16_t *out, struct diag *why)
{
	unsigned v = 0;
	if (f.len == 0) {
		*out = SCORE_NONE;
		return 0;
	}
	if (f.len > 4)
		return diag_add(why, "score must be an integer from 0 to 1000");
	for (unsigned i = 0; i < f.len; i++) {
		if (f.s[i] < '0' || f.s[i] > '9')
			return diag_add(why, "score must be an integer from "
					"0 to 1000");
		v = v * 10 + (unsigned)(f.s[i] - '0');
	}
	if (v > 1000)
		return diag_add(why, "score must be an integer from 0 to 1000");
	*out = (uint16_t)v;
	return 0;
}

static int parse_region(struct field f, uint32_t *out, struct diag *why)
{
	uint32_t v = 0;
	if (f.len != 6)
		return diag_add(why, "region must be a 6-digit "
				"administrative code");
	for (unsigned i = 0; i < 6; i++) {
		if (f.s[i] < '0' || f.s[i] > '9')
			return diag_add(why, "region must be a 6-digit "
					"administrative code");
		v = v * 10 + (uint32_t)(f.s[i] - '0');
	}
	*out = v;
	return 0;
}

/* GB/T 4754: a section letter A..T, then up to four digits. */
static int parse_industry(struct field f, char out[6], struct diag *why)
{
	static const char rule[] =
	    "industry must be a GB/T 4754 code such as C1311";
	if (f.len > 5 || (f.len > 0 && (f.s[0] < 'A' || f.s[0] > 'T')))
		return diag_add(why, "%s", rule);
	for (unsigned i = 1; i < f.len; i++)
		if (f.s[i] < '0' || f.s[i] > '9')
			return diag_add(why, "%s", rule);
	memcpy(out, f.s, f.len);
	out[f.len] = '\0';
	return 0;
}

static int parse_flags(struct field f, uint8_t *out, struct diag *why)
{
	uint8_t v = 0;
	for (unsigned i = 0; i < f.len; i++) {
		int b = policy_flag_index(f.s[i]);
		if (b < 0)
			return diag_add(why, "flags may only hold B, R, P "
					"and E");
		if (v & (1u << b))
			return diag_add(why, "a flag is repeated");
		v |= (uint8_t)(1u << b);
	}
	*out = v;
	return 0;
}

/* f[0] is the uscc, f[1..6] the rest of the record. */
static int parse_row(const struct field *f, struct entity *e, struct diag *why)
{
	if (uscc_check(f[0].s, f[0].len, why) < 0)
		return FAIL_INVALID;
	memcpy(e->uscc, f[0].s, USCC_LEN);
	int c = f[1].len == 1 ? policy_class_index(f[1].s[0]) : -1;
	if (c < 0)
		return diag_add(why, "class must be A, B, C or D");
	e->cls = (uint8_t)c;
	if (parse_score(f[2], &e->score, why) < 0 ||
	    parse_region(f[3], &e->region, why) < 0 ||
	    parse_industry(f[4], e->industry, why) < 0 ||
	    parse_flags(f[5], &e->flags, why) < 0)
		return FAIL_INVALID;
	e->last_inspected = DATE_NONE;
	if (f[6].len && !date_parse(f[6].s, f[6].len, &e->last_inspected))
		return diag_add(why, "last_inspected must be a date "
				"YYYY-MM-DD or empty");
	return 0;
}

/* Splits one line (without its newline) into fields from f[0] on; returns
 * their count, stopping at FIELDS + 1. */
static unsigned split(const char *s, size_t len, struct field *f)
{
	unsigned n = 0;
	const char *start = s, *end = s + len;
	for (const char *p = s;; p++) {
		if (p == end || *p == ',') {
			if (n == FIELDS + 1)
				return n;
			f[n].s = start;
			f[n].len = (unsigned)(p - start);
			n++;
			start = p + 1;
			if (p == end)
				return n;
		}
	}
}

/* The shortest valid row, "<uscc>,A,,440304,,,", is 30 bytes: no file has
 * more rows than that allows. Pages of the array that rows never reach are
 * never touched, so the bound costs address space only. */
#define ROW_MIN_LEN 30

int population_parse_record(const char *uscc, size_t uscc_len, const char *rest,
			    size_t rest_len, struct entity *ret,
			    struct diag *why)
{
	struct field f[FIELDS + 2]; /* split writes from f + 1 */
	if (rest_len > LINE_MAX_LEN)
		return diag_add(why, "record longer than 256 bytes");
	unsigned nf = split(rest, rest_len, f + 1);
	if (nf != FIELDS - 1)
		return diag_add(why, "a grade record has 6 fields: class,"
				"score,region,industry,flags,last_inspected");
	f[0].s = uscc;
	f[0].len = (unsigned)(uscc_len < 64 ? uscc_len : 64);
	return parse_row(f, ret, why);
}

static size_t row_bound(size_t len)
{
	size_t n = len / ROW_MIN_LEN + 1;
	return n < POPULATION_MAX ? n : POPULATION_MAX + 1;
}

/* The next line from *pos, without "\n" or "\r\n"; false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos,
		      const char **ret_s, size_t *ret_len)
{
	if (*pos >= len)
		return false;
	const char *s = text + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl != NULL);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	*ret_s = s;
	*ret_len = n;
	return true;
}

static int check_header(const char *origin, const char *text, size_t len,
			size_t *pos, struct diag *err)
{
	const char *s;
	size_t n;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		*pos = 3; /* a UTF-8 byte order mark, as spreadsheets write */
	if (!next_line(text, len, pos, &s, &n))
		return diag_add(err, "%s:1: empty file, expected header %s",
				origin, POPULATION_HEADER);
	if (n != strlen(POPULATION_HEADER) ||
	    memcmp(s, POPULATION_HEADER, n) != 0)
		return diag_add(err, "%s:1: header must be %s", origin,
				POPULATION_HEADER);
	return 0;
}

struct coded_line {
	char uscc[USCC_LEN];
	uint32_t line;
};

static int by_code_then_line(const void *a, const void *b)
{
	const struct coded_line *x = a, *y = b;
	int c = memcmp(x->uscc, y->uscc, USCC_LEN);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The good rows' repeated codes, when bad rows already refuse the file
 * (population_canonicalize finds them in a file that is otherwise good).
 * Good row k stands on the k-th line from line 2 that is not one of the
 * bad lines (ascending): no line number is kept per row, which would cost
 * every parse of a large population its memory. */
static void report_repeats(const char *origin, const struct entity *v,
			   size_t n, const uint32_t *bad, size_t n_bad,
			   struct diag *err)
{
	struct coded_line *c = malloc(n * sizeof(*c) + 1);
	if (!c)
		return;
	uint32_t line = 2;
	for (size_t i = 0, b = 0; i < n; i++, line++) {
		while (b < n_bad && bad[b] == line) {
			b++;
			line++;
		}
		memcpy(c[i].uscc, v[i].uscc, USCC_LEN);
		c[i].line = line;
	}
	qsort(c, n, sizeof(*c), by_code_then_line);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (memcmp(c[first].uscc, c[i].uscc, USCC_LEN)) {
			first = i;
			continue;
		}
		diag_add(err, "%s:%u: duplicate uscc %.18s (first on line %u)",
			 origin, c[i].line, c[i].uscc, c[first].line);
	}
	free(c);
}

/* Appends a bad line's number (errors only: no cost on a good file). */
static void note_bad(uint32_t **bad, size_t *n, size_t *cap, unsigned line)
{
	if (*n == *cap) {
		size_t want = *cap ? 2 * *cap : 64;
		uint32_t *g = realloc(*bad, want * sizeof(**bad));
		if (!g)
			return; /* the repeats are then reported less well */
		*bad = g;
		*cap = want;
	}
	(*bad)[(*n)++] = line;
}

/* One visit row, "uscc,YYYY-MM-DD,campaign,items". */
static int parse_visit(const char *s, size_t len, struct visit_history *h,
		       struct diag *why)
{
	const char *c[3], *at = s, *end = s + len;
	for (int i = 0; i < 3; i++) {
		c[i] = at < end ? memchr(at, ',', (size_t)(end - at)) : NULL;
		if (!c[i])
			return diag_add(why, "a visit is uscc,date,campaign,"
					"items");
		at = c[i] + 1;
	}
	struct visit_text t = {s, 0, c[1] + 1, c[2] + 1,
			       (size_t)(c[2] - c[1] - 1),
			       (size_t)(end - c[2] - 1)};
	if (uscc_check(s, (unsigned)(c[0] - s), why) < 0)
		return FAIL_INVALID;
	if (c[1] - c[0] - 1 != 10 || !date_parse(c[0] + 1, 10, &t.day))
		return diag_add(why, "the visit's date must be YYYY-MM-DD");
	return visits_add(h, &t, why);
}

/* The visits section, after its header line (the text's last section). */
static void parse_visits(const char *origin, const char *text, size_t len,
			 size_t *pos, unsigned line, struct visit_history *h,
			 struct diag *err)
{
	const char *s;
	size_t slen;
	struct diag why;
	while (next_line(text, len, pos, &s, &slen)) {
		line++;
		if (slen == 0 && *pos >= len)
			break;
		diag_init(&why);
		if (parse_visit(s, slen, h, &why) < 0)
			diag_add(err, "%s:%u: %s", origin, line,
				 diag_reason(&why));
	}
}

int population_parse_csv(const char *origin, const char *text, size_t len,
			 struct population *ret, struct diag *err)
{
	size_t pos = 0, cap = row_bound(len), n = 0;
	unsigned line = 1, errors = err->count;
	if (check_header(origin, text, len, &pos, err) < 0)
		return -1;
	struct entity *v = malloc(cap * sizeof(*v));
	uint32_t *bad = NULL;
	size_t n_bad = 0, bad_cap = 0;
	if (!v)
		return diag_add(err, "%s: out of memory for %zu rows", origin,
				cap);
	const char *s;
	size_t slen;
	struct diag why;
	diag_init(&why);
	bool visits = false;
	while (next_line(text, len, &pos, &s, &slen)) {
		struct field f[FIELDS + 1];
		line++;
		if (slen == 0 && pos >= len)
			break; /* the newline that ends the last row */
		if (slen == sizeof(VISITS_HEADER) - 1 &&
		    memcmp(s, VISITS_HEADER, slen) == 0) {
			visits = true;
			break;
		}
		if (slen > LINE_MAX_LEN) {
			diag_add(err, "%s:%u: line longer than %d bytes",
				 origin, line, LINE_MAX_LEN);
			note_bad(&bad, &n_bad, &bad_cap, line);
			continue;
		}
		unsigned nf = split(s, slen, f);
		int row = nf == FIELDS ? parse_row(f, &v[n], &why) : 0;
		bool good = false;
		if (nf != FIELDS)
			diag_add(err, "%s:%u: expected %d fields, found %s%u",
				 origin, line, FIELDS,
				 nf > FIELDS ? "more than " : "",
				 nf > FIELDS ? FIELDS : nf);
		else if (row < 0) {
			diag_add(err, "%s:%u: %s", origin, line,
				 diag_reason(&why));
			diag_init(&why);
		} else if (n >= POPULATION_MAX)
			diag_add(err, "%s:%u: more than %u entities", origin,
				 line, POPULATION_MAX);
		else
			good = true;
		if (good)
			n++;
		else
			note_bad(&bad, &n_bad, &bad_cap, line);
	}
	struct visit_history h = {0};
	if (visits)
		parse_visits(origin, text, len, &pos, line, &h, err);
	if (err->count != errors) /* every problem at once: repeats too */
		report_repeats(origin, v, n, bad, n_bad, err);
	free(bad);
	if (err->count != errors) {
		free(v);
		free(h.v);
		sb_finish(&h.pool);
		return -1;
	}
	ret->v = v;
	ret->n = n;
	ret->visits = h;
	return 0;
}
