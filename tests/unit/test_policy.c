#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/decimal.h"
#include "inspect/core/seed.h"

#define CLASSES                                                   \
	"classes:\n  A: {rate: 0.01}\n  B: {rate: 0.02}\n  C: {rate: " \
	"0.1}\n  D: {rate: 0.3}\n"

static const char *refusal(const char *yaml)
{
	static struct diag err;
	struct policy p;
	memset(&p, 0x5a, sizeof(p));
	struct policy before = p;
	diag_init(&err);
	int r = policy_parse("p.yaml", yaml, strlen(yaml), &p, &err);
	cr_assert_eq(r, -1, "accepted:\n%s", yaml);
	cr_assert(memcmp(&p, &before, sizeof(p)) == 0,
		  "a refused policy changed its output");
	return diag_text(&err);
}

Test(policy, shipped_policies_load)
{
	const char *names[] = {"henan-2021", "national-default",
			       "city-capacity-pps"};
	for (size_t i = 0; i < 3; i++) {
		char path[64];
		size_t len;
		snprintf(path, sizeof(path), "policies/%s.yaml", names[i]);
		char *text = read_source_file(path, &len);
		struct policy p;
		struct diag err;
		diag_init(&err);
		cr_assert_eq(policy_parse(path, text, len, &p, &err), 0, "%s",
			     diag_text(&err));
		cr_assert_str_eq(p.name, names[i]);
		cr_assert_geq(p.team_size, 2);
		free(text);
	}
}

Test(policy, henan_2021_rates_are_exact)
{
	size_t len;
	char *text = read_source_file("policies/henan-2021.yaml", &len);
	struct policy p;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(policy_parse("h", text, len, &p, &err), 0);
	free(text);
	cr_assert_eq(p.design, DESIGN_STRATIFIED);
	cr_assert_eq(p.cls[CLASS_A].rate, PI_ONE / 100);
	cr_assert_eq(p.cls[CLASS_B].rate, PI_ONE / 50);
	cr_assert_eq(p.cls[CLASS_C].rate, PI_ONE / 10);
	cr_assert_eq(p.cls[CLASS_D].rate, PI_ONE * 3 / 10);
	cr_assert_eq(p.cls[CLASS_A].cooldown_days, 365);
	cr_assert(p.flag[FLAG_B].certain);
	cr_assert_eq(p.flag[FLAG_R].factor, FACTOR_ONE / 2);
}

Test(policy, digest_is_sha256_of_the_bytes)
{
	struct policy a, b;
	policy_from_text("name: x\ndesign: stratified\n" CLASSES, &a);
	policy_from_text("# a comment\nname: x\ndesign: stratified\n" CLASSES,
			 &b);
	cr_assert(memcmp(a.digest, b.digest, 32) != 0);
	cr_assert_eq(a.cls[CLASS_C].rate, b.cls[CLASS_C].rate);
	/* The first document's bytes through coreutils' sha256sum. */
	char hex[65];
	seed_hex(a.digest, 32, hex);
	cr_assert_str_eq(hex, "d605860d42ee758d63438a7e8a74cbd3"
			      "7c75e45c9ab96e2a90c6fa5c1ced059e");
}

Test(policy, names_line_and_path_of_a_bad_rate)
{
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\nclasses:\n"
				 "  A: {rate: 1.5}\n  B: {rate: 0.02}\n"
				 "  C: {rate: 0.1}\n  D: {rate: 0.3}\n"),
			 "p.yaml:4:13: classes.A.rate: '1.5' is not a decimal "
			 "from 0 to 1 with at most 12 decimals\n");
}

Test(policy, names_a_missing_class)
{
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\nclasses:\n"
				 "  A: {rate: 0.01}\n  B: {rate: 0.02}\n"
				 "  C: {rate: 0.1}\n"),
			 "p.yaml:4:3: classes: class D is missing: a policy "
			 "states every class\n");
}

Test(policy, refuses_unknown_keys_with_their_place)
{
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\ncolour: red\n"
				 CLASSES),
			 "p.yaml:3:1: Unexpected key: colour\n");
}

Test(policy, refuses_yaml_syntax_errors_with_their_place)
{
	const char *why = refusal("name: x\ndesign: stratified\nclasses:\n"
				  "  A: {rate: 0.01\n");
	cr_assert(strncmp(why, "p.yaml:4:", 9) == 0, "%s", why);
	cr_assert_not_null(strstr(why, "did not find expected"), "%s", why);
}

Test(policy, refuses_wrong_types_and_missing_fields)
{
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\nteam_size: "
				 "two\n" CLASSES),
			 "p.yaml:3:12: Invalid uint64_t value: 'two'\n");
	cr_assert_not_null(strstr(refusal("design: stratified\n" CLASSES),
				  "Missing required mapping field: name"));
	cr_assert_str_eq(refusal(""), "p.yaml: the document is empty\n");
}

Test(policy, design_rules)
{
	cr_assert_str_eq(refusal("name: x\ndesign: random\n" CLASSES),
			 "p.yaml:2:9: design: 'random' is not stratified or "
			 "pps\n");
	cr_assert_str_eq(refusal("name: x\ndesign: pps\n" CLASSES),
			 "p.yaml:4:13: classes.A.rate: a pps policy takes "
			 "weight, not rate\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\nsize: 10\n"
				 CLASSES),
			 "p.yaml:3:7: size: only a pps policy has a fixed "
			 "size\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\nteam_size: 1\n"
				 CLASSES),
			 "p.yaml:3:12: team_size: 1 is not from 2 to 10\n");
	cr_assert_str_eq(refusal("name: Big Name\ndesign: stratified\n"
				 CLASSES),
			 "p.yaml:1:7: name: use lower-case letters, digits, "
			 "'-', '_' and '.'\n");
}

