#include "inspect/core/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/text.h"

/* The result categories of the national random inspection record form
 * (随机抽查检查结果), with inspectd's two-digit codes. "Adverse" results
 * go to the credit platform as events. */
const struct result_code result_codes[] = {
	{"01", "未发现问题", "no problem found", false, false, FINDING_NONE},
	{"02", "未按规定公示应当公示的信息",
	 "required information not published", true, false, FINDING_PROBLEM},
	{"03", "公示信息隐瞒真实情况、弄虚作假", "published information false",
	 true, false, FINDING_PROBLEM},
	{"04", "通过登记的住所（经营场所）无法联系",
	 "unreachable at the registered address", true, false, FINDING_PROBLEM},
	{"05", "发现问题已责令改正", "problem found and corrected on order",
	 true, false, FINDING_PROBLEM},
	{"06", "未发现开展本次抽查涉及的经营活动",
	 "the activity under inspection not found", false, false,
	 FINDING_NOT_INSPECTED},
	{"07", "不配合检查情节严重", "refused or obstructed the inspection",
	 true, false, FINDING_PROBLEM},
	{"08", "已注销", "deregistered", false, false, FINDING_NOT_INSPECTED},
	{"09", "已被吊销营业执照", "business licence revoked", false, false,
	 FINDING_NOT_INSPECTED},
	{"10", "已迁出", "moved out of the jurisdiction", false, false,
	 FINDING_NOT_INSPECTED},
	{"11", "发现问题待后续处理", "problem found, further action pending",
	 true, false, FINDING_PROBLEM},
	/* Not inspected: the business has closed or is being wound up; and
	 * the outcome of a product or quality check that failed. */
	{"12", "已关闭停业或正在组织清算", "closed, or in liquidation", false,
	 false, FINDING_NOT_INSPECTED},
	{"13", "不合格", "non-compliant (product or quality check)", true,
	 false, FINDING_PROBLEM},
	/* Pledge verification's outcomes (告知承诺核查结果): kept; not met,
	 * to be rectified by a set day (the approval stands meanwhile);
	 * false, the approval revoked and a credit event (国发〔2021〕7号). */
	{"21", "承诺属实", "pledge kept", false, true, FINDING_NONE},
	{"22", "限期整改", "pledge not met: to be rectified by a set day", false,
	 true, FINDING_PROBLEM},
	{"23", "承诺不实", "pledge false: approval revoked", true, true,
	 FINDING_PROBLEM},
};
const size_t n_result_codes = sizeof(result_codes) / sizeof(*result_codes);

const char *const method_names[] = {"", "onsite", "documents", "online",
				    "sampling", "third_party"};
const char *const method_zh[] = {"", "现场检查", "书面检查", "网络检查",
				 "抽样检验", "委托第三方"};

/* Follow-up outcomes (后续处置结果): rectified on order, a case filed
 * for administrative penalty, handed to the competent authority, or
 * closed otherwise. */
const struct follow_up_outcome follow_up_outcomes[] = {
	{"rectified", "已整改"},
	{"case_filed", "已立案查处"},
	{"transferred", "已移送有关部门"},
	{"closed", "已处置完毕"},
};
const size_t n_follow_up_outcomes =
	sizeof(follow_up_outcomes) / sizeof(*follow_up_outcomes);

const struct follow_up_outcome *follow_up_outcome_find(const char *code,
						       size_t len)
{
	for (size_t i = 0; i < n_follow_up_outcomes; i++)
		if (strlen(follow_up_outcomes[i].code) == len &&
		    !memcmp(follow_up_outcomes[i].code, code, len))
			return &follow_up_outcomes[i];
	return NULL;
}

const struct result_code *result_code_find(const char *code, size_t len)
{
	for (size_t i = 0; i < n_result_codes; i++)
		if (strlen(result_codes[i].code) == len &&
		    memcmp(result_codes[i].code, code, len) == 0)
			return &result_codes[i];
	return NULL;
}

int result_field_code(const char *v, size_t len, char *out, size_t max,
		      struct diag *why)
{
	if (!code_chars(v, len, max))
		return diag_add(why, "must be 1 to %zu letters, digits, '-', "
				"'_' or '.'", max);
	memcpy(out, v, len);
	out[len] = '\0';
	return 0;
}

