#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/campaign.h"
#include "inspect/core/date.h"

/* Builds entry fields from "name=value" strings. */
static size_t fields(const char *const *kv, size_t n, struct entry_field *f)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		f[i] = (struct entry_field){kv[i], eq + 1,
					    (size_t)(eq - kv[i]),
					    strlen(eq + 1)};
	}
	return n;
}

/* The refusal text ("" when accepted), valid until the next call. */
static const char *parse(const char *const *kv, size_t n, struct campaign *c)
{
	static struct diag err;
	struct entry_field f[64];
	diag_init(&err);
	int r = campaign_parse(f, fields(kv, n, f), c, &err);
	return r == 0 ? "" : diag_text(&err);
}

#define PARSE(c, ...)                                                    \
	parse((const char *const[]){__VA_ARGS__},                        \
	      sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *), c)

#define BASE "type=campaign", "id=HN-2026-1", "department=SAMR-HN", \
	     "policy=henan-2021", "items=SC-001,SC-017"

Test(campaign, parses_a_full_campaign)
{
	struct campaign c;
	cr_assert_str_eq(PARSE(&c, BASE, "regions=4101,440304",
			       "industries=C13,F", "flags=P", "size=120",
			       "date=2026-11-24",
			       "window=2026-12-01..2026-12-31",
			       "entropy=7 3 9 1"), "");
	cr_assert_eq(c.type, ENTRY_CAMPAIGN);
	cr_assert_str_eq(c.id, "HN-2026-1");
	cr_assert_str_eq(c.department, "SAMR-HN");
	cr_assert_eq(c.n_items, 2);
	cr_assert_str_eq(c.items[1], "SC-017");
	cr_assert_eq(c.scope.n_regions, 2);
	cr_assert_str_eq(c.scope.regions[0], "4101");
	cr_assert_str_eq(c.scope.industries[1], "F");
	cr_assert_eq(c.scope.flags, 1u << FLAG_P);
	cr_assert_eq(c.size, 120);
	cr_assert_eq(c.date, date_from_civil(2026, 11, 24));
	cr_assert_eq(c.window_to - c.window_from, 30);
	cr_assert(c.has_entropy);
	cr_assert_str_eq(c.entropy, "7 3 9 1");
}

Test(campaign, minimal_campaign_and_entropy_entry)
{
	struct campaign c;
	cr_assert_str_eq(PARSE(&c, BASE), "");
	cr_assert(!c.has_entropy);
	cr_assert_eq(c.date, DATE_NONE);
	cr_assert_str_eq(PARSE(&c, "type=entropy", "id=HN-2026-1",
			       "entropy=12 34"), "");
	cr_assert_eq(c.type, ENTRY_ENTROPY);
	cr_assert_str_eq(c.entropy, "12 34");
}

Test(campaign, every_bad_field_is_named)
{
	struct campaign c;
	cr_assert_str_eq(PARSE(&c, "id=x"), "field type: missing\n");
	cr_assert_str_eq(PARSE(&c, "type=plan", "id=x"),
			 "field type: must be campaign or entropy\n");
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=a b",
			       "department=D", "policy=p", "items=i"),
			 "field id: must be 1 to 64 letters, digits, '-', '_' "
			 "or '.'\n");
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=x", "policy=p",
			       "items=i"), "field department: missing\n");
	cr_assert_str_eq(PARSE(&c, BASE, "size=ten"),
			 "field size: is not a whole number from 1 to "
			 "268435456\n");
	cr_assert_str_eq(PARSE(&c, BASE, "size=0"),
			 "field size: is not a whole number from 1 to "
			 "268435456\n");
	cr_assert_str_eq(PARSE(&c, BASE, "date=2026-02-30"),
			 "field date: is not a date YYYY-MM-DD\n");
	cr_assert_str_eq(PARSE(&c, BASE, "window=2026-12-31..2026-12-01"),
			 "field window: ends before it starts\n");
	cr_assert_str_eq(PARSE(&c, BASE, "window=2026-12-01"),
			 "field window: is not YYYY-MM-DD..YYYY-MM-DD\n");
	cr_assert_str_eq(PARSE(&c, BASE, "regions=44,4403x"),
			 "field regions: regions are 1 to 6 digit prefixes of "
			 "a region code\n");
	cr_assert_str_eq(PARSE(&c, BASE, "industries=Z1"),
			 "field industries: industries are GB/T 4754 prefixes "
			 "such as C13\n");
	cr_assert_str_eq(PARSE(&c, BASE, "flags=BX"),
			 "field flags: may only hold B, R, P and E\n");
	cr_assert_str_eq(PARSE(&c, BASE, "colour=red"),
			 "field colour: not a field of a campaign entry\n");
	cr_assert_str_eq(PARSE(&c, BASE, "\x1b[2Jx=red"),
			 "field \xef\xbf\xbd[2Jx: not a field of a campaign "
			 "entry\n");
	cr_assert_str_eq(PARSE(&c, BASE, "size=1", "size=2"),
			 "field size: given twice\n");
	cr_assert_str_eq(PARSE(&c, BASE, "entropy=a\tb"),
			 "field entropy: holds a control character\n");
	cr_assert_str_eq(PARSE(&c, BASE, "entropy=\xb9\xab"),
			 "field entropy: is not valid UTF-8\n");
	cr_assert_str_eq(PARSE(&c, "type=entropy", "id=x"),
			 "field entropy: missing\n");
	cr_assert_str_eq(PARSE(&c, "type=entropy", "id=x", "entropy=1",
			       "policy=p"),
			 "field policy: not a field of an entropy entry\n");
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=x", "department=D",
			       "policy=p", "items=a,,b"),
			 "field items: items are 1 to 64 letters, digits, "
			 "'-', '_' or '.', separated by commas, each with its "
			 "share after a colon or none\n");
}

