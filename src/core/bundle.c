#include "inspect/core/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/core/assign.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/core/items.h"
#include "inspect/core/merge.h"
#include "inspect/core/number.h"
#include "inspect/core/pledges.h"
#include "inspect/core/population.h"
#include "inspect/core/roster.h"
#include "inspect/core/sampler.h"
#include "inspect/core/sha256.h"
#include "inspect/core/team_inputs.h"

const char *const bundle_files[] = {
	"MANIFEST",   "policy.yaml", "policy.txt", "population.csv",
	"roster.csv", "teams.txt",
};
const size_t n_bundle_files = sizeof(bundle_files) / sizeof(*bundle_files);

void bundle_manifest_format(const struct bundle_manifest *m,
			    struct strbuf *b)
{
	char date[11];
	date_format(m->date, date);
	sb_printf(b, "format: %s\ncampaign: %s\ndepartment: %s\npolicy: %s\n"
		  "algorithm: %s\nteams_algorithm: %s\ndate: %s\nsize: %u\n"
		  "entropy: %s\nseed: %s\npopulation: %zu\n"
		  "population_digest: %s\npolicy_digest: %s\n"
		  "roster_digest: %s\nselected: %zu\n",
		  BUNDLE_FORMAT, m->campaign, m->department, m->policy,
		  m->algorithm, m->teams_algorithm, date, m->size, m->entropy,
		  m->seed, m->population, m->population_digest,
		  m->policy_digest, m->roster_digest, m->selected);
	for (unsigned i = 0; i < m->n_files; i++)
		sb_printf(b, "file: %s %s\n", m->files[i].name,
			  m->files[i].sha256);
}

bool bundle_manifest_add_file(struct bundle_manifest *m, const char *name,
			      const char *text, size_t len)
{
	if (m->n_files == BUNDLE_MAX_FILES ||
	    strlen(name) >= sizeof(m->files[0].name))
		return false;
	unsigned at = m->n_files;
	while (at > 0 && strcmp(m->files[at - 1].name, name) > 0) {
		m->files[at] = m->files[at - 1];
		at--;
	}
	uint8_t d[32];
	sha256(text, len, d);
	snprintf(m->files[at].name, sizeof(m->files[at].name), "%s", name);
	seed_hex(d, 32, m->files[at].sha256);
	m->n_files++;
	return true;
}

