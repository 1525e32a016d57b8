/* heapscope diff BASE NEW: what grew, as go tool pprof -top -base NEW
 * computes it (see include/heapscope/diff.h), with each side's own value
 * beside the difference. */
#include <stdlib.h>
#include <string.h>

#include "../output/diff_out.h"
#include "../output/dot.h"
#include "../output/pprof_text.h"
#include "cmd.h"
#include "heapscope/diff.h"

/* pprof draws at most 80 nodes unless told otherwise. */
enum { DIFF_DOT_NODECOUNT = 80 };

typedef struct diff_opts {
	cli_opts c;
	bool normalize, diff_base;
	const char *exe;
} diff_opts;

typedef struct diff_job {
	const cli_opts *o;
	const diff_opts *dopt;     /* the same struct, with diff's own options */
	const char *base_file, *new_file;
	hs_diff d;
	hs_view v;
	hs_diff_sums sums;
} diff_job;

/* NEW is loaded first and merged while BASE loads in the background. */
static bool load_pair(diff_job *j, hs_profile *base, hs_profile *newp)
{
	const char *files[2] = {j->new_file, j->base_file};
	hs_diff_opts opts = {.normalize = j->dopt->normalize, .diff_base = j->dopt->diff_base};
	hs_error e;
	hs_error_clear(&e);
	cli_loads l;
	cli_loads_start(&l, files, 2, j->o);
	bool ok = cli_loads_next(&l, newp);
	hs_err rc = ok ? hs_diff_begin(&j->d, newp, &opts, &e) : HS_OK;
	ok = ok && cli_loads_next(&l, base);
	cli_loads_end(&l);
	if (!ok)
		return false;
	if (rc == HS_OK)
		rc = hs_diff_end(&j->d, base, newp, &opts, &e);
	if (rc != HS_OK) {
		char buf[400];
		hs_error_format(&e, buf, sizeof buf);
		cli_error("cannot compare '%s' with '%s': %s", j->base_file, j->new_file, buf);
		return false;
	}
	return true;
}

static bool build_views(diff_job *j)
{
	if (!cli_view(&j->v, &j->d.p, j->new_file, j->o))
		return false;
	/* -diff_base: percentages of BASE's total. */
	j->v.total = hs_diff_total(&j->d, j->v.sample_index);
	const cli_opts *o = j->o;
	bool all = !(o->focus && *o->focus) && !(o->ignore && *o->ignore);
	hs_error e;
	hs_error_clear(&e);
	/* The node sums come from the report's own walk (text, json); dot
	 * and folded need none. */
	if (hs_diff_sums_from_view(&j->sums, &j->d, &j->v, all, false, &e) != HS_OK) {
		cli_file_error(j->new_file, &e);
		hs_view_release(&j->v);
		return false;
	}
	return true;
}

static void set_filters(report_fmt *f, const cli_opts *o, char filt[4][400])
{
	const char *names[4] = {"focus", "ignore", "hide", "show"};
	const char *vals[4] = {o->focus, o->ignore, o->hide, o->show};
	for (int i = 0, k = 0; i < 4; i++)
		if (vals[i] && *vals[i]) {
			snprintf(filt[k], 400, "%s=%s", names[i], vals[i]);
			f->filters[i] = filt[k++];
		}
}

