/* inspectctl submit: posts a campaign (or the entropy for a frozen one) to
 * the intake stream. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/store/ops.h"
#include "inspect/shell/campaign_check.h"

/* Entry fields straight from options of the same name, '-' for '_'
 * (backdated takes no argument: "yes"). */
static const char *const fields[] = {"id", "department", "policy", "items",
				     "regions", "industries", "flags", "size",
				     "date", "window", "entropy", "task_type",
				     "backdated"};
#define N_FIELDS (sizeof(fields) / sizeof(*fields))

/* What the daemon is certain to refuse is not sent: the fields as its
 * parser reads them, then (for a campaign, when the policies named by the
 * configuration can be read) policy, items, date and window as
 * campaign_check sees them today. */
static int check_entry(const char *const *value, bool entropy,
		       const struct redis_opts *ro)
{
	struct entry_field f[N_FIELDS + 1];
	size_t n = 0;
	f[n++] = (struct entry_field){"type", entropy ? "entropy" : "campaign",
				      4, entropy ? 7 : 8};
	for (size_t i = 0; i < N_FIELDS; i++)
		if (value[i])
			f[n++] = (struct entry_field){fields[i], value[i],
						      strlen(fields[i]),
						      strlen(value[i])};
	struct campaign c;
	struct diag err;
	diag_init(&err);
	if (campaign_parse(f, n, &c, &err) < 0) {
		fprintf(stderr, "inspectctl: not sent: %s", diag_text(&err));
		return EXIT_INPUT;
	}
	struct config cfg;
	struct catalog cat;
	if (entropy || cli_config_load(ro, &cfg))
		return EXIT_OK;
	if (catalog_load(&cfg, &cat, &err) < 0) {
		fprintf(stderr, "inspectctl: note: the policies in %s cannot "
			"be read here, so only the fields were checked\n",
			cfg.policies);
		return EXIT_OK;
	}
	int32_t today = cli_today(cfg.time_zone);
	const struct campaign_dates dates = {today, today,
					     cfg.max_backdate_days,
					     cfg.visit_days};
	diag_init(&err);
	int r = campaign_check(&c, &cat, &dates, &err);
	catalog_finish(&cat);
	if (r == 0)
		return EXIT_OK;
	fprintf(stderr, "inspectctl: not sent: %.*s\n",
		(int)strcspn(diag_text(&err), "\n"), diag_text(&err));
	return EXIT_INPUT;
}

int cmd_submit(int argc, char **argv)
{
	struct option opts[N_FIELDS + 4];
	const struct option redis_opts[] = {CLI_REDIS_OPTIONS};
	const char *value[N_FIELDS] = {0}, *entropy_for = NULL;
	struct redis_opts ro = {0};
	char names[N_FIELDS][16];
	for (size_t i = 0; i < N_FIELDS; i++) {
		snprintf(names[i], sizeof(names[i]), "%s", fields[i]);
		for (char *u = strchr(names[i], '_'); u; u = strchr(u, '_'))
			*u = '-';
		opts[i] = (struct option){names[i],
					  i == N_FIELDS - 1 ? no_argument
							    : required_argument,
					  0, (int)i + 1};
	}
	opts[N_FIELDS] = redis_opts[0];
	opts[N_FIELDS + 1] = redis_opts[1];
	opts[N_FIELDS + 2] = (struct option){"entropy-for", required_argument,
					     0, 'E'};
	opts[N_FIELDS + 3] = (struct option){0, 0, 0, 0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c >= 1 && c <= (int)N_FIELDS)
			value[c - 1] = c == (int)N_FIELDS ? "yes" : optarg;
		else if (c == 'E')
			entropy_for = optarg;
		else if (!cli_redis_option(c, optarg, &ro))
			return cli_usage("submit");
	}
	if (entropy_for)
		value[0] = entropy_for;
	if (!value[0] || optind != argc)
		return cli_usage("submit");
	int r = check_entry(value, entropy_for != NULL, &ro);
	if (r)
		return r;
	struct config cfg;
	struct store s;
	r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	struct kv f[N_FIELDS + 1] = {KV("type", entropy_for ? "entropy"
							  : "campaign")};
	size_t n = 1;
	char id[48];
	for (size_t i = 0; i < N_FIELDS; i++)
		if (value[i])
			f[n++] = (struct kv)KV(fields[i], value[i]);
	if (store_xadd(&s, KEY_INTAKE, f, n, id, sizeof(id)) < 0) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
		r = EXIT_FAIL;
	} else {
		printf("%s\n", id);
	}
	store_close(&s);
	return r;
}