Test(policy, flag_rules)
{
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "flags:\n  B: {certain: true, factor: 2}\n"),
			 "p.yaml:9:6: flags.B: certain and factor exclude "
			 "each other\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "flags:\n  R: {}\n"),
			 "p.yaml:9:6: flags.R: give a factor or certain: "
			 "true\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "flags:\n  E: {factor: 1001}\n"),
			 "p.yaml:9:15: flags.E.factor: '1001' is not a "
			 "decimal from 0 to 1000 with at most 6 decimals\n");
	cr_assert_not_null(strstr(refusal("name: x\ndesign: stratified\n"
					  CLASSES "flags:\n  X: {factor: 2}\n"),
				  "Unexpected key: X"));
}

Test(policy, pps_weights_are_bounded_with_their_factors)
{
	cr_assert_str_eq(refusal("name: x\ndesign: pps\nclasses:\n"
				 "  A: {weight: 1}\n  B: {weight: 1}\n"
				 "  C: {weight: 1}\n  D: {weight: 1000000}\n"
				 "flags:\n  P: {factor: 1000}\n"
				 "  E: {factor: 1000}\n"),
			 "p.yaml:9:3: flags: class D weight times the flags' "
			 "factors can exceed 1099511\n");
}

Test(policy, caps_are_read_and_checked_with_their_place)
{
	const char *text = "name: x\ndesign: stratified\n" CLASSES
			   "caps:\n  any_item: {visits: 1, days: 365, "
			   "classes: BA, exempt_flags: EB}\n"
			   "  same_item: {visits: 2, days: 730}\n";
	struct policy p;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(policy_parse("p.yaml", text, strlen(text), &p, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_eq(p.cap[CAP_ANY_ITEM].visits, 1);
	cr_assert_eq(p.cap[CAP_ANY_ITEM].days, 365);
	cr_assert_eq(p.cap[CAP_ANY_ITEM].classes,
		     1u << CLASS_A | 1u << CLASS_B);
	cr_assert_eq(p.cap[CAP_ANY_ITEM].exempt_flags,
		     1u << FLAG_B | 1u << FLAG_E);
	cr_assert_eq(p.cap[CAP_SAME_ITEM].visits, 2);
	cr_assert_eq(p.cap[CAP_SAME_ITEM].classes, 15); /* all by default */
	cr_assert_eq(p.cap[CAP_SAME_ITEM].exempt_flags, 0);
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "caps:\n  any_item: {visits: 1, days: 731}\n"),
			 "p.yaml:9:31: caps.any_item.days: 731 is not from 1 "
			 "to 730\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "caps:\n  same_item: {visits: 0, days: 9}\n"),
			 "p.yaml:9:23: caps.same_item.visits: 0 is not from 1 "
			 "to 100\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "caps:\n  any_item: {visits: 1, days: 9, "
				 "classes: AA}\n"),
			 "p.yaml:9:43: caps.any_item.classes: 'AA' is not "
			 "letters of ABCD, each at most once\n");
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "caps:\n  any_item: {visits: 1, days: 9, "
				 "exempt_flags: X}\n"),
			 "p.yaml:9:48: caps.any_item.exempt_flags: 'X' is not "
			 "letters of BRPE, each at most once\n");
	cr_assert_not_null(
	    strstr(refusal("name: x\ndesign: stratified\n" CLASSES
			   "caps:\n  any: {visits: 1, "
			   "days: 9}\n"),
		   "Unexpected key: any"));
}

/* What becomes of results: defaults, the policy's own numbers, and a bad
 * one named with its place. */
Test(policy, result_rules_are_read_and_checked_with_their_place)
{
	const char *plain = "name: x\ndesign: stratified\n" CLASSES;
	const char *text = "name: x\ndesign: stratified\n" CLASSES
			   "results:\n  review_by: result-review\n"
			   "  correction_working_days: 3\n"
			   "  adverse_public_years: 0\n";
	struct policy p;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(policy_parse("p.yaml", plain, strlen(plain), &p, &err), 0);
	cr_assert_str_eq(p.results.review_by, "");
	cr_assert_eq(p.results.correction_days, 5);
	cr_assert_eq(p.results.objection_days, 10);
	cr_assert_eq(p.results.adverse_years, 3);
	cr_assert_eq(policy_parse("p.yaml", text, strlen(text), &p, &err), 0,
		     "%s", diag_text(&err));
	cr_assert_str_eq(p.results.review_by, "result-review");
	cr_assert_eq(p.results.correction_days, 3);
	cr_assert_eq(p.results.objection_days, 10);
	cr_assert_eq(p.results.adverse_years, 0);
	cr_assert_str_eq(refusal("name: x\ndesign: stratified\n" CLASSES
				 "results:\n  objection_working_days: 61\n"),
			 "p.yaml:9:27: results.objection_working_days: 61 is "
			 "not from 1 to 60\n");
	cr_assert_not_null(strstr(refusal("name: x\ndesign: stratified\n"
					  CLASSES "results:\n  review_by: "
					  "\"a b\"\n"),
				  "results.review_by: 'a b' is not a "
				  "qualification name"));
}
