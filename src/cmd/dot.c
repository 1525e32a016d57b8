/* heapscope dot: pprof's -dot call graph (render with dot -Tsvg). */
#include <string.h>

#include "../output/dot.h"
#include "report_cmd.h"

/* pprof draws at most 80 nodes unless told otherwise. */
enum { DOT_DEFAULT_NODECOUNT = 80 };

static int dot_one(const cli_opts *o, FILE *out)
{
	/* The command is named after its format; other graph formats would
	 * be their own commands (or a --format) over the same layout. */
	const graph_ops *ops = graph_format_find("dot");
	report_cmd c;
	/* visual: entropy order for --nodecount and redundant edges removed,
	 * as pprof's newTrimmedGraph does for DOT; tags: the nodelets, which
	 * count towards --nodecount too. */
	hs_report_opts ro = {.nodecount = o->nodecount < 0 ? DOT_DEFAULT_NODECOUNT : o->nodecount,
	                     .nodefraction = o->nodefraction, .edgefraction = o->edgefraction,
	                     .visual = true, .tags = true, .tag_unit = o->unit};
	int rc = HS_EXIT_USAGE;
	if (report_cmd_open(&c, o, &ro)) {
		hs_error e;
		hs_error_clear(&e);
		if (graph_write(out, &c.f, ops, &e) != HS_OK)
			cli_file_error(o->files[0], &e);
		else
			rc = HS_EXIT_OK;
	}
	report_cmd_close(&c);
	return rc;
}

static int run(const hs_command *self, cli_opts *o)
{
	o->core_heap = true;
	return report_cmd_run(self, o, dot_one);
}

static const cli_option options[] = {
	CLI_OPTS_REPORT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_CORE_EXE, CLI_OPT_END,
};

const hs_command cmd_dot = {
	CLI_COMMAND("dot", run, options, cli_opts, NULL, "FILE",
	            "Graphviz call graph, as go tool pprof -dot draws it (render: dot -Tsvg)."),
	.writes = "DOT",
};
