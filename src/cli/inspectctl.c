/* inspectctl: the operator's and auditor's command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "inspect/core/pledges.h"
#include "inspect/core/roster.h"

#define REDIS_OPTS "[--config FILE] [--redis URL]"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary, *usage;
} commands[] = {
	{"draw", cmd_draw, "draw a campaign's entities from files",
	 "inspectctl draw --policy FILE --population FILE --campaign ID\n"
	 "                --entropy TEXT [--date YYYY-MM-DD] [--size N]\n"
	 "                [--all] [--format csv|jsonl] [--time-zone TZ]\n"
	 "                [--items CODE,CODE,...]\n"
	 "The date defaults to today in TZ (default Asia/Shanghai, as "
	 "inspectd's).\n"
	 "--items: the campaign's items, which a policy's same_item cap "
	 "compares\nthe population's visits with.\n"},
	{"simulate", cmd_simulate, "repeat a draw; observed against "
				   "published inclusion rates",
	 "inspectctl simulate --policy FILE --population FILE --campaign ID\n"
	 "                    [--entropy TEXT] [--runs R] [--date YYYY-MM-DD]\n"
	 "                    [--size N] [--time-zone TZ]\n"},
	{"import", cmd_import, "write a population into the grade index",
	 "inspectctl import [--entities FILE.csv] [--details FILE.csv]\n"
	 "                  [--inspectors FILE.csv] [--pledges FILE.csv]\n"
	 "                  " REDIS_OPTS "\n"
	 "details: header uscc,name,address (the address is the rest of the "
	 "line)\ninspectors: header " ROSTER_HEADER "\n"
	 "pledges: header " APPROVALS_HEADER " (approvals granted on a "
	 "pledge,\nfor the item list's pledge items; inspectd plans their "
	 "verification daily)\n"},
	{"submit", cmd_submit, "post a campaign or its entropy to inspectd",
	 "inspectctl submit --id ID --department D --policy NAME --items A,B\n"
	 "                  [--regions P,..] [--industries P,..] [--flags BRPE]\n"
	 "                  [--size N] [--date YYYY-MM-DD] [--backdated]\n"
	 "                  [--task-type directed|undirected]\n"
	 "                  [--window YYYY-MM-DD..YYYY-MM-DD] [--entropy TEXT]\n"
	 "                  " REDIS_OPTS "\n"
	 "       inspectctl submit --entropy-for ID --entropy TEXT "
	 REDIS_OPTS "\n"
	 "The entry is checked first (fields, policy, items, window); one "
	 "the daemon\nwould refuse is not sent.\n"},
	{"status", cmd_status, "show a campaign's record",
	 "inspectctl status ID " REDIS_OPTS "\n"},
	{"feed", cmd_feed, "show an inspector's delivered visits",
	 "inspectctl feed --inspector ID [--date YYYY-MM-DD] " REDIS_OPTS "\n"},
	{"overdue", cmd_overdue, "list results at risk or past their deadline",
	 "inspectctl overdue [--campaign ID] [--date YYYY-MM-DD]\n"
	 "                   [--within WORKING_DAYS] " REDIS_OPTS "\n"},
	{"pledges", cmd_pledges, "list approvals granted on a pledge that "
				 "still owe a verification",
	 "inspectctl pledges [--date YYYY-MM-DD] [--within WORKING_DAYS]\n"
	 "                   [--item CODE] [--all] " REDIS_OPTS "\n"
	 "Each approval awaiting planning, planned, refused or with a visit "
	 "and no\noutcome yet, with its deadline (due soon: within "
	 "WORKING_DAYS, default 5;\noverdue: passed); --all lists the "
	 "settled ones too. Then the counts.\n"},
	{"plan", cmd_plan, "check, file and follow a department's annual plan",
	 "inspectctl plan check FILE [--config FILE]\n"
	 "       inspectctl plan submit FILE " REDIS_OPTS "\n"
	 "       inspectctl plan show ID [--format text|csv|json|html] "
	 "[--out FILE]\n"
	 "                            " REDIS_OPTS "\n"
	 "A plan (YAML: deploy/plan.example.yaml) is checked whole, each "
	 "error with its\nline and column, each batch's campaign as inspectd "
	 "will check it on its freeze\nday; submit files it (public, once); "
	 "inspectd freezes each batch on its day\nand draws it when its "
	 "entropy is given (submit --entropy-for ID). show: each\nbatch as "
	 "it stands, visits and results against the tasks' quantities.\n"},
	{"report", cmd_report, "a department's numbers, and class rates "
			       "suggested from them",
	 "inspectctl report [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
	 "                  [--department D] [--region PREFIX]\n"
	 "                  [--format text|csv|json|html] [--out FILE]\n"
	 "                  [--policy NAME] [--min-results N] "
	 "[--max-change FACTOR]\n"
	 "                  [--date YYYY-MM-DD] " REDIS_OPTS "\n"
	 "The visits planned in the period (default: this year) by the "
	 "department's\npublished campaigns (default: every department's), "
	 "of entities in the region:\nthe pool and its coverage by credit "
	 "class, visits per entity, results by code,\nproblem-found rates "
	 "by class, task type, item and department (95% Wilson\n"
	 "intervals), results on time, the inspectors' load; then the "
	 "policy's class\nrates (--policy, default the one most used) "
	 "suggested from the rates found:\nvisits proportional to pool x "
	 "problem rate at the same workload, each class\nwithin "
	 "--max-change (2) of today, classes with fewer than --min-results "
	 "(30)\nresults kept. docs/REPORT.md defines every number.\n"},
	{"export", cmd_export, "write a campaign's disclosure or audit bundle",
	 "inspectctl export --campaign ID --format csv|json|html --out DIR\n"
	 "       inspectctl export --campaign ID --format national-csv|"
	 "national-json --out DIR\n"
	 "         (the national disclosure system's record: agency, type, "
	 "date, result\n          of each visit that took place)\n"
	 "       inspectctl export --campaign ID --bundle --out DIR\n"
	 "                         " REDIS_OPTS "\n"},
	{"verify", cmd_verify, "re-run a draw from its audit bundle",
	 "inspectctl verify BUNDLE_DIR\n"
	 "       inspectctl verify --chain BUNDLE_DIR...   (in publication "
	 "order, from the\n"
	 "       deployment's first campaign: each bundle's load and previous "
	 "teams\n       checked against the outcomes before it)\n"},
	{"migrate", cmd_migrate, "move inspectd's keys from an older layout",
	 "inspectctl migrate [--from PREFIX] " REDIS_OPTS "\n"
	 "Moves every key under PREFIX (default: the configured prefix without "
	 "its\nhash tag, e.g. insp: for {insp}:) to the configured prefix, key "
	 "by key;\nrun it again if it is cut short.\n"},
	{"calendar", cmd_calendar, "show the working-day calendars: official "
				   "until when, provisional after",
	 "inspectctl calendar [--year YYYY] [--config FILE]\n"
	 "Exit status 3 when the official calendars end within 60 days.\n"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(*commands))

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int cli_usage(const char *name)
{
	const struct command *c = find(name);
	fprintf(stderr, "usage: %s", c ? c->usage : "inspectctl COMMAND\n");
	fprintf(stderr, "(inspectctl %s --help shows this)\n", name);
	return EXIT_INPUT;
}

static int usage(FILE *out)
{
	fprintf(out, "usage: inspectctl COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\ninspectctl COMMAND --help shows a command's options.\n"
		"Exit status: 0 done, 1 a failure of the machine or a service, "
		"2 bad usage\nor bad input.\n");
	return out == stdout ? EXIT_OK : EXIT_INPUT;
}

static bool asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout);
	const struct command *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "inspectctl: unknown command '%s'\n", argv[1]);
		return usage(stderr);
	}
	if (asks_help(argc - 1, argv + 1)) {
		printf("usage: %s", c->usage);
		return EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
