/* inspectctl: the operator's and auditor's command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"draw", cmd_draw, "draw a campaign's entities from files"},
	{"simulate", cmd_simulate, "repeat a draw; observed against "
				   "published inclusion rates"},
	{"import", cmd_import, "write a population into the grade index"},
	{"submit", cmd_submit, "post a campaign or its entropy to inspectd"},
	{"status", cmd_status, "show a campaign's record"},
	{"feed", cmd_feed, "show an inspector's delivered visits"},
	{"overdue", cmd_overdue, "list results at risk or past their deadline"},
	{"export", cmd_export, "write a campaign's disclosure or audit bundle"},
	{"verify", cmd_verify, "re-run a draw from its audit bundle"},
};

static int usage(FILE *out)
{
	fprintf(out, "usage: inspectctl COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	return out == stdout ? EXIT_OK : EXIT_INPUT;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "inspectctl: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
