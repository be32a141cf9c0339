/* inspectctl pledges: approvals granted on a pledge that still owe a
 * verification (awaiting planning, planned, no entity, or a visit
 * without outcome), with their deadlines: due soon, overdue; and the
 * counts of all. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
#include "inspect/core/decimal.h"
#include "inspect/shell/catalog.h"
#include "inspect/store/approvals.h"
#include "inspect/store/campaign_view.h"
#include "inspect/store/ops.h"

/* What is known of one pledge campaign. */
struct pledge_campaign {
	const char *id;
	char status[16];          /* "" if there is no record yet */
	struct campaign_view view; /* when published */
	bool viewed;
};

struct pledges_read {
	struct approval_list all;
	redisReply *where; /* <p>approvals:campaign */
	struct pledge_campaign *c;
	size_t n_c;
};

static const char *campaign_of(const struct pledges_read *p,
			       const char *number)
{
	const redisReply *f = reply_field(p->where, number);
	return f && f->type == REDIS_REPLY_STRING ? f->str : NULL;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct pledge_campaign *)a)->id,
		      ((const struct pledge_campaign *)b)->id);
}

/* The campaigns are sorted by id once they are all known. */
static struct pledge_campaign *find_campaign(struct pledges_read *p,
					     const char *id)
{
	struct pledge_campaign key = {.id = id};
	return bsearch(&key, p->c, p->n_c, sizeof(*p->c), by_id);
}

/* Each campaign an approval went to: its status, and if published, its
 * visits and results. 0, FAIL_LOST or FAIL_INVALID. */
static int read_campaigns(struct store *s, struct pledges_read *p)
{
	p->c = calloc(p->all.n + 1, sizeof(*p->c));
	if (!p->c)
		return FAIL_INVALID;
	for (size_t i = 0; i < p->all.n; i++) {
		const char *id = campaign_of(p, p->all.v[i].number);
		if (id)
			p->c[p->n_c++].id = id;
	}
	qsort(p->c, p->n_c, sizeof(*p->c), by_id);
	size_t distinct = 0;
	for (size_t i = 0; i < p->n_c; i++)
		if (!distinct || strcmp(p->c[i].id, p->c[distinct - 1].id))
			p->c[distinct++] = p->c[i];
	p->n_c = distinct;
	for (size_t i = 0; i < p->n_c; i++) {
		struct pledge_campaign *c = &p->c[i];
		const char *id = c->id;
		static const char *const status[] = {"status"};
		redisReply *r = store_hmget(s, KEY_CAMPAIGN, id, status, 1);
		if (!r)
			return FAIL_LOST;
		snprintf(c->status, sizeof(c->status), "%s",
			 reply_str(r, 0) ? reply_str(r, 0) : "");
		freeReplyObject(r);
		if (strcmp(c->status, "published"))
			continue;
		struct diag err;
		diag_init(&err);
		int rc = campaign_view_read(s, id, &c->view, &err);
		if (rc == FAIL_LOST)
			return FAIL_LOST;
		c->viewed = rc == 0;
	}
	return 0;
}

static int row_by_uscc(const void *a, const void *b)
{
	return strcmp(((const struct campaign_row *)a)->uscc,
		      ((const struct campaign_row *)b)->uscc);
}

/* Where approval a stands: its state, and its visit day (DATE_NONE if
 * none) and outcome. */
static enum pledge_state state_of(struct pledges_read *p,
				  const struct approval *a,
				  const struct item *it, int32_t *day,
				  const struct result_code **outcome)
{
	*day = DATE_NONE;
	*outcome = NULL;
	const char *id = campaign_of(p, a->number);
	struct pledge_campaign *c = id ? find_campaign(p, id) : NULL;
	if (!c)
		return PLEDGE_AWAITING;
	if (!strcmp(c->status, "rejected"))
		return PLEDGE_REFUSED;
	if (!c->viewed)
		return PLEDGE_PLANNED;
	/* The view's rows are ascending by uscc. */
	const struct campaign_row key = {.uscc = a->uscc};
	const struct campaign_row *row =
	    bsearch(&key, c->view.rows, c->view.n, sizeof(key), row_by_uscc);
	struct planned_visit v;
	struct result_record res;
	bool has;
	if (row && campaign_row_parse(row, &v, &res, &has)) {
		*day = v.date;
		*outcome = has ? res.result : NULL;
		return has ? PLEDGE_VERIFIED : PLEDGE_VISIT;
	}
	/* An item verified in full draws every approval's entity there is. */
	return it->pledge.rate == PI_ONE ? PLEDGE_NO_ENTITY
					 : PLEDGE_NOT_SAMPLED;
}

/* One line: number, entity, item, dates, state (a visit's day, an
 * outcome's code), campaign, and how the deadline stands. */
