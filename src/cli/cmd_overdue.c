/* inspectctl overdue: results at risk of missing, or past, their deadline
 * of 20 working days after the inspection, campaign by campaign. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/store/ops.h"
#include "inspect/store/keys.h"
#include "inspect/store/campaign_view.h"
#include "inspect/shell/catalog.h"
#include "inspect/core/date.h"
#include "inspect/store/grades.h"

static void print_row(const struct campaign_row *row,
		      const struct planned_visit *visit,
		      enum result_status status, int32_t deadline, void *ctx)
{
	char planned[11], due[11] = "unknown";
	if (status == RESULT_ON_TIME || status == RESULT_PENDING)
		return;
	date_format(visit->date, planned);
	if (deadline != DATE_NONE)
		date_format(deadline, due);
	printf("%s  %s  %s  planned %s  due %s  %s\n", (const char *)ctx,
	       row->uscc, visit->name, planned, due,
	       result_status_names[status]);
}

/* A follow-up (后续处置) past its day. */
static void print_late(const struct campaign_row *row,
		       const struct planned_visit *visit,
		       const struct result_record *result, void *ctx)
{
	char due[11];
	date_format(result->follow_up_due, due);
	printf("%s  %s  %s  follow-up due %s  overdue: %s\n",
	       (const char *)ctx, row->uscc, visit->name, due,
	       result->follow_up);
}

static int one_campaign(struct store *s, const struct config *cfg,
			const struct calendar *cal, const char *id,
			int32_t today, unsigned within)
{
	struct campaign_view v;
	struct diag err;
	size_t n[RESULT_STATUSES];
	diag_init(&err);
	int r = campaign_view_read(s, id, &v, &err);
	if (r == FAIL_LOST) {
		fprintf(stderr, "inspectctl: redis: %s\n",
			diag_reason(&s->err));
		return EXIT_FAIL;
	}
	if (r < 0) {
		fprintf(stderr, "inspectctl: %s", diag_text(&err));
		return EXIT_INPUT;
	}
	const struct deadline_day on = {cal, today, within};
	size_t open = 0, late = 0;
	r = campaign_view_deadlines(&v, &on, n, print_row, (void *)id);
	if (r == 0)
		r = campaign_view_follow_ups(&v, today, &open, &late, print_late,
					     (void *)id);
	if (r == 0)
		printf("campaign %s: %zu visits: %zu on time, %zu late, %zu "
		       "pending, %zu at risk, %zu overdue, %zu beyond the "
		       "calendars, %zu in review; %zu follow-ups open, %zu "
		       "past their day\n", id, v.n,
		       n[RESULT_ON_TIME], n[RESULT_LATE], n[RESULT_PENDING],
		       n[RESULT_AT_RISK], n[RESULT_OVERDUE],
		       n[RESULT_NO_CALENDAR], n[RESULT_IN_REVIEW], open, late);
	else
		fprintf(stderr, "inspectctl: campaign %s: a stored visit or "
			"result is unreadable\n", id);
	campaign_view_finish(&v);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}

static int by_str(const void *a, const void *b)
{
	return strcmp((*(redisReply *const *)a)->str,
		      (*(redisReply *const *)b)->str);
}

int cmd_overdue(int argc, char **argv)
{
	static const struct option opts[] = {
		{"campaign", required_argument, 0, 'C'},
		{"date", required_argument, 0, 'd'},
		{"within", required_argument, 0, 'w'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	const char *campaign = NULL;
	struct redis_opts ro = {0};
	int32_t today = DATE_NONE;
	uint32_t within = 5;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((c == 'd' && cli_date(optarg, &today) < 0) ||
		    (c == 'w' && cli_count("--within", optarg, 100, &within) < 0))
			return cli_usage("overdue");
		if (c == 'C')
			campaign = optarg;
		else if (c != 'd' && c != 'w' && !cli_redis_option(c, optarg, &ro))
			return cli_usage("overdue");
	}
	if (optind != argc)
		return cli_usage("overdue");
	struct config cfg;
	struct store s;
	struct catalog cat;
	int r = cli_open_catalog_on(&ro, &cfg, &s, &cat, &today);
	if (r)
		return r;
	if (campaign) {
		r = one_campaign(&s, &cfg, &cat.calendar, campaign, today, within);
	} else {
		redisReply *ids = store_smembers(&s, KEY_PUBLISHED);
		if (!ids)
			fprintf(stderr, "inspectctl: redis: %s\n",
				diag_reason(&s.err));
		r = ids ? EXIT_OK : EXIT_FAIL;
		if (ids && ids->type == REDIS_REPLY_ARRAY)
			qsort(ids->element, ids->elements, sizeof(*ids->element),
			      by_str);
		for (size_t i = 0; ids && ids->type == REDIS_REPLY_ARRAY &&
				   i < ids->elements && r == EXIT_OK; i++)
			r = one_campaign(&s, &cfg, &cat.calendar,
					 ids->element[i]->str, today, within);
		freeReplyObject(ids);
	}
	catalog_finish(&cat);
	store_close(&s);
	return r;
}
