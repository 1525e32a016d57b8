/* heapscope trace: what an execution trace says about goroutines (the
 * summary), or one of go tool trace's blocking profiles (--profile
 * sync|net|syscall|sched) through the profile outputs.  The analyses are
 * src/core/trace_analysis.c; the loaders src/formats/trace_*.c. */
#include <stdlib.h>
#include <string.h>

#include "../output/trace_out.h"
#include "../output/pprof_write.h"
#include "heapscope/load.h"
#include "heapscope/trace_analysis.h"
#include "heapscope/units.h"
#include "../output/formats.h"
#include "cmd.h"

/* Load `file` into the sink; prints the error.  The truncation notice
 * goes to stderr: the result is still complete for what was read. */
static bool load_trace(const char *file, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                       hs_trace_info *info)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	memset(info, 0, sizeof *info);
	hs_err rc = hs_input_open(&in, file, 0, &e);
	if (rc == HS_OK) {
		rc = hs_trace_load(&in, stacks, fn, ctx, info, &e);
		hs_input_release(&in);
	}
	if (rc != HS_OK) {
		cli_file_error(file, &e);
		return false;
	}
	if (info->truncated)
		cli_warn(file, "truncated: %s; the events before it were read", info->truncated_why);
	if (info->note[0])
		cli_warn(file, "%s", info->note);
	return true;
}

/* ---- summary ----------------------------------------------------------------- */

static int summary(const cli_opts *o)
{
	hs_profile stacks;
	hs_trace_summary s;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&stacks);
	int rc = HS_EXIT_USAGE;
	hs_trace_summary_init(&s, &stacks);
	if (load_trace(o->files[0], &stacks, hs_trace_summary_event, &s, &info)) {
		if (hs_trace_summary_finish(&s, info.duration_ns, &e) != HS_OK) {
			cli_file_error(o->files[0], &e);
		} else {
			FILE *out = cli_open_output(o);
			if (out) {
				trace_format_find(o->format)->write(out, o->files[0], &info, &s);
				rc = cli_close_output(out, o) ? HS_EXIT_OK : HS_EXIT_USAGE;
			}
		}
	}
	hs_trace_summary_release(&s);
	hs_profile_release(&stacks);
	return rc;
}

/* ---- traces for blocking and leaks ------------------------------------------------ */

/* Read trace `file` into p through fn(ctx), then finish it: false after
 * printing the error. */
static bool load_finished(hs_profile *p, const char *file, hs_tev_fn fn, void *ctx,
                          hs_err (*finish)(void *ctx, hs_profile *p, int64_t duration,
                                           hs_error *e))
{
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	if (!load_trace(file, p, fn, ctx, &info))
		return false;
	if (finish(ctx, p, info.duration_ns, &e) == HS_OK)
		return true;
	cli_file_error(file, &e);
	return false;
}

static hs_err finish_end(void *ctx, hs_profile *p, int64_t duration, hs_error *e)
{
	(void)p;
	hs_err rc = hs_trace_summary_finish(ctx, duration, e);
	return rc == HS_OK ? hs_trace_summary_goroutines(ctx, e) : rc;
}

static hs_err finish_waits(void *ctx, hs_profile *p, int64_t duration, hs_error *e)
{
	(void)duration;
	return hs_tprof_finish(ctx, p, e);
}

static bool load_end(hs_profile *p, const char *file)
{
	hs_trace_summary s;
	hs_trace_summary_init(&s, p);
	bool ok = load_finished(p, file, hs_trace_summary_event, &s, finish_end);
	hs_trace_summary_release(&s);
	return ok;
}

static bool load_waits(hs_profile *p, const char *file, unsigned kinds)
{
	hs_tprof t;
	hs_tprof_init_mask(&t, kinds);
	bool ok = load_finished(p, file, hs_tprof_event, &t, finish_waits);
	hs_tprof_release(&t);
	return ok;
}

bool cli_load_trace(hs_profile *p, const char *file, cli_trace_as as)
{
	if (as == CLI_TRACE_END)
		return load_end(p, file);
	return load_waits(p, file,
	                  1u << HS_TPROF_SYNC | 1u << HS_TPROF_NET | 1u << HS_TPROF_SYSCALL);
}