/* Copies value into out (size bytes) if it fits. */
static bool take(char *out, size_t size, const char *v, size_t len)
{
	if (len >= size)
		return false;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

static bool take_count(const char *v, size_t len, size_t *out)
{
	unsigned long long x;
	if (!number_parse(v, len, SIZE_MAX, &x))
		return false;
	*out = (size_t)x;
	return true;
}

/* "NAME SHA256" of a file line: a name of letters, digits, '.', '-' and
 * '_' (never MANIFEST), after the previous line's name; 64 hex digits. */
static bool file_line(struct bundle_manifest *m, const char *v, size_t len)
{
	const char *sp = memchr(v, ' ', len);
	size_t nlen = sp ? (size_t)(sp - v) : 0;
	struct bundle_file_digest *f = &m->files[m->n_files];
	if (!sp || m->n_files == BUNDLE_MAX_FILES || !nlen ||
	    nlen >= sizeof(f->name) || len - nlen - 1 != 64)
		return false;
	for (size_t i = 0; i < nlen; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-_", v[i]))
			return false;
	for (size_t i = nlen + 1; i < len; i++)
		if (!strchr("0123456789abcdef", v[i]))
			return false;
	memcpy(f->name, v, nlen);
	f->name[nlen] = '\0';
	memcpy(f->sha256, sp + 1, 64);
	f->sha256[64] = '\0';
	if (!strcmp(f->name, "MANIFEST") ||
	    (m->n_files && strcmp(m->files[m->n_files - 1].name, f->name) >= 0))
		return false;
	m->n_files++;
	return true;
}

static bool manifest_field(struct bundle_manifest *m, const char *key,
			   size_t klen, const char *v, size_t len)
{
#define IS(k) (klen == strlen(k) && !memcmp(key, k, klen))
#define TAKE(f) take(m->f, sizeof(m->f), v, len)
	size_t n = 0;
	if (IS("format"))
		return len == strlen(BUNDLE_FORMAT) &&
		       !memcmp(v, BUNDLE_FORMAT, len);
	if (IS("campaign")) return TAKE(campaign);
	if (IS("department")) return TAKE(department);
	if (IS("policy")) return TAKE(policy);
	if (IS("algorithm")) return TAKE(algorithm);
	if (IS("teams_algorithm")) return TAKE(teams_algorithm);
	if (IS("entropy")) return TAKE(entropy);
	if (IS("seed")) return TAKE(seed);
	if (IS("population_digest")) return TAKE(population_digest);
	if (IS("policy_digest")) return TAKE(policy_digest);
	if (IS("roster_digest")) return TAKE(roster_digest);
	if (IS("date")) return date_parse(v, (unsigned)len, &m->date);
	if (IS("population")) return take_count(v, len, &m->population);
	if (IS("selected")) return take_count(v, len, &m->selected);
	if (IS("size")) {
		bool ok = take_count(v, len, &n) && n <= POLICY_MAX_SIZE;
		m->size = (uint32_t)n;
		return ok;
	}
	if (IS("file"))
		return file_line(m, v, len);
	return false;
#undef IS
#undef TAKE
}

int bundle_manifest_parse(const char *text, size_t len,
			  struct bundle_manifest *m, struct diag *err)
{
	const char *at = text, *end = text + len;
	unsigned seen = 0;
	memset(m, 0, sizeof(*m));
	m->date = DATE_NONE;
	static const char *const order[] = {
		"format", "campaign", "department", "policy", "algorithm",
		"teams_algorithm", "date", "size", "entropy", "seed",
		"population", "population_digest", "policy_digest",
		"roster_digest", "selected"};
	for (size_t no = 1; at < end; no++) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		const char *stop = nl ? nl : end;
		const char *colon = memchr(at, ':', (size_t)(stop - at));
		size_t klen = colon ? (size_t)(colon - at) : 0;
		/* Every key once, in the order of the specification, then
		 * the file lines. */
		const char *want = no <= 15 ? order[no - 1] : "file";
		bool in_order = klen == strlen(want) && !memcmp(at, want, klen);
		if (!in_order || colon + 1 >= stop || colon[1] != ' ' ||
		    !manifest_field(m, at, klen, colon + 2,
				    (size_t)(stop - colon - 2)))
			return diag_add(err, "MANIFEST:%zu: not a valid "
					"\"key: value\" line of " BUNDLE_FORMAT,
					no);
		seen++;
		at = nl ? nl + 1 : end;
	}
	if (seen < 15)
		return diag_add(err, "MANIFEST: %u lines, " BUNDLE_FORMAT
				" has 15 and a file line a file", seen);
	if (m->n_files == 0)
		return diag_add(err, "MANIFEST: no file lines (the SHA-256 of "
				"each file)");
	return 0;
}

void policy_numbers_format(const struct policy *p, struct strbuf *b)
{
	sb_printf(b, "%s\ndesign %s\nsize %u\nteam_size %u\n",
		  POLICY_NUMBERS_HEADER,
		  p->design == DESIGN_PPS ? "pps" : "stratified", p->size,
		  p->team_size);
	for (int c = 0; c < CLASS_COUNT; c++)
		sb_printf(b, "class %c rate %llu weight %llu cooldown_days %u\n",
			  POLICY_CLASS_LETTERS[c],
			  (unsigned long long)p->cls[c].rate,
			  (unsigned long long)p->cls[c].weight,
			  p->cls[c].cooldown_days);
	for (int f = 0; f < FLAG_COUNT; f++)
		sb_printf(b, "flag %c factor %llu certain %d\n",
			  POLICY_FLAG_LETTERS[f],
			  (unsigned long long)p->flag[f].factor,
			  p->flag[f].certain);
	static const char *const caps[] = POLICY_CAP_NAMES;
	for (int k = 0; k < CAP_COUNT; k++) {
		const struct cap_rule *r = &p->cap[k];
		if (!r->visits)
			continue;
		sb_printf(b, "cap %s visits %u days %u classes ", caps[k],
			  r->visits, r->days);
		for (int c = 0; c < CLASS_COUNT; c++)
			if (r->classes >> c & 1)
				sb_printf(b, "%c", POLICY_CLASS_LETTERS[c]);
		sb_puts(b, " exempt_flags ");
		for (int f = 0; f < FLAG_COUNT; f++)
			if (r->exempt_flags >> f & 1)
				sb_printf(b, "%c", POLICY_FLAG_LETTERS[f]);
		sb_puts(b, r->exempt_flags ? "\n" : "-\n");
	}
	if (p->merge != MERGE_NONE)
		sb_printf(b, "merge %s\n",
			  p->merge == MERGE_JOIN ? "join" : "skip");
	if (p->general_ratio_max && p->general_ratio_max != FACTOR_ONE)
		sb_printf(b, "general_items_max_ratio %u\n",
			  (unsigned)p->general_ratio_max);
}

/* ---- verification ---- */

size_t bundle_outcome_line(char *out, size_t size, const char *uscc,
			   int32_t day, const char *ids)
{
	char d[11];
	date_format(day, d);
	size_t n = buf_put(out, size, 0, uscc, strnlen(uscc, USCC_LEN));
	n = buf_put(out, size, n, ",", 1);
	n = buf_put(out, size, n, d, 10);
	n = buf_put(out, size, n, ",", 1);
	n = buf_put(out, size, n, ids, strlen(ids));
	n = buf_put(out, size, n, "\n", 1);
	return n < size ? n : size - 1;
}

struct outcome_row {
	char uscc[USCC_LEN + 1], date[11], team[TEAM_MAX * 34];
};

static int parse_outcome(const struct text *t, struct outcome_row **ret,
			 size_t *n, struct diag *err)
{
	size_t lines = 0;
	for (size_t i = 0; i < t->len; i++)
		lines += t->s[i] == '\n';
	struct outcome_row *rows = calloc(lines + 1, sizeof(*rows));
	const char *at = t->s, *end = t->s + t->len;
	*n = 0;
	if (!rows)
		return diag_add(err, "out of memory");
	for (size_t no = 1; at < end; no++) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t len = (size_t)((nl ? nl : end) - at);
		char line[TEAM_MAX * 34 + 64];
		bool ok = len < sizeof(line);
		if (ok) {
			memcpy(line, at, len);
			line[len] = '\0';
		}
		if (no == 1) {
			ok = ok && !strcmp(line, OUTCOME_HEADER);
		} else if (ok) {
			struct outcome_row *r = &rows[*n];
			char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',')
							     : NULL;
			ok = c1 && c2 && c1 - line == USCC_LEN && c2 - c1 == 11 &&
			     strlen(c2 + 1) < sizeof(r->team);
			if (ok) {
				memcpy(r->uscc, line, USCC_LEN);
				memcpy(r->date, c1 + 1, 10);
				strcpy(r->team, c2 + 1);
				(*n)++;
			}
		}
		if (!ok) {
			free(rows);
			return no == 1 ? diag_add(err, "outcome.csv:1: not \"%s\"",
						  OUTCOME_HEADER)
				       : diag_add(err, "outcome.csv:%zu: not a visit "
						  "\"USCC,YYYY-MM-DD,id;id\"", no);
		}
		at = nl ? nl + 1 : end;
	}
	*ret = rows;
	return 0;
}