static void print(const struct approval *a, const char *campaign,
		  enum pledge_state st, enum pledge_timing tm,
		  int32_t deadline, int32_t day,
		  const struct result_code *outcome)
{
	static const char *const timing[] = {"", "", "due soon", "overdue"};
	char approved[11], due[11] = "unknown", visit[11] = "-";
	date_format(a->date, approved);
	if (deadline != DATE_NONE)
		date_format(deadline, due);
	if (day != DATE_NONE)
		date_format(day, visit);
	printf("%s  %s  %s  approved %s  due %s  %s %s  %s%s%s\n", a->number,
	       a->uscc, a->item, approved, due, pledge_state_names[st],
	       st == PLEDGE_VISIT	 ? visit
	       : st == PLEDGE_VERIFIED ? outcome->code
				       : "",
	       campaign ? campaign : "-",
	       tm >= PLEDGE_DUE ? "  " : "", timing[tm]);
}

static int list(struct pledges_read *p, const struct catalog *cat,
		int32_t today, unsigned within, const char *item, bool all)
{
	size_t states[PLEDGE_STATES] = {0}, due = 0, overdue = 0;
	approval_list_sort(&p->all);
	for (size_t i = 0; i < p->all.n; i++) {
		const struct approval *a = &p->all.v[i];
		if (item && strcmp(a->item, item))
			continue;
		const struct item *it = item_find(&cat->items, a->item);
		int32_t day, deadline = pledge_deadline(&cat->calendar, it,
							a->date);
		const struct result_code *outcome;
		enum pledge_state st = state_of(p, a, it, &day, &outcome);
		enum pledge_timing tm = pledge_timing_of(
		    &cat->calendar, st, deadline, today, within);
		states[st]++;
		due += tm == PLEDGE_DUE;
		overdue += tm == PLEDGE_OVERDUE;
		if (all || tm != PLEDGE_SETTLED)
			print(a, campaign_of(p, a->number), st, tm, deadline,
			      day, outcome);
	}
	printf("approvals: %zu awaiting planning, %zu planned, %zu refused, "
	       "%zu with a visit planned, %zu not sampled, %zu without an "
	       "entity in the grade index, %zu verified; %zu due within %u "
	       "working days, %zu overdue\n",
	       states[PLEDGE_AWAITING], states[PLEDGE_PLANNED],
	       states[PLEDGE_REFUSED], states[PLEDGE_VISIT],
	       states[PLEDGE_NOT_SAMPLED], states[PLEDGE_NO_ENTITY],
	       states[PLEDGE_VERIFIED], due, within, overdue);
	return EXIT_OK;
}

static void read_finish(struct pledges_read *p)
{
	for (size_t i = 0; i < p->n_c; i++)
		if (p->c[i].viewed)
			campaign_view_finish(&p->c[i].view);
	free(p->c);
	freeReplyObject(p->where);
	approval_list_finish(&p->all);
}

int cmd_pledges(int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, 0, 'd'},
		{"within", required_argument, 0, 'w'},
		{"item", required_argument, 0, 'i'},
		{"all", no_argument, 0, 'a'},
		CLI_REDIS_OPTIONS,
		{0, 0, 0, 0}};
	struct redis_opts ro = {0};
	int32_t today = DATE_NONE;
	uint32_t within = 5;
	const char *item = NULL;
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if ((c == 'd' && cli_date(optarg, &today) < 0) ||
		    (c == 'w' && cli_count("--within", optarg, 100, &within) < 0))
			return cli_usage("pledges");
		if (c == 'i')
			item = optarg;
		else if (c == 'a')
			all = true;
		else if (c != 'd' && c != 'w' &&
			 !cli_redis_option(c, optarg, &ro))
			return cli_usage("pledges");
	}
	if (optind != argc)
		return cli_usage("pledges");
	struct config cfg;
	struct store s;
	struct catalog cat;
	int r = cli_open_catalog_on(&ro, &cfg, &s, &cat, &today);
	if (r)
		return r;
	struct pledges_read p = {0};
	struct diag err;
	size_t bad = 0;
	diag_init(&err);
	r = approvals_read(&s, KEY_APPROVALS, NULL, &cat.items, &p.all, &bad,
			   &err);
	if (r == 0 && !(p.where = store_hgetall(&s, KEY_APPROVALS_CAMPAIGN,
						 NULL)))
		r = FAIL_LOST;
	if (r == 0)
		r = read_campaigns(&s, &p);
	if (bad)
		fprintf(stderr, "inspectctl: %zu approvals do not read (an item "
			"no longer a pledge item?): %s\n", bad,
			diag_reason(&err));
	if (r == FAIL_LOST)
		fprintf(stderr, "inspectctl: redis: %s\n", diag_reason(&s.err));
	else if (r < 0)
		fprintf(stderr, "inspectctl: out of memory\n");
	else
		r = list(&p, &cat, today, within, item, all);
	read_finish(&p);
	catalog_finish(&cat);
	store_close(&s);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}
