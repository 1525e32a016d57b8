/* The SVG of a flame graph, with flamegraph.pl's geometry: 10 px of
 * padding left and right, x and width rounded to 0.1 px as it rounds
 * them, a frame's label cut to the characters that fit (12 px Verdana,
 * 0.59 of the size per character) and its tooltip "name (N unit, P%)". */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "flame_tree.h"

enum { XPAD = 10, FONTSIZE = 12 };
static const double FONTWIDTH = 0.59;
#define YPAD1 (FONTSIZE * 3)        /* top, with the title */
#define YPAD2 (FONTSIZE * 2 + 10)   /* bottom, with the details line */
#define YPAD3 (FONTSIZE * 2)        /* the subtitle */

typedef struct svg_ctx {
	FILE *out;
	const flame_opts *o;
	flame_drawn d;           /* the frames to draw */
	int64_t timemax;
	double per_value;        /* px per value unit */
	int height;
} svg_ctx;

/* n with thousands separators, as flamegraph.pl prints sample counts. */
static void put_count(FILE *out, int64_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%" PRId64, n);
	int first = digits[0] == '-' ? 1 : 0;
	for (int i = 0; i < len; i++) {
		putc(digits[i], out);
		int left = len - 1 - i;
		if (i >= first && left > 0 && left % 3 == 0)
			putc(',', out);
	}
}

/* The first `chars` characters of name (an invalid byte counts as one),
 * the last two replaced by ".." when name is longer, escaped for XML. */
static void put_label(FILE *out, const char *name, long chars)
{
	size_t len = strlen(name), cut[3] = {0, 0, 0}, at = 0;
	long count = 0;
	while (at < len && count < chars) {
		size_t l = esc_utf8_len(name + at, len - at);
		at += l ? l : 1;
		count++;
		cut[0] = cut[1];
		cut[1] = cut[2];
		cut[2] = at;
	}
	bool longer = at < len;
	size_t keep = longer ? (count >= 2 ? cut[0] : 0) : len;
	char small[256];
	char *buf = keep < sizeof small ? small : malloc(keep + 1);
	if (!buf)
		return;
	memcpy(buf, name, keep);
	buf[keep] = '\0';
	esc_xml(out, buf);
	if (longer)
		fputs("..", out);
	if (buf != small)
		free(buf);
}

/* The tooltip: "name (N unit, P%)", "; +D%" added in a differential. */
static void put_title(const svg_ctx *c, const flame_frame *fr)
{
	FILE *out = c->out;
	fputs("<title>", out);
	esc_xml(out, fr->name ? fr->name : "all");
	fputs(" (", out);
	put_count(out, fr->total);
	putc(' ', out);
	esc_xml(out, c->o->countname);
	if (!fr->name) {
		fputs(", 100%)</title>", out);
		return;
	}
	fprintf(out, ", %.2f%%", 100.0 * (double)fr->total / (double)c->timemax);
	if (c->o->differential)
		fprintf(out, "; %s%.2f%%", fr->delta > 0 ? "+" : "",
		        100.0 * (double)fr->delta / (double)c->timemax);
	fputs(")</title>", out);
}

/* v / 10^decimals in fixed point at p ("-12.5"); the end of it.  printf's
 * %.1f and %.2f cost most of the writing time, and a frame has four. */
static char *fixed(char *p, long long v, int decimals)
{
	char digits[24];
	int n = 0;
	if (v < 0) {
		*p++ = '-';
		v = -v;
	}
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n <= decimals);
	while (n > 0) {
		if (n == decimals)
			*p++ = '.';
		*p++ = digits[--n];
	}
	return p;
}

/* The rectangle and the label's opening tag, with flamegraph.pl's
 * numbers: x and width to 0.1 px (the width from the rounded edges, as
 * it subtracts its printed x's), the label's x to 0.01 px. */