static bool same_hex(const uint8_t digest[32], const char *hex)
{
	char mine[65];
	seed_hex(digest, 32, mine);
	return !strcmp(mine, hex);
}

/* The policy: digest, parse, and its numbers as the bundle states them. */
static int check_policy(const struct bundle *b, struct policy *p,
			struct diag *err)
{
	uint8_t d[32];
	sha256(b->policy_yaml.s, b->policy_yaml.len, d);
	if (!same_hex(d, b->m.policy_digest))
		return diag_add(err, "policy.yaml: its SHA-256 is not the "
				"policy digest of the MANIFEST");
	if (policy_parse("policy.yaml", b->policy_yaml.s, b->policy_yaml.len,
			 p, err) < 0)
		return -1;
	struct strbuf nums = {0};
	policy_numbers_format(p, &nums);
	bool same = !nums.failed && nums.len == b->policy_numbers.len &&
		    !memcmp(nums.s, b->policy_numbers.s, nums.len);
	sb_finish(&nums);
	return same ? 0 : diag_add(err, "policy.txt: does not state the "
				   "numbers of policy.yaml");
}

static int check_population(const struct bundle *b, struct population *pop,
			    struct diag *err)
{
	uint8_t d[32];
	if (population_parse_csv("population.csv", b->population.s,
				 b->population.len, pop, err) < 0 ||
	    population_canonicalize(pop, "population.csv", 2, err) < 0)
		return -1;
	population_digest(pop, d);
	if (!same_hex(d, b->m.population_digest))
		return diag_add(err, "population.csv: its digest is not the "
				"population digest of the MANIFEST (an entity, "
				"class, score or flag was changed)");
	if (pop->n != b->m.population)
		return diag_add(err, "population.csv: %zu entities, the "
				"MANIFEST says %zu", pop->n, b->m.population);
	return 0;
}

