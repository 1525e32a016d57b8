/* heapscope info: what a file is and what it holds. */
#include <string.h>

#include "../output/info_out.h"
#include "heapscope/units.h"
#include "cmd.h"

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	int rc = HS_EXIT_OK;
	FILE *out = cli_open_output(&o);
	if (!out)
		return HS_EXIT_USAGE;
	const info_format *fmt = info_format_find(o.format);
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	info_w w = {.out = out, .inv = inv};
	fmt->begin(&w);
	for (int i = 0; i < o.nfiles; i++) {
		hs_profile p;
		hs_profile_init(&p);
		p.counts_only = true;   /* info reads no sample: counted, not kept */
		bool ok = cli_load(&p, o.files[i], &o);
		cli_inventory_add(inv, o.files[i], ok ? &p : NULL);
		if (!ok)
			rc = HS_EXIT_USAGE;
		else
			fmt->file(&w, o.files[i], &p);
		hs_profile_release(&p);
	}
	/* info describes every file: no twins left out, but their moments */
	if (inv)
		hs_inventory_finish(inv, false);
	fmt->end(&w);
	hs_inventory_free(inv);
	if (!cli_close_output(out, &o))
		rc = HS_EXIT_USAGE;
	return rc;
}

static const cli_option options[] = {CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_END};

const hs_command cmd_info = {
	CLI_COMMAND("info", run, options, cli_opts, &info_out_formats, "FILE...",
	            "Describe profiles: format, producer, sample types and totals, counts."),
	.dirs = true,
};
