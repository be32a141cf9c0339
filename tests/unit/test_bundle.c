/* Audit bundles built in memory as inspectd writes them: the bundle
 * verifies, and each kind of change is found and named. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "inspect/core/assign.h"
#include "inspect/core/bundle.h"
#include "inspect/core/date.h"
#include "inspect/core/roster.h"
#include "inspect/core/sampler.h"
#include "inspect/core/sha256.h"
#include "inspect/core/team_inputs.h"

struct built {
	struct bundle b;
	struct strbuf manifest, numbers, population, roster, teams, outcome;
	char *policy_yaml, *calendar;
	size_t policy_len, calendar_len;
};

static void hex_of(const char *s, size_t len, char out[65])
{
	uint8_t d[32];
	sha256(s, len, d);
	seed_hex(d, 32, out);
}

/* A campaign of henan-2021 over 650 entities, teams from 12 inspectors
 * over the working days of 2-13 Nov 2026. */
static void build(struct built *x)
{
	memset(x, 0, sizeof(*x));
	struct bundle_manifest *m = &x->b.m;
	struct policy p;
	struct population pop;
	struct diag err;
	diag_init(&err);
	x->policy_yaml = read_source_file("policies/henan-2021.yaml",
					  &x->policy_len);
	x->calendar = read_source_file("policies/calendars/cn-2026.yaml",
				       &x->calendar_len);
	cr_assert_eq(policy_parse("p", x->policy_yaml, x->policy_len, &p,
				  &err), 0);
	policy_numbers_format(&p, &x->numbers);
	const unsigned counts[CLASS_COUNT] = {300, 200, 100, 50};
	make_population(counts, &pop);
	sb_printf(&x->population, "%s\n", POPULATION_HEADER);
	for (size_t i = 0; i < pop.n; i++) {
		char rec[RECORD_MAX];
		sb_add(&x->population, rec,
		       population_format_record(&pop.v[i], rec));
	}
	sb_puts(&x->roster, ROSTER_HEADER "\n");
	for (int i = 0; i < 12; i++)
		sb_printf(&x->roster, "t%02d,检查员%d,B%d,SAMR-A,4403,,3,,1\n",
			  i, i, i);
	struct roster r;
	cr_assert_eq(roster_parse_csv("r", x->roster.s, x->roster.len, &r,
				      &err), 0, "%s", diag_text(&err));
	snprintf(m->campaign, sizeof(m->campaign), "B-1");
	snprintf(m->department, sizeof(m->department), "SAMR-A");
	snprintf(m->policy, sizeof(m->policy), "henan-2021");
	snprintf(m->algorithm, sizeof(m->algorithm), ALGORITHM_VERSION);
	snprintf(m->teams_algorithm, sizeof(m->teams_algorithm),
		 ASSIGN_ALGORITHM);
	date_parse("2026-10-30", 10, &m->date);
	snprintf(m->entropy, sizeof(m->entropy), "7 3 9 1, 4");
	m->population = pop.n;
	uint8_t pd[32], seed[32];
	population_digest(&pop, pd);
	seed_hex(pd, 32, m->population_digest);
	seed_hex(p.digest, 32, m->policy_digest);
	hex_of(x->roster.s, x->roster.len, m->roster_digest);
	struct seed_input si = {m->campaign, p.digest, pd, m->date, m->entropy};
	cr_assert_eq(seed_derive(&si, seed), 0);
	seed_hex(seed, 32, m->seed);
	struct draw d;
	struct draw_params dp = {&p, m->date, 0, {0}};
	cr_assert_eq(sampler_draw(&pop, &dp, seed, &d, &err), 0);
	m->selected = d.n_chosen;
	/* The team draw, with a previous team and another campaign's load. */
	struct team_rules rules = {.team_size = 2, .n_departments = 1,
				   .label = "x"};
	strcpy(rules.departments[0], "SAMR-A");
	int32_t days[10], from, to;
	date_parse("2026-11-02", 10, &from);
	date_parse("2026-11-13", 10, &to);
	for (int i = 0; i < 10; i++)
		days[i] = from + i / 5 * 7 + i % 5;
	uint16_t *used = calloc(r.n * 10, sizeof(*used));
	used[3 * 10 + 0] = 2;
	struct visit *v = calloc(d.n_chosen, sizeof(*v));
	uint32_t prev[2] = {4, 5};
	struct assignment *a = calloc(d.n_chosen, sizeof(*a));
	for (size_t k = 0; k < d.n_chosen; k++)
		v[k] = (struct visit){pop.v[d.chosen[k]].uscc,
				      pop.v[d.chosen[k]].region,
				      k == 0 ? prev : NULL, k == 0 ? 2 : 0, 0};
	cr_assert_eq(assign_teams(&(struct team_draw){&r, &rules, days, 10, used, v, d.n_chosen}, seed, a, &err), 0, "%s", diag_text(&err));
	team_inputs_format(&x->teams, &(struct team_draw){&r, &rules, days, 10, used, v, d.n_chosen}, from, to, NULL);
	sb_puts(&x->outcome, OUTCOME_HEADER "\n");
	for (size_t k = 0; k < d.n_chosen; k++) {
		char day[11];
		date_format(a[k].day, day);
		sb_printf(&x->outcome, "%.18s,%s,%s;%s\n", v[k].uscc, day,
			  r.v[a[k].member[0]].id, r.v[a[k].member[1]].id);
	}
	free(used);
	free(v);
	free(a);
	draw_finish(&d);
	roster_finish(&r);
	population_finish(&pop);
	x->b.policy_yaml = (struct text){x->policy_yaml, x->policy_len};
	x->b.policy_numbers = (struct text){x->numbers.s, x->numbers.len};
	x->b.population = (struct text){x->population.s, x->population.len};
	x->b.roster = (struct text){x->roster.s, x->roster.len};
	x->b.teams = (struct text){x->teams.s, x->teams.len};
	x->b.outcome = (struct text){x->outcome.s, x->outcome.len};
	x->b.calendars[0] = (struct text){x->calendar, x->calendar_len};
	x->b.n_calendars = 1;
	strcpy(x->b.calendar_names[0], "cn-2026.yaml");
	const char *names[] = {"policy.yaml", "policy.txt", "population.csv",
			       "roster.csv",  "teams.txt",  "outcome.csv",
			       "cn-2026.yaml"};
	const struct text *texts[] = {&x->b.policy_yaml, &x->b.policy_numbers,
				      &x->b.population, &x->b.roster,
				      &x->b.teams, &x->b.outcome,
				      &x->b.calendars[0]};
	for (size_t i = 0; i < 7; i++)
		bundle_manifest_add_file(m, names[i], texts[i]->s,
					 texts[i]->len);
	bundle_manifest_format(m, &x->manifest);
}

