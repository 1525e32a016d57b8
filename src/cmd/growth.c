/* heapscope growth: per-function growth over a series of heap (or
 * goroutine) profiles, steady growers first.  The statistics and the
 * candidate rule are in include/heapscope/growth.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/filetime.h"
#include "heapscope/gctrace.h"
#include "heapscope/growth.h"
#include "heapscope/load.h"
#include "heapscope/rules.h"
#include "heapscope/units.h"

#include "../core/hashmap.h"
#include "../output/growth_out.h"
#include "cmd.h"

typedef struct growth_opts {
	cli_opts c;
	bool keep_order, stacks;
	const char *limit, *min_growth, *interval;   /* NULL: not given */
	const char *own;                             /* --own REGEX */
} growth_opts;

typedef struct series {
	const cli_opts *o;
	const growth_opts *gopt;   /* the same struct, with growth's own options */
	hs_growth *g;
	uint8_t *time_from;        /* per snapshot as given: enum growth_time_from */
	hs_inventory *inv;         /* the files */
	size_t nsnap;              /* snapshots read (load_series) */
	size_t nmax;               /* snapshots the inputs may hold */
	const char *kind;          /* the series' (hs_profile_kind), NULL before the first */
	cli_unused unused;         /* profiles of other kinds */
	bool unreadable;           /* a file could not be read (printed): exit 2 */
	size_t *input;             /* per snapshot as given: its entry in inv */
	const char **given;        /* per snapshot as given: its name (twins left out) */
	char **owned;              /* per snapshot: the FILE#K names allocated */
	growth_gc *gcs;            /* per gctrace log given */
	growth_series w;           /* what the writers get */
} series;

/* ---- writing: the newest profile for folded and dot ---------------------- */

/* Load the newest profile and build what fmt draws from it, then write. */
static int write_last(FILE *out, const series *s, const growth_format *fmt)
{
	const cli_opts *o = s->o;
	const char *file = s->w.files[hs_growth_nsnap(s->g) - 1];
	hs_profile p;
	hs_view v;
	hs_report r;
	report_fmt f;
	hs_error e;
	hs_error_clear(&e);
	int rc = HS_EXIT_USAGE, stage = 0;
	hs_profile_init(&p);
	if (!cli_load(&p, file, o) || !cli_view(&v, &p, file, o))
		goto out;
	stage = 1;
	growth_last last = {.v = &v};
	if (fmt->needs_report) {
		hs_report_opts ro = {.nodecount = o->nodecount < 0 ? GROWTH_DOT_NODECOUNT : o->nodecount,
		                     .nodefraction = 0.005, .edgefraction = 0.001, .visual = true};
		if (hs_report_build(&r, &v, &ro, &e) != HS_OK) {
			cli_file_error(file, &e);
			goto out;
		}
		stage = 2;
		report_fmt_init(&f, &p, &v, &r, o->unit);
		last.f = &f;
	}
	if (fmt->write(out, &s->w, &last, &e))
		rc = HS_EXIT_OK;
	else if (e.code)
		cli_file_error(file, &e);
	else
		cli_error("out of memory writing %s", fmt->name);
out:
	if (stage >= 2)
		hs_report_release(&r);
	if (stage >= 1)
		hs_view_release(&v);
	hs_profile_release(&p);
	return rc;
}

/* ---- whose code a candidate's growth is ------------------------------------ */

/* A candidate named by a function that is not the program's own code gets
 * the own frame above it that grew most (hs_growth_own), from the first
 * and last snapshots loaded again; none when they are parts of one file
 * (FILE#K) or rows are no functions (--stacks, another granularity). */
