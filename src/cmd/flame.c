/* heapscope flame [--base BASE] FILE: the SVG flame graph `folded` piped
 * into FlameGraph's flamegraph.pl draws (differential against BASE as
 * difffolded.pl BASE NEW | flamegraph.pl), without the pipe.  Each
 * profile is folded into the tree and released before the next loads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../output/flame.h"
#include "cmd.h"

typedef struct flame_width {
	double value;
	bool pct;             /* "5%": of the total, else px */
} flame_width;

typedef struct flame_cmd_opts {
	cli_opts c;
	const char *title, *countname, *base;
	int width, height, palette;
	flame_width minwidth;
	bool reverse, inverted;
} flame_cmd_opts;

/* What the graph counts, from the first profile loaded. */
typedef struct flame_kind {
	char type[64], unit[64], subtitle[512];
} flame_kind;

static void defaults(cli_opts *o)
{
	flame_cmd_opts *f = (flame_cmd_opts *)o;
	f->width = 1200;
	f->height = 16;
	f->minwidth.value = 0.1;
	f->palette = FLAME_HOT;
}

static int parse_pixels(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	char *end;
	errno = 0;
	long n = strtol(arg, &end, 10);
	if (!*arg || *end || errno || n < 1 || n > 100000) {
		(void)cmd;
		return cli_error("--%s takes a number of pixels from 1 to 100000, not '%s'", opt->name,
		                 arg);
	}
	*(int *)dest = (int)n;
	return 0;
}

/* flamegraph.pl's --minwidth: pixels, or a percentage of the total. */
static int parse_minwidth(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	flame_width *w = dest;
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	w->pct = *end == '%';
	if (w->pct)
		end++;
	if (!*arg || *end || errno || !(v >= 0) || v > 1e9 || (arg[0] < '0' && arg[0] != '.')) {
		(void)cmd;
		return cli_error("--%s takes pixels or a percentage (0.1, 0.5%%), not '%s'", opt->name,
		                 arg);
	}
	w->value = v;
	return 0;
}

static int parse_colors(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	int p = flame_palette_find(arg);
	if (p < 0) {
		(void)cmd;
		return cli_error("--%s takes one of %s, not '%s'", opt->name, FLAME_PALETTES, arg);
	}
	*(int *)dest = p;
	return 0;
}

/* Fold one profile into the tree as `side`; false after printing. */
static bool add_file(flame *f, const flame_cmd_opts *fo, const char *file, int side,
                     flame_kind *kind)
{
	hs_profile p;
	hs_view v;
	hs_profile_init(&p);
	bool ok = cli_load_opts(&p, file, &fo->c) && cli_view(&v, &p, file, &fo->c);
	if (!ok) {
		hs_profile_release(&p);
		return false;
	}
	const hs_value_type *vt = hs_sample_type(&p, v.sample_index);
	if (side == FLAME_NEW) {
		snprintf(kind->type, sizeof kind->type, "%s", hs_s(&p, vt->type));
		snprintf(kind->unit, sizeof kind->unit, "%s", hs_s(&p, vt->unit));
	} else if (strcmp(kind->type, hs_s(&p, vt->type)) || strcmp(kind->unit, hs_s(&p, vt->unit))) {
		cli_file_fail(file, "counts %s/%s, not %s/%s as '%s' does (nothing to compare)",
		              hs_s(&p, vt->type), hs_s(&p, vt->unit), kind->type, kind->unit,
		          fo->c.files[0]);
		ok = false;
	}
	if (ok && !flame_add_view(f, &v, side, fo->reverse)) {
		cli_file_fail(file, "out of memory merging its stacks");
		ok = false;
	}
	hs_view_release(&v);
	hs_profile_release(&p);
	return ok;
}

