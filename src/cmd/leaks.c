/* heapscope leaks: ranked leak candidates from goroutine dumps, goroutine
 * profiles, heap profiles, traces, heap dumps and cores (their suspects
 * and their goroutines).  The core is src/core/leaks.c.  Exit status
 * 0 whatever it finds (2 for usage and input errors). */
#include <stdlib.h>
#include <string.h>

#include "../output/leaks_out.h"
#include "heapscope/core.h"
#include "heapscope/gctrace.h"
#include "heapscope/leaks.h"
#include "cmd.h"

typedef struct leaks_opts {
	cli_opts c;
	hs_leak_opts lo;
	const char *exe;
	const char *own;
} leaks_opts;

static void defaults(cli_opts *o)
{
	hs_leak_opts_default(&((leaks_opts *)o)->lo);
}

typedef struct leaks_ctx {
	hs_leaks *l;
	const char *exe;
} leaks_ctx;

static hs_err add_profile(const cli_adder *a, hs_profile *p, const char *file)
{
	(void)file;
	const leaks_ctx *c = a->ctx;
	if (a->part.name)   /* one of the moments of a file holding several */
		return hs_leaks_add_part(c->l, p, a->inv, a->input, a->part.name, a->part.time,
		                         a->part.from, a->e);
	return hs_leaks_add_input(c->l, p, a->inv, a->input, a->e);
}

static bool streams(hs_input_kind k)
{
	return k == HS_IN_HEAPDUMP || k == HS_IN_CORE || k == HS_IN_TRACE || k == HS_IN_GCTRACE;
}

/* A gctrace log: its last run's live heap (hs_leaks_add_gctrace). */
static int add_gctrace(const cli_adder *a, const char *file)
{
	const leaks_ctx *c = a->ctx;
	hs_gctrace t;
	hs_gctrace_init(&t);
	int rc = HS_EXIT_OK;
	if (hs_gctrace_load(&t, file, a->e) != HS_OK) {
		rc = cli_file_error(file, a->e);
	} else {
		hs_gc_run run;
		hs_gctrace_run(&t, hs_gctrace_nruns(&t) - 1, 0, &run);
		if (hs_leaks_add_gctrace(c->l, file, &run, a->e) != HS_OK)
			rc = cli_file_error(file, a->e);
	}
	hs_gctrace_release(&t);
	return rc;
}

/* A heap dump or core: its heap and its goroutines (hd_leaks_add); a
 * trace: the goroutines blocked at its end, as a goroutine profile. */
static int add_stream(const cli_adder *a, const char *file)
{
	const leaks_ctx *c = a->ctx;
	hs_input_kind k = a->kind;
	if (k == HS_IN_CORE && !c->exe)
		return cli_file_fail(file, "%s", HS_CORE_NEEDS_EXE);
	if (k == HS_IN_HEAPDUMP || k == HS_IN_CORE)
		return hd_leaks_add(c->l, file, k == HS_IN_CORE, c->exe, a->inv, a->input);
	if (k == HS_IN_GCTRACE)
		return add_gctrace(a, file);
	return cli_add_trace(a, file, CLI_TRACE_END);
}

/* The writer of --format, from src/output/leaks_out.c's table. */
static void write_leaks(FILE *out, const cli_opts *o, const void *data)
{
	const leaks_report *r = data;
	leaks_format_find(o->format)->write(out, r);
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const leaks_opts *lop = (const leaks_opts *)op;
	op->exe = lop->exe;     /* heap dumps and cores */
	const cli_opts o = *op;
	const hs_leak_opts lo = lop->lo;
	const char *exe = lop->exe;
	int rc;
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	hs_leaks *l = inv ? hs_leaks_new(&lo, &e) : NULL;
	if (!l) {
		hs_inventory_free(inv);
		return cli_error("out of memory");
	}
	if (lop->own && hs_leaks_set_own(l, lop->own, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		cli_error("--own: %s", msg);
		hs_leaks_free(l);
		hs_inventory_free(inv);
		return HS_EXIT_USAGE;
	}
	/* Profiles and dumps load ahead in a second thread, in order; heap
	 * dumps and execution traces stream through their own readers when
	 * their turn comes. */
	leaks_ctx c = {l, exe};
	cli_adder a = {.name = "leaks", .streams = streams, .stream = add_stream,
	               .add = add_profile, .ctx = &c, .e = &e, .inv = inv, .parts = true};
	/* What could be read is analyzed and printed even when a file could
	 * not: the status then stays 2. */
	int read_rc = cli_add_files(&a, &o);
	rc = HS_EXIT_OK;
	if (hs_leaks_finish(l, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		cli_error("%s", msg);
		rc = HS_EXIT_USAGE;
	}
	leaks_report r = {l, inv};
	if (rc == HS_EXIT_OK)
		rc = cli_write_output(&o, write_leaks, &r);
	if (rc == HS_EXIT_OK)
		rc = read_rc;
	hs_leaks_free(l);
	hs_inventory_free(inv);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT,
	{"min-goroutines", 0, "N", "blocked goroutines in a group for high (100)",
	 offsetof(leaks_opts, lo.min_high), cli_parse_count64, false},
	{"min-medium", 0, "N", "... for medium (10)", offsetof(leaks_opts, lo.min_medium),
	 cli_parse_count64, false},
	{"min-wait-minutes", 0, "N", "fewer that waited this long: low (10)",
	 offsetof(leaks_opts, lo.min_wait_minutes), cli_parse_count64, false},
	CLI_OPT_EXE(leaks_opts, exe), CLI_OPT_OWN(leaks_opts, own), CLI_OPT_ADDRESSES,
	CLI_OPT_END,
};

const hs_command cmd_leaks = {
	CLI_COMMAND("leaks", run, options, leaks_opts, &leaks_out_formats, "FILE...",
	            "Leak candidates from goroutine dumps/profiles, traces, heap profiles and heap "
	            "dumps, by severity."),
	.dirs = true,
	.defaults = defaults,
};
