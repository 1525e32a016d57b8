/* The steps every report command shares: load one profile, build the view
 * and a trimmed report, and the formatting context with pprof's unit
 * choice and "Active filters" lines.  Used by top and dot. */
#ifndef HS_CMD_REPORT_CMD_H
#define HS_CMD_REPORT_CMD_H

#include <stdio.h>

#include "../output/pprof_text.h"
#include "cmd.h"

typedef struct report_cmd {
	hs_profile p;
	hs_view v;
	hs_report r;
	report_fmt f;
	char filters[4][400];
	int stage;              /* how much to release */
} report_cmd;

/* Load o->files[0] and build a report with ro; prints the error and
 * returns false on failure (report_cmd_close is still required). */
bool report_cmd_open(report_cmd *c, const cli_opts *o, const hs_report_opts *ro);
void report_cmd_close(report_cmd *c);

/* The one-profile command frame: check a single file, open -o, run fn,
 * close -o; returns the exit status.  o->load: see cli_opts. */
int report_cmd_run(const hs_command *self, const cli_opts *o,
                   int (*fn)(const cli_opts *o, FILE *out));

#endif