/* ---- profiles ------------------------------------------------------------------ */

/* The loader of the profile commands on a trace; ctx: the hs_tprof_kind. */
static bool load_profile(void *ctx, hs_profile *p, const char *file)
{
	const int *kind = ctx;
	return load_waits(p, file, 1u << *kind);
}

static int write_pprof(const cli_opts *o, int kind)
{
	hs_profile p;
	hs_profile_init(&p);
	int rc = HS_EXIT_USAGE;
	if (load_profile(&kind, &p, o->files[0])) {
		FILE *out = cli_open_output(o);
		if (out) {
			hs_error e;
			hs_error_clear(&e);
			if (pprof_write(out, &p, true, &e) != HS_OK)
				cli_file_error(o->output ? o->output : "-", &e);
			else
				rc = HS_EXIT_OK;
			if (!cli_close_output(out, o))
				rc = HS_EXIT_USAGE;
		}
	}
	hs_profile_release(&p);
	return rc;
}

typedef struct trace_opts {
	cli_opts c;
	int profile;               /* hs_tprof_kind; -1: the summary */
} trace_opts;

static void defaults(cli_opts *o)
{
	((trace_opts *)o)->profile = -1;
}

static int parse_profile(const hs_command *cmd, const cli_option *opt, const char *arg,
                         void *dest)
{
	(void)opt;
	int kind = hs_tprof_parse(arg);
	if (kind < 0) {
		return cli_error("--profile takes sync, net, syscall or sched, not '%s'", arg);
	}
	*(int *)dest = kind;
	return 0;
}

/* --profile with --format top (text), dot or folded: that command's
 * report of the trace's blocking profile. */
static int run_profile_command(const hs_command *cmd, const cli_opts *o, int kind)
{
	cli_loader load = {load_profile, &kind};
	cli_opts po = *o;
	po.load = &load;
	po.format = cmd->formats ? "text" : NULL;
	return cmd->run(cmd, &po);
}

/* --format: text and json are the summary (src/output/trace_out.c); with
 * --profile, text is top's report, and folded, top, dot and pprof are the
 * blocking profile through those commands' writers. */
typedef struct trace_route {
	const char *name;
	bool summary, profile, pprof;
	const hs_command *cmd;
} trace_route;

static const trace_route routes[] = {
	{"text", true, true, false, &cmd_top},     {"json", true, false, false, NULL},
	{"folded", false, true, false, &cmd_folded}, {"top", false, true, false, &cmd_top},
	{"dot", false, true, false, &cmd_dot},     {"pprof", false, true, true, NULL},
};
static const out_formats trace_routes = OUT_FORMATS(routes);

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	const char *fmt = o.format;
	int profile_kind = ((const trace_opts *)op)->profile;
	if (o.nfiles != 1) {
		return cli_error("takes exactly one trace");
	}
	const trace_route *r = OUT_FORMAT_FIND(routes, fmt);
	if (profile_kind < 0) {
		if (!r->summary) {
			return cli_error("--format %s needs --profile (sync, net, syscall or sched)", fmt);
		}
		return summary(&o);
	}
	if (!r->profile) {
		return cli_error("--profile writes folded, top, dot or pprof, not %s", fmt);
	}
	if (r->pprof)
		return write_pprof(&o, profile_kind);
	return run_profile_command(r->cmd, &o, profile_kind);
}

static const cli_option options[] = {
	CLI_OPTS_REPORT, CLI_OPT_CUM, CLI_OPT_FORMAT, CLI_OPT_OUTPUT,
	{"profile", 0, "sync|net|syscall|sched",
	 "a blocking profile as go tool trace -pprof=KIND (--format folded, top, dot or pprof; "
	 "default top)", offsetof(trace_opts, profile), parse_profile, false},
	CLI_OPT_END,
};

const hs_command cmd_trace = {
	CLI_COMMAND("trace", run, options, trace_opts, &trace_routes,
	            "[--profile sync|net|syscall|sched] FILE",
	            "Execution trace (Go 1.5-1.26): goroutines per creation site, waits, GC, heap; "
	            "--profile: go tool trace -pprof."),
	.defaults = defaults,
};
