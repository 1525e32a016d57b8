/* Flame graphs as SVG: the frames and widths FlameGraph's flamegraph.pl
 * draws from `heapscope folded` (or, with a BASE, from difffolded.pl's
 * two-column lines), with an embedded script for zoom, search and the
 * details line.  Each view's stacks are kept once per distinct frame
 * sequence, then sorted and swept as flamegraph.pl's flow() sweeps folded
 * lines, keeping only the frames wide enough to draw: memory follows the
 * distinct stacks and the frames drawn, not the samples.
 *
 * Frames are the cleaned names of ../shared/FOLDED.md (folded_name), the
 * root "all" at depth 0.  Siblings are ordered as flamegraph.pl's sort of
 * the folded lines orders them (a name compared as if followed by ';'),
 * a frame's own value comes before its callees, and x, width and the
 * minwidth trim follow flamegraph.pl's arithmetic and rounding.  One
 * difference on purpose: where that sort would split a frame in two boxes
 * (a frame F with both its own value and callees beside a sibling such as
 * "F.func1"), F is one box. */
#ifndef HS_OUTPUT_FLAME_H
#define HS_OUTPUT_FLAME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "heapscope/graph.h"

/* The profile a view's values count for: NEW gives the widths, BASE only
 * the differential colour (NEW - BASE of the stacks ending at a frame,
 * as flamegraph.pl colours difffolded.pl's lines). */
enum { FLAME_NEW = 0, FLAME_BASE = 1 };

typedef struct flame flame;

flame *flame_new(void);
void flame_free(flame *f);
/* Merge the view's stacks with a positive value into the tree, root first
 * (leaf first when reverse, as flamegraph.pl --reverse).  False when out
 * of memory. */
bool flame_add_view(flame *f, const hs_view *v, int side, bool reverse);
/* A goroutine view (v over p) off-CPU: each goroutine's stack with its
 * wait state as the leaf frame ("[chan send]", "[running]"), as NEW. */
bool flame_add_view_states(flame *f, const hs_view *v, const hs_profile *p);

/* flamegraph.pl's palettes, chosen by --colors. */
typedef enum flame_palette {
	FLAME_HOT, FLAME_MEM, FLAME_IO, FLAME_RED, FLAME_GREEN, FLAME_BLUE, FLAME_AQUA,
	FLAME_YELLOW, FLAME_PURPLE, FLAME_ORANGE,
} flame_palette;
#define FLAME_PALETTES "hot|mem|io|red|green|blue|aqua|yellow|purple|orange"
/* The palette named s, or -1. */
int flame_palette_find(const char *s);

typedef struct flame_opts {
	const char *title;       /* NULL: "Flame Graph", or "Icicle Graph" inverted */
	const char *subtitle;    /* NULL: none */
	const char *countname;   /* unit in the tooltips: "bytes" */
	int width;               /* image, px */
	int frame_height;        /* px */
	double minwidth;         /* frames narrower are trimmed: px, or % of the total */
	bool minwidth_pct;
	flame_palette palette;
	bool inverted;           /* icicle: root at the top */
	bool differential;       /* colour by NEW - BASE */
	/* NULL: a standalone SVG file.  Else one graph of a page holding
	 * several (heapscope triage's html): no XML declaration, style or
	 * script (the page has them once), the <svg> gets id PREFIX and class
	 * "flame", and every other id is "PREFIX-name" with class "fg-name". */
	const char *id_prefix;
} flame_opts;

/* Write the SVG (it says how many frames were too narrow to draw); false
 * when out of memory. */
bool flame_write_svg(FILE *out, flame *f, const flame_opts *o);

/* Colours, as flamegraph.pl --hash computes them (flame_color.c): a
 * frame's fill from its name ("rgb(r,g,b)"), the differential fill from
 * its delta and the largest |delta| of any stack (at least 1), and the
 * background gradient's two stops. */
void flame_color(char buf[32], flame_palette p, const char *name);
void flame_color_delta(char buf[32], int64_t delta, int64_t maxdelta);
void flame_background(flame_palette p, const char **stop1, const char **stop2);

/* The style and script every graph embeds (flame_js.c). */
extern const char flame_style[];
extern const char flame_script[];

#endif