static int check_selection(const struct bundle *b, const struct population *pop,
			   const struct draw *d, const struct outcome_row *o,
			   size_t n, struct diag *err)
{
	for (size_t k = 0; k < d->n_chosen && k < n; k++)
		if (memcmp(pop->v[d->chosen[k]].uscc, o[k].uscc, USCC_LEN))
			return diag_add(err, "selection: the draw selects "
					"%.18s where outcome.csv line %zu has "
					"%s", pop->v[d->chosen[k]].uscc, k + 2,
					o[k].uscc);
	if (d->n_chosen != n || n != b->m.selected)
		return diag_add(err, "selection: the draw selects %zu, "
				"outcome.csv lists %zu, the MANIFEST says %zu",
				d->n_chosen, n, b->m.selected);
	return 0;
}

/* The window's working days from the bundle's calendars. */
static int check_days(struct bundle *b, const struct team_inputs *ti,
		      struct diag *err)
{
	struct calendar cal = {0};
	int32_t days[TEAM_INPUTS_MAX_DAYS];
	int rc = 0;
	for (unsigned i = 0; rc == 0 && i < b->n_calendars; i++)
		rc = calendar_add_year(&cal, "calendar", b->calendars[i].s,
				       b->calendars[i].len, err);
	if (rc == 0)
		rc = calendar_check_provisional(&cal, err);
	b->provisional_years[0] = '\0';
	for (unsigned i = 0; rc == 0 && i < cal.n_years && i < 8; i++) {
		size_t n = strlen(b->provisional_years);
		if (cal.provisional >> i & 1)
			snprintf(b->provisional_years + n,
				 sizeof(b->provisional_years) - n, "%s%d",
				 n ? "," : "", cal.first_year + (int)i);
	}
	long n = rc ? -1 : calendar_working_days(&cal, ti->window_from,
						   ti->window_to, days,
						   TEAM_INPUTS_MAX_DAYS);
	calendar_finish(&cal);
	if (rc)
		return -1;
	if (n < 0)
		return diag_add(err, "calendars: the bundle's calendars do not "
				"cover the window");
	if ((size_t)n != ti->n_days ||
	    memcmp(days, ti->days, ti->n_days * sizeof(*days)))
		return diag_add(err, "teams.txt: its days are not the working "
				"days of the window by the calendars");
	if (ti->window_from <= b->m.date)
		return diag_add(err, "teams.txt: the window starts on or "
				"before the draw date");
	return 0;
}

