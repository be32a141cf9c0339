/* inspectctl pledges: approvals granted on a pledge that still owe a
 * verification (awaiting planning, planned, or a visit without outcome),
 * with their deadlines: due soon, overdue; and the counts of all. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/date.h"
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

static struct pledge_campaign *find_campaign(struct pledges_read *p,
					     const char *id)
{
	for (size_t i = 0; i < p->n_c; i++)
		if (!strcmp(p->c[i].id, id))
			return &p->c[i];
	return NULL;
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
		if (!id || find_campaign(p, id))
			continue;
		struct pledge_campaign *c = &p->c[p->n_c++];
		c->id = id;
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

/* Where approval a stands: its state, and its visit day (DATE_NONE if
 * none) and outcome. */
static enum pledge_state state_of(struct pledges_read *p,
				  const struct approval *a, int32_t *day,
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
	for (size_t k = 0; k < c->view.n; k++) {
		struct planned_visit v;
		struct result_record res;
		bool has;
		if (strcmp(c->view.rows[k].uscc, a->uscc) ||
		    !campaign_row_parse(&c->view.rows[k], &v, &res, &has))
			continue;
		*day = v.date;
		if (has)
			*outcome = res.result;
		return has ? PLEDGE_VERIFIED : PLEDGE_VISIT;
	}
	return PLEDGE_NOT_SAMPLED;
}

static void print(const struct approval *a, const char *campaign,
		  enum pledge_state st, enum pledge_timing tm,
		  int32_t deadline, int32_t day)
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
	       st == PLEDGE_VISIT ? visit : "", campaign ? campaign : "-",
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
		int32_t day, deadline = pledge_deadline(
				       &cat->calendar,
				       item_find(&cat->items, a->item), a->date);
		const struct result_code *outcome;
		enum pledge_state st = state_of(p, a, &day, &outcome);
		enum pledge_timing tm = pledge_timing_of(
		    &cat->calendar, st, deadline, today, within);
		states[st]++;
		due += tm == PLEDGE_DUE;
		overdue += tm == PLEDGE_OVERDUE;
		if (all || tm != PLEDGE_SETTLED)
			print(a, campaign_of(p, a->number), st, tm, deadline,
			      day);
	}
	printf("approvals: %zu awaiting planning, %zu planned, %zu refused, "
	       "%zu with a visit planned, %zu not sampled, %zu verified; %zu "
	       "due within %u working days, %zu overdue\n",
	       states[PLEDGE_AWAITING], states[PLEDGE_PLANNED],
	       states[PLEDGE_REFUSED], states[PLEDGE_VISIT],
	       states[PLEDGE_NOT_SAMPLED], states[PLEDGE_VERIFIED], due, within,
	       overdue);
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