static int own_culprits(series *s, hs_growth_own **own)
{
	const cli_opts *o = s->o;
	size_t n = hs_growth_nsnap(s->g), nrows = hs_growth_nrows(s->g), ncand = 0;
	for (size_t i = 0; i < nrows; i++)
		ncand += hs_growth_row_at(s->g, i)->candidate;
	if (!ncand || s->gopt->stacks || o->cum || o->granularity != HS_GRAN_FUNCTIONS)
		return HS_EXIT_OK;
	for (size_t i = 0; i < s->nsnap; i++)
		if (s->owned[i])
			return HS_EXIT_OK;
	hs_error e;
	hs_error_clear(&e);
	if (!(*own = hs_growth_own_new(&e)))
		return cli_error("%s", e.detail);
	if (s->gopt->own && hs_growth_own_set_regex(*own, s->gopt->own, &e) != HS_OK)
		return cli_error("--own: %s", e.detail);
	for (int last = 0; last < 2; last++) {
		const char *file = s->w.files[last ? n - 1 : 0];
		cli_opts po = *o;
		po.sample_index = s->w.sample_type;
		hs_profile p;
		hs_view v;
		hs_profile_init(&p);
		bool ok = cli_load(&p, file, &po) && cli_view(&v, &p, file, &po);
		if (ok) {
			ok = hs_growth_own_add(*own, &v, last, &e) == HS_OK;
			hs_view_release(&v);
			if (!ok)
				cli_file_error(file, &e);
		}
		hs_profile_release(&p);
		if (!ok)
			return HS_EXIT_USAGE;
	}
	s->w.own = *own;
	return HS_EXIT_OK;
}

static int write_series(FILE *out, series *s, const growth_format *fmt)
{
	growth_series *w = &s->w;
	w->g = s->g;
	w->time_from = s->time_from;
	w->display_unit = s->o->unit;
	w->nodecount = s->o->nodecount;
	w->cum = s->o->cum;
	w->granularity = s->o->granularity;
	w->interval = s->gopt->interval != NULL;
	if (fmt->needs_view)
		return write_last(out, s, fmt);
	hs_error e;
	hs_error_clear(&e);
	return fmt->write(out, w, NULL, &e) ? HS_EXIT_OK : HS_EXIT_USAGE;
}

/* ---- loading the series -------------------------------------------------- */

/* A --limit or --min-growth value, in the series' sample unit. */
static bool parse_amount(const series *s, const char *opt, const char *text, int64_t *out)
{
	hs_quantity q;
	hs_error e;
	hs_error_clear(&e);
	double per_unit;
	hs_qty_kind uk = hs_unit_kind(s->w.unit, &per_unit);
	if (hs_parse_quantity(text, &q, &e) != HS_OK) {
		cli_error("--%s: %s", opt, e.detail);
		return false;
	}
	if (q.kind != HS_QTY_NUMBER && q.kind != uk) {
		cli_error("--%s %s is a %s, but %s is in %s", opt, text,
		          q.kind == HS_QTY_BYTES ? "size" : "duration", s->w.sample_type,
		          s->w.unit[0] ? s->w.unit : "no unit");
		return false;
	}
	*out = q.kind == HS_QTY_NUMBER ? q.value : (int64_t)llround((double)q.value / per_unit);
	return true;
}

/* A gctrace log: its last run, beside the series. */
static int load_gctrace(series *s, const char *file)
{
	hs_gctrace t;
	hs_error e;
	hs_error_clear(&e);
	hs_gctrace_init(&t);
	int rc = HS_EXIT_OK;
	if (hs_gctrace_load(&t, file, &e) != HS_OK) {
		cli_inventory_add(s->inv, file, NULL);
		rc = cli_file_error(file, &e);
	} else {
		growth_gc *g = &s->gcs[s->w.ngcs++];
		g->file = file;
		hs_gctrace_run(&t, hs_gctrace_nruns(&t) - 1, 0, &g->run);
		hs_inventory_add_file(s->inv, file, HS_IN_GCTRACE);
	}
	hs_gctrace_release(&t);
	return rc;
}

/* Snapshot i: profile p of `file`, shown as `name`, entry `input` of the
 * inventory, at moment t (from `from`) unless --interval. */
