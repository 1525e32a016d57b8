/* heapscope gctrace: a GODEBUG=gctrace=1 log summed up per run, the
 * verdict first (a live heap that keeps growing, GC eating the CPU, long
 * stops).  The log format and the verdicts: include/heapscope/gctrace.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../output/gctrace_out.h"
#include "heapscope/gctrace.h"
#include "heapscope/growth.h"
#include "heapscope/rules.h"
#include "heapscope/units.h"
#include "cmd.h"

typedef struct gctrace_opts {
	cli_opts c;
	const char *limit;
} gctrace_opts;

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	const char *limit_s = ((const gctrace_opts *)op)->limit;
	int rc;
	if (o.nfiles != 1) {
		return cli_error("takes exactly one log (got %d)", o.nfiles);
	}
	hs_error e;
	hs_error_clear(&e);
	int64_t limit = 0;
	if (limit_s && (hs_parse_size(limit_s, &limit, &e) != HS_OK || limit <= 0)) {
		return cli_error("--limit: %s", e.code ? e.detail : "must be more than 0");
	}
	const char *file = o.files[0];
	hs_gctrace t;
	hs_gctrace_init(&t);
	if (hs_gctrace_load(&t, file, &e) != HS_OK) {
		cli_file_error(file, &e);
		hs_gctrace_release(&t);
		return HS_EXIT_USAGE;
	}
	size_t n = hs_gctrace_nruns(&t);
	hs_gc_run *runs = calloc(n ? n : 1, sizeof *runs);
	FILE *out = runs ? cli_open_output(&o) : NULL;
	rc = HS_EXIT_USAGE;
	if (out) {
		for (size_t i = 0; i < n; i++)
			hs_gctrace_run(&t, i, limit, &runs[i]);
		hs_inventory *inv = hs_inventory_new(&e);
		if (inv) {
			hs_inventory_add_file(inv, file, HS_IN_GCTRACE);
			hs_inventory_finish(inv, false);
		}
		gctrace_report g = {file, &t, runs, limit, inv};
		gctrace_format_find(o.format)->write(out, &g);
		hs_inventory_free(inv);
		rc = cli_close_output(out, &o) ? HS_EXIT_OK : HS_EXIT_USAGE;
	} else if (!runs) {
		cli_error("out of memory");
	}
	free(runs);
	hs_gctrace_release(&t);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT,
	{"limit", 0, "SIZE", "project when the live heap reaches SIZE, e.g. 2GiB",
	 offsetof(gctrace_opts, limit), cli_parse_string, false},
	CLI_OPT_END,
};

const hs_command cmd_gctrace = {
	CLI_COMMAND("gctrace", run, options, gctrace_opts, &gctrace_out_formats, "[--limit SIZE] LOG",
	            "A GODEBUG=gctrace=1 log: live heap over time, GC CPU, pauses; leak suspects first."),
};
