/* heapscope blocking: one ranking of where goroutines wait, from goroutine
 * dumps and profiles (waits going on) and block and mutex profiles (waits
 * that ended).  The core is src/core/blocking.c. */
#include <string.h>

#include "../output/blocking_out.h"
#include "heapscope/blocking.h"
#include "cmd.h"

typedef struct blocking_opts {
	cli_opts c;
	const char *own;
} blocking_opts;

static hs_err add_profile(const cli_adder *a, hs_profile *p, const char *file)
{
	(void)file;
	return hs_blocking_add_input(a->ctx, p, a->inv, a->input, a->e);
}

static bool streams(hs_input_kind k)
{
	return k == HS_IN_HEAPDUMP || k == HS_IN_TRACE;
}

/* A heap dump: its goroutines, as a goroutine dump.  A trace counts
 * twice: its waits, with their exact durations, and the goroutines still
 * blocked at its end. */
static int add_trace(const cli_adder *a, const char *file)
{
	if (a->kind == HS_IN_HEAPDUMP)
		return cli_add_heapdump_goroutines(a, file, NULL);
	int rc = cli_add_trace(a, file, CLI_TRACE_WAITS);
	return rc == HS_EXIT_OK ? cli_add_trace(a, file, CLI_TRACE_END) : rc;
}

/* The writer of --format, from src/output/blocking_out.c's table. */
static void write_blocking(FILE *out, const cli_opts *o, const void *data)
{
	const blocking_report *r = data;
	blocking_format_find(o->format)->write(out, r);
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	int rc;
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	hs_blocking *b = inv ? hs_blocking_new(&e) : NULL;
	if (!b) {
		hs_inventory_free(inv);
		return cli_error("out of memory");
	}
	const char *own = ((const blocking_opts *)op)->own;
	if (own && hs_blocking_set_own(b, own, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		cli_error("--own: %s", msg);
		hs_blocking_free(b);
		hs_inventory_free(inv);
		return HS_EXIT_USAGE;
	}
	/* Profiles and dumps load ahead in a second thread, in order; an
	 * execution trace is streamed in its turn. */
	cli_adder a = {.name = "blocking", .streams = streams, .stream = add_trace,
	               .add = add_profile, .ctx = b, .e = &e, .inv = inv};
	/* What could be read is ranked and printed even when a file could
	 * not: the status then stays 2. */
	int read_rc = cli_add_files(&a, &o);
	hs_blocking_finish(b);
	blocking_report r = {b, inv};
	rc = cli_write_output(&o, write_blocking, &r);
	if (rc == HS_EXIT_OK)
		rc = read_rc;
	hs_blocking_free(b);
	hs_inventory_free(inv);
	return rc;
}

static const cli_option options[] = {CLI_OPT_FORMAT, CLI_OPT_OUTPUT,
                                     CLI_OPT_OWN(blocking_opts, own), CLI_OPT_ADDRESSES,
                                     CLI_OPT_CORE_EXE, CLI_OPT_END};

const hs_command cmd_blocking = {
	CLI_COMMAND("blocking", run, options, blocking_opts, &blocking_out_formats, "FILE...",
	            "Where goroutines wait: dumps, heap dumps, traces, goroutine, block and mutex profiles in one ranking."),
	.dirs = true,
};