static int add_snapshot(series *s, size_t i, const char *file, const char *name, size_t input,
                        hs_profile *p, int64_t t, hs_time_from from, int64_t interval)
{
	const cli_opts *o = s->o;
	hs_view v;
	s->input[i] = input;
	s->given[i] = name;
	/* Every snapshot reports the first one's sample type, by name. */
	cli_opts po = *o;
	if (i > 0)
		po.sample_index = s->w.sample_type;
	/* An allocs profile holds the heap profile's values, alloc_space by
	 * default; that only counts up, so a series reads its in-use memory
	 * like a heap profile's unless --sample-index says otherwise (twins
	 * of heap and allocs profiles are then one series). */
	for (size_t k = 0; i == 0 && !o->sample_index && k < p->sample_types.len; k++)
		if (strcmp(hs_s(p, hs_sample_type(p, k)->type), "inuse_space") == 0)
			po.sample_index = "inuse_space";
	if (!cli_view(&v, p, file, &po))
		return HS_EXIT_USAGE;
	const hs_value_type *vt = hs_sample_type(p, v.sample_index);
	if (i == 0) {
		snprintf(s->w.sample_type, sizeof s->w.sample_type, "%s", hs_s(p, vt->type));
		snprintf(s->w.unit, sizeof s->w.unit, "%s", hs_s(p, vt->unit));
	} else if (strcmp(s->w.unit, hs_s(p, vt->unit)) != 0) {
		cli_file_fail(file, "%s in %s, but '%s' has it in %s", s->w.sample_type,
		              hs_s(p, vt->unit), s->given[0], s->w.unit);
		hs_view_release(&v);
		return HS_EXIT_USAGE;
	}
	hs_growth_add_memstats(s->g, i, p, NULL);
	/* --interval: the times are its, not the files' */
	s->time_from[i] = (uint8_t)(interval ? HS_TIME_PROFILE : from);
	if (interval)
		t = (int64_t)i * interval;
	if (!interval && t == 0) {
		cli_file_fail(name, "no time (no time_nanos, no MemStats LastGC, no time in its "
		              "name, no modification time): give --interval DURATION, the time "
		              "between snapshots taken in the order given");
		hs_view_release(&v);
		return HS_EXIT_USAGE;
	}
	hs_growth_set_time(s->g, i, t);
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = s->gopt->stacks ? hs_growth_add_view_stacks(s->g, i, &v, &e)
	                            : hs_growth_add_view(s->g, i, &v, o->cum, &e);
	hs_view_release(&v);
	return rc == HS_OK ? HS_EXIT_OK : cli_file_error(file, &e);
}

/* The series' kind: heap profiles (allocs profiles are their twins) when
 * the inputs hold any, else goroutine profiles, else the first profile's
 * kind. A folder's goroutine profiles named before its heap profiles do
 * not make it a goroutine series. */
static int kind_rank(const char *kind)
{
	return strcmp(kind, "heap") == 0 ? 0 : strcmp(kind, "goroutine") == 0 ? 1 : 2;
}

/* Profile p, entry `input` of the inventory: joins the series when it is
 * of its kind. One of a better kind (kind_rank) starts the series again
 * from it: the snapshots read so far are listed as not used. Another
 * kind is listed as not used. */
static int take_kind(series *s, size_t input, const hs_profile *p, size_t *snap)
{
	const char *kind = hs_profile_kind(p);
	if (s->kind && strcmp(s->kind, kind) == 0)
		return HS_EXIT_OK;
	if (s->kind && kind_rank(kind) >= kind_rank(s->kind)) {
		cli_unused_add(&s->unused, kind);
		hs_inventory_unuse(s->inv, input, HS_WHY_KIND);
		return HS_EXIT_OK;
	}
	if (s->kind && *snap > 0) {
		for (size_t i = 0; i < *snap; i++) {
			/* a file of several moments counts once */
			if (i == 0 || s->input[i] != s->input[i - 1])
				cli_unused_add(&s->unused, s->kind);
			hs_inventory_unuse(s->inv, s->input[i], HS_WHY_KIND);
			free(s->owned[i]);
			s->owned[i] = NULL;
		}
		hs_error e;
		hs_error_clear(&e);
		hs_growth_free(s->g);
		if (!(s->g = hs_growth_new(s->nmax, &e)))
			return cli_error("%s", e.detail);
		*snap = 0;
	}
	s->kind = kind;
	return HS_EXIT_OK;
}

