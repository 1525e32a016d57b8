/* heapscope info: what a file is and what it holds: a profile's format,
 * sample types and totals; a trace's, heap dump's, gctrace log's or core's
 * few numbers (hs_file_facts).  A file that cannot be read is named and
 * the rest still described. */
#include <string.h>

#include "../output/info_out.h"
#include "heapscope/load.h"
#include "heapscope/summary.h"
#include "heapscope/units.h"
#include "cmd.h"

/* A trace, heap dump, gctrace log or core: described from its facts;
 * an exit status. */
static int describe_facts(const info_format *fmt, info_w *w, hs_inventory *inv, const char *file,
                          hs_input_kind kind, hs_input *in, const cli_opts *o)
{
	hs_file_facts f;
	hs_error e;
	hs_error_clear(&e);
	size_t i = hs_inventory_add_file(inv, file, kind);
	if (hs_file_facts_read(&f, in, file, kind, o->exe, &e) != HS_OK) {
		hs_inventory_unuse(inv, i, HS_WHY_UNREADABLE);
		return cli_file_error(file, &e);
	}
	fmt->facts(w, file, &f);
	/* a core whose heap profile cannot be read is still described */
	const hs_core_heap_facts *h = &f.u.core.heap;
	if (kind == HS_IN_CORE && f.u.core.read && !h->read)
		cli_warn(file, "heap profile not read: %s",
		         h->error.detail[0] ? h->error.detail : hs_strerror(h->error.code));
	return HS_EXIT_OK;
}

/* A profile (or anything else, which the loader names), from in when it
 * is open; an exit status. */
static int describe_profile(const info_format *fmt, info_w *w, hs_inventory *inv,
                            const char *file, hs_input *in, const cli_opts *o)
{
	hs_profile p;
	hs_profile_init(&p);
	p.counts_only = true;   /* info reads no sample: counted, not kept */
	bool ok = cli_load_input(&p, file, in, o);
	size_t i = cli_inventory_add(inv, file, ok ? &p : NULL);
	const hs_input_entry *entry = hs_inventory_at(inv, i);
	/* a text heap profile has no time of its own: its MemStats LastGC */
	if (ok && !p.time_nanos && entry && entry->time_from == HS_TIME_LASTGC)
		p.time_nanos = entry->time;
	if (ok)
		fmt->file(w, file, &p);
	hs_profile_release(&p);
	return ok ? HS_EXIT_OK : HS_EXIT_USAGE;
}

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
		const char *file = o.files[i];
		/* one open, sniffed and read; stdin is read once: as a profile,
		 * and a file that cannot be opened is named by the loader */
		hs_input in;
		hs_input_kind k = cli_file_open(file, &in);
		bool open = strcmp(file, "-") != 0 && k != HS_IN_UNREADABLE;
		int r = hs_file_facts_kind(k) ? describe_facts(fmt, &w, inv, file, k, &in, &o)
		                              : describe_profile(fmt, &w, inv, file, open ? &in : NULL, &o);
		hs_input_release(&in);
		if (r != HS_EXIT_OK)
			rc = r;
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

static const cli_option options[] = {CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES,
                                     CLI_OPT_CORE_EXE, CLI_OPT_END};

const hs_command cmd_info = {
	CLI_COMMAND("info", run, options, cli_opts, &info_out_formats, "FILE...",
	            "Describe files: a profile's format, sample types and totals; a trace's, heap "
	            "dump's, gctrace log's or core's contents."),
	.dirs = true,
};