/* text, json and dot: a pprof report of the merged profile. */
static int report(diff_job *j, FILE *out, const diff_format *fmt)
{
	const cli_opts *o = j->o;
	bool dot = fmt->visual;
	int nodecount = o->nodecount >= 0 ? o->nodecount : dot ? DIFF_DOT_NODECOUNT : 0;
	hs_report_opts ro = {.nodecount = nodecount, .nodefraction = o->nodefraction,
	                     .edgefraction = o->edgefraction, .cum_sort = o->cum && !dot,
	                     .visual = dot, .tags = dot, .tag_unit = o->unit};
	if (!dot)
		hs_diff_sums_report_opts(&j->sums, &ro);
	hs_report r;
	hs_error e;
	hs_error_clear(&e);
	if (hs_report_build(&r, &j->v, &ro, &e) != HS_OK) {
		return cli_file_error(j->new_file, &e);
	}
	if (!dot)
		hs_diff_sums_take_report(&j->sums, &r);
	diff_fmt df = {.base_file = j->base_file, .new_file = j->new_file, .sums = &j->sums,
	               .cum = o->cum, .normalized = j->dopt->normalize,
	               .diff_base = j->dopt->diff_base};
	report_fmt_init(&df.f, &j->d.p, &j->v, &r, o->unit);
	char filt[4][400];
	set_filters(&df.f, o, filt);
	int rc = HS_EXIT_OK;
	if (!fmt->write(out, &df)) {
		cli_error("out of memory writing %s", fmt->name);
		rc = HS_EXIT_USAGE;
	}
	hs_report_release(&r);
	return rc;
}

static int diff_run(const cli_opts *o, FILE **out)
{
	diff_job j = {.o = o, .dopt = (const diff_opts *)o, .base_file = o->files[0],
	              .new_file = o->files[1]};
	hs_profile base, newp;
	hs_profile_init(&base);
	hs_profile_init(&newp);
	hs_diff_init(&j.d);
	int rc = HS_EXIT_USAGE;
	bool ok = load_pair(&j, &base, &newp);
	/* The inputs are copied into the diff: free them before reporting. */
	hs_profile_release(&base);
	hs_profile_release(&newp);
	if (ok && build_views(&j)) {
		const diff_format *fmt = diff_format_find(o->format);
		if ((*out = cli_open_output(o)) != NULL && fmt->report) {
			rc = report(&j, *out, fmt);
		} else if (*out) {
			diff_fmt df = {.sums = &j.sums};
			df.f.v = &j.v;
			rc = fmt->write(*out, &df) ? HS_EXIT_OK : HS_EXIT_USAGE;
			if (rc != HS_EXIT_OK)
				cli_error("out of memory writing %s", fmt->name);
		}
		hs_diff_sums_release(&j.sums);
		hs_view_release(&j.v);
	}
	hs_diff_release(&j.d);
	return rc;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	const char *exe = ((const diff_opts *)op)->exe;
	int rc;
	hs_input_kind kind[2] = {HS_IN_OTHER, HS_IN_OTHER};
	if (o.nfiles == 2 && cli_is_heap_input(kind[0] = cli_file_kind(o.files[0]), exe) &&
	    cli_is_heap_input(kind[1] = cli_file_kind(o.files[1]), exe))
		return cmd_heapdump_diff(&o, exe, kind);
	if (exe) {
		return cli_error("--exe applies to heap dumps only");
	}
	if (o.nfiles != 2) {
		return cli_error("takes exactly two profiles, BASE then NEW (got %d)", o.nfiles);
	}
	FILE *out = NULL;
	rc = diff_run(op, &out);
	if (out && !cli_close_output(out, &o) && rc == HS_EXIT_OK)
		rc = HS_EXIT_USAGE;
	return rc;
}

static const cli_option options[] = {
	CLI_OPTS_REPORT, CLI_OPT_CUM,
	{"normalize", 0, NULL, "scale NEW so each sample type sums to BASE's first (pprof -normalize)",
	 offsetof(diff_opts, normalize), NULL, false},
	{"diff-base", 0, NULL, "percentages of BASE's total, as pprof -diff_base (default: -base)",
	 offsetof(diff_opts, diff_base), NULL, false},
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_EXE(diff_opts, exe), CLI_OPT_ADDRESSES,
	CLI_OPT_END,
};

const hs_command cmd_diff = {
	CLI_COMMAND("diff", run, options, diff_opts, &diff_out_formats, "BASE NEW",
	            "What grew from BASE to NEW, as go tool pprof -top -base BASE NEW computes it."),
};