/* A part of a file of several moments: the next snapshot. */
typedef struct part_ctx {
	series *s;
	const char *file;
	size_t *snap;
	int64_t interval;
	bool first, other;   /* the next part is the file's first; the file is of another kind */
} part_ctx;

static int add_part(void *ctx, hs_profile *p, char *name, size_t input, int64_t t,
                    hs_time_from from)
{
	part_ctx *c = ctx;
	/* the file's first part decides for all of it (take_kind) */
	if (c->first) {
		c->first = false;
		int rc = take_kind(c->s, input, p, c->snap);
		if (rc != HS_EXIT_OK)
			return free(name), rc;
		c->other = strcmp(c->s->kind, hs_profile_kind(p)) != 0;
	}
	if (c->other) {
		free(name);
		return HS_EXIT_OK;
	}
	c->s->owned[*c->snap] = name;
	return add_snapshot(c->s, (*c->snap)++, c->file, name, input, p, t, from, c->interval);
}

/* The snapshots of a file of nparts moments (its bytes in held, read by
 * the sniff), from *snap on: each part loaded by itself and named FILE#K;
 * its moment its own (LastGC). */
static int load_parts(series *s, const char *file, hs_input *held, size_t nparts, size_t *snap,
                      int64_t interval)
{
	part_ctx c = {s, file, snap, interval, true, false};
	return cli_load_parts(file, held, nparts, s->o->addresses, s->inv, add_part, &c);
}

/* The bytes the sniff kept that no load took (it stopped early). */
static void release_held(hs_input *held, int n)
{
	for (int i = 0; i < n; i++)
		hs_input_release(&held[i]);
	free(held);
}

/* Every file's snapshots in the order given: a whole profile loaded ahead
 * in a second thread (cli_loads), a file of several moments in its turn. */
static int load_series(series *s, const size_t *parts, const hs_input_kind *kind,
                       hs_input *held, int64_t interval)
{
	const cli_opts *o = s->o;
	const char **singles = calloc((size_t)o->nfiles + 1, sizeof *singles);
	if (!singles)
		return cli_error("out of memory");
	int ns = 0, rc = HS_EXIT_OK;
	for (int i = 0; i < o->nfiles; i++)
		if (parts[i] == 1)
			singles[ns++] = o->files[i];
	cli_loads l;
	cli_loads_start(&l, singles, ns, o);
	l.quiet_other = true;
	size_t snap = 0;
	/* A file that cannot be read, of another kind than the series'
	 * (take_kind: a folder's block profiles beside its heap profiles) or
	 * no profile (a trace, a heap dump) does not stop the rest: the first
	 * is named, the others listed once as not used. */
	int bad = HS_EXIT_OK;
	for (int i = 0; rc == HS_EXIT_OK && i < o->nfiles; i++) {
		const char *file = o->files[i];
		hs_profile p;
		if (parts[i] == 0) {
			rc = load_gctrace(s, file);
			continue;
		}
		if (parts[i] > 1) {
			rc = load_parts(s, file, &held[i], parts[i], &snap, interval);
			continue;
		}
		hs_profile_init(&p);
		if (!cli_loads_next(&l, &p)) {
			size_t input = hs_inventory_add_file(s->inv, file, kind[i]);
			hs_inventory_unuse(s->inv, input, l.other ? HS_WHY_KIND : HS_WHY_UNREADABLE);
			if (l.other)
				s->unused.other++;
			else
				bad = HS_EXIT_USAGE;
			continue;
		}
		size_t input = cli_inventory_add(s->inv, file, &p);
		rc = take_kind(s, input, &p, &snap);
		if (rc != HS_EXIT_OK || strcmp(s->kind, hs_profile_kind(&p)) != 0) {
			hs_profile_release(&p);
			continue;
		}
		const hs_input_entry *in = hs_inventory_at(s->inv, input);
		rc = add_snapshot(s, snap++, file, file, input, &p, in ? in->time : 0,
		                  in ? in->time_from : HS_TIME_NONE, interval);
		hs_profile_release(&p);
	}
	cli_loads_end(&l);
	free((void *)singles);
	cli_unused_report(&s->unused);
	s->nsnap = snap;
	s->unreadable = bad != HS_EXIT_OK;
	return rc;
}

