/* heapscope triage DIR|FILE...: every file of an incident bundle through
 * the analyses at once, one report, verdict first.  The core is
 * src/core/triage.c, the writers src/output/triage_out.c (text, json) and
 * triage_html.c.  Exit status: 0 healthy or medium findings only, 1 when a
 * high-severity finding is reported, 2 for usage or a file that could not
 * be read (the rest still reported). */
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "heapscope/gctrace.h"
#include "heapscope/triage.h"

#include "../output/flame.h"
#include "../output/heapdump_out.h"
#include "../output/triage_out.h"
#include "cmd.h"

typedef struct triage_opts {
	cli_opts c;
	const char *exe;
	const char *own;
} triage_opts;

typedef struct triage_ctx {
	hs_triage *t;
	const cli_opts *o;
	const char *exe;
} triage_ctx;

/* The index of `file` among o->files: the adder passes those pointers. */
static int file_index(const triage_ctx *c, const char *file)
{
	for (int i = 0; i < c->o->nfiles; i++)
		if (c->o->files[i] == file)
			return i;
	return -1;
}

static bool streams(hs_input_kind k)
{
	return k == HS_IN_HEAPDUMP || k == HS_IN_CORE || k == HS_IN_TRACE || k == HS_IN_GCTRACE;
}

static hs_triage_kind profile_kind(const hs_profile *p)
{
	static const struct {
		const char *name;
		hs_triage_kind kind;
	} kinds[] = {
		{"heap", HS_TK_HEAP}, {"allocs", HS_TK_ALLOCS}, {"cpu", HS_TK_CPU},
		{"goroutine", HS_TK_GOROUTINE}, {"contention (block or mutex)", HS_TK_CONTENTION},
	};
	if (p->format == HS_FMT_GOROUTINE_DUMP)
		return HS_TK_GOROUTINE_DUMP;
	const char *k = hs_profile_kind(p);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(k, kinds[i].name) == 0)
			return kinds[i].kind;
	return HS_TK_OTHER;
}

static hs_err add_profile(const cli_adder *a, hs_profile *p, const char *file)
{
	const triage_ctx *c = a->ctx;
	int i = file_index(c, file);
	hs_triage_set_input(c->t, a->inv, a->input);
	hs_err rc = hs_triage_add_profile(c->t, i, file, p, profile_kind(p), a->e);
	/* no analysis reads it: the inventory says so ("not used") */
	if (rc == HS_OK && !hs_triage_input_at(c->t, (size_t)i)->used)
		rc = hs_fail(a->e, HS_E_USAGE, NULL);
	return rc;
}

/* A heap dump, or a core with --exe (hd_load_any): its heap as a heap
 * dump's, then a core's goroutines as a goroutine dump's (the input's
 * kind and total are its goroutines'). */
static int add_heapdump(const triage_ctx *c, int i, const char *file, bool core)
{
	hs_symtab syms;
	hs_heapdump h;
	hs_profile core_gs;   /* a core's goroutines, read with its heap */
	hs_profile_init(&core_gs);
	int rc = HS_EXIT_USAGE;
	hs_error e;
	hs_error_clear(&e);
	bool heap;
	if (hd_load_any(&h, &syms, &core_gs, &heap, file, c->exe, core)) {
		hs_hd_analysis an;
		if (!heap)   /* a core whose heap is refused: its goroutines */
			rc = hs_triage_add_profile(c->t, i, file, &core_gs, HS_TK_GOROUTINE_DUMP, &e) == HS_OK
			     ? HS_EXIT_OK : cli_file_error(file, &e);
		else if (hd_analyze(&an, &h, &syms, file)) {
			rc = hs_triage_add_heapdump(c->t, i, file, &an, &e) == HS_OK &&
			     (!core_gs.from_core || hs_triage_add_profile(c->t, i, file, &core_gs,
			                                                  HS_TK_GOROUTINE_DUMP, &e) == HS_OK)
			     ? HS_EXIT_OK : cli_file_error(file, &e);
			hs_hd_analysis_release(&an);
		}
		hs_heapdump_release(&h);
		hs_symtab_release(&syms);
	}
	hs_profile_release(&core_gs);
	return rc;
}

