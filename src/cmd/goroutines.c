/* heapscope goroutines: the goroutines of dumps (or goroutine profiles)
 * in groups, biggest first, so the culprit of a leak or a pile-up is the
 * first line.  Grouping is the core's (include/heapscope/goroutines.h),
 * the writers are src/output/goroutines_out.c; this loads and picks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output/goroutines_out.h"
#include "cmd.h"

/* The goroutine files of a walk, loaded: a slot per input, or per moment
 * of a file of several (dumps appended into a log: FILE#K), its entry. */
typedef struct gfiles {
	hs_profile *p;
	bool *have;                /* p[k] holds slot k's goroutines */
	size_t *input;             /* slot k's entry in the inventory */
	char **part;               /* slot k's name FILE#K when a part, else NULL */
	const char **name;         /* slot k's name */
	int nslots;
	char **files;              /* the snapshots' names, in time order */
	char **dumpname;           /* per snapshot: FILE (dump K) allocated, or NULL */
	int n;                     /* snapshots */
	bool bad;                  /* a file could not be read (printed) */
} gfiles;

/* The parts of a file of several moments, into the slots from `slot` on:
 * goroutine dumps or profiles kept, another kind counted once in u. */
typedef struct part_ctx {
	gfiles *f;
	int slot;
	bool first;
	hs_inventory *inv;
	cli_unused *u;
} part_ctx;

static int take_part(void *ctx, hs_profile *p, char *name, size_t input, int64_t t,
                     hs_time_from from)
{
	(void)t, (void)from;
	part_ctx *c = ctx;
	int k = c->slot++;
	c->f->input[k] = input;
	c->f->part[k] = name;
	c->f->name[k] = name;
	bool first = c->first;
	c->first = false;
	if (strcmp(hs_profile_kind(p), "goroutine") != 0) {
		if (first) {
			cli_unused_add(c->u, hs_profile_kind(p));
			hs_inventory_unuse(c->inv, input, HS_WHY_KIND);
		}
		return HS_EXIT_OK;
	}
	/* the part's model moves into the slot; cli_load_parts then
	 * releases an empty profile */
	c->f->p[k] = *p;
	hs_profile_init(p);
	c->f->have[k] = true;
	return HS_EXIT_OK;
}

/* Load file k unless it is a heap dump: a goroutine dump or profile is
 * kept, another profile or no profile is counted in u. */