int result_field_uscc(const char *v, size_t len, char out[USCC_LEN + 1],
		      struct diag *why)
{
	if (len != USCC_LEN)
		return diag_add(why, "must be 18 characters");
	if (uscc_check(v, (unsigned)len, why) < 0)
		return FAIL_INVALID;
	memcpy(out, v, USCC_LEN);
	out[USCC_LEN] = '\0';
	return 0;
}

static int p_campaign(const char *v, size_t len, struct result_entry *r,
		      struct diag *why)
{
	return result_field_code(v, len, r->campaign, SEED_MAX_ID, why);
}

static int p_uscc(const char *v, size_t len, struct result_entry *r,
		  struct diag *why)
{
	return result_field_uscc(v, len, r->uscc, why);
}

static int p_inspector(const char *v, size_t len, struct result_entry *r,
		       struct diag *why)
{
	if (!code_chars(v, len, RESULT_ID_LEN))
		return diag_add(why, "must be an inspector id (1 to 32 "
				"letters, digits, '-', '_' or '.')");
	memcpy(r->inspector, v, len);
	r->inspector[len] = '\0';
	return 0;
}

static int p_department(const char *v, size_t len, struct result_entry *r,
			struct diag *why)
{
	return result_field_code(v, len, r->department, SEED_MAX_ID, why);
}

static int p_date(const char *v, size_t len, struct result_entry *r,
		  struct diag *why)
{
	return date_parse(v, (unsigned)len, &r->date)
		   ? 0
		   : diag_add(why, "must be a date YYYY-MM-DD");
}

static int p_result(const char *v, size_t len, struct result_entry *r,
		    struct diag *why)
{
	r->result = result_code_find(v, len);
	return r->result ? 0
			 : diag_add(why, "must be a result code 01 to 13, "
					 "or 21 to 23 for a pledge "
					 "(docs/REDIS.md)");
}

int result_text_check(const char *v, size_t len, struct diag *why)
{
	if (len > RESULT_MAX_NOTE)
		return diag_add(why, "is longer than 1024 bytes");
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t cp;
		if (!(n = text_utf8_char(v + i, len - i, &cp)))
			return diag_add(why, "is not valid UTF-8");
		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp <= 0x9f))
			return diag_add(why, "holds a control character");
	}
	return 0;
}

static int text_into(const char *v, size_t len, char *out, struct diag *why)
{
	if (result_text_check(v, len, why) < 0)
		return FAIL_INVALID;
	memcpy(out, v, len);
	out[len] = '\0';
	return 0;
}

static int p_note(const char *v, size_t len, struct result_entry *r,
		  struct diag *why)
{
	return text_into(v, len, r->note, why);
}

static int p_findings(const char *v, size_t len, struct result_entry *r,
		      struct diag *why)
{
	return text_into(v, len, r->findings, why);
}

static int p_follow_up(const char *v, size_t len, struct result_entry *r,
		       struct diag *why)
{
	return len ? text_into(v, len, r->follow_up, why)
		   : diag_add(why, "is empty");
}

static int p_follow_up_due(const char *v, size_t len, struct result_entry *r,
			   struct diag *why)
{
	return date_parse(v, (unsigned)len, &r->follow_up_due)
		       ? 0
		       : diag_add(why, "must be a date YYYY-MM-DD");
}

int result_items_each(const char *items,
		      int (*each)(const char *code,
				  const struct result_code *result, void *ctx),
		      void *ctx)
{
	for (const char *at = items; *at;) {
		size_t n = strcspn(at, ","), colon = strcspn(at, ":");
		char code[CAMPAIGN_MAX_NAME + 1];
		if (colon >= n || colon > CAMPAIGN_MAX_NAME)
			return -1;
		memcpy(code, at, colon);
		code[colon] = '\0';
		const struct result_code *rc =
			result_code_find(at + colon + 1, n - colon - 1);
		int r = rc ? each(code, rc, ctx) : -1;
		if (r)
			return r;
		at += n + (at[n] == ',');
	}
	return 0;
}