/* A twin (inventory.h) is one snapshot with the file used instead: the
 * twins are left out of g before it orders the series; false when fewer
 * than 2 snapshots are left (printed). */
static bool drop_twins(series *s)
{
	size_t n = hs_growth_nsnap(s->g), k = 0;
	bool *keep = calloc(n + 1, sizeof *keep);   /* false past the snapshots read */
	if (!keep) {
		cli_error("out of memory");
		return false;
	}
	for (size_t i = 0; i < s->nsnap; i++) {
		const hs_input_entry *in = hs_inventory_at(s->inv, s->input[i]);
		keep[i] = !in || in->why != HS_WHY_TWIN;
		if (!keep[i])
			continue;
		s->given[k] = s->given[i];
		s->time_from[k++] = s->time_from[i];
	}
	hs_growth_keep(s->g, keep);
	free(keep);
	for (size_t i = 0; i < k; i++) {
		s->w.nlastgc += s->time_from[i] == HS_TIME_LASTGC;
		s->w.nname += s->time_from[i] == HS_TIME_NAME;
		s->w.nmtime += s->time_from[i] == HS_TIME_MTIME;
	}
	if (k < 2)
		cli_error("needs at least 2 profiles of different moments (twins count once)");
	return k >= 2;
}

/* The candidate rule's options: --min-growth (default 1 MiB of memory, 10
 * goroutines or objects, 1 s of time), --limit, the order; false after
 * printing why. */
static bool set_thresholds(series *s, const growth_opts *g, int64_t interval)
{
	double per_unit = 1;
	hs_qty_kind uk = hs_unit_kind(s->w.unit, &per_unit);
	s->w.min_growth = uk == HS_QTY_BYTES ? 1 << 20 : uk == HS_QTY_NANOS ? (int64_t)(1e9 / per_unit) : 10;
	if (g->min_growth && !parse_amount(s, "min-growth", g->min_growth, &s->w.min_growth))
		return false;
	s->w.go.min_growth = s->w.min_growth;
	s->w.go.keep_order = g->keep_order || interval;
	if (g->limit) {
		if (!parse_amount(s, "limit", g->limit, &s->w.go.limit))
			return false;
		s->w.go.has_limit = true;
		s->w.go.has_mem_limit = growth_is_bytes(&s->w);
		s->w.go.mem_limit = s->w.go.limit;
	}
	return true;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const growth_opts *g = (const growth_opts *)op;
	const cli_opts o = *op;
	int rc;
	if (g->stacks && (o.cum || strcmp(o.format, "dot") == 0)) {
		return cli_error("--stacks has a row per stack: no --cum, no --format dot");
	}
	int64_t interval = 0;
	if (g->interval) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_parse_duration(g->interval, &interval, &e) != HS_OK || interval <= 0) {
			return cli_error("--interval: %s", e.code ? e.detail : "must be more than 0");
		}
	}
	series s = {.o = op, .gopt = g};
	hs_error e;
	hs_error_clear(&e);
	/* a Go text profile written several times into one file is several
	 * snapshots (hs_text_moments) */
	size_t *parts = calloc((size_t)o.nfiles, sizeof *parts), nsnap = 0;
	hs_input_kind *kind = calloc((size_t)o.nfiles, sizeof *kind);
	hs_input *held = calloc((size_t)o.nfiles, sizeof *held);   /* files of several parts */
	if (!parts || !kind || !held) {
		free(parts);
		free(kind);
		free(held);
		return cli_error("out of memory");
	}
	for (int i = 0; i < o.nfiles; i++) {
		kind[i] = cli_file_sniff(o.files[i], &parts[i], &held[i]);
		nsnap += parts[i];
	}
	if (nsnap < 2) {
		release_held(held, o.nfiles);
		free(parts);
		free(kind);
		return cli_error("needs at least 2 profiles, oldest to newest or with times");
	}
	s.nmax = nsnap;
	if (!(s.g = hs_growth_new(nsnap, &e))) {
		release_held(held, o.nfiles);
		free(parts);
		free(kind);
		return cli_error("%s", e.detail);
	}
	s.w.files = calloc(nsnap, sizeof *s.w.files);
	s.time_from = calloc(nsnap, 1);
	s.input = calloc(nsnap, sizeof *s.input);
	s.given = calloc(nsnap, sizeof *s.given);
	s.owned = calloc(nsnap, sizeof *s.owned);
	s.gcs = calloc((size_t)o.nfiles, sizeof *s.gcs);
	s.w.gcs = s.gcs;
	s.inv = hs_inventory_new(&e);
	s.w.inv = s.inv;
	rc = HS_EXIT_USAGE;
	if (!s.w.files || !s.time_from || !s.input || !s.given || !s.owned || !s.gcs || !s.inv) {
		cli_error("out of memory");
		goto out;
	}
	/* a file that could not be read is named; the others still make the
	 * series, and the status is 2 */
	if (load_series(&s, parts, kind, held, interval) != HS_EXIT_OK)
		goto out;
	cli_inventory_finish(s.inv);
	if (!drop_twins(&s))
		goto out;
	if (!set_thresholds(&s, g, interval))
		goto out;
	hs_error_clear(&e);
	if (hs_growth_finish(s.g, &s.w.go, &e) != HS_OK) {
		cli_error("%s%s", e.detail,
		          e.code == HS_E_USAGE ? " (give --interval DURATION to space them)" : "");
		goto out;
	}
	for (size_t i = 0; i < hs_growth_nsnap(s.g); i++)
		s.w.files[i] = s.given[hs_growth_order(s.g)[i]];
	hs_growth_own *own = NULL;
	if (strcmp(o.format, "text") == 0 || strcmp(o.format, "json") == 0)
		if (own_culprits(&s, &own) != HS_EXIT_OK) {
			hs_growth_own_free(own);
			goto out;
		}
	FILE *out = cli_open_output(&o);
	if (!out) {
		hs_growth_own_free(own);
		goto out;
	}
	rc = write_series(out, &s, growth_format_find(o.format));
	hs_growth_own_free(own);
	if (rc == HS_EXIT_OK && s.unreadable)
		rc = HS_EXIT_USAGE;
	if (!cli_close_output(out, &o) && rc == HS_EXIT_OK)
		rc = HS_EXIT_USAGE;
