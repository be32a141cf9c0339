/* A whole audit bundle, its files in one input separated by a line
 * "--8<--": MANIFEST, policy.yaml, policy.txt, population.csv,
 * roster.csv, teams.txt, outcome.csv (or refusal.txt), then calendars. */
#include "fuzz.h"
#include "inspect/core/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parts p;
	struct bundle b;
	struct diag err;
	memset(&b, 0, sizeof(b));
	diag_init(&err);
	parts_cut(data, size, "\n--8<--\n", &p);
	if (p.n >= 7 &&
	    bundle_manifest_parse(p.s[0], p.len[0], &b.m, &err) == 0) {
		struct text *files[] = {&b.policy_yaml, &b.policy_numbers,
					&b.population, &b.roster, &b.teams,
					&b.outcome};
		for (size_t i = 0; i < 6; i++)
			*files[i] = (struct text){p.s[i + 1], p.len[i + 1]};
		/* The sixth file read as a refusal when it says it is one. */
		if (p.len[6] >= strlen(REFUSAL_HEADER) &&
		    !memcmp(p.s[6], REFUSAL_HEADER, strlen(REFUSAL_HEADER))) {
			b.refusal = b.outcome;
			b.outcome = (struct text){NULL, 0};
		}
		for (size_t i = 7; i < p.n && b.n_calendars < CALENDAR_MAX_YEARS;
		     i++) {
			snprintf(b.calendar_names[b.n_calendars], 16,
				 "cn-%04u.yaml", 2026 + b.n_calendars);
			b.calendars[b.n_calendars++] =
				(struct text){p.s[i], p.len[i]};
		}
		bundle_verify(&b, &err);
	}
	parts_free(&p);
	return 0;
}