/* 定向 or 不定向: given, else directed exactly when the entry chooses a
 * class of entities (industries, list flags, a pledge's approvals). */
Test(campaign, task_types)
{
	struct campaign c;
	cr_assert_str_eq(PARSE(&c, BASE, "regions=4101"), "");
	cr_assert_eq(c.task_type, TASK_UNDIRECTED);
	cr_assert_str_eq(PARSE(&c, BASE, "industries=C13"), "");
	cr_assert_eq(c.task_type, TASK_DIRECTED);
	cr_assert_str_eq(PARSE(&c, BASE, "flags=B"), "");
	cr_assert_eq(c.task_type, TASK_DIRECTED);
	cr_assert_str_eq(PARSE(&c, BASE, "task_type=directed"), "");
	cr_assert_eq(c.task_type, TASK_DIRECTED);
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=PV-1",
			       "department=D", "policy=pledge", "items=i"), "");
	cr_assert_eq(c.task_type, TASK_DIRECTED);
	cr_assert_str_eq(PARSE(&c, BASE, "task_type=random"),
			 "field task_type: must be directed or undirected\n");
	cr_assert_str_eq(PARSE(&c, BASE, "industries=F",
			       "task_type=undirected"),
			 "field task_type: undirected draws from the whole "
			 "pool, but the entry chooses industries\n");
	cr_assert_str_eq(PARSE(&c, "type=entropy", "id=x", "entropy=1",
			       "task_type=directed"),
			 "field task_type: not a field of an entropy entry\n");
}

Test(campaign, refusal_keeps_the_campaign_id)
{
	struct campaign c;
	cr_assert_str_neq(PARSE(&c, BASE, "size=-1"), "");
	cr_assert_str_eq(c.id, "HN-2026-1");
}

Test(campaign, over_limit_entries)
{
	struct campaign c;
	char big[CAMPAIGN_MAX_VALUE + 20] = "items=";
	memset(big + 6, 'a', CAMPAIGN_MAX_VALUE + 1);
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=x", "department=D",
			       "policy=p", big),
			 "field items: longer than 2048 bytes\n");
	char items[40 * 4 + 8] = "items=";
	for (int i = 0; i < 40; i++) /* 40 distinct codes */
		sprintf(items + strlen(items), "%sa%d", i ? "," : "", i);
	cr_assert_str_eq(PARSE(&c, "type=campaign", "id=x", "department=D",
			       "policy=p", items),
			 "field items: has too many items\n");
}

Test(scope, prefixes_and_flags)
{
	struct scope s = {.n_regions = 2, .n_industries = 1,
			  .flags = 1u << FLAG_P};
	strcpy(s.regions[0], "4101");
	strcpy(s.regions[1], "440304");
	strcpy(s.industries[0], "C13");
	struct entity e = make_entity(1, CLASS_A, 1u << FLAG_P);
	strcpy(e.industry, "C1311");
	e.region = 410102;
	cr_assert(scope_contains(&s, &e));
	e.region = 410202;
	cr_assert(!scope_contains(&s, &e));
	e.region = 440304;
	cr_assert(scope_contains(&s, &e));
	strcpy(e.industry, "C1411");
	cr_assert(!scope_contains(&s, &e));
	strcpy(e.industry, "C1311");
	e.flags = 0;
	cr_assert(!scope_contains(&s, &e));
	struct scope all = {.n_regions = 0};
	cr_assert(scope_contains(&all, &e));
}

Test(scope, apply_keeps_order)
{
	const unsigned counts[] = {10, 0, 0, 0};
	struct population p;
	make_population(counts, &p);
	for (size_t i = 0; i < p.n; i++)
		p.v[i].region = i % 2 ? 410102 : 440304;
	struct scope s = {.n_regions = 1};
	strcpy(s.regions[0], "41");
	scope_apply(&s, &p);
	cr_assert_eq(p.n, 5);
	for (size_t i = 0; i < p.n; i++)
		cr_assert_eq(p.v[i].region, 410102);
	for (size_t i = 1; i < p.n; i++)
		cr_assert_lt(memcmp(p.v[i - 1].uscc, p.v[i].uscc, 18), 0);
	population_finish(&p);
}

/* NULL for a valid record, else the reason. */
static const char *record_invalid(const char *uscc, size_t uscc_len,
				  const char *rest, size_t rest_len,
				  struct entity *e)
{
	static struct diag why;
	diag_init(&why);
	if (population_parse_record(uscc, uscc_len, rest, rest_len, e, &why) ==
	    0)
		return NULL;
	cr_assert_eq(why.count, 1);
	return diag_reason(&why);
}

Test(population, parses_a_grade_record)
{
	struct entity e;
	const char *u = "91350100M000100Y43", *rec = "B,712,350102,C1311,RE,";
	cr_assert_null(record_invalid(u, 18, rec, strlen(rec), &e));
	cr_assert_eq(e.cls, CLASS_B);
	cr_assert_eq(e.flags, 1u << FLAG_R | 1u << FLAG_E);
	cr_assert_str_eq(record_invalid(u, 18, "B,712", 5, &e),
			 "a grade record has 6 fields: class,score,region,"
			 "industry,flags,last_inspected");
	cr_assert_str_eq(record_invalid("9135", 4, rec, strlen(rec), &e),
			 "uscc must be 18 characters");
}
