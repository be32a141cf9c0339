/* The key schema (keys.h): one row a key, as docs/REDIS.md lists them. */
#include "inspect/store/keys.h"

#include <stdio.h>
#include <string.h>

#include "inspect/core/strbuf.h"

/* kind: its name, as docs/REDIS.md names it, its pattern after the
 * prefix, its arguments, its type, the files that write it, and those
 * that read it. */
#define K(kind, ...) [kind] = {#kind, __VA_ARGS__}

/* clang-format off */
const struct key_spec key_specs[KEY_KINDS] = {
	K(KEY_INTAKE, "<p>intake", "intake", 0, "STREAM",
	  "cli/cmd_submit.c, daemon/answer.c, daemon/plans.c, "
	  "daemon/pledges.c, daemon/process.c, daemon/publish.c, "
	  "daemon/refusal.c",
	  "daemon/worker.c, store/board.c"),
	K(KEY_INTAKE_REJECTED, "<p>intake:rejected",
	  "intake:rejected", 0, "STREAM",
	  "daemon/answer.c",
	  "store/board.c"),
	K(KEY_REFUSED, "<p>refused:<id>", "refused:%s", 1, "STRING",
	  "daemon/answer.c",
	  "cli/cmd_status.c"),
	K(KEY_CAMPAIGN, "<p>campaign:<id>", "campaign:%s", 1, "HASH",
	  "daemon/answer.c, daemon/publish.c, daemon/refusal.c, "
	  "daemon/result_entries.c, daemon/result_steps.c",
	  "cli/cmd_plan.c, cli/cmd_pledges.c, cli/cmd_report.c, "
	  "cli/cmd_status.c, daemon/overdue.c, daemon/pledges.c, daemon/process.c, "
	  "daemon/publication.c, store/board.c, store/campaign_view.c"),
	K(KEY_DEPT, "<p>dept:<department>", "dept:%s", 1, "STREAM",
	  "daemon/publish.c",
	  ""),
	K(KEY_PUBLIC, "<p>public", "public", 0, "STREAM",
	  "daemon/answer.c, daemon/publish.c, daemon/refusal.c, "
	  "daemon/result_entries.c, daemon/result_steps.c, store/plans.c",
	  ""),
	K(KEY_INSPECTED, "<p/k>inspected", "inspected", 1, "HASH",
	  "daemon/publish.c, store/migrate.c",
	  "store/grades.c"),
	K(KEY_HISTORY, "<p/k>history", "history", 1, "HASH",
	  "daemon/teams_write.c, store/history.c, store/migrate.c",
	  "store/history.c"),
	K(KEY_ROSTER, "<p>roster", "roster", 0, "STRING",
	  "cli/cmd_import.c",
	  "daemon/answer.c, daemon/result_steps.c, daemon/teams.c"),
	K(KEY_INSPECTOR, "<p>inspector:<id>", "inspector:%s", 1, "HASH",
	  "cli/cmd_import.c",
	  ""),
	K(KEY_INSPECTORS, "<p>inspectors", "inspectors", 0, "SET",
	  "cli/cmd_import.c",
	  ""),
	K(KEY_LOAD, "<p>load:<YYYY-MM-DD>", "load:%s", 1, "HASH",
	  "daemon/teams_write.c",
	  "daemon/teams.c"),
	K(KEY_LASTTEAM, "<p/k>lastteam", "lastteam", 1, "HASH",
	  "daemon/teams_write.c, store/migrate.c",
	  "daemon/teams.c"),
	K(KEY_DAY, "<p>day:<YYYY-MM-DD>", "day:%s", 1, "HASH",
	  "daemon/feeds.c, daemon/teams_write.c",
	  "daemon/feeds.c"),
	K(KEY_DAYS, "<p>days", "days", 0, "ZSET",
	  "daemon/feeds.c, daemon/teams_write.c",
	  "daemon/feeds.c"),
	K(KEY_FEED, "<p>feed:<inspector>", "feed:%s", 1, "STREAM",
	  "daemon/feeds.c",
	  "cli/cmd_feed.c"),
	K(KEY_VISITS, "<p>visits:<id>", "visits:%s", 1, "HASH",
	  "daemon/publish.c, daemon/teams_write.c",
	  "daemon/result_entries.c, store/campaign_view.c"),
	K(KEY_AUDIT, "<p>audit:<id>", "audit:%s", 1, "STRING",
	  "daemon/publish.c, daemon/refusal.c, daemon/teams_write.c",
	  "cli/export_bundle.c"),
	K(KEY_MERGED, "<p>merged:<id>", "merged:%s", 1, "HASH",
	  "daemon/publish.c",
	  ""),
	K(KEY_PUBLISHED, "<p>published", "published", 0, "SET",
	  "daemon/publish.c",
	  "cli/cmd_overdue.c, cli/cmd_report.c, daemon/overdue.c, store/board.c"),
	K(KEY_PUBLISHING, "<p>publishing", "publishing", 0, "HASH",
	  "daemon/publish.c, store/journal.c",
	  "store/journal.c"),
	K(KEY_RESULTS, "<p>results", "results", 0, "STREAM",
	  "daemon/result_entries.c, daemon/result_steps.c",
	  "daemon/worker.c, store/board.c"),
	K(KEY_CAMPAIGN_RESULTS, "<p>results:<id>", "results:%s", 1, "HASH",
	  "daemon/result_entries.c, daemon/result_steps.c",
	  "store/campaign_view.c"),
	K(KEY_RESULTS_REJECTED, "<p>results:rejected",
	  "results:rejected", 0, "STREAM",
	  "daemon/result_entries.c",
	  "store/board.c"),
	K(KEY_RESULT_LOG, "<p>result-log:<id>", "result-log:%s", 1, "STREAM",
	  "daemon/result_entries.c",
	  "cli/export_bundle.c"),
	K(KEY_OUTBOX, "<p>outbox", "outbox", 0, "STREAM",
	  "daemon/result_entries.c, daemon/result_steps.c, store/outbox.c",
	  "store/outbox.c"),
	K(KEY_APPROVALS, "<p>approvals", "approvals", 0, "HASH",
	  "store/approvals.c",
	  "cli/cmd_pledges.c, store/approvals.c"),
	K(KEY_APPROVALS_PENDING, "<p>approvals:pending",
	  "approvals:pending", 0, "HASH",
	  "daemon/pledges.c, store/approvals.c",
	  "daemon/pledges.c, store/approvals.c"),
	K(KEY_APPROVALS_CAMPAIGN, "<p>approvals:campaign",
	  "approvals:campaign", 0, "HASH",
	  "daemon/pledges.c",
	  "cli/cmd_pledges.c"),
	K(KEY_PLEDGED, "<p>pledged:<id>", "pledged:%s", 1, "HASH",
	  "daemon/pledges.c",
	  "cli/export_bundle.c, daemon/pledges.c, daemon/process.c, "
	  "daemon/result_entries.c"),
	K(KEY_PLEDGES_DAY, "<p>pledges:day", "pledges:day", 0, "STRING",
	  "daemon/pledges.c, store/approvals.c",
	  "daemon/pledges.c"),
	K(KEY_PLEDGES_RUNS, "<p>pledges:runs", "pledges:runs", 0, "HASH",
	  "daemon/pledges.c",
	  "daemon/pledges.c"),
	K(KEY_PLAN, "<p>plan:<id>", "plan:%s", 1, "HASH",
	  "store/plans.c",
	  "cli/cmd_plan.c, cli/export_bundle.c, daemon/plans.c, "
	  "daemon/process.c, store/board.c"),
	K(KEY_PLAN_BATCHES, "<p>plan:<id>:batches", "plan:%s:batches", 1,
	  "HASH",
	  "daemon/plans.c",
	  "cli/cmd_plan.c, daemon/plans.c, store/board.c"),
	K(KEY_PLANS, "<p>plans", "plans", 0, "SET",
	  "store/plans.c",
	  "daemon/plans.c, store/board.c"),
	K(KEY_REMINDERS, "<p>reminders", "reminders", 0, "STREAM",
	  "daemon/overdue.c",
	  ""),
	K(KEY_REMINDERS_DAY, "<p>reminders:day", "reminders:day", 0, "STRING",
	  "daemon/overdue.c",
	  "daemon/overdue.c"),
	K(KEY_PLANS_DAY, "<p>plans:day", "plans:day", 0, "STRING",
	  "daemon/plans.c, store/plans.c",
	  "daemon/plans.c"),
	K(KEY_GRADES_META, "<g>meta", "meta", 0, "HASH",
	  "store/grades_write.c",
	  "store/grades.c"),
	K(KEY_GRADES_IDX, "<g>idx:<gen>:<b>", "idx:%s:%s", 2, "HASH",
	  "store/grades_write.c",
	  "store/grades.c"),
	K(KEY_GRADES_ENT, "<g>ent:<uscc>", "ent:%s", 1, "HASH",
	  "cli/cmd_import.c",
	  "store/grades_write.c"),
	K(KEY_GRADES_IMPORT, "{<g>meta}:import", "meta}:import", 0, "STRING",
	  "store/grades_write.c",
	  ""),
	K(KEY_GRADES_EVENTS, "<g>events", "events", 0, "STREAM",
	  "store/outbox.c",
	  ""),
};
/* clang-format on */