/* Per-item results: "CODE:NN,CODE:NN", each item once. */
static int p_items(const char *v, size_t len, struct result_entry *r,
		   struct diag *why)
{
	char seen[CAMPAIGN_MAX_ITEMS][CAMPAIGN_MAX_NAME + 1];
	unsigned n = 0;
	if (len == 0 || len >= RESULT_ITEMS_TEXT)
		return diag_add(why, "must be 1 to %d items as CODE:RESULT, "
				"separated by ','", CAMPAIGN_MAX_ITEMS);
	for (size_t at = 0; at < len;) {
		size_t end = at;
		while (end < len && v[end] != ',')
			end++;
		const char *colon = memchr(v + at, ':', end - at);
		size_t clen = colon ? (size_t)(colon - (v + at)) : 0;
		if (!colon || !code_chars(v + at, clen, CAMPAIGN_MAX_NAME))
			return diag_add(why, "'%.*s' is not CODE:RESULT",
					(int)(end - at < 80 ? end - at : 80),
					v + at);
		if (!result_code_find(colon + 1, end - at - clen - 1))
			return diag_add(why, "%.*s: not a result code",
					(int)clen, v + at);
		for (unsigned k = 0; k < n; k++)
			if (strlen(seen[k]) == clen &&
			    !memcmp(seen[k], v + at, clen))
				return diag_add(why, "%.*s is given twice",
						(int)clen, v + at);
		if (n == CAMPAIGN_MAX_ITEMS)
			return diag_add(why, "more than %d items",
					CAMPAIGN_MAX_ITEMS);
		memcpy(seen[n], v + at, clen);
		seen[n++][clen] = '\0';
		at = end + 1;
		if (end + 1 == len)
			return diag_add(why, "ends with ','");
	}
	memcpy(r->items, v, len);
	r->items[len] = '\0';
	return 0;
}

static int p_method(const char *v, size_t len, struct result_entry *r,
		    struct diag *why)
{
	for (int m = 1; m < METHODS; m++)
		if (strlen(method_names[m]) == len &&
		    !memcmp(method_names[m], v, len)) {
			r->method = (enum inspection_method)m;
			return 0;
		}
	return diag_add(why, "must be onsite, documents, online, sampling "
			"or third_party");
}

static const struct {
	const char *name;
	int (*parse)(const char *v, size_t len, struct result_entry *r,
		     struct diag *why);
	bool required;
} fields[] = {
	{"campaign", p_campaign, true}, {"uscc", p_uscc, true},
	{"inspector", p_inspector, true}, {"date", p_date, true},
	{"result", p_result, true},	 {"note", p_note, false},
	{"department", p_department, false},
	{"method", p_method, false},	 {"findings", p_findings, false},
	{"items", p_items, false},
	{"follow_up", p_follow_up, false},
	{"follow_up_due", p_follow_up_due, false},
};
#define N_FIELDS (sizeof(fields) / sizeof(*fields))

static int count_problem(const char *code, const struct result_code *rc,
			 void *ctx)
{
	(void)code;
	*(unsigned *)ctx += rc->finding == FINDING_PROBLEM;
	return 0;
}

/* A follow-up is the pair of its text and day; a problem left for
 * follow-up (11) has one; a result that found no problem has none.
 * Per-item results agree with the visit's. */
static int follow_up_check(const struct result_entry *r, struct diag *err)
{
	unsigned problems = 0;
	bool problem = r->result->finding == FINDING_PROBLEM;
	result_items_each(r->items, count_problem, &problems);
	if (r->items[0] && problem != (problems > 0))
		return diag_add(err, "field items: %s", problem
				? "the result found a problem, and no item "
				  "did"
				: "an item found a problem, and the result "
				  "did not");
	bool text = r->follow_up[0], day = r->follow_up_due != DATE_NONE;
	if (text != day)
		return diag_add(err, "field %s: missing (a follow-up is its "
				"text and its day)",
				text ? "follow_up_due" : "follow_up");
	if (!text && !strcmp(r->result->code, "11"))
		return diag_add(err, "field follow_up: missing (result 11 "
				"leaves the problem to a follow-up: say what "
				"and by when, follow_up_due)");
	if (text && r->result->finding != FINDING_PROBLEM)
		return diag_add(err, "field follow_up: result %s found no "
				"problem to follow up", r->result->code);
	if (day && r->follow_up_due < r->date)
		return diag_add(err, "field follow_up_due: before the "
				"inspection");
	return 0;
}

