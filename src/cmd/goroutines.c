/* heapscope goroutines: the goroutines of dumps (or goroutine profiles)
 * in groups, biggest first, so the culprit of a leak or a pile-up is the
 * first line.  Grouping is the core's (include/heapscope/goroutines.h),
 * the writers are src/output/goroutines_out.c; this loads and picks. */
#include <stdlib.h>
#include <string.h>

#include "../output/goroutines_out.h"
#include "cmd.h"

/* The goroutine files of a walk, loaded: one per input, its entry. */
typedef struct gfiles {
	hs_profile *p;
	bool *have;                /* p[k] holds file k's goroutines */
	size_t *input;             /* file k's entry in the inventory */
	char **files;              /* the snapshots' names, in time order */
	int n;                     /* snapshots */
	bool bad;                  /* a file could not be read (printed) */
} gfiles;

/* Load file k unless it is a heap dump: a goroutine dump or profile is
 * kept, another profile or no profile is counted in u. */
static void load_one(gfiles *f, hs_inventory *inv, const char *file, int k, cli_loads *l,
                     cli_unused *u)
{
	hs_profile *p = &f->p[k];
	if (!cli_loads_next(l, p)) {
		f->input[k] = hs_inventory_add_file(inv, file, cli_file_kind(file));
		hs_inventory_unuse(inv, f->input[k], l->other ? HS_WHY_KIND : HS_WHY_UNREADABLE);
		if (l->other)
			u->other++;
		else
			f->bad = true;
		return;
	}
	f->input[k] = cli_inventory_add(inv, file, p);
	if (strcmp(hs_profile_kind(p), "goroutine") != 0) {
		cli_unused_add(u, hs_profile_kind(p));
		hs_inventory_unuse(inv, f->input[k], HS_WHY_KIND);
		hs_profile_release(p);
		return;
	}
	f->have[k] = true;
}

/* Every file read and listed in inv, a bad one named without stopping the
 * rest; the goroutine dumps and profiles kept (a heap dump's goroutines,
 * as a goroutine dump (src/cmd/heapdump.c), only when no goroutine dump or
 * profile is among the files: it is the same goroutines at another moment
 * otherwise); the other files listed once as not used.  The inventory is
 * finished (twins once).  False after printing why (out of memory). */
static bool gather(gfiles *f, hs_inventory *inv, const cli_opts *o)
{
	size_t n = (size_t)o->nfiles + 1;
	const char **loaded = calloc(n, sizeof *loaded);
	bool *dump = calloc(n, sizeof *dump);
	f->p = calloc(n, sizeof *f->p);
	f->have = calloc(n, sizeof *f->have);
	f->input = calloc(n, sizeof *f->input);
	f->files = calloc(n, sizeof *f->files);
	int nl = 0;
	if (!loaded || !dump || !f->p || !f->have || !f->input || !f->files) {
		free(loaded);
		free(dump);
		cli_error("out of memory");
		return false;
	}
	for (int k = 0; k < o->nfiles; k++) {
		hs_profile_init(&f->p[k]);
		f->input[k] = SIZE_MAX;
		if (!(dump[k] = cli_is_heapdump(o->files[k])))
			loaded[nl++] = o->files[k];
	}
	cli_loads l;
	cli_loads_start(&l, loaded, nl, o);
	l.quiet_other = true;
	cli_unused u = {0};
	bool any = false;
	/* every file listed in the order given, a heap dump before it is read */
	for (int k = 0; k < o->nfiles; k++)
		if (dump[k])
			f->input[k] = hs_inventory_add_file(inv, o->files[k], HS_IN_HEAPDUMP);
		else {
			load_one(f, inv, o->files[k], k, &l, &u);
			any = any || f->have[k];
		}
	cli_loads_end(&l);
	for (int k = 0; k < o->nfiles; k++) {
		if (!dump[k])
			continue;
		const char *file = o->files[k];
		if (any) {
			hs_inventory_unuse(inv, f->input[k], HS_WHY_KIND);
			u.other++;
		} else if (hd_load_goroutines(&f->p[k], file, NULL)) {
			f->have[k] = true;
		} else {
			hs_inventory_unuse(inv, f->input[k], HS_WHY_UNREADABLE);
			f->bad = true;
		}
	}
	cli_unused_report(&u);
	cli_inventory_finish(inv);
	free(loaded);
	free(dump);
	return true;
}

/* The used file of f after `after` (SIZE_MAX: none yet) in the inventory's
 * time order (snapshot, then as given); -1 past the last. */
static int next_used(const gfiles *f, const hs_inventory *inv, int nfiles, int after)
{
	int best = -1;
	int64_t bs = 0, as = after < 0 ? -1 : hs_inventory_at(inv, f->input[after])->snapshot;
	for (int k = 0; k < nfiles; k++) {
		const hs_input_entry *in = hs_inventory_at(inv, f->input[k]);
		if (!f->have[k] || !in || !in->used)
			continue;
		if (in->snapshot < as || (in->snapshot == as && k <= after))
			continue;
		if (best < 0 || in->snapshot < bs)
			best = k, bs = in->snapshot;
	}
	return best;
}

/* The used files' goroutines in a new *gp in the inventory's time order,
 * one column per file; false after printing why. */
static bool add_snapshots(gfiles *f, hs_goroutines **gp, hs_group_by by, hs_inventory *inv,
                          const cli_opts *o)
{
	int n = 0;
	for (int k = next_used(f, inv, o->nfiles, -1); k >= 0; k = next_used(f, inv, o->nfiles, k))
		n++;
	hs_error e;
	hs_error_clear(&e);
	if (n == 0) {
		if (!f->bad)
			cli_error("no goroutine dump or goroutine profile among the files");
		return false;
	}
	if (!(*gp = hs_goroutines_new(by, n, &e))) {
		cli_error("out of memory");
		return false;
	}
	for (int k = next_used(f, inv, o->nfiles, -1); k >= 0; k = next_used(f, inv, o->nfiles, k)) {
		if (hs_goroutines_add(*gp, &f->p[k], f->n, &e) != HS_OK) {
			cli_file_fail(o->files[k], "%s", e.detail);
			return false;
		}
		f->files[f->n++] = o->files[k];
	}
	return true;
}

static void gfiles_free(gfiles *f, int nfiles)
{
	for (int k = 0; f->p && k < nfiles; k++)
		hs_profile_release(&f->p[k]);
	free(f->p);
	free(f->have);
	free(f->input);
	free(f->files);
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
	gfiles f = {0};
	hs_goroutines *g = NULL;
	rc = HS_EXIT_USAGE;
	if (!inv) {
		cli_error("out of memory");
		goto out;
	}
	if (!gather(&f, inv, &o))
		goto out;
	if (!add_snapshots(&f, &g, (hs_group_by)by, inv, &o))
		goto out;
	if (hs_goroutines_finish(g, &e) != HS_OK) {
		cli_error("%s", e.detail);
		goto out;
	}
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	rc = HS_EXIT_OK;
	if (fmt && !fmt->write(out, g, f.files, inv)) {
		cli_error("out of memory writing %s output", o.format);
		rc = HS_EXIT_USAGE;
	}
	if (!cli_close_output(out, &o) || f.bad)
		rc = HS_EXIT_USAGE;
out:
	gfiles_free(&f, o.nfiles);
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