static void put_rect(FILE *out, double x1, double x2, int y1, int y2, const char *fill)
{
	char buf[256], *p = buf;
	long long t1 = llrint(x1 * 10), t2 = llrint(x2 * 10);   /* %.1f, half to even */
	p = fixed(p + sprintf(p, "<rect x=\""), t1, 1);
	p = fixed(p + sprintf(p, "\" y=\"%d\" width=\"", y1), t2 - t1, 1);
	p += sprintf(p, "\" height=\"%d.0\" fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"", y2 - y1, fill);
	p = fixed(p, llrint((x1 + 3) * 100), 2);
	p = fixed(p + sprintf(p, "\" y=\""), 10LL * (y1 + y2) / 2 + 30, 1);
	p += sprintf(p, "\">");
	fwrite(buf, 1, (size_t)(p - buf), out);
}

static void put_frame(const svg_ctx *c, const flame_frame *fr)
{
	FILE *out = c->out;
	double x1 = XPAD + (double)fr->start * c->per_value;
	double x2 = XPAD + (double)(fr->start + fr->total) * c->per_value;
	int fh = c->o->frame_height, y1, y2;
	if (!c->o->inverted) {
		y1 = c->height - YPAD2 - (int)(fr->depth + 1) * fh + 1;
		y2 = c->height - YPAD2 - (int)fr->depth * fh;
	} else {
		y1 = YPAD1 + (c->o->subtitle ? YPAD3 : 0) + (int)fr->depth * fh;
		y2 = y1 + fh - 1;
	}
	char fill[32];
	if (c->o->differential)
		flame_color_delta(fill, fr->delta, c->d.maxdelta);
	else
		flame_color(fill, c->o->palette, fr->name ? fr->name : "");
	fputs("<g>", out);
	put_title(c, fr);
	put_rect(out, x1, x2, y1, y2, fill);
	long chars = (long)((x2 - x1) / (FONTSIZE * FONTWIDTH));
	if (chars >= 3)
		put_label(out, fr->name ? fr->name : "all", chars);
	fputs("</text></g>\n", out);
}

/* An element's id (and class) attributes: id "name", or in a page of
 * several graphs id "PREFIX-name" and class "fg-name" for the page's
 * style (flame.h); cls (or NULL) joins the class. */
static void put_id(const svg_ctx *c, const char *name, const char *cls)
{
	if (c->o->id_prefix)
		fprintf(c->out, " id=\"%s-%s\" class=\"fg-%s%s%s\"", c->o->id_prefix, name, name,
		        cls ? " " : "", cls ? cls : "");
	else
		fprintf(c->out, " id=\"%s\"%s%s%s", name, cls ? " class=\"" : "", cls ? cls : "",
		        cls ? "\"" : "");
}

/* A text element at x, y with its id: the opening tag. */
static void put_text(const svg_ctx *c, const char *name, int x, int y, const char *cls)
{
	fputs("<text", c->out);
	put_id(c, name, cls);
	fprintf(c->out, " x=\"%d\" y=\"%d\">", x, y);
}

static void put_header(const svg_ctx *c)
{
	size_t trimmed = c->d.trimmed;
	FILE *out = c->out;
	const flame_opts *o = c->o;
	const char *pre = o->id_prefix;
	int w = o->width, h = c->height;
	const char *bg1, *bg2;
	flame_background(o->palette, &bg1, &bg2);
	if (!pre)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n", out);
	fprintf(out, "<svg version=\"1.1\" width=\"%d\" height=\"%d\"%s%s%s "
	        "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n", w, h,
	        pre ? " class=\"flame\" id=\"" : " onload=\"init(evt)\"", pre ? pre : "", pre ? "\"" : "", w, h);
	fprintf(out, "<!-- heapscope flame: %zu frames drawn, %zu trimmed (narrower than %g%s) -->\n",
	        c->d.frames.len, trimmed, o->minwidth, o->minwidth_pct ? "%" : " px");
	fputs("<defs><linearGradient", out);
	put_id(c, "background", NULL);
	fprintf(out, " y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
	        "<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
	        "</linearGradient></defs>\n", bg1, bg2);
	if (!pre) {
		fprintf(out, "<style type=\"text/css\">%s</style>\n", flame_style);
		fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[%s]]></script>\n", flame_script);
	}
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"url(#%s%sbackground)\"/>\n",
	        w, h, pre ? pre : "", pre ? "-" : "");
	put_text(c, "title", w / 2, FONTSIZE * 2, NULL);
	esc_xml(out, o->title ? o->title : o->inverted ? "Icicle Graph" : "Flame Graph");
	fputs("</text>\n", out);
	if (o->subtitle) {
		put_text(c, "subtitle", w / 2, FONTSIZE * 4, NULL);
		esc_xml(out, o->subtitle);
		fputs("</text>\n", out);
	}
	put_text(c, "details", XPAD, h - YPAD2 / 2, NULL);
	fputs(" </text>\n", out);
	put_text(c, "unzoom", XPAD, FONTSIZE * 2, "hide");
	fputs("Reset Zoom</text>\n", out);
	put_text(c, "search", w - XPAD - 100, FONTSIZE * 2, NULL);
	fputs("Search</text>\n", out);
	put_text(c, "matched", w - XPAD, h - YPAD2 / 2, NULL);
	fputs(" </text>\n", out);
	put_text(c, "trimmed", w - XPAD, h - 4, NULL);
	if (trimmed) {
		put_count(out, (int64_t)trimmed);
		fprintf(out, " frame%s narrower than %g%s not drawn", trimmed == 1 ? "" : "s", o->minwidth,
		        o->minwidth_pct ? "%" : " px");
	}
	fputs("</text>\n", out);
}

bool flame_write_svg(FILE *out, flame *f, const flame_opts *o)
{
	svg_ctx c = {.out = out, .o = o, .timemax = f->total};
	c.per_value = c.timemax > 0 ? (double)(o->width - 2 * XPAD) / (double)c.timemax : 0;
	/* flamegraph.pl: a width in px, or a share of the total. */
	double min_value = o->minwidth_pct ? (double)c.timemax * o->minwidth / 100
	                   : c.per_value > 0 ? o->minwidth / c.per_value : 0;
	if (!flame_sweep(f, min_value, &c.d))
		return false;
	c.height = (int)(c.d.maxdepth + 1) * o->frame_height + YPAD1 + YPAD2 + (o->subtitle ? YPAD3 : 0);
	put_header(&c);
	fputs("<g", out);
	put_id(&c, "frames", NULL);
	fprintf(out, " data-trimmed=\"%zu\" data-inverted=\"%d\" data-total=\"%" PRId64 "\">\n",
	        c.d.trimmed, o->inverted ? 1 : 0, c.timemax);
	/* The root comes last out of the sweep: first in the SVG. */
	for (size_t i = c.d.frames.len; c.timemax > 0 && i-- > 0;)
		put_frame(&c, &HS_VEC_AT(&c.d.frames, flame_frame, i));
	fputs("</g>\n</svg>\n", out);
	hs_vec_release(&c.d.frames);
	return true;
}
