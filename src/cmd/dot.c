/* heapscope dot: pprof's -dot call graph (render with dot -Tsvg). */
#include <string.h>

#include "../output/dot.h"
#include "../output/pprof_text.h"
#include "cmd.h"

/* pprof draws at most 80 nodes unless told otherwise. */
enum { DOT_DEFAULT_NODECOUNT = 80 };

static int dot_one(const cli_opts *o, const graph_ops *ops, FILE *out)
{
	const char *file = o->files[0];
	hs_profile p;
	hs_view v;
	hs_report r;
	int rc = HS_EXIT_USAGE;
	hs_profile_init(&p);
	if (!cli_load(&p, file) || !cli_view(&v, &p, file, o))
		goto out_profile;
	/* visual: entropy order for --nodecount and redundant edges removed,
	 * as pprof's newTrimmedGraph does for DOT. */
	hs_report_opts ro = {.nodecount = o->nodecount < 0 ? DOT_DEFAULT_NODECOUNT : o->nodecount,
	                     .nodefraction = o->nodefraction, .edgefraction = o->edgefraction,
	                     .visual = true};
	hs_error e;
	hs_error_clear(&e);
	if (hs_report_build(&r, &v, &ro, &e) != HS_OK) {
		cli_file_error(file, &e);
		goto out_view;
	}
	report_fmt f;
	report_fmt_init(&f, &p, &v, &r, o->unit);
	char filt[4][400];
	const char *names[4] = {"focus", "ignore", "hide", "show"};
	const char *vals[4] = {o->focus, o->ignore, o->hide, o->show};
	for (int i = 0, k = 0; i < 4; i++)
		if (vals[i] && *vals[i]) {
			snprintf(filt[k], sizeof filt[k], "%s=%s", names[i], vals[i]);
			f.filters[i] = filt[k++];
		}
	if (graph_write(out, &f, ops, &e) != HS_OK)
		cli_file_error(file, &e);
	else
		rc = HS_EXIT_OK;
	hs_report_release(&r);
out_view:
	hs_view_release(&v);
out_profile:
	hs_profile_release(&p);
	return rc;
}

int cmd_dot(int argc, char **argv)
{
	cli_opts o;
	const hs_command *cmd = hs_find_command("dot");
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	if (o.nfiles != 1) {
		cli_error("dot: takes exactly one profile");
		return HS_EXIT_USAGE;
	}
	/* The command is named after its format; other graph formats would
	 * be their own commands (or a --format) over the same layout. */
	const graph_ops *ops = graph_format_find(cmd->name);
	if (!ops) {
		cli_error("dot: no graph writer named '%s'", cmd->name);
		return HS_EXIT_USAGE;
	}
	FILE *out = cli_open_output(&o);
	if (!out)
		return HS_EXIT_USAGE;
	rc = dot_one(&o, ops, out);
	if (!cli_close_output(out, &o) && rc == HS_EXIT_OK)
		rc = HS_EXIT_USAGE;
	return rc;
}
