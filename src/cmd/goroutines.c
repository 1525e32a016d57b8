/* heapscope goroutines: the goroutines of dumps (or goroutine profiles)
 * in groups, biggest first, so the culprit of a leak or a pile-up is the
 * first line.  Grouping is the core's (include/heapscope/goroutines.h),
 * the writers are src/output/goroutines_out.c; this loads and picks. */
#include <stdlib.h>
#include <string.h>

#include "../output/goroutines_out.h"
#include "cmd.h"

/* Load each file and add its goroutines, listing it in inv; false after
 * printing why.  A heap dump's goroutines come as a goroutine dump
 * (src/cmd/heapdump.c); the other files load ahead, in order. */
static bool gather(hs_goroutines *g, hs_inventory *inv, const cli_opts *o)
{
	const char **loaded = calloc((size_t)o->nfiles + 1, sizeof *loaded);
	bool *dump = calloc((size_t)o->nfiles + 1, sizeof *dump);
	int nl = 0;
	if (!loaded || !dump) {
		free(loaded);
		free(dump);
		cli_error("out of memory");
		return false;
	}
	for (int k = 0; k < o->nfiles; k++)
		if (!(dump[k] = cli_is_heapdump(o->files[k])))
			loaded[nl++] = o->files[k];
	cli_loads l;
	cli_loads_start(&l, loaded, nl, o);
	bool ok = true;
	for (int k = 0; ok && k < o->nfiles; k++) {
		hs_profile p;
		const char *file = o->files[k];
		hs_profile_init(&p);
		if (!(ok = dump[k] ? hd_load_goroutines(&p, file, NULL) : cli_loads_next(&l, &p))) {
			cli_inventory_add(inv, file, NULL);
			hs_profile_release(&p);
			break;
		}
		size_t input = dump[k] ? hs_inventory_add_file(inv, file, HS_IN_HEAPDUMP)
		                       : cli_inventory_add(inv, file, &p);
		hs_error e;
		hs_error_clear(&e);
		if (hs_goroutines_add(g, &p, k, &e) != HS_OK) {
			cli_file_fail(file, "%s", e.detail);
			hs_inventory_unuse(inv, input, HS_WHY_UNREADABLE);
			ok = false;
		}
		hs_profile_release(&p);
	}
	cli_loads_end(&l);
	free(loaded);
	free(dump);
	return ok;
}

typedef struct goroutines_opts {
	cli_opts c;
	int by;                    /* hs_group_by */
} goroutines_opts;

static int parse_by(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	(void)opt;
	int by = hs_group_by_parse(arg);
	if (by < 0) {
		return cli_error("unknown --by '%s' (want stack, created-by, top-frame or state)", arg);
	}
	*(int *)dest = by;
	return 0;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	int by = ((const goroutines_opts *)op)->by;
	int rc;
	const goroutines_format *fmt = goroutines_format_find(o.format);
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	hs_goroutines *g = inv ? hs_goroutines_new((hs_group_by)by, o.nfiles, &e) : NULL;
	if (!g) {
		hs_inventory_free(inv);
		return cli_error("out of memory");
	}
	rc = HS_EXIT_USAGE;
	if (!gather(g, inv, &o))
		goto out;
	/* every file is counted: the inventory orders them, no twin is left out */
	hs_inventory_finish(inv, false);
	if (hs_goroutines_finish(g, &e) != HS_OK) {
		cli_error("%s", e.detail);
		goto out;
	}
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	rc = HS_EXIT_OK;
	if (fmt && !fmt->write(out, g, o.files, inv)) {
		cli_error("out of memory writing %s output", o.format);
		rc = HS_EXIT_USAGE;
	}
	if (!cli_close_output(out, &o))
		rc = HS_EXIT_USAGE;
out:
	hs_goroutines_free(g);
	hs_inventory_free(inv);
	return rc;
}

static const cli_option options[] = {
	{"by", 0, "stack|created-by|top-frame|state",
	 "group by stack (default), created-by, top-frame or state", offsetof(goroutines_opts, by),
	 parse_by, false},
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_CORE_EXE, CLI_OPT_END,
};

const hs_command cmd_goroutines = {
	CLI_COMMAND("goroutines", run, options, goroutines_opts, &goroutines_out_formats, "FILE...",
	            "Goroutines of dumps, goroutine profiles or heap dumps grouped by stack, biggest group first."),
	.dirs = true,
};
