#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/date.h"
#include "inspect/core/departments.h"
#include "inspect/core/disclosure.h"
#include "inspect/core/result_steps.h"
#include "inspect/core/results.h"

static int32_t day(const char *s)
{
	int32_t d;
	cr_assert(date_parse(s, 10, &d), "%s", s);
	return d;
}

static void load_calendar(struct calendar *c)
{
	memset(c, 0, sizeof(*c));
	const char *years[] = {"policies/calendars/cn-2025.yaml",
			       "policies/calendars/cn-2026.yaml"};
	for (int i = 0; i < 2; i++) {
		size_t len;
		char *text = read_source_file(years[i], &len);
		struct diag err;
		diag_init(&err);
		cr_assert_eq(calendar_add_year(c, years[i], text, len, &err), 0,
			     "%s", diag_text(&err));
		free(text);
	}
}

/* 20 working days, counted over the official holidays and make-up
 * working days of the calendar files. */
Test(results, deadlines_count_working_days_over_holidays)
{
	struct calendar c;
	load_calendar(&c);
	char out[11];
	/* National Day week (1-7 Oct off, Saturday 10 Oct worked). */
	date_format(result_deadline(&c, day("2026-09-30")), out);
	cr_assert_str_eq(out, "2026-11-03");
	/* Spring Festival (15-23 Feb off, Saturdays 14 and 28 Feb worked). */
	date_format(result_deadline(&c, day("2026-02-13")), out);
	cr_assert_str_eq(out, "2026-03-19");
	/* An ordinary month: four weeks. */
	date_format(result_deadline(&c, day("2026-11-02")), out);
	cr_assert_str_eq(out, "2026-11-30");
	/* Beyond the known years: no deadline is guessed. */
	cr_assert_eq(result_deadline(&c, day("2026-12-20")), DATE_NONE);
	calendar_finish(&c);
}

Test(results, status_follows_the_deadline)
{
	struct calendar c;
	load_calendar(&c);
	int32_t due;
	struct result_record r = {.date = day("2026-11-02"),
				  .received = day("2026-11-10"),
				  .state = RESULT_PUBLISHED,
				  .published = day("2026-11-30")};
	r.result = result_code_find("01", 2);
	cr_assert_eq(result_status_of(&c, day("2026-12-01"), 5,
				      day("2026-11-02"), &r, &due),
		     RESULT_ON_TIME);
	/* Late by the day it went public, not the day it came in. */
	r.published = day("2026-12-01");
	cr_assert_eq(result_status_of(&c, day("2026-12-01"), 5,
				      day("2026-11-02"), &r, &due),
		     RESULT_LATE);
	/* Waiting for review: public on none, whatever the deadline. */
	r.state = RESULT_SUBMITTED;
	r.published = DATE_NONE;
	cr_assert_eq(result_status_of(&c, day("2026-12-01"), 5,
				      day("2026-11-02"), &r, &due),
		     RESULT_IN_REVIEW);
	/* No result: pending, then at risk five working days before the
	 * deadline (30 Nov), then overdue. */
	cr_assert_eq(result_status_of(&c, day("2026-11-20"), 5,
				      day("2026-11-02"), NULL, &due),
		     RESULT_PENDING);
	cr_assert_eq(result_status_of(&c, day("2026-11-23"), 5,
				      day("2026-11-02"), NULL, &due),
		     RESULT_AT_RISK);
	cr_assert_eq(result_status_of(&c, day("2026-11-30"), 5,
				      day("2026-11-02"), NULL, &due),
		     RESULT_AT_RISK);
	cr_assert_eq(result_status_of(&c, day("2026-12-01"), 5,
				      day("2026-11-02"), NULL, &due),
		     RESULT_OVERDUE);
	calendar_finish(&c);
}

static int parse(const char *const *kv, size_t n, struct result_entry *r,
		 struct diag *err)
{
	struct entry_field f[16];
	for (size_t i = 0; i < n; i++)
		f[i] = (struct entry_field){kv[2 * i], kv[2 * i + 1],
					    strlen(kv[2 * i]),
					    strlen(kv[2 * i + 1])};
	diag_init(err);
	return result_parse(f, n, r, err);
}