static int write_graph(flame *f, const flame_cmd_opts *fo, flame_kind *kind)
{
	const char *file = fo->c.files[0];
	if (fo->base)
		snprintf(kind->subtitle, sizeof kind->subtitle, "%s vs base %s: %s (red: grew, blue: shrank)",
		         file, fo->base, kind->type);
	else
		snprintf(kind->subtitle, sizeof kind->subtitle, "%s: %s", file, kind->type);
	const char *unit = strcmp(kind->unit, "count") == 0 || !*kind->unit ? "samples" : kind->unit;
	flame_opts o = {.title = fo->title, .subtitle = kind->subtitle,
	                .countname = fo->countname ? fo->countname : unit, .width = fo->width,
	                .frame_height = fo->height, .minwidth = fo->minwidth.value,
	                .minwidth_pct = fo->minwidth.pct, .palette = (flame_palette)fo->palette,
	                .inverted = fo->inverted, .differential = fo->base != NULL};
	FILE *out = cli_open_output(&fo->c);
	if (!out)
		return HS_EXIT_USAGE;
	int rc = HS_EXIT_OK;
	if (!flame_write_svg(out, f, &o)) {
		cli_error("out of memory laying out the graph");
		rc = HS_EXIT_USAGE;
	}
	if (!cli_close_output(out, &fo->c))
		rc = HS_EXIT_USAGE;
	return rc;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	op->core_heap = true;
	const flame_cmd_opts *fo = (const flame_cmd_opts *)op;
	if (op->nfiles != 1) {
		return cli_error("takes exactly one profile (and --base BASE for a differential)");
	}
	flame *f = flame_new();
	flame_kind kind;
	memset(&kind, 0, sizeof kind);
	int rc = HS_EXIT_USAGE;
	if (!f)
		cli_error("out of memory");
	else if (add_file(f, fo, op->files[0], FLAME_NEW, &kind) &&
	         (!fo->base || add_file(f, fo, fo->base, FLAME_BASE, &kind)))
		rc = write_graph(f, fo, &kind);
	flame_free(f);
	return rc;
}

#define FLAME_OFF(field) offsetof(flame_cmd_opts, field)
static const cli_option options[] = {
	{"title", 0, "TEXT", "title (default: Flame Graph, or Icicle Graph)", FLAME_OFF(title),
	 cli_parse_string, false},
	{"width", 0, "PX", "width of the image (default 1200)", FLAME_OFF(width), parse_pixels, false},
	{"height", 0, "PX", "height of each frame (default 16)", FLAME_OFF(height), parse_pixels, false},
	{"minwidth", 0, "PX|PCT%", "leave out frames narrower than this (default 0.1 px)",
	 FLAME_OFF(minwidth), parse_minwidth, false},
	{"colors", 0, FLAME_PALETTES, "flamegraph.pl palette, by name hash (default hot)",
	 FLAME_OFF(palette), parse_colors, false},
	{"reverse", 0, NULL, "stacks leaf first (merged from the leaves)", FLAME_OFF(reverse), NULL,
	 false},
	{"inverted", 0, NULL, "icicle graph: root at the top", FLAME_OFF(inverted), NULL, false},
	{"countname", 0, "TEXT", "unit in the tooltips (default: the sample unit, or samples)",
	 FLAME_OFF(countname), cli_parse_string, false},
	CLI_OPT_SAMPLE_INDEX,
	CLI_OPT_FILTERS,
	CLI_OPT_GRANULARITY,
	CLI_OPT_ADDRESSES,
	CLI_OPT_CORE_EXE,
	{"base", 0, "BASE", "differential graph: widths from FILE, red where it grew since BASE, "
	 "blue where it shrank", FLAME_OFF(base), cli_parse_string, true},
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

const hs_command cmd_flame = {
	CLI_COMMAND("flame", run, options, flame_cmd_opts, NULL, "FILE",
	            "Interactive SVG flame graph (or differential with --base), as flamegraph.pl draws."),
	.defaults = defaults,
	.writes = "an SVG flame graph",
};