static void finish(struct built *x)
{
	sb_finish(&x->manifest);
	sb_finish(&x->numbers);
	sb_finish(&x->population);
	sb_finish(&x->roster);
	sb_finish(&x->teams);
	sb_finish(&x->outcome);
	free(x->policy_yaml);
	free(x->calendar);
}

/* Verifies b; returns the difference's text ("" when it verified). */
static const char *verdict(const struct bundle *b)
{
	static struct diag err;
	struct bundle copy = *b;
	diag_init(&err);
	return bundle_verify(&copy, &err) == 0 ? "" : diag_text(&err);
}

Test(bundle, a_bundle_verifies_and_its_manifest_reads_back)
{
	struct built x;
	build(&x);
	cr_assert_str_eq(verdict(&x.b), "");
	struct bundle_manifest back;
	struct diag err;
	diag_init(&err);
	cr_assert_eq(bundle_manifest_parse(x.manifest.s, x.manifest.len, &back,
					   &err), 0, "%s", diag_text(&err));
	cr_assert_eq(memcmp(&back, &x.b.m, sizeof(back)), 0);
	cr_assert_gt(x.b.m.selected, 20);
	finish(&x);
}

/* Replaces the first occurrence of from (after skip bytes) in t's copy. */
static char *edited(struct text *t, size_t skip, const char *from,
		    const char *to)
{
	char *copy = malloc(t->len + strlen(to) + 1);
	memcpy(copy, t->s, t->len);
	copy[t->len] = '\0';
	char *at = strstr(copy + skip, from);
	cr_assert_not_null(at, "%s", from);
	memmove(at + strlen(to), at + strlen(from),
		strlen(at + strlen(from)) + 1);
	memcpy(at, to, strlen(to));
	*t = (struct text){copy, strlen(copy)};
	return copy;
}

