/* heapscope folded: one line per distinct stack, for flamegraph.pl.
 * Grammar and traps: ../shared/FOLDED.md (stack SP count, ';' splits). */
#include "../output/folded_stacks.h"
#include "cmd.h"

static int fold(const hs_view *v, FILE *out)
{
	if (folded_write(out, v, v->p->nstacks, 1, folded_view_value, v))
		return HS_EXIT_OK;
	return cli_error("out of memory folding stacks");
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	op->core_heap = true;
	const cli_opts o = *op;
	if (o.nfiles != 1) {
		return cli_error("takes exactly one profile");
	}
	int rc;
	hs_profile p;
	hs_view v;
	hs_profile_init(&p);
	rc = HS_EXIT_USAGE;
	if (cli_load_opts(&p, o.files[0], &o) && cli_view(&v, &p, o.files[0], &o)) {
		FILE *out = cli_open_output(&o);
		if (out) {
			rc = fold(&v, out);
			if (!cli_close_output(out, &o))
				rc = HS_EXIT_USAGE;
		}
		hs_view_release(&v);
	}
	hs_profile_release(&p);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_SAMPLE_INDEX, CLI_OPT_FILTERS, CLI_OPT_GRANULARITY, CLI_OPT_OUTPUT,
	CLI_OPT_ADDRESSES, CLI_OPT_CORE_EXE, CLI_OPT_END,
};

const hs_command cmd_folded = {
	CLI_COMMAND("folded", run, options, cli_opts, NULL, "FILE",
	            "Folded stacks for flamegraph.pl: 'root;...;leaf value' per distinct stack."),
	.writes = "folded stacks",
};