/* The departments (in order) and qualifications of teams.txt are those
 * of the campaign's items by the bundle's item list. */
static int check_items(const struct bundle *b, const struct team_inputs *ti,
		       struct diag *err)
{
	struct item_list l;
	if (item_list_parse("items.yaml", b->items.s, b->items.len, &l,
			    err) < 0)
		return -1;
	char depts[TEAM_MAX_DEPARTMENTS][65], quals[32][33];
	unsigned nd = 0, nq = 0;
	int rc = ti->n_items ? 0 : diag_add(err, "teams.txt: no item lines, "
					    "though the bundle has an item list");
	for (unsigned i = 0; rc == 0 && i < ti->n_items; i++) {
		const struct item *it = item_find(&l, ti->items[i]);
		if (!it) {
			rc = diag_add(err, "items.yaml: no item %s", ti->items[i]);
			break;
		}
		unsigned k = 0;
		while (k < nd && strcmp(depts[k], it->department))
			k++;
		if (k == nd && nd < TEAM_MAX_DEPARTMENTS)
			strcpy(depts[nd++], it->department);
		for (k = 0; k < nq && strcmp(quals[k], it->qualification); k++)
			;
		if (it->qualification[0] && k == nq && nq < 32)
			strcpy(quals[nq++], it->qualification);
	}
	bool same = rc == 0 && nd == ti->n_departments &&
		    nq == ti->n_qualifications;
	for (unsigned k = 0; same && k < nd; k++)
		same = !strcmp(depts[k], ti->departments[k]);
	for (unsigned k = 0; same && k < nq; k++) {
		unsigned j = 0;
		while (j < nq && strcmp(quals[k], ti->qualifications[j]))
			j++;
		same = j < nq;
	}
	if (rc == 0 && !same)
		rc = diag_add(err, "teams.txt: its departments and "
			      "qualifications are not those of its items by "
			      "items.yaml");
	item_list_finish(&l);
	return rc;
}

/* What the team draw of a bundle is set up with. */
struct team_setup {
	struct team_rules rules;
	uint16_t *used;
	struct merged_draw md;
	uint32_t (*prev)[TEAM_MAX];
};

/* The entity draw a bundle's team draw follows. */
struct bundle_draw {
	const struct policy *p;
	const struct population *pop;
	const struct draw *d;
};

static int compare_teams(const struct roster *r, const struct assignment *a,
			 const struct population *pop, const struct draw *d,
			 const struct outcome_row *o, struct diag *err)
{
	for (size_t k = 0; k < d->n_chosen; k++) {
		char day[11], team[TEAM_MAX * 34];
		date_format(a[k].day, day);
		assignment_ids(r, &a[k], team, sizeof(team));
		if (strcmp(day, o[k].date) || strcmp(team, o[k].team))
			return diag_add(err, "teams: %.18s goes on %s with %s, "
					"outcome.csv line %zu says %s with %s",
					pop->v[d->chosen[k]].uscc, day, team,
					k + 2, o[k].date, o[k].team);
	}
	return 0;
}

/* How a refusal names the campaign's requirement: "item A,B" as the
 * daemon does, from teams.txt's item lines. */
static const char *requirement_label(const struct team_inputs *ti,
				     char *out, size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < ti->n_items && at < size; i++)
		at += (size_t)snprintf(out + at, size - at, "%s%s",
				       i ? "," : "item ", ti->items[i]);
	return ti->n_items ? out : "the bundle's items";
}

/* refusal.txt: its header, then "reason R"; R must be the first line of
 * the team draw's refusal. */