Test(bundle, every_change_is_found_and_named)
{
	struct built x;
	build(&x);
	struct bundle b = x.b;
	char line2[64];
	/* An entity's class: A to D. */
	char *c = edited(&b.population, 0, ",A,", ",D,");
	cr_assert(strstr(verdict(&b), "population.csv: its digest"));
	free(c);
	b = x.b;
	/* A flag added. */
	c = edited(&b.population, strlen(POPULATION_HEADER), ",F5211,,",
		   ",F5211,B,");
	cr_assert(strstr(verdict(&b), "population digest"));
	free(c);
	/* Another entropy. */
	b = x.b;
	strcpy(b.m.entropy, "7 3 9 1, 5");
	cr_assert(strstr(verdict(&b), "seed: "), "%s", verdict(&b));
	/* The population edited and its digest re-stated. */
	b = x.b;
	c = edited(&b.population, 0, ",A,", ",B,");
	hex_of(b.population.s, b.population.len, b.m.population_digest);
	cr_assert(strstr(verdict(&b), "seed: "), "%s", verdict(&b));
	free(c);
	/* A selection changed: the first outcome line names another entity. */
	b = x.b;
	memcpy(line2, x.outcome.s + strlen(OUTCOME_HEADER) + 1, 18);
	line2[18] = '\0';
	char other[19];
	make_uscc(100000, other);
	other[18] = '\0';
	c = edited(&b.outcome, 0, line2, other);
	cr_assert(strstr(verdict(&b), "selection: "), "%s", verdict(&b));
	free(c);
	/* A team changed. */
	b = x.b;
	c = edited(&b.outcome, strlen(OUTCOME_HEADER), ",t", ",x");
	cr_assert(strstr(verdict(&b), "teams: "), "%s", verdict(&b));
	free(c);
	/* The policy's numbers, the roster, the calendars. */
	b = x.b;
	c = edited(&b.policy_numbers, 0, "certain 1", "certain 0");
	cr_assert(strstr(verdict(&b), "policy.txt"), "%s", verdict(&b));
	free(c);
	b = x.b;
	c = edited(&b.roster, strlen(ROSTER_HEADER), ",3,,1", ",4,,1");
	cr_assert(strstr(verdict(&b), "roster digest"), "%s", verdict(&b));
	free(c);
	b = x.b;
	b.n_calendars = 0;
	cr_assert(strstr(verdict(&b), "calendars"), "%s", verdict(&b));
	/* Previous teams are inputs too: forgetting one changes teams or is
	 * caught. */
	b = x.b;
	c = edited(&b.teams, 0, "previous ", "previous_");
	cr_assert(strstr(verdict(&b), "teams.txt"), "%s", verdict(&b));
	free(c);
	finish(&x);
}

