/* heapscope: offline analyzer for the artifacts a misbehaving Go service
 * leaves behind.  This file holds the command table, which also drives
 * --help and the shell completion helper. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

/* Declared here: cmd.h's list is shared with the other worktrees. */

#ifndef HS_VERSION
#define HS_VERSION "dev"
#endif

/* The commands in the order help lists them; each is declared, options
 * and all, in its own file under src/cmd/. */
const hs_command *const hs_commands[] = {
	&cmd_triage, &cmd_info, &cmd_top, &cmd_dot, &cmd_folded, &cmd_flame, &cmd_goroutines, &cmd_check, &cmd_growth,
	&cmd_diff, &cmd_merge, &cmd_blocking, &cmd_leaks, &cmd_heapdump, &cmd_trace, &cmd_gctrace,
	NULL,
};

const hs_command *hs_find_command(const char *name)
{
	for (const hs_command *const *c = hs_commands; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: heapscope COMMAND [options] FILE...\n\ncommands:\n");
	for (const hs_command *const *c = hs_commands; *c; c++)
		fprintf(to, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(to, "\n'heapscope COMMAND --help' lists a command's options.\n"
	            "Exit status: 0 ok, 1 a check failed, 2 usage or input error.\n");
}

/* `heapscope __complete [COMMAND [OPTION]]`: words for the shell
 * completions, so they never keep lists of their own: the commands, a
 * command's options, or what an option's value is (cli_complete). */
static int complete(int argc, char **argv)
{
	if (argc < 3) {
		for (const hs_command *const *c = hs_commands; *c; c++)
			printf("%s\n", (*c)->name);
		return HS_EXIT_OK;
	}
	const hs_command *c = hs_find_command(argv[2]);
	if (!c)
		return HS_EXIT_USAGE;
	return cli_complete(c, argc > 3 ? argv[3] : NULL, stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HS_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		if (argc > 2 && hs_find_command(argv[2])) {
			cli_usage(hs_find_command(argv[2]), stdout);
			return HS_EXIT_OK;
		}
		usage(stdout);
		return HS_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("heapscope %s\n", HS_VERSION);
		return HS_EXIT_OK;
	}
	if (strcmp(name, "__complete") == 0)
		return complete(argc, argv);
	const hs_command *c = hs_find_command(name);
	if (!c) {
		fprintf(stderr, "heapscope: unknown command '%s' (see 'heapscope --help')\n", name);
		return HS_EXIT_USAGE;
	}
	return cli_run(c, argc - 1, argv + 1);
}