int result_parse(const struct entry_field *f, size_t n,
		 struct result_entry *r, struct diag *err)
{
	bool seen[N_FIELDS] = {false};
	memset(r, 0, sizeof(*r));
	r->date = r->follow_up_due = DATE_NONE;
	if (n > CAMPAIGN_MAX_FIELDS)
		return diag_add(err, "entry has more than %d fields",
				CAMPAIGN_MAX_FIELDS);
	for (size_t i = 0; i < n; i++)
		if (f[i].name_len == 8 && !memcmp(f[i].name, "campaign", 8))
			p_campaign(f[i].value, f[i].value_len, r, NULL);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < N_FIELDS &&
		       !(strlen(fields[k].name) == f[i].name_len &&
			 !memcmp(fields[k].name, f[i].name, f[i].name_len)))
			k++;
		if (k == N_FIELDS) {
			char name[3 * 64 + 1]; /* cleaned, as in campaign.c */
			text_clean(f[i].name, f[i].name_len < 64 ? f[i].name_len
								 : 64,
				   name, sizeof(name));
			return diag_add(err, "field %s: not a field of a "
					"result entry", name);
		}
		if (seen[k])
			return diag_add(err, "field %s: given twice",
					fields[k].name);
		seen[k] = true;
		struct diag why;
		diag_init(&why);
		if (fields[k].parse(f[i].value, f[i].value_len, r, &why) < 0)
			return diag_add(err, "field %s: %s", fields[k].name,
					diag_reason(&why));
	}
	for (size_t k = 0; k < N_FIELDS; k++)
		if (fields[k].required && !seen[k])
			return diag_add(err, "field %s: missing",
					fields[k].name);
	return follow_up_check(r, err);
}

/* Copies the next 0x1f-separated part of [*at, end) into out. */
static bool next_part(const char **at, const char *end, char *out,
		      size_t size)
{
	const char *sep = memchr(*at, 0x1f, (size_t)(end - *at));
	size_t len = (size_t)((sep ? sep : end) - *at);
	if (len >= size)
		return false;
	memcpy(out, *at, len);
	out[len] = '\0';
	*at = sep ? sep + 1 : end;
	return true;
}

int planned_visit_parse(const char *value, size_t len,
			struct planned_visit *v)
{
	const char *at = value, *end = value + len;
	char date[16], ids[TEAM_MAX * (RESULT_ID_LEN + 1) + 1];
	memset(v, 0, sizeof(*v));
	if (!next_part(&at, end, date, sizeof(date)) ||
	    !date_parse(date, (unsigned)strlen(date), &v->date) ||
	    !next_part(&at, end, ids, sizeof(ids)) ||
	    !next_part(&at, end, v->team, sizeof(v->team)) ||
	    !next_part(&at, end, v->name, sizeof(v->name)) ||
	    (at != end && !next_part(&at, end, v->items, sizeof(v->items))) ||
	    at != end)
		return -1;
	for (char *save, *id = strtok_r(ids, ";", &save); id;
	     id = strtok_r(NULL, ";", &save)) {
		if (v->n_ids == TEAM_MAX || strlen(id) > RESULT_ID_LEN)
			return -1;
		strcpy(v->ids[v->n_ids++], id);
	}
	/* No team: a visit left to another campaign's (merged, skip). */
	return v->n_ids || !strncmp(v->team, RESULT_MERGED_TEAM,
				    sizeof(RESULT_MERGED_TEAM) - 1)
		       ? 0 : -1;
}

int result_check(const struct result_entry *r,
		 const struct planned_visit *visit, int32_t window_from,
		 int32_t window_to, int32_t today, struct diag *err)
{
	char a[11], b[11];
	if (!visit)
		return diag_add(err, "field uscc: %s was not drawn in campaign "
				"%s", r->uscc, r->campaign);
	if (visit->n_ids == 0)
		return diag_add(err, "field uscc: %s's visit in campaign %s "
				"was left to another campaign's visit (a merged "
				"visit): its result is entered there", r->uscc,
				r->campaign);
	bool member = false;
	for (unsigned m = 0; m < visit->n_ids; m++)
		member |= !strcmp(visit->ids[m], r->inspector);
	if (!member)
		return diag_add(err, "field inspector: %s was not on the team "
				"sent to %s", r->inspector, r->uscc);
	if (r->date < window_from || r->date > window_to) {
		date_format(window_from, a);
		date_format(window_to, b);
		return diag_add(err, "field date: outside the campaign's "
				"window %s..%s", a, b);
	}
	if (r->date > today)
		return diag_add(err, "field date: in the future");
	return 0;
}