Test(results, entries_are_parsed_and_bad_fields_named)
{
	char uscc[19];
	make_uscc(7, uscc);
	uscc[18] = '\0';
	const char *good[] = {"campaign", "C-1", "uscc", uscc, "inspector",
			      "t001", "date", "2026-11-03", "result", "05",
			      "note", "责令改正，已复查"};
	struct result_entry r;
	struct diag err;
	cr_assert_eq(parse(good, 6, &r, &err), 0, "%s", diag_text(&err));
	cr_assert_str_eq(r.campaign, "C-1");
	cr_assert_str_eq(r.result->en, "problem found and corrected on order");
	cr_assert(r.result->adverse);
	cr_assert_str_eq(r.note, "责令改正，已复查");
	static const struct {
		const char *name, *value, *says;
	} bad[] = {
		{"result", "14", "field result: must be a result code"},
		{"date", "2026-02-30", "field date: must be a date"},
		{"uscc", "91440304MA5F000000", "field uscc: uscc check"},
		{"inspector", "a b", "field inspector:"},
		{"campaign", "", "field campaign:"},
		{"note", "EVIL\x1f" "2020-01-01", "field note: holds a control"},
		{"note", "\xb9\xab\xcb\xbe", "field note: is not valid UTF-8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const char *kv[12];
		memcpy(kv, good, sizeof(kv));
		for (int k = 0; k < 6; k++)
			if (!strcmp(kv[2 * k], bad[i].name))
				kv[2 * k + 1] = bad[i].value;
		cr_assert_eq(parse(kv, 6, &r, &err), -1, "%s", bad[i].name);
		cr_assert(strstr(diag_text(&err), bad[i].says), "%s",
			  diag_text(&err));
	}
	cr_assert_eq(parse(good, 4, &r, &err), -1);
	cr_assert(strstr(diag_text(&err), "field result: missing"));
	const char *twice[] = {"campaign", "C", "campaign", "C"};
	cr_assert_eq(parse(twice, 2, &r, &err), -1);
	cr_assert(strstr(diag_text(&err), "field campaign: given twice"));
	/* Closed or in liquidation: not inspected, not adverse; a failed
	 * product check: a problem, adverse. */
	cr_assert_eq(result_code_find("12", 2)->finding, FINDING_NOT_INSPECTED);
	cr_assert(!result_code_find("12", 2)->adverse);
	cr_assert_eq(result_code_find("13", 2)->finding, FINDING_PROBLEM);
	cr_assert(result_code_find("13", 2)->adverse);
	/* Every code is documented once, with both wordings. */
	for (size_t i = 0; i < n_result_codes; i++) {
		cr_assert_eq(strlen(result_codes[i].code), 2);
		cr_assert(result_codes[i].zh[0] && result_codes[i].en[0]);
		cr_assert_eq(result_code_find(result_codes[i].code, 2),
			     &result_codes[i]);
	}
}

Test(results, a_result_must_belong_to_its_visit)
{
	const char value[] = "2026-11-03\x1ft001;t002\x1f甲 A1, 乙 A2\x1f某公司";
	struct planned_visit v;
	cr_assert_eq(planned_visit_parse(value, strlen(value), &v), 0);
	cr_assert_eq(v.n_ids, 2);
	cr_assert_str_eq(v.ids[1], "t002");
	cr_assert_str_eq(v.name, "某公司");
	struct result_entry r = {.campaign = "C", .uscc = "X",
				 .inspector = "t002",
				 .date = day("2026-11-03")};
	struct diag err;
	int32_t from = day("2026-11-02"), to = day("2026-11-30");
	diag_init(&err);
	cr_assert_eq(result_check(&r, &v, from, to, day("2026-11-24"), &err), 0);
	cr_assert_eq(result_check(&r, NULL, from, to, day("2026-11-24"), &err),
		     -1);
	cr_assert(strstr(diag_text(&err), "was not drawn"));
	strcpy(r.inspector, "t003");
	diag_init(&err);
	cr_assert_eq(result_check(&r, &v, from, to, day("2026-11-24"), &err),
		     -1);
	cr_assert(strstr(diag_text(&err), "not on the team"));
	strcpy(r.inspector, "t001");
	r.date = day("2026-12-01");
	diag_init(&err);
	cr_assert_eq(result_check(&r, &v, from, to, day("2026-12-24"), &err),
		     -1);
	cr_assert(strstr(diag_text(&err), "outside the campaign's window"));
	r.date = day("2026-11-25");
	diag_init(&err);
	cr_assert_eq(result_check(&r, &v, from, to, day("2026-11-24"), &err),
		     -1);
	cr_assert(strstr(diag_text(&err), "in the future"));
	/* Damaged records do not parse. */
	cr_assert_eq(planned_visit_parse("2026-11-03\x1f\x1fx\x1fy", 15, &v), -1);
	cr_assert_eq(planned_visit_parse("2026-11-03", 10, &v), -1);
}

/* The disclosure writers escape what they print, and have no place for
 * anything private. */
Test(results, disclosures_escape_and_carry_only_public_fields)
{
	const struct result_code *adverse = result_code_find("03", 2);
	struct disclosure_row rows[2] = {
		{"91440304MA5F00000A", "A, \"B\" & <C>", day("2026-11-03"),
		 "甲 A1, 乙 A2", adverse, day("2026-11-03"), NULL, 0,
		 OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
		{"91440304MA5F00000B", "某公司\n分店", day("2026-11-04"), NULL,
		 NULL, 0, NULL, 0, OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
	};
	struct disclosure_item items[1] = {{"SC-001", "营业执照", "0.25"}};
	struct disclosure d = {"C-1", "SAMR", "2026-11-02..2026-11-30",
			       "2026-11-01", "directed", items, 1, 100, 2, 0, "aa", "bb", "cc",
			       "7 3", "inspectd-draw/1", "2027", false, rows, 2,
			       "dd", "ee", "ff", "郑州市市场监督管理局"};
	struct strbuf csv = {0}, json = {0}, html = {0};
	disclosure_csv(&d, &csv);
	disclosure_json(&d, &json);
	disclosure_html(&d, &html);
	cr_assert(!csv.failed && !json.failed && !html.failed);
	cr_assert(strstr(csv.s, ",\"A, \"\"B\"\" & <C>\","), "%s", csv.s);
	cr_assert(strstr(csv.s, ",\"某公司\n分店\","), "%s", csv.s);
	cr_assert(strstr(json.s, "\"name\":\"A, \\\"B\\\" & <C>\""), "%s",
		  json.s);
	cr_assert(strstr(json.s, "\"某公司\\u000a分店\""), "%s", json.s);
	cr_assert(strstr(html.s, "A, &quot;B&quot; &amp; &lt;C&gt;"));
	/* The page runs only its own style and script. */
	cr_assert(strstr(html.s, "<meta http-equiv=\"Content-Security-Policy\" "
			 "content=\"default-src 'none'; style-src 'sha256-"),
		  "%.600s", html.s);
	cr_assert_null(strstr(html.s, "<C>"));
	/* The second random's commitments are public too. */
	cr_assert(strstr(json.s, "\"team_inputs_digest\":\"ee\",\"outcome_digest\""
			 ":\"ff\""), "%s", json.s);
	cr_assert(strstr(html.s, "Outcome digest"), "%s", html.s);
	/* A window planned on a provisional calendar says so in each. */
	cr_assert(strstr(csv.s, ",provisional 2027,"), "%s", csv.s);
	cr_assert(strstr(json.s, "\"calendar_provisional\":[2027]"), "%s",
		  json.s);
	cr_assert(strstr(html.s, "2027 年按暂定日历安排"), "%s", html.s);
	/* The task's type, in each. */
	cr_assert(strstr(csv.s, "\r\nC-1,SAMR,郑州市市场监督管理局,directed,"), "%s", csv.s);
	cr_assert(strstr(json.s, "\"task_type\":\"directed\""), "%s", json.s);
	cr_assert(strstr(html.s, "定向抽查 directed"), "%s", html.s);
	/* The second visit has no result yet: its planned day is no one's
	 * business before it (no tip-off), in any format; the first's,
	 * done, is public. */
	cr_assert_null(strstr(csv.s, "2026-11-04"), "%s", csv.s);
	cr_assert_null(strstr(json.s, "2026-11-04"), "%s", json.s);
	cr_assert_null(strstr(html.s, "2026-11-04"), "%s", html.s);
	cr_assert(strstr(json.s, "\"date\":\"2026-11-03\""), "%s", json.s);
	/* The agency by name (the CSV's above), the department's code
	 * beside it. */
	cr_assert(strstr(json.s, "\"agency\":\"郑州市市场监督管理局\""), "%s",
		  json.s);
	cr_assert(strstr(html.s, "郑州市市场监督管理局（SAMR）"), "%s", html.s);
	/* The national record: the visit that took place, and only it. */
	struct strbuf nat = {0}, natj = {0};
	disclosure_national_csv(&d, &nat);
	disclosure_national_json(&d, &natj);
	cr_assert(!strncmp(nat.s, "统一社会信用代码,企业名称,检查实施机关,类型,"
			   "日期,结果\r\n91440304MA5F00000A,", 70), "%s",
		  nat.s);
	cr_assert(strstr(nat.s, ",郑州市市场监督管理局,定向抽查,2026-11-03,"
			 "公示信息隐瞒真实情况、弄虚作假\r\n"), "%s", nat.s);
	cr_assert_null(strstr(nat.s, "91440304MA5F00000B"), "%s", nat.s);
	cr_assert(strstr(natj.s, "\"type\":\"定向抽查\",\"date\":\"2026-11-03\","
			 "\"result_code\":\"03\""), "%s", natj.s);
	cr_assert_null(strstr(natj.s, "91440304MA5F00000B"), "%s", natj.s);
	sb_finish(&nat);
	sb_finish(&natj);
	/* An item checked at a share of the visits says so in each. */
	cr_assert(strstr(csv.s, "SC-001 营业执照 (share 0.25)"), "%s", csv.s);
	cr_assert(strstr(json.s, "\"name\":\"营业执照\",\"share\":\"0.25\""),
		  "%s", json.s);
	cr_assert(strstr(html.s, "share of visits 0.25"), "%s", html.s);
	/* Teams are left out unless disclosed. */
	cr_assert_null(strstr(csv.s, "甲 A1"));
	cr_assert_null(strstr(json.s, "甲 A1"));
	cr_assert_null(strstr(html.s, "甲 A1"));
	d.teams_disclosed = true;
	struct strbuf with = {0};
	disclosure_csv(&d, &with);
	cr_assert(strstr(with.s, ",\"甲 A1, 乙 A2\","), "%s", with.s);
	sb_finish(&csv);
	sb_finish(&json);
	sb_finish(&html);
	sb_finish(&with);
}

/* A spreadsheet runs a cell that starts with = + - @ tab or CR: such a
 * cell is quoted with a leading apostrophe; and a name that is not UTF-8
 * still gives a JSON file any reader takes. */
Test(results, exports_defuse_formulas_and_bad_bytes)
{
	struct disclosure_row rows[] = {
		{"91440304MA5F00000A", "=HYPERLINK(\"http://x\",\"y\")",
		 0, NULL, NULL, 0, NULL, 0, OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
		{"91440304MA5F00000B", "@SUM(A1)", 0, NULL, NULL, 0, NULL, 0,
		 OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
		{"91440304MA5F00000C", "-1+2", 0, NULL, NULL, 0, NULL, 0,
		 OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
		{"91440304MA5F00000D", "\xb9\xab\xff公司", 0, NULL, NULL, 0, NULL, 0,
		 OBJECTION_NONE, 0, 0, NULL, NULL, 0, NULL},
	};
	struct disclosure d = {"C-1", "SAMR", "2026-11-02..2026-11-30",
			       "2026-11-01", "", NULL, 0, 100, 4, 0, "aa", "bb", "cc",
			       "7 3", "inspectd-draw/1", "", false, rows, 4,
			       NULL, NULL, NULL, NULL};
	struct strbuf csv = {0}, json = {0};
	disclosure_csv(&d, &csv);
	disclosure_json(&d, &json);
	cr_assert(strstr(csv.s, ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
		  "%s", csv.s);
	cr_assert(strstr(csv.s, ",\"'@SUM(A1)\","), "%s", csv.s);
	cr_assert(strstr(csv.s, ",\"'-1+2\","), "%s", csv.s);
	cr_assert(strstr(json.s, "\"\\ufffd\\ufffd\\ufffd公司\""), "%s",
		  json.s);
	cr_assert_null(strstr(json.s, "\xff"));
	sb_finish(&csv);
	sb_finish(&json);
}

/* The departments list: the agencies' names for the public record. */
Test(results, departments_name_the_agencies)
{
	size_t len;
	char *text = read_source_file("policies/items/departments.yaml", &len);
	struct department_list l;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(department_list_parse("departments.yaml", text, len, &l,
					   &err),
		     0, "%s", diag_text(&err));
	cr_assert_str_eq(department_name(&l, "SAMR-ZZ"), "郑州市市场监督管理局");
	cr_assert_str_eq(department_find(&l, "SAMR-ZZ")->region, "410100");
	cr_assert_str_eq(department_name(&l, "NOPE"), "NOPE", "by its code");
	department_list_finish(&l);
	free(text);
	static const char *const bad[][2] = {
		{"departments:\n  - {code: A, name: x, region: \"4101\"}\n",
		 "region"},
		{"departments:\n  - {code: A, name: x, region: \"41010a\"}\n",
		 "departments.0: region 41010a is not a 6-digit"},
		{"departments:\n  - {code: A, name: x, region: \"410100\"}\n"
		 "  - {code: A, name: y, region: \"410100\"}\n",
		 "code A is listed twice"},
		{"departments:\n  - {code: A B, name: x, region: \"410100\"}\n",
		 "code A B: use letters"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		diag_init(&err);
		cr_assert_eq(department_list_parse("d.yaml", bad[i][0],
						   strlen(bad[i][0]), &l, &err),
			     -1, "%s", bad[i][0]);
		cr_assert(strstr(diag_text(&err), bad[i][1]), "%s",
			  diag_text(&err));
		cr_assert(strstr(diag_text(&err), "d.yaml:"), "%s",
			  diag_text(&err));
	}
}

/* After publication: a correction and an objection show with their days
 * in each format; a result whose publication ended shows none, and is
 * not in the national record. */
Test(results, disclosures_show_corrections_objections_and_ended_ones)
{
	const struct result_code *ok = result_code_find("01", 2);
	struct disclosure_row rows[2] = {
		{.uscc = "91440304MA5F00000A", .name = "甲", .result = ok,
		 .result_date = day("2026-11-03"),
		 .corrected = day("2026-11-20"),
		 .objection = OBJECTION_CORRECTED,
		 .objection_day = day("2026-11-20"),
		 .items = "SC-001:01,SC-017:01",
		 .follow_up = &follow_up_outcomes[1],
		 .follow_up_done = day("2026-11-28")},
		{.uscc = "91440304MA5F00000B", .name = "乙",
		 .publication_ended = day("2026-11-25")},
	};
	struct disclosure d = {"C-1", "SAMR", "", "", "", NULL, 0, 0, 0, 0,
			       "", "", "", "", "", "", false, rows, 2,
			       "", "", "", ""};
	struct strbuf csv = {0}, json = {0}, html = {0}, nat = {0};
	disclosure_csv(&d, &csv);
	disclosure_json(&d, &json);
	disclosure_html(&d, &html);
	disclosure_national_csv(&d, &nat);
	cr_assert(strstr(csv.s, ",01,未发现问题,2026-11-03,2026-11-20,"
			 "corrected,2026-11-20,,已立案查处,2026-11-28\r\n"), "%s",
		  csv.s);
	cr_assert(strstr(csv.s, ",乙,,,,,,,,2026-11-25,,\r\n"), "%s", csv.s);
	cr_assert(strstr(json.s, "\"date\":\"2026-11-03\",\"corrected\":"
			 "\"2026-11-20\",\"objection\":{\"state\":"
			 "\"corrected\",\"date\":\"2026-11-20\"},"
			 "\"items\":[{\"code\":\"SC-001\",\"result\":\"01\","
			 "\"text\":\"未发现问题\"},{\"code\":\"SC-017\","
			 "\"result\":\"01\",\"text\":\"未发现问题\"}],"
			 "\"follow_up\":{\"outcome\":\"已立案查处\",\"date\":"
			 "\"2026-11-28\"}}"), "%s", json.s);
	cr_assert(strstr(html.s, "（SC-001 未发现问题；SC-017 未发现问题）"),
		  "%s", html.s);
	cr_assert(strstr(html.s, "后续处置：已立案查处 follow-up 2026-11-28"),
		  "%s", html.s);
	cr_assert(strstr(json.s, "\"result\":null,\"publication_ended\":"
			 "\"2026-11-25\"}"), "%s", json.s);
	cr_assert(strstr(html.s, "已更正 corrected 2026-11-20"), "%s", html.s);
	cr_assert(strstr(html.s, "result corrected, 2026-11-20"), "%s",
		  html.s);
	cr_assert(strstr(html.s, "publication ended 2026-11-25"), "%s",
		  html.s);
	cr_assert(strstr(nat.s, "91440304MA5F00000A"), "%s", nat.s);
	cr_assert_null(strstr(nat.s, "91440304MA5F00000B"), "%s", nat.s);
	sb_finish(&csv);
	sb_finish(&json);
	sb_finish(&html);
	sb_finish(&nat);
}

/* ---- after entry: steps (result_steps.h) ---- */

static int parse_step(struct result_step *s, struct diag *err, ...)
{
	struct entry_field f[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, err);
	for (const char *k; (k = va_arg(ap, const char *)) && n < 16; n++) {
		const char *v = va_arg(ap, const char *);
		f[n] = (struct entry_field){k, v, strlen(k), strlen(v)};
	}
	va_end(ap);
	diag_init(err);
	return result_step_parse(f, n, s, err);
}

/* A valid USCC. */
static const char *valid_uscc(void)
{
	static char u[USCC_LEN + 1];
	make_uscc(7, u);
	return u;
}
#define U valid_uscc()

Test(results, step_entries_name_what_is_wrong)
{
	struct result_step s;
	struct diag err;
	static const struct {
		const char *why;
		int rc;
	} cases[] = {
		{"field action: must be", -1},
		{"field reviewer: missing", -1},
		{"field note: missing", -1},
		{"field result: missing (the corrected result)", -1},
		{"field result: an upheld result stands", -1},
		{"field inspector: not a field of an entry with action "
		 "correct", -1},
		{"field note: is empty", -1},
	};
	int rc[7];
	struct diag e[7];
	rc[0] = parse_step(&s, &e[0], "action", "erase", "campaign", "C",
			   "uscc", U, NULL);
	rc[1] = parse_step(&s, &e[1], "action", "approve", "campaign", "C",
			   "uscc", U, NULL);
	rc[2] = parse_step(&s, &e[2], "action", "return", "campaign", "C",
			   "uscc", U, "reviewer", "r", NULL);
	rc[3] = parse_step(&s, &e[3], "action", "answer", "campaign", "C",
			   "uscc", U, "department", "D", "outcome", "corrected",
			   "note", "x", NULL);
	rc[4] = parse_step(&s, &e[4], "action", "answer", "campaign", "C",
			   "uscc", U, "department", "D", "outcome", "upheld",
			   "result", "01", "note", "x", NULL);
	rc[5] = parse_step(&s, &e[5], "action", "correct", "campaign", "C",
			   "uscc", U, "department", "D", "result", "01",
			   "inspector", "i", "note", "x", NULL);
	rc[6] = parse_step(&s, &e[6], "action", "repair", "campaign", "C",
			   "uscc", U, "department", "D", "note", "", NULL);
	for (int i = 0; i < 7; i++) {
		cr_assert_eq(rc[i], cases[i].rc, "case %d", i);
		cr_assert(strstr(diag_text(&e[i]), cases[i].why), "case %d: %s",
			  i, diag_text(&e[i]));
	}
	/* A whole one, and the action of an entry without one. */
	cr_assert_eq(parse_step(&s, &err, "action", "answer", "campaign", "C",
				"uscc", U, "department", "D", "outcome",
				"corrected", "result", "05", "date",
				"2026-11-03", "note", "核查更正", NULL),
		     0, "%s", diag_text(&err));
	cr_assert_eq(s.action, ACTION_ANSWER);
	cr_assert(!s.upheld);
	cr_assert_str_eq(s.result->code, "05");
	cr_assert_eq(s.date, day("2026-11-03"));
	struct entry_field plain = {"campaign", "C", 8, 1};
	cr_assert_eq(result_entry_action(&plain, 1, &err), ACTION_RESULT);
}

/* A published adverse result of 2026-11-02, public from 2026-11-10. */
static struct result_record published(void)
{
	return (struct result_record){
		.date = day("2026-11-02"), .received = day("2026-11-09"),
		.result = result_code_find("02", 2), .inspector = "i1",
		.entry = "1-1", .state = RESULT_PUBLISHED, .version = 1,
		.published = day("2026-11-10"), .corrected = DATE_NONE,
		.objection_day = DATE_NONE, .objection_due = DATE_NONE,
		.repaired = DATE_NONE};
}

static int apply_on(const struct result_record *cur, const char *today,
		    struct result_step *s, struct result_record *next,
		    struct diag *err, const struct reviewer *rv)
{
	static struct calendar cal;
	static bool loaded;
	if (!loaded)
		load_calendar(&cal);
	loaded = true;
	struct result_rules rules = {"result-review", 5, 10, 3};
	struct step_context x = {&rules, &cal, day(today), "D", false, cur,
				 rv};
	bool removed;
	diag_init(err);
	return result_step_apply(s, &x, next, &removed, err);
}

Test(results, steps_follow_the_record_and_the_rules)
{
	struct result_record cur = published(), next;
	struct result_step s;
	struct diag err;
	/* A reviewer does not approve a result of their own. */
	struct reviewer rv = {true, true, true, "D"};
	cur.state = RESULT_SUBMITTED;
	cur.published = DATE_NONE;
	cr_assert_eq(parse_step(&s, &err, "action", "approve", "campaign", "C",
				"uscc", U, "reviewer", "i1", NULL), 0);
	cr_assert_eq(apply_on(&cur, "2026-11-10", &s, &next, &err, &rv), -1);
	cr_assert(strstr(diag_text(&err), "i1 entered the result"), "%s",
		  diag_text(&err));
	strcpy(s.reviewer, "i2");
	cr_assert_eq(apply_on(&cur, "2026-11-10", &s, &next, &err, &rv), 0);
	cr_assert_eq(next.state, RESULT_PUBLISHED);
	cr_assert_eq(next.published, day("2026-11-10"));
	/* Corrections: within 5 working days of publication (11-10 + 5 =
	 * 11-17), a new version with its day; not after. */
	cur = published();
	cr_assert_eq(parse_step(&s, &err, "action", "correct", "campaign", "C",
				"uscc", U, "department", "D", "result", "05",
				"note", "x", NULL), 0);
	cr_assert_eq(apply_on(&cur, "2026-11-17", &s, &next, &err, NULL), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(next.version, 2);
	cr_assert_eq(next.corrected, day("2026-11-17"));
	cr_assert_str_eq(next.result->code, "05");
	cr_assert_eq(apply_on(&cur, "2026-11-18", &s, &next, &err, NULL), -1);
	cr_assert(strstr(diag_text(&err), "(by 2026-11-17)"), "%s",
		  diag_text(&err));
	/* An objection is due 10 working days on; answered corrected, the
	 * corrected result may be objected to again. */
	cr_assert_eq(parse_step(&s, &err, "action", "object", "campaign", "C",
				"uscc", U, "statement", "不服", NULL), 0);
	cr_assert_eq(apply_on(&cur, "2026-11-20", &s, &next, &err, NULL), 0);
	cr_assert_eq(next.objection, OBJECTION_OPEN);
	cr_assert_eq(next.objection_due, day("2026-12-04"));
	cur = next;
	cr_assert_eq(parse_step(&s, &err, "action", "answer", "campaign", "C",
				"uscc", U, "department", "D", "outcome",
				"corrected", "result", "01", "note", "x", NULL),
		     0);
	cr_assert_eq(apply_on(&cur, "2026-12-10", &s, &next, &err, NULL), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(next.objection, OBJECTION_CORRECTED);
	cr_assert_str_eq(next.result->code, "01");
	cur = next;
	cr_assert_eq(parse_step(&s, &err, "action", "object", "campaign", "C",
				"uscc", U, "statement", "再议", NULL), 0);
	cr_assert_eq(apply_on(&cur, "2026-12-11", &s, &next, &err, NULL), 0);
	/* No repair of a result that is not adverse (01 now). */
	cr_assert_eq(parse_step(&s, &err, "action", "repair", "campaign", "C",
				"uscc", U, "department", "D", "note", "x",
				NULL), 0);
	cr_assert_eq(apply_on(&cur, "2026-12-11", &s, &next, &err, NULL), -1);
	cr_assert(strstr(diag_text(&err), "not adverse"), "%s",
		  diag_text(&err));
}

/* Records: the form of six parts still reads (published on receipt),
 * the full form round-trips; an adverse result's publication ends after
 * the years or on repair, 29 February's on 28 February. */
Test(results, records_round_trip_and_publication_ends)
{
	struct result_record r, back;
	static const char six[] = "2026-11-02\x1f" "02\x1fi1\x1f" "1-1\x1f"
				  "2026-11-09\x1fnote";
	cr_assert_eq(result_record_parse(six, sizeof(six) - 1, &r), 0);
	cr_assert_eq(r.state, RESULT_PUBLISHED);
	cr_assert_eq(r.version, 1);
	cr_assert_eq(r.published, day("2026-11-09"));
	cr_assert_eq(r.corrected, DATE_NONE);
	r.objection = OBJECTION_UPHELD;
	r.objection_day = day("2026-11-20");
	r.version = 3;
	struct strbuf b = {0};
	result_record_format(&r, &b);
	cr_assert_eq(result_record_parse(b.s, b.len, &back), 0, "%s", b.s);
	cr_assert_eq(back.version, 3);
	cr_assert_eq(back.objection, OBJECTION_UPHELD);
	cr_assert_eq(back.objection_day, day("2026-11-20"));
	cr_assert_eq(back.objection_due, DATE_NONE);
	cr_assert_str_eq(back.note, "note");
	sb_finish(&b);
	static const char bogus[] = "2026-11-02\x1f" "02\x1fi1\x1f" "1-1\x1f"
				    "2026-11-09\x1f\x1f" "bogus\x1f" "1\x1f"
				    "\x1f\x1f\x1f\x1f\x1f";
	cr_assert_eq(result_record_parse(bogus, sizeof(bogus) - 1, &r), -1);
	/* The same with a state it knows reads. */
	static const char known[] = "2026-11-02\x1f" "02\x1fi1\x1f" "1-1\x1f"
				    "2026-11-09\x1f\x1f" "submitted\x1f" "1\x1f"
				    "\x1f\x1f\x1f\x1f\x1f";
	cr_assert_eq(result_record_parse(known, sizeof(known) - 1, &r), 0);
	cr_assert_eq(r.state, RESULT_SUBMITTED);
	r = published();
	cr_assert_eq(result_public_until(&r, 3), day("2029-11-10"));
	cr_assert_eq(result_public_until(&r, 0), DATE_NONE);
	r.repaired = day("2027-01-05");
	cr_assert_eq(result_public_until(&r, 3), day("2027-01-05"));
	r.published = day("2028-02-29");
	r.repaired = DATE_NONE;
	cr_assert_eq(result_public_until(&r, 1), day("2029-02-28"));
	r.result = result_code_find("01", 2);
	cr_assert_eq(result_public_until(&r, 1), DATE_NONE);
}
