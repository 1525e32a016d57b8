/* heapscope: offline analyzer for the artifacts a misbehaving Go service
 * leaves behind.  This file holds the command table, which also drives
 * --help and the shell completion helper. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

#ifndef HS_VERSION
#define HS_VERSION "dev"
#endif

#define PROFILE_OPTS (OPT_SAMPLE_INDEX | OPT_FILTERS | OPT_GRANULARITY | OPT_OUTPUT)

static const hs_extra_option exe_option[] = {
	{"--exe", "BINARY", "heap dumps: name globals from the executable's symbol table"},
	{NULL, NULL, NULL},
};
static const hs_extra_option leaks_options[] = {
	{"--min-goroutines", "N", "blocked goroutines in a group for high (100)"},
	{"--min-medium", "N", "... for medium (10)"},
	{"--min-wait-minutes", "N", "fewer that waited this long: low (10)"},
	{"--exe", "BINARY", "heap dumps: name globals from the executable's symbol table"},
	{NULL, NULL, NULL},
};
static const hs_extra_option gctrace_options[] = {
	{"--limit", "SIZE", "project when the live heap reaches SIZE, e.g. 2GiB"},
	{NULL, NULL, NULL},
};
static const hs_extra_option trace_options[] = {
	{"--profile", "sync|net|syscall|sched",
	 "a blocking profile as go tool trace -pprof=KIND (--format folded, top, dot or pprof; "
	 "default top)"},
	{NULL, NULL, NULL},
};

const hs_command hs_commands[] = {
	{"info", cmd_info, OPT_OUTPUT | OPT_FORMAT, "text,json", "FILE...",
	 "Describe profiles: format, producer, sample types and totals, counts.", NULL},
	{"top", cmd_top,
	 PROFILE_OPTS | OPT_NODECOUNT | OPT_UNIT | OPT_FORMAT | OPT_CUM | OPT_FRACTIONS, "text,json",
	 "FILE", "Functions by flat (or --cum) value, as go tool pprof -top prints them.", NULL},
	{"dot", cmd_dot, PROFILE_OPTS | OPT_NODECOUNT | OPT_UNIT | OPT_FRACTIONS, NULL, "FILE",
	 "Graphviz call graph, as go tool pprof -dot draws it (render: dot -Tsvg).", NULL},
	{"folded", cmd_folded, PROFILE_OPTS, NULL, "FILE",
	 "Folded stacks for flamegraph.pl: 'root;...;leaf value' per distinct stack.", NULL},
	{"goroutines", cmd_goroutines, OPT_GROUP_BY | OPT_FORMAT | OPT_OUTPUT, "text,folded,json,dot",
	 "FILE...", "Goroutines of dumps or goroutine profiles grouped by stack, biggest group first.", NULL},
	{"check", cmd_check, OPT_CHECK | OPT_FORMAT | OPT_OUTPUT, "text,json", "--rules RULES.yaml FILE...",
	 "Check profiles against budget rules (YAML); exit 1 if one fails. For CI.", NULL},
	{"growth", cmd_growth,
	 PROFILE_OPTS | OPT_GROWTH | OPT_NODECOUNT | OPT_UNIT | OPT_FORMAT | OPT_CUM,
	 "text,json,folded,dot", "FILE1 FILE2...",
	 "Growth per function over a series of heap or goroutine profiles: leak candidates first.", NULL},
	{"diff", cmd_diff,
	 PROFILE_OPTS | OPT_DIFF | OPT_NODECOUNT | OPT_UNIT | OPT_FORMAT | OPT_CUM | OPT_FRACTIONS,
	 "text,json,dot,folded", "BASE NEW",
	 "What grew from BASE to NEW, as go tool pprof -top -base BASE NEW computes it.",
	 exe_option},
	{"merge", cmd_merge, OPT_OUTPUT, NULL, "FILE... -o OUT.pb.gz",
	 "Merge profiles of one type into one gzipped profile.proto (-o - for stdout).", NULL},
	{"blocking", cmd_blocking, OPT_FORMAT | OPT_OUTPUT, "text,json", "FILE...",
	 "Where goroutines wait: dumps, traces, goroutine, block and mutex profiles in one ranking.", NULL},
	{"leaks", cmd_leaks, OPT_FORMAT | OPT_OUTPUT, "text,json", "FILE...",
	 "Leak candidates from goroutine dumps/profiles, traces, heap profiles and heap dumps, by severity.",
	 leaks_options},
	{"heapdump", cmd_heapdump, OPT_FORMAT | OPT_OUTPUT, "text,json,folded,dot", "FILE",
	 "What keeps a Go heap dump's bytes alive: leak suspects, retainers by root, sites.",
	 exe_option},
	{"trace", cmd_trace,
	 PROFILE_OPTS | OPT_NODECOUNT | OPT_UNIT | OPT_FORMAT | OPT_CUM | OPT_FRACTIONS,
	 "text,json,folded,top,dot,pprof", "[--profile sync|net|syscall|sched] FILE",
	 "Execution trace (Go 1.5-1.26): goroutines per creation site, waits, GC, heap; "
	 "--profile: go tool trace -pprof.", trace_options},
	{"gctrace", cmd_gctrace, OPT_FORMAT | OPT_OUTPUT, "text,json", "[--limit SIZE] LOG",
	 "A GODEBUG=gctrace=1 log: live heap over time, GC CPU, pauses; leak suspects first.",
	 gctrace_options},
	{NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

const hs_command *hs_find_command(const char *name)
{
	for (const hs_command *c = hs_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: heapscope COMMAND [options] FILE...\n\ncommands:\n");
	for (const hs_command *c = hs_commands; c->name; c++)
		fprintf(to, "  %-10s %s\n", c->name, c->summary);
	fprintf(to, "\n'heapscope COMMAND --help' lists a command's options.\n"
	            "Exit status: 0 ok, 1 a check failed, 2 usage or input error.\n");
}

/* `heapscope __complete [COMMAND]`: words for the shell completions, so
 * they never keep lists of their own. */
static int complete(int argc, char **argv)
{
	if (argc < 3) {
		for (const hs_command *c = hs_commands; c->name; c++)
			printf("%s\n", c->name);
		return HS_EXIT_OK;
	}
	const hs_command *c = hs_find_command(argv[2]);
	if (!c)
		return HS_EXIT_USAGE;
	cli_print_options(c, stdout);
	for (const hs_extra_option *x = c->extra; x && x->name; x++)
		printf("%s\n", x->name);
	if (argc > 3 && strcmp(argv[3], "--format") == 0 && c->formats) {
		char buf[128];
		snprintf(buf, sizeof buf, "%s", c->formats);
		for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
			printf("=%s\n", t);
	}
	return HS_EXIT_OK;
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
	return c->run(argc - 1, argv + 1);
}