int result_fits_campaign(const struct result_code *code, bool pledge,
			 struct diag *err)
{
	if (code->pledge == pledge)
		return 0;
	return pledge ? diag_add(err, "field result: %s is no outcome of "
				 "pledge verification (21 to 23)", code->code)
		      : diag_add(err, "field result: %s is an outcome of "
				 "pledge verification, and the campaign "
				 "verifies no pledge", code->code);
}

int32_t result_deadline(const struct calendar *cal, int32_t day)
{
	return calendar_add_working_days(cal, day,
					 RESULT_DEADLINE_WORKING_DAYS);
}

const char *const objection_state_names[] = {"", "open", "upheld",
					      "corrected"};

/* A date part, or "" for DATE_NONE. */
static bool date_part(const char **at, const char *end, int32_t *day)
{
	char s[16];
	if (!next_part(at, end, s, sizeof(s)))
		return false;
	*day = DATE_NONE;
	return !*s || date_parse(s, (unsigned)strlen(s), day);
}

/* The record form's parts. */
static bool form_parts(const char **at, const char *end,
		       struct result_record *r)
{
	char method[16], outcome[16];
	if (!next_part(at, end, method, sizeof(method)))
		return false;
	unsigned m = 0;
	while (m < METHODS && strcmp(method_names[m], method))
		m++;
	if (m == METHODS)
		return false;
	r->method = (enum inspection_method)m;
	if (!next_part(at, end, r->items, sizeof(r->items)) ||
	    !date_part(at, end, &r->follow_up_due) ||
	    !next_part(at, end, outcome, sizeof(outcome)))
		return false;
	r->follow_up_outcome =
		*outcome ? follow_up_outcome_find(outcome, strlen(outcome))
			 : NULL;
	return (!*outcome || r->follow_up_outcome) &&
	       date_part(at, end, &r->follow_up_done) &&
	       next_part(at, end, r->findings, sizeof(r->findings)) &&
	       next_part(at, end, r->follow_up, sizeof(r->follow_up)) &&
	       (r->follow_up_outcome != NULL) ==
		       (r->follow_up_done != DATE_NONE);
}

/* The parts written since results are reviewed and corrected. */
static bool lifecycle_parts(const char **at, const char *end,
			    struct result_record *r)
{
	char state[16], version[8], objection[16];
	if (!next_part(at, end, state, sizeof(state)) ||
	    !next_part(at, end, version, sizeof(version)))
		return false;
	if (!strcmp(state, "published"))
		r->state = RESULT_PUBLISHED;
	else if (!strcmp(state, "submitted"))
		r->state = RESULT_SUBMITTED;
	else
		return false;
	char *stop;
	unsigned long v = strtoul(version, &stop, 10);
	if (!*version || *stop || v < 1 || v > 9999)
		return false;
	r->version = (unsigned)v;
	if (!date_part(at, end, &r->published) ||
	    !date_part(at, end, &r->corrected) ||
	    !next_part(at, end, objection, sizeof(objection)))
		return false;
	unsigned k = 0;
	while (k < 4 && strcmp(objection_state_names[k], objection))
		k++;
	if (k == 4)
		return false;
	r->objection = (enum objection_state)k;
	return date_part(at, end, &r->objection_day) &&
	       date_part(at, end, &r->objection_due) &&
	       date_part(at, end, &r->repaired) &&
	       (*at == end || form_parts(at, end, r)) && *at == end &&
	       (r->state == RESULT_PUBLISHED) == (r->published != DATE_NONE);
}