static int add_gctrace(const triage_ctx *c, int i, const char *file)
{
	hs_gctrace g;
	hs_error e;
	hs_error_clear(&e);
	hs_gctrace_init(&g);
	int rc = hs_gctrace_load(&g, file, &e) == HS_OK && hs_triage_add_gctrace(c->t, i, file, &g, &e) == HS_OK
	         ? HS_EXIT_OK : cli_file_error(file, &e);
	hs_gctrace_release(&g);
	return rc;
}

/* Heap dumps, cores, gctrace logs and traces are read in their turn. */
static int add_stream(const cli_adder *a, const char *file)
{
	const triage_ctx *c = a->ctx;
	int i = file_index(c, file);
	if (a->kind == HS_IN_HEAPDUMP)
		return add_heapdump(c, i, file, false);
	if (a->kind == HS_IN_CORE)
		return c->exe ? add_heapdump(c, i, file, true)
		              : cli_file_fail(file, "%s", HS_CORE_NEEDS_EXE);
	if (a->kind == HS_IN_GCTRACE)
		return add_gctrace(c, i, file);
	hs_profile p;
	hs_profile_init(&p);
	int rc = HS_EXIT_USAGE;
	hs_triage_set_input(c->t, a->inv, a->input);
	if (cli_load_trace(&p, file, CLI_TRACE_END))
		rc = hs_triage_add_profile(c->t, i, file, &p, HS_TK_TRACE, a->e) == HS_OK
		     ? HS_EXIT_OK : cli_file_error(file, a->e);
	hs_profile_release(&p);
	return rc;
}

/* ---- flame graphs of the html report ------------------------------------ */

/* The profile the graphs draw from: one loaded at a time, kept while
 * the next graph reads the same file (the last heap profile gives three). */
typedef struct flame_src {
	const char *exe;         /* --exe: a core's goroutines */
	const char *file;        /* NULL: none loaded */
	hs_profile p;
	bool ok;
} flame_src;

static hs_profile *src_load(flame_src *s, const char *file)
{
	if (s->file && strcmp(s->file, file) == 0)
		return s->ok ? &s->p : NULL;
	if (s->file)
		hs_profile_release(&s->p);
	hs_profile_init(&s->p);
	s->file = file;
	cli_opts lo = {.exe = s->exe};
	s->ok = cli_load(&s->p, file, &lo);
	return s->ok ? &s->p : NULL;
}

/* Add file's view of sample type `type` (NULL: the default) to f as
 * side NEW or BASE; states: the wait states as leaf frames. */
static bool flame_view(flame_src *src, flame *f, const char *file, const char *type, int side,
                       bool states)
{
	hs_profile *p = src_load(src, file);
	cli_opts vo = {.sample_index = type, .nodecount = -1};
	hs_view v;
	bool ok = false;
	if (p && cli_view(&v, p, file, &vo)) {
		ok = states ? flame_add_view_states(f, &v, p) : flame_add_view(f, &v, side, false);
		if (!ok)
			cli_error("out of memory drawing '%s'", file);
		hs_view_release(&v);
	}
	return ok;
}

typedef struct flame_spec {
	const char *title, *countname;
	int input, base;          /* base: -1 unless differential */
	const char *type;         /* sample type, NULL: the default */
	bool states;              /* wait states as leaf frames */
} flame_spec;

