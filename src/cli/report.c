#include "report.h"

#include <errno.h>
#include <string.h>

#include "inspect/core/date.h"
#include "inspect/core/decimal.h"

static void group_name(unsigned g, char out[8])
{
	size_t n = 0;
	for (int f = 0; f < FLAG_COUNT; f++)
		if (g >> 2 & (1u << f))
			out[n++] = POLICY_FLAG_LETTERS[f];
	if (n == 0)
		out[n++] = '-';
	out[n] = '\0';
}

int report_selection(FILE *out, enum format fmt, bool all,
		     const struct population *pop, const struct draw *d)
{
	char pi[SAMPLER_GROUPS][40];
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++) {
		u128 num, den;
		if (d->group[g].n == 0)
			continue;
		draw_group_pi(d, g, &num, &den);
		decimal_format_ratio(num, den, pi[g], sizeof(pi[g]));
	}
	if (fmt == FORMAT_CSV)
		fputs("uscc,class,pi,selected\n", out);
	size_t next = 0;
	for (size_t i = 0; i < pop->n; i++) {
		bool sel = next < d->n_chosen && d->chosen[next] == i;
		next += sel;
		if (!sel && !all)
			continue;
		const struct entity *e = &pop->v[i];
		unsigned g = d->group_of[i];
		char cls = POLICY_CLASS_LETTERS[e->cls];
		if (fmt == FORMAT_CSV)
			fprintf(out, "%.18s,%c,%s,%d\n", e->uscc, cls, pi[g],
				sel);
		else
			fprintf(out, "{\"uscc\":\"%.18s\",\"class\":\"%c\","
				"\"pi\":%s,\"selected\":%s}\n", e->uscc, cls,
				pi[g], sel ? "true" : "false");
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -errno;
}

void report_groups(FILE *out, const struct draw *d)
{
	u128 expected_all = 0;
	uint64_t n_all = 0, drawn_all = 0;
	fprintf(out, "%-5s %-5s %-8s %-6s %12s %-18s %14s %10s\n", "class",
		"flags", "cooldown", "capped", "N", "pi", "expected", "drawn");
	for (unsigned g = 0; g < SAMPLER_GROUPS; g++) {
		const struct sampler_group *gr = &d->group[g];
		if (gr->n == 0)
			continue;
		u128 num, den;
		char pi[40], name[8], exp[40];
		draw_group_pi(d, g, &num, &den);
		decimal_format_ratio(num, den, pi, sizeof(pi));
		/* The group's share of its stratum's expected count. */
		u128 e = num * gr->n / (den / PI_ONE);
		expected_all += e;
		n_all += gr->n;
		drawn_all += gr->drawn;
		group_name(g, name);
		snprintf(exp, sizeof(exp), "%.3f",
			 (double)e / (double)PI_ONE);
		fprintf(out, "%-5c %-5s %-8s %-6s %12llu %-18s %14s %10llu\n",
			POLICY_CLASS_LETTERS[g & 3], name,
			g & GROUP_COOLDOWN ? "yes" : "no",
			g & GROUP_CAPPED ? "yes" : "no",
			(unsigned long long)gr->n, pi, exp,
			(unsigned long long)gr->drawn);
	}
	fprintf(out, "%-5s %-5s %-8s %-6s %12llu %-18s %14.3f %10llu\n", "all",
		"", "", "", (unsigned long long)n_all, "",
		(double)expected_all / (double)PI_ONE,
		(unsigned long long)drawn_all);
}

void report_header(FILE *out, const struct inputs *in,
		   const struct seed_input *si, const uint8_t seed[32])
{
	char hex[65], date[11];
	seed_hex(in->policy.digest, 32, hex);
	fprintf(out, "policy             %s (%s)\n", in->policy.name,
		in->policy.design == DESIGN_PPS ? "pps" : "stratified");
	fprintf(out, "policy_digest      %s\n", hex);
	seed_hex(in->pop_digest, 32, hex);
	fprintf(out, "population         %zu entities\n", in->pop.n);
	fprintf(out, "population_digest  %s\n", hex);
	date_format(si->date, date);
	fprintf(out, "campaign           %s\n", si->campaign_id);
	fprintf(out, "date               %s\n", date);
	fprintf(out, "entropy            %s\n", si->entropy);
	fprintf(out, "algorithm          %s\n", ALGORITHM_VERSION);
	seed_hex(seed, 32, hex);
	fprintf(out, "seed               %s\n", hex);
}
