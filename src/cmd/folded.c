/* heapscope folded: one line per distinct stack, for flamegraph.pl.
 * Grammar and traps: ../shared/FOLDED.md (stack SP count, ';' splits). */
#include "../output/folded_stacks.h"
#include "cmd.h"

static int fold(const hs_view *v, FILE *out)
{
	if (folded_write(out, v, v->p->nstacks, 1, folded_view_value, v))
		return HS_EXIT_OK;
	cli_error("out of memory folding stacks");
	return HS_EXIT_USAGE;
}

int cmd_folded_with(int argc, char **argv, const cli_loader *load)
{
	cli_opts o;
	const hs_command *cmd = hs_find_command("folded");
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	o.load = load;
	if (o.nfiles != 1) {
		cli_error("folded: takes exactly one profile");
		return HS_EXIT_USAGE;
	}
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

int cmd_folded(int argc, char **argv)
{
	return cmd_folded_with(argc, argv, NULL);
}
