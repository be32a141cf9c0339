/* inspectctl status: shows a campaign's record, or the reason an entry
 * that was no valid entry was refused. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/store/ops.h"

/* An entry that was no valid entry has no record: its reason is kept
 * for 30 days under <p>refused:<id>. */
static int show_refused(struct store *s, const struct config *cfg,
			const char *id)
{
	redisReply *r = store_get(s, KEY_REFUSED, id);
	int rc = EXIT_INPUT;
	if (!r) {
		fprintf(stderr, "inspectctl: redis: %s\n",
			diag_reason(&s->err));
		rc = EXIT_FAIL;
	} else if (r->type == REDIS_REPLY_STRING) {
		printf("%-20s %s\n%-20s %s\n", "status", "refused", "error",
		       r->str);
		printf("(an entry that was no valid campaign entry: it has no "
		       "record, and its reason is kept 30 days)\n");
		rc = EXIT_OK;
	} else {
		fprintf(stderr, "inspectctl: no campaign %s\n", id);
	}
	freeReplyObject(r);
	return rc;
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
	redisReply *rep = store_hgetall(&s, KEY_CAMPAIGN, argv[optind]);
	if (!rep) {
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
		r = EXIT_FAIL;
	} else if (rep->type != REDIS_REPLY_ARRAY || rep->elements == 0) {
		r = show_refused(&s, &cfg, argv[optind]);
	} else {
		for (size_t i = 0; i + 1 < rep->elements; i += 2) {
			const char *k = rep->element[i]->str;
			if (strcmp(k, "policy_text") == 0)
				continue; /* the policy itself: long */
			printf("%-20s %s\n", k, rep->element[i + 1]->str);
		}
	}
	freeReplyObject(rep);
	store_close(&s);
	return r;
}