static int compare_refusal(const struct text *t, bool staffed,
			   struct diag *refused, struct diag *err)
{
	static const char head[] = REFUSAL_HEADER "\nreason ";
	size_t hl = sizeof(head) - 1;
	if (t->len < hl + 2 || memcmp(t->s, head, hl) ||
	    t->s[t->len - 1] != '\n' ||
	    memchr(t->s + hl, '\n', t->len - hl - 1))
		return diag_add(err, "refusal.txt: not \"%s\" and one line "
				"\"reason ...\"", REFUSAL_HEADER);
	const char *why = t->s + hl;
	size_t len = t->len - hl - 1;
	if (staffed)
		return diag_add(err, "refusal: the team draw staffs every "
				"visit, refusal.txt says it refused: %.*s",
				(int)len, why);
	const char *mine = diag_text(refused);
	size_t mlen = strcspn(mine, "\n");
	if (mlen != len || memcmp(mine, why, len))
		return diag_add(err, "refusal: the team draw refuses with "
				"\"%.*s\", refusal.txt says \"%.*s\"",
				(int)mlen, mine, (int)len, why);
	return 0;
}

/* The entity draw a bundle's team draw follows: the population, the
 * draw and its seed. */
struct entity_draw {
	const struct population *pop;
	const struct draw *d;
	const uint8_t *seed;
};

/* roster.csv and teams.txt read (teams.txt unless the draw read it
 * already: ti has its days then) and checked: the roster's digest, the
 * policy's team_size, the window's days by the calendars, the departments
 * and qualifications by the item list. */
static int read_team_inputs(struct bundle *b, const struct policy *p,
			    struct roster *r, struct team_inputs *ti,
			    struct diag *err)
{
	uint8_t digest[32];
	sha256(b->roster.s, b->roster.len, digest);
	if (!same_hex(digest, b->m.roster_digest))
		return diag_add(err, "roster.csv: its SHA-256 is not the roster "
				"digest of the MANIFEST");
	if (roster_parse_csv("roster.csv", b->roster.s, b->roster.len, r,
			     err) < 0 ||
	    (ti->n_days == 0 && team_inputs_parse("teams.txt", b->teams.s,
						     b->teams.len, ti,
						     err) < 0))
		return -1;
	memcpy(b->outcome_salt, ti->salt, sizeof(b->outcome_salt));
	if (ti->team_size != p->team_size)
		return diag_add(err, "teams.txt: team_size %u, the policy says "
				"%u", ti->team_size, p->team_size);
	if (check_days(b, ti, err) < 0)
		return -1;
	if (b->items.s)
		return check_items(b, ti, err);
	if (ti->n_items)
		return diag_add(err, "teams.txt names its items, but the bundle "
				"has no items.yaml");
	return 0;
}

/* The merges teams.txt lists are those the policy gives from the
 * population's visits and the window's days (docs/ALGORITHM.md, merged
 * visits). */
static int check_merges(const struct team_inputs *ti,
			const struct merged_draw *md, struct diag *err)
{
	bool same = ti->n_merged == md->n_entries;
	for (size_t i = 0; same && i < md->n_entries; i++) {
		const struct merge_entry *x = &ti->merged[i], *y = &md->entries[i];
		same = !strcmp(x->uscc, y->uscc) && x->day == y->day &&
		       !strcmp(x->campaign, y->campaign) &&
		       x->skipped == y->skipped;
	}
	return same ? 0 : diag_add(err, "teams.txt: its joined and skipped "
				   "visits are not those the policy gives from "
				   "population.csv's visits and the window's "
				   "days");
}

/* The team draw's visits (md) from the selected entities and the merges,
 * their previous teams from teams.txt. */