/* A manifest that is not one is refused with the line at fault. */
Test(bundle, bad_manifests_are_refused_with_their_line)
{
	struct built x;
	build(&x);
	struct bundle_manifest m;
	struct diag err;
	static const struct {
		const char *from, *to, *says;
	} cases[] = {
		{"format: inspectd-bundle/1", "format: inspectd-bundle/2",
		 "MANIFEST:1:"},
		{"size: 0", "size: ten", "MANIFEST:8:"},
		{"date: 2026-10-30", "date: 2026-02-30", "MANIFEST:7:"},
		{"selected: ", "chosen: ", "MANIFEST:15:"},
		{"\nentropy: ", "\nentropy ", "MANIFEST:9:"},
		/* a key twice, another missing */
		{"seed: ", "entropy: ", "MANIFEST:10:"},
		/* file lines: a digest too short, a name out of order, a
		 * name that could leave the directory */
		{"file: cn-2026.yaml ", "file: cn-2026.yaml 0", "MANIFEST:16:"},
		{"file: outcome.csv", "file: a.csv", "MANIFEST:17:"},
		{"file: outcome.csv", "file: ../x.csv", "MANIFEST:17:"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct text t = {x.manifest.s, x.manifest.len};
		char *c = edited(&t, 0, cases[i].from, cases[i].to);
		diag_init(&err);
		cr_assert_eq(bundle_manifest_parse(t.s, t.len, &m, &err), -1,
			     "case %zu", i);
		cr_assert(strstr(diag_text(&err), cases[i].says), "case %zu: %s",
			  i, diag_text(&err));
		free(c);
	}
	/* A line missing. */
	const char *cut = strstr(x.manifest.s, "roster_digest: ");
	diag_init(&err);
	cr_assert_eq(bundle_manifest_parse(x.manifest.s,
					   (size_t)(cut - x.manifest.s), &m,
					   &err), -1);
	cr_assert(strstr(diag_text(&err), "has 15"), "%s", diag_text(&err));
	finish(&x);
}

/* The MANIFEST digests every file: a file edited without its line, a line
 * for a file the bundle lacks, a file without a line. */
Test(bundle, the_manifest_digests_every_file)
{
	struct built x;
	build(&x);
	struct bundle b = x.b;
	/* The calendar's text changed, its days not. */
	char *c = edited(&b.calendars[0], 0, "\n", "\n# a comment\n");
	cr_assert(strstr(verdict(&b), "cn-2026.yaml: its SHA-256 is"), "%s",
		  verdict(&b));
	free(c);
	b = x.b;
	strcpy(b.calendar_names[0], "cn-2027.yaml");
	cr_assert(strstr(verdict(&b), "MANIFEST: names cn-2026.yaml, which "
			 "the bundle does not have"), "%s", verdict(&b));
	/* cn-2026.yaml's line, the first, taken out */
	memmove(&b.m.files[0], &b.m.files[1],
		--b.m.n_files * sizeof(b.m.files[0]));
	cr_assert(strstr(verdict(&b), "MANIFEST: no file line for "
			 "cn-2027.yaml"), "%s", verdict(&b));
	b = x.b;
	b.m.files[b.m.n_files++] = (struct bundle_file_digest){"z.txt", ""};
	cr_assert(strstr(verdict(&b), "MANIFEST: names z.txt"), "%s",
		  verdict(&b));
	finish(&x);
}

/* A bundle is a plan (outcome.csv) or a refusal (refusal.txt), and a
 * refusal verifies only if the team draw refuses for its reason. */
Test(bundle, a_refusal_verifies_only_if_the_draw_refuses)
{
	struct built x;
	build(&x);
	struct bundle b = x.b;
	static const char refusal[] = REFUSAL_HEADER "\nreason region "
				      "440300, item X: no team\n";
	b.refusal = (struct text){refusal, sizeof(refusal) - 1};
	cr_assert(strstr(verdict(&b), "both of outcome.csv and refusal.txt"),
		  "%s", verdict(&b));
	b.outcome = (struct text){NULL, 0};
	cr_assert(strstr(verdict(&b), "refusal: the team draw staffs every "
			 "visit"), "%s", verdict(&b));
	b.refusal = (struct text){"refused\n", 8};
	cr_assert(strstr(verdict(&b), "refusal.txt: not"), "%s", verdict(&b));
	b.refusal = (struct text){NULL, 0};
	cr_assert(strstr(verdict(&b), "neither"), "%s", verdict(&b));
	finish(&x);
}