#undef K

size_t key_name(char *out, size_t size, const struct config *cfg,
		enum key_kind k, const char *a, const char *b)
{
	const struct key_spec *s = &key_specs[k];
	/* "{<g>meta}:...": the key shares <g>meta's slot (its hash tag is
	 * <g>meta's whole name), for a script that reads both. */
	bool tagged = s->doc[0] == '{';
	const char *prefix = s->doc[tagged + 1] == 'g' ? cfg->grades_prefix
						       : cfg->prefix;
	const char *arg[2] = {a ? a : "", b ? b : ""};
	unsigned used = 0;
	size_t n = buf_put(out, size, 0, "{", tagged);
	/* "<p/k>...": bucket k's own hash tag, the prefix's with "/k" in it
	 * ("{insp/17}:"), so that the buckets spread over a cluster's
	 * masters (docs/REDIS.md, "Spread over the masters"). */
	const char *close = s->doc[2] == '/' ? strchr(prefix, '}') : NULL;
	if (close) {
		n = buf_put(out, size, n, prefix, (size_t)(close - prefix));
		n = buf_put(out, size, n, "/", 1);
		n = buf_put(out, size, n, arg[0], strlen(arg[0]));
		prefix = close;
		used = 1;
	}
	n = buf_put(out, size, n, prefix, strlen(prefix));
	/* The patterns are this file's: each %s takes the next argument
	 * (a key is named for every command a publication sends: no
	 * format is parsed). */
	for (const char *c = s->pattern; *c; c++) {
		if (c[0] == '%' && c[1] == 's' && used < 2) {
			n = buf_put(out, size, n, arg[used],
				    strlen(arg[used]));
			used++;
			c++;
		} else {
			n = buf_put(out, size, n, c, 1);
		}
	}
	if (n >= size) {
		if (size)
			out[0] = '\0';
		return 0;
	}
	return n;
}

size_t key_name_u(char *out, size_t size, const struct config *cfg,
		  enum key_kind k, unsigned long long n)
{
	char num[24];
	snprintf(num, sizeof(num), "%llu", n);
	return key_name(out, size, cfg, k, num, NULL);
}

size_t idx_key(char *out, size_t size, const struct config *cfg,
	       unsigned long long generation, unsigned long long bucket)
{
	char g[24], b[24];
	snprintf(g, sizeof(g), "%llu", generation);
	snprintf(b, sizeof(b), "%llu", bucket);
	return key_name(out, size, cfg, KEY_GRADES_IDX, g, b);
}