int result_record_parse(const char *value, size_t len,
			struct result_record *r)
{
	const char *at = value, *end = value + len;
	char date[16], code[8], received[16];
	memset(r, 0, sizeof(*r));
	if (!next_part(&at, end, date, sizeof(date)) ||
	    !date_parse(date, (unsigned)strlen(date), &r->date) ||
	    !next_part(&at, end, code, sizeof(code)) ||
	    !(r->result = result_code_find(code, strlen(code))) ||
	    !next_part(&at, end, r->inspector, sizeof(r->inspector)) ||
	    !next_part(&at, end, r->entry, sizeof(r->entry)) ||
	    !next_part(&at, end, received, sizeof(received)) ||
	    !date_parse(received, (unsigned)strlen(received), &r->received))
		return -1;
	/* The note: up to the next part, or the end of a record of six. */
	const char *sep = memchr(at, 0x1f, (size_t)(end - at));
	bool six = !sep;
	if (!next_part(&at, end, r->note, sizeof(r->note)))
		return -1;
	r->follow_up_due = r->follow_up_done = DATE_NONE;
	if (six) {
		r->state = RESULT_PUBLISHED;
		r->version = 1;
		r->published = r->received;
		r->corrected = r->objection_day = r->objection_due =
			r->repaired = DATE_NONE;
		return 0;
	}
	return lifecycle_parts(&at, end, r) ? 0 : -1;
}

static void date_or_none(struct strbuf *out, int32_t day)
{
	char s[11] = "";
	if (day != DATE_NONE)
		date_format(day, s);
	sb_printf(out, "\x1f%s", s);
}

void result_record_format(const struct result_record *r, struct strbuf *out)
{
	char day[11], received[11];
	date_format(r->date, day);
	date_format(r->received, received);
	sb_printf(out, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%u", day,
		  r->result->code, r->inspector, r->entry, received, r->note,
		  r->state == RESULT_PUBLISHED ? "published" : "submitted",
		  r->version);
	date_or_none(out, r->published);
	date_or_none(out, r->corrected);
	sb_printf(out, "\x1f%s", objection_state_names[r->objection]);
	date_or_none(out, r->objection_day);
	date_or_none(out, r->objection_due);
	date_or_none(out, r->repaired);
	sb_printf(out, "\x1f%s\x1f%s", method_names[r->method], r->items);
	date_or_none(out, r->follow_up_due);
	sb_printf(out, "\x1f%s", r->follow_up_outcome
				       ? r->follow_up_outcome->code : "");
	date_or_none(out, r->follow_up_done);
	sb_printf(out, "\x1f%s\x1f%s", r->findings, r->follow_up);
}

int32_t result_public_until(const struct result_record *r,
			    unsigned adverse_years)
{
	if (!r->result->adverse || r->state != RESULT_PUBLISHED)
		return DATE_NONE;
	int32_t end = DATE_NONE;
	if (adverse_years) {
		int y;
		unsigned m, d;
		date_to_civil(r->published, &y, &m, &d);
		/* 29 February's anniversary in a common year: 28 February. */
		if (m == 2 && d == 29 &&
		    date_from_civil(y + (int)adverse_years, 3, 1) -
				    date_from_civil(y + (int)adverse_years, 2,
						    28) == 1)
			d = 28;
		end = date_from_civil(y + (int)adverse_years, m, d);
	}
	if (r->repaired != DATE_NONE && (end == DATE_NONE || r->repaired < end))
		end = r->repaired;
	return end;
}

const char *const result_status_names[] = {
	"on time", "late", "pending", "at risk", "overdue", "no calendar",
	"in review",
};

enum result_status result_status_of(const struct calendar *cal,
				    int32_t today, unsigned within,
				    int32_t planned,
				    const struct result_record *result,
				    int32_t *deadline)
{
	*deadline = result_deadline(cal, result ? result->date : planned);
	if (*deadline == DATE_NONE)
		return RESULT_NO_CALENDAR;
	if (result && result->state == RESULT_SUBMITTED)
		return RESULT_IN_REVIEW;
	if (result)
		return result->published <= *deadline ? RESULT_ON_TIME
						     : RESULT_LATE;
	if (today > *deadline)
		return RESULT_OVERDUE;
	int32_t horizon = within ? calendar_add_working_days(cal, today, within)
				 : today;
	if (horizon == DATE_NONE || horizon >= *deadline)
		return RESULT_AT_RISK;
	return RESULT_PENDING;
}

enum follow_up_state result_follow_up_state(const struct result_record *r,
					    int32_t today)
{
	if (r->follow_up_due == DATE_NONE || r->follow_up_outcome)
		return FOLLOW_UP_NONE;
	return today > r->follow_up_due ? FOLLOW_UP_LATE : FOLLOW_UP_OPEN;
}