static int team_visits(const struct bundle_draw *x, const struct team_inputs *ti,
		       const struct roster *r, struct team_setup *ts,
		       struct diag *err)
{
	const struct population *pop = x->pop;
	size_t n = x->d->n_chosen;
	struct visit *all = calloc(n + 1, sizeof(*all));
	struct merge *m = x->p->merge != MERGE_NONE
				  ? calloc(n + 1, sizeof(*m)) : NULL;
	int rc = all && (m || x->p->merge == MERGE_NONE)
			 ? 0 : diag_add(err, "out of memory");
	for (size_t k = 0; rc == 0 && k < n; k++)
		all[k] = (struct visit){pop->v[x->d->chosen[k]].uscc,
					pop->v[x->d->chosen[k]].region, NULL, 0,
					0};
	if (rc == 0 && m)
		merge_find(pop, x->d->chosen, n, ti->days, ti->n_days, m);
	if (rc == 0) {
		merge_apply(x->p->merge, m, all, n, &ts->md);
		rc = check_merges(ti, &ts->md, err);
	}
	if (rc == 0)
		rc = team_inputs_apply(ti, r, &ts->rules, &ts->used,
				       &(struct visits_in){ts->md.v, ts->md.n,
							   ts->prev},
				       err);
	free(all);
	free(m);
	return rc;
}

static int check_teams(struct bundle *b, const struct policy *p,
		       const struct entity_draw *x,
		       const struct outcome_row *o, struct team_inputs *ti,
		       struct diag *err)
{
	const struct population *pop = x->pop;
	const struct draw *d = x->d;
	struct roster r = {0};
	size_t n = d->n_chosen;
	struct team_setup ts = {
		.md = {calloc(n + 1, sizeof(struct merge_entry)), 0,
		       calloc(n + 1, sizeof(struct visit)), 0,
		       calloc(n + 1, sizeof(size_t))},
		.prev = calloc(n + 1, sizeof(*ts.prev))};
	struct assignment *a = calloc(n + 1, sizeof(*a));
	struct assignment *full = calloc(n + 1, sizeof(*full));
	int rc = ts.md.entries && ts.md.v && ts.md.at && ts.prev && a && full
			 ? read_team_inputs(b, p, &r, ti, err)
			 : diag_add(err, "out of memory");
	if (rc == 0)
		rc = team_visits(&(struct bundle_draw){p, pop, d}, ti, &r, &ts,
				 err);
	char label[32 * 66 + 8];
	ts.rules.label = requirement_label(ti, label, sizeof(label));
	struct diag refused;
	diag_init(&refused);
	const struct team_draw in = {&r,	 &ts.rules, ti->days, ti->n_days,
				     ts.used, ts.md.v,	 ts.md.n};
	bool staffed = rc == 0 &&
		       assign_teams(&in, x->seed, a, &refused) == 0;
	if (rc == 0 && b->refusal.s)
		rc = compare_refusal(&b->refusal, staffed, &refused, err);
	else if (rc == 0 && !staffed)
		rc = diag_add(err, "%s", diag_text(&refused));
	else if (rc == 0) {
		merge_scatter(&ts.md, a, full);
		rc = compare_teams(&r, full, pop, d, o, err);
	}
	roster_finish(&r);
	free(ts.used);
	free(ts.md.entries);
	free(ts.md.v);
	free(ts.md.at);
	free(ts.prev);
	free(a);
	free(full);
	return rc;
}

/* Each file the bundle was read from has its digest in the MANIFEST, and
 * the MANIFEST names no other. */
static int check_files(const struct bundle *b, struct diag *err)
{
	struct bundle_manifest mine = {0};
	const char *names[] = {"policy.yaml", "policy.txt", "population.csv",
			       "roster.csv",  "teams.txt",  "outcome.csv",
			       "refusal.txt", "items.yaml", "approvals.csv",
			       "plan.txt",    "visit_items.csv"};
	const struct text *texts[] = {&b->policy_yaml, &b->policy_numbers,
				      &b->population, &b->roster, &b->teams,
				      &b->outcome, &b->refusal, &b->items,
				      &b->approvals, &b->plan, &b->visit_items};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (texts[i]->s)
			bundle_manifest_add_file(&mine, names[i], texts[i]->s,
						 texts[i]->len);
	for (unsigned i = 0; i < b->n_calendars; i++)
		bundle_manifest_add_file(&mine, b->calendar_names[i],
					 b->calendars[i].s, b->calendars[i].len);
	const struct bundle_manifest *m = &b->m;
	unsigned i = 0, j = 0;
	while (i < mine.n_files || j < m->n_files) {
		int c = i == mine.n_files ? 1 : j == m->n_files ? -1
			: strcmp(mine.files[i].name, m->files[j].name);
		if (c < 0)
			return diag_add(err, "MANIFEST: no file line for %s",
					mine.files[i].name);
		if (c > 0)
			return diag_add(err, "MANIFEST: names %s, which the "
					"bundle does not have",
					m->files[j].name);
		if (strcmp(mine.files[i].sha256, m->files[j].sha256))
			return diag_add(err, "%s: its SHA-256 is %s, the "
					"MANIFEST says %s", mine.files[i].name,
					mine.files[i].sha256,
					m->files[j].sha256);
		i++;
		j++;
	}
	return 0;
}