static void build_flames(hs_triage *t, triage_report *r, const char *exe)
{
	hs_triage_flames fi;
	hs_triage_flame_inputs(t, &fi);
	const flame_spec specs[] = {
		{"In-use space, last heap profile", "bytes", fi.heap_last, -1, "inuse_space", false},
		{"Allocated space, last heap profile", "bytes", fi.heap_last, -1, "alloc_space", false},
		{"Growth: first vs last heap profile (in-use space)", "bytes", fi.heap_last,
		 fi.heap_first, "inuse_space", false},
		{"CPU", "nanoseconds", fi.cpu, -1, NULL, false},
		{"Off-CPU: goroutines by stack and wait state", "goroutines", fi.goroutines, -1, NULL, true},
	};
	flame_src src = {.exe = exe};
	for (size_t k = 0; k < sizeof specs / sizeof specs[0] && r->nflames < TRIAGE_MAX_FLAMES; k++) {
		const flame_spec *s = &specs[k];
		if (s->input < 0 || (s == &specs[2] && s->base < 0))
			continue;
		const char *file = hs_triage_input_at(t, (size_t)s->input)->file;
		triage_flame *tf = &r->flames[r->nflames];
		tf->f = flame_new();
		tf->title = s->title;
		tf->file = file;
		tf->countname = s->countname;
		tf->differential = s->base >= 0;
		tf->base_file = s->base >= 0 ? hs_triage_input_at(t, (size_t)s->base)->file : NULL;
		bool ok = tf->f && flame_view(&src, tf->f, file, s->type, FLAME_NEW, s->states);
		if (ok && s->base >= 0)
			ok = flame_view(&src, tf->f, hs_triage_input_at(t, (size_t)s->base)->file, s->type,
			                FLAME_BASE, false);
		if (!ok) {
			flame_free(tf->f);
			continue;
		}
		hs_triage_mark_flame(t, s->input);
		if (s->base >= 0)
			hs_triage_mark_flame(t, s->base);
		r->nflames++;
	}
	if (src.file)
		hs_profile_release(&src.p);
}

static void write_triage(FILE *out, const cli_opts *o, const void *data)
{
	triage_format_find(o->format)->write(out, data);
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const triage_opts *top = (const triage_opts *)op;
	const cli_opts o = *op;
	hs_error e;
	hs_error_clear(&e);
	hs_triage *t = hs_triage_new(o.nfiles, top->own, &e);
	if (!t) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		return e.code == HS_E_REGEX ? cli_error("--own: %s", msg) : cli_error("%s", msg);
	}
	hs_inventory *inv = hs_inventory_new(&e);
	if (!inv) {
		hs_triage_free(t);
		return cli_error("out of memory");
	}
	triage_ctx c = {t, &o, top->exe};
	cli_adder a = {.name = "triage", .streams = streams, .stream = add_stream,
	               .add = add_profile, .ctx = &c, .e = &e, .inv = inv};
	int read_rc = cli_add_files(&a, &o);
	for (int i = 0; i < o.nfiles; i++)
		if (!*hs_triage_input_at(t, (size_t)i)->file)
			hs_triage_add_other(t, i, o.files[i], HS_TK_UNREADABLE, &e);
	int rc = HS_EXIT_OK;
	if (hs_triage_finish(t, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		rc = cli_error("%s", msg);
	}
	triage_report r = {.t = t, .inv = inv, .read_failed = read_rc != HS_EXIT_OK};
	if (rc == HS_EXIT_OK && strcmp(o.format, "html") == 0)
		build_flames(t, &r, top->exe);
	if (rc == HS_EXIT_OK)
		rc = cli_write_output(&o, write_triage, &r);
	for (size_t k = 0; k < r.nflames; k++)
		flame_free(r.flames[k].f);
	if (rc == HS_EXIT_OK && read_rc != HS_EXIT_OK)
		rc = read_rc;
	if (rc == HS_EXIT_OK && hs_triage_high(t))
		rc = HS_EXIT_CHECK;
	hs_triage_free(t);
	hs_inventory_free(inv);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_EXE(triage_opts, exe), CLI_OPT_OWN(triage_opts, own),
	CLI_OPT_ADDRESSES, CLI_OPT_END,
};

const hs_command cmd_triage = {
	CLI_COMMAND("triage", run, options, triage_opts, &triage_out_formats, "DIR|FILE...",
	            "One report over an incident bundle: findings of every analysis, verdict "
	            "first, timeline, tables (html: charts and flame graphs)."),
	.dirs = true,
};