out:
	free((void *)s.w.files);
	free(s.time_from);
	free(s.input);
	free((void *)s.given);
	for (size_t i = 0; s.owned && i < nsnap; i++)
		free(s.owned[i]);
	free(s.owned);
	free(s.gcs);
	release_held(held, o.nfiles);
	free(parts);
	free(kind);
	hs_inventory_free(s.inv);
	hs_growth_free(s.g);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_SAMPLE_INDEX, CLI_OPT_NODECOUNT, CLI_OPT_FILTERS, CLI_OPT_GRANULARITY,
	CLI_OPT_UNIT, CLI_OPT_CUM,
	{"keep-order", 0, NULL, "take the profiles in the order given, not by their time",
	 offsetof(growth_opts, keep_order), NULL, false},
	{"limit", 0, "SIZE", "project when the total (and each candidate) reaches SIZE, e.g. 2GiB",
	 offsetof(growth_opts, limit), cli_parse_string, false},
	{"min-growth", 0, "SIZE", "growth a candidate needs (default 1MiB; 10 for counts)",
	 offsetof(growth_opts, min_growth), cli_parse_string, false},
	{"interval", 0, "DURATION", "time between snapshots, for profiles without a time (e.g. 30s)",
	 offsetof(growth_opts, interval), cli_parse_string, false},
	{"stacks", 0, NULL, "a row per stack (root;...;leaf) instead of per function",
	 offsetof(growth_opts, stacks), NULL, false},
	CLI_OPT_OWN(growth_opts, own),
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_END,
};

const hs_command cmd_growth = {
	CLI_COMMAND("growth", run, options, growth_opts, &growth_out_formats, "FILE1 FILE2...",
	            "Growth per function over a series of heap or goroutine profiles: leak candidates first."),
	.dirs = true,
};
