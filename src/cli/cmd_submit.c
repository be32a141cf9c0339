/* inspectctl submit: posts a campaign (or the entropy for a frozen one) to
 * the intake stream; inspectctl status: shows a campaign's record. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Entry fields straight from options of the same name; the daemon
 * validates them (and answers a bad one with its reason). */
static const char *const fields[] = {"id", "department", "policy", "items",
				     "regions", "industries", "flags", "size",
				     "date", "window", "entropy"};
#define N_FIELDS (sizeof(fields) / sizeof(*fields))

int cmd_submit(int argc, char **argv)
{
	struct option opts[N_FIELDS + 4];
	const struct option redis_opts[] = {CLI_REDIS_OPTIONS};
	const char *value[N_FIELDS] = {0}, *entropy_for = NULL;
	struct redis_opts ro = {0};
	for (size_t i = 0; i < N_FIELDS; i++)
		opts[i] = (struct option){fields[i], required_argument, 0,
					  (int)i + 1};
	opts[N_FIELDS] = redis_opts[0];
	opts[N_FIELDS + 1] = redis_opts[1];
	opts[N_FIELDS + 2] = (struct option){"entropy-for", required_argument,
					     0, 'E'};
	opts[N_FIELDS + 3] = (struct option){0, 0, 0, 0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c >= 1 && c <= (int)N_FIELDS)
			value[c - 1] = optarg;
		else if (cli_redis_option(c, optarg, &ro))
			continue;
		else if (c == 'E')
			entropy_for = optarg;
		else {
			return cli_usage("submit");
		}
	}
	if (entropy_for)
		value[0] = entropy_for;
	if (!value[0] || optind != argc) {
		return cli_usage("submit");
	}
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	char intake[128];
	struct args a;
	store_key(intake, sizeof(intake), cfg.prefix, "intake");
	args_init(&a);
	args_add(&a, "XADD");
	args_add(&a, intake);
	args_add(&a, "*");
	args_add(&a, "type");
	args_add(&a, entropy_for ? "entropy" : "campaign");
	for (size_t i = 0; i < N_FIELDS; i++)
		if (value[i]) {
			args_add(&a, fields[i]);
			args_add(&a, value[i]);
		}
	redisReply *rep = store_run(&s, &a);
	args_finish(&a);
	if (!rep || rep->type != REDIS_REPLY_STRING) {
		fprintf(stderr, "inspectctl: redis: %s\n",
			rep ? rep->str : s.err);
		r = EXIT_FAIL;
	} else {
		printf("%s\n", rep->str);
	}
	freeReplyObject(rep);
	store_close(&s);
	return r;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {CLI_REDIS_OPTIONS, {0, 0, 0, 0}};
	struct redis_opts ro = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		if (!cli_redis_option(c, optarg, &ro))
			return cli_usage("status");
	if (optind + 1 != argc)
		return cli_usage("status");
	struct config cfg;
	struct store s;
	int r = cli_store_open(&ro, &cfg, &s);
	if (r)
		return r;
	char key[160];
	store_key(key, sizeof(key), cfg.prefix, "campaign:%s", argv[optind]);
	redisReply *rep = store_runv(&s, "HGETALL", key, NULL);
	if (!rep) {
		fprintf(stderr, "inspectctl: redis: %s\n", s.err);
		r = EXIT_FAIL;
	} else if (rep->type != REDIS_REPLY_ARRAY || rep->elements == 0) {
		fprintf(stderr, "inspectctl: no campaign %s\n", argv[optind]);
		r = EXIT_INPUT;
	} else {
		for (size_t i = 0; i + 1 < rep->elements; i += 2) {
			const char *k = rep->element[i]->str;
			if (strcmp(k, "policy_text") == 0)
				continue; /* the policy itself: long */
			printf("%-18s %s\n", k, rep->element[i + 1]->str);
		}
	}
	freeReplyObject(rep);
	store_close(&s);
	return r;
}