static void load_one(gfiles *f, hs_inventory *inv, const char *file, hs_input_kind kind, int k,
                     cli_loads *l, cli_unused *u)
{
	hs_profile *p = &f->p[k];
	if (!cli_loads_next(l, p)) {
		f->input[k] = hs_inventory_add_file(inv, file, kind);
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

/* The heap dumps among the files (by kind), in their slots: their
 * goroutines only when no goroutine dump or profile was read (any). */
static void add_heapdumps(gfiles *f, hs_inventory *inv, const cli_opts *o,
                          const hs_input_kind *kind, const int *slot, bool any, cli_unused *u)
{
	for (int i = 0; i < o->nfiles; i++) {
		if (kind[i] != HS_IN_HEAPDUMP)
			continue;
		int k = slot[i];
		if (any) {
			hs_inventory_unuse(inv, f->input[k], HS_WHY_KIND);
			u->other++;
		} else if (hd_load_goroutines(&f->p[k], o->files[i], NULL)) {
			f->have[k] = true;
		} else {
			hs_inventory_unuse(inv, f->input[k], HS_WHY_UNREADABLE);
			f->bad = true;
		}
	}
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
	hs_input_kind *kind = calloc(n, sizeof *kind);
	size_t *parts = calloc(n, sizeof *parts), nslots = 1;
	int *slot = calloc(n, sizeof *slot);   /* file i's first slot */
	hs_input *held = calloc(n, sizeof *held);   /* a file of several parts, read */
	bool ok = loaded && kind && parts && slot && held;
	int nl = 0;
	for (int i = 0; ok && i < o->nfiles; i++) {
		/* ?debug=1 profiles appended into one file: a slot per profile
		 * (appended debug=2 dumps are told apart by their labels) */
		kind[i] = cli_file_sniff(o->files[i], &parts[i], &held[i]);
		if (kind[i] == HS_IN_HEAPDUMP || parts[i] == 0)
			parts[i] = 1;   /* a gctrace log: no goroutines, listed as such */
		slot[i] = (int)nslots - 1;
		nslots += parts[i];
		if (kind[i] != HS_IN_HEAPDUMP && parts[i] == 1)
			loaded[nl++] = o->files[i];
	}
	f->nslots = (int)nslots - 1;
	if (ok) {
		f->p = calloc(nslots, sizeof *f->p);
		f->have = calloc(nslots, sizeof *f->have);
		f->input = calloc(nslots, sizeof *f->input);
		f->part = calloc(nslots, sizeof *f->part);
		f->name = calloc(nslots, sizeof *f->name);
		ok = f->p && f->have && f->input && f->part && f->name;
	}
	if (!ok) {
		free(loaded);
		free(kind);
		free(parts);
		free(slot);
		for (int i = 0; held && i < o->nfiles; i++)
			hs_input_release(&held[i]);
		free(held);
		cli_error("out of memory");
		return false;
	}
	for (size_t k = 0; k < nslots; k++) {
		hs_profile_init(&f->p[k]);
		f->input[k] = SIZE_MAX;
	}
	for (int i = 0; i < o->nfiles; i++)
		f->name[slot[i]] = o->files[i];
	cli_loads l;
	cli_loads_start(&l, loaded, nl, o);
	l.quiet_other = true;
	cli_unused u = {0};
	bool any = false;
	/* every file listed in the order given, a heap dump before it is read */
	for (int i = 0; i < o->nfiles; i++) {
		int k = slot[i];
		if (kind[i] == HS_IN_HEAPDUMP) {
			f->input[k] = hs_inventory_add_file(inv, o->files[i], HS_IN_HEAPDUMP);
		} else if (parts[i] > 1) {
			part_ctx c = {f, k, true, inv, &u};
			if (cli_load_parts(o->files[i], &held[i], parts[i], o->addresses, inv, take_part,
			                   &c) != HS_EXIT_OK)
				f->bad = true;
			for (size_t j = 0; j < parts[i]; j++)
				any = any || f->have[k + (int)j];
		} else {
			load_one(f, inv, o->files[i], kind[i], k, &l, &u);
			any = any || f->have[k];
		}
	}
	cli_loads_end(&l);
	add_heapdumps(f, inv, o, kind, slot, any, &u);
	cli_unused_report(&u);
	cli_inventory_finish(inv);
	free(loaded);
	free(kind);
	free(parts);
	free(slot);
	for (int i = 0; i < o->nfiles; i++)
		hs_input_release(&held[i]);   /* not taken (out of memory) */
	free(held);
	return true;
}

/* The used file of f after `after` (SIZE_MAX: none yet) in the inventory's
 * time order (snapshot, then as given); -1 past the last. */
static int next_used(const gfiles *f, const hs_inventory *inv, int after)
{
	int best = -1;
	int64_t bs = 0, as = after < 0 ? -1 : hs_inventory_at(inv, f->input[after])->snapshot;
	for (int k = 0; k < f->nslots; k++) {
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
	for (int k = next_used(f, inv, -1); k >= 0; k = next_used(f, inv, k))
		n += (int)hs_goroutines_ndumps(&f->p[k]);
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
	if (!(f->files = calloc((size_t)n + 1, sizeof *f->files)) ||
	    !(f->dumpname = calloc((size_t)n + 1, sizeof *f->dumpname))) {
		cli_error("out of memory");
		return false;
	}
	for (int k = next_used(f, inv, -1); k >= 0; k = next_used(f, inv, k)) {
		/* dumps appended into one file: a column each, named as leaks
		 * names them (FILE, then FILE (dump 1), ...) */
		int64_t nd = hs_goroutines_ndumps(&f->p[k]);
		for (int64_t d = 0; d < nd; d++) {
			if (hs_goroutines_add_dump(*gp, &f->p[k], nd > 1 ? d : -1, f->n, &e) != HS_OK) {
				cli_file_fail(f->name[k], "%s", e.detail);
				return false;
			}
			char *name = (char *)f->name[k];
			if (d > 0 && asprintf(&f->dumpname[f->n], "%s (dump %lld)", name, (long long)d) < 0) {
				f->dumpname[f->n] = NULL;
				cli_error("out of memory");
				return false;
			}
			f->files[f->n] = d > 0 ? f->dumpname[f->n] : name;
			f->n++;
		}
	}
	return true;
}

static void gfiles_free(gfiles *f)
{
	for (int k = 0; f->p && k < f->nslots; k++)
		hs_profile_release(&f->p[k]);
	for (int k = 0; f->part && k < f->nslots; k++)
		free(f->part[k]);
	free(f->part);
	free((void *)f->name);
	for (int k = 0; f->dumpname && k < f->n; k++)
		free(f->dumpname[k]);
	free(f->dumpname);
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
	gfiles_free(&f);
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
