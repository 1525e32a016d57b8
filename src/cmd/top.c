/* heapscope top: pprof's -top report. */
#include <string.h>

#include "report_cmd.h"

static int top_one(const cli_opts *o, FILE *out)
{
	report_cmd c;
	hs_report_opts ro = {.nodecount = o->nodecount < 0 ? 0 : o->nodecount,
	                     .nodefraction = o->nodefraction, .edgefraction = o->edgefraction,
	                     .cum_sort = o->cum};
	int rc = HS_EXIT_USAGE;
	if (report_cmd_open(&c, o, &ro)) {
		top_format_find(o->format)->write(out, &c.f);
		rc = HS_EXIT_OK;
	}
	report_cmd_close(&c);
	return rc;
}

static int run(const hs_command *self, cli_opts *o)
{
	o->core_heap = true;
	return report_cmd_run(self, o, top_one);
}

static const cli_option options[] = {
	CLI_OPTS_REPORT, CLI_OPT_CUM, CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES,
	CLI_OPT_CORE_EXE, CLI_OPT_END,
};

const hs_command cmd_top = {
	CLI_COMMAND("top", run, options, cli_opts, &top_out_formats, "FILE",
	            "Functions by flat (or --cum) value, as go tool pprof -top prints them."),
};