int bundle_verify(struct bundle *b, struct diag *err)
{
	struct policy p;
	struct population pop = {0};
	struct outcome_row *o = NULL;
	struct draw d;
	size_t n = 0;
	uint8_t seed[32], pd[32], yd[32];
	char hex[65];
	bool drawn = false;
	int rc = check_policy(b, &p, err);
	if (rc == 0)
		rc = check_population(b, &pop, err);
	if (rc == 0) {
		population_digest(&pop, pd);
		memcpy(yd, p.digest, 32);
		struct seed_input si = {b->m.campaign, yd, pd, b->m.date,
					b->m.entropy};
		if (seed_derive(&si, seed) < 0)
			rc = diag_add(err, "MANIFEST: the entropy is too long");
	}
	if (rc == 0) {
		seed_hex(seed, 32, hex);
		if (strcmp(hex, b->m.seed))
			rc = diag_add(err, "seed: campaign, digests, date and "
				      "entropy give %s, the MANIFEST says %s",
				      hex, b->m.seed);
	}
	/* A cap by item compares visits with the campaign's items, which
	 * teams.txt states, and a pledge campaign's window follows from its
	 * approvals: read now, and once. */
	struct team_inputs ti = {0};
	bool pledge = rc == 0 && (!strcmp(p.name, PLEDGE_POLICY) ||
				  b->approvals.s);
	if (rc == 0 && ((caps_any(&p) && pop.visits.n) || pledge || b->plan.s))
		rc = team_inputs_parse("teams.txt", b->teams.s, b->teams.len,
				       &ti, err);
	if (rc == 0 && pledge)
		rc = bundle_check_pledges(b, &pop, &ti, err);
	if (rc == 0 && b->plan.s)
		rc = bundle_check_plan(b, &pop, &ti, err);
	struct draw_params dp = {
	    &p, b->m.date, b->m.size, {ti.items, ti.n_items}};
	if (rc == 0)
		rc = sampler_draw(&pop, &dp, seed, &d, err);
	drawn = rc == 0;
	if (rc == 0 && !b->outcome.s == !b->refusal.s)
		rc = diag_add(err, "the bundle has %s of outcome.csv and "
			      "refusal.txt; it has one of them",
			      b->outcome.s ? "both" : "neither");
	if (rc == 0 && b->outcome.s)
		rc = parse_outcome(&b->outcome, &o, &n, err);
	if (rc == 0 && b->outcome.s)
		rc = check_selection(b, &pop, &d, o, n, err);
	else if (rc == 0 && d.n_chosen != b->m.selected)
		rc = diag_add(err, "selection: the draw selects %zu, the "
			      "MANIFEST says %zu", d.n_chosen, b->m.selected);
	if (rc == 0)
		rc = check_teams(b, &p,
				 &(struct entity_draw){&pop, &d, seed}, o,
				 &ti, err);
	if (rc == 0)
		rc = bundle_check_visit_items(b, &p, &pop, &d, seed, err);
	if (rc == 0)
		rc = check_files(b, err);
	if (drawn)
		draw_finish(&d);
	team_inputs_finish(&ti);
	free(o);
	population_finish(&pop);
	return rc;
}
