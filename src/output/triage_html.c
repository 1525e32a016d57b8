/* heapscope triage --format html: one self-contained page (triage_out.h).
 * Everything is inline: the style, one script, the charts and the flame
 * graphs as SVG elements.  A Content-Security-Policy of default-src 'none'
 * keeps the page from loading anything, so it opens from file:// or a
 * mail attachment as it is.  Flame graphs are flame_svg.c's, written with
 * an id prefix each (fg1, fg2, ...) and started by one copy of
 * flame_js.c's script run once per graph with that graph as its
 * "document"; frames narrower than a pixel are trimmed, so the page grows
 * with the distinct stacks drawn, not the samples. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/units.h"

#include "culprit_out.h"
#include "escape.h"
#include "leaks_out.h"
#include "pprof_text.h"
#include "triage_out.h"

enum { CHART_W = 560, CHART_H = 180, CHART_PAD = 44, CHART_MAX_POINTS = 1000, FLAME_W = 1200 };

static const char page_style[] =
	"body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1240px;color:#222;padding:0 1em}"
	"h1{font-size:1.5em;padding:.5em .7em;border-radius:6px;color:#fff}"
	"h1.problem{background:#b3261e}h1.healthy{background:#1e7b34}"
	"h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
	"table{border-collapse:collapse;font-size:.9em;margin:.4em 0}"
	"td,th{padding:.15em .6em;text-align:left;vertical-align:top;border-bottom:1px solid #eee}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	".sev{font-weight:bold;text-transform:uppercase;font-size:.8em;padding:.1em .4em;border-radius:3px;color:#fff}"
	".sev-high{background:#b3261e}.sev-medium{background:#c77700}.sev-low{background:#777}"
	"ol.findings>li{margin:.6em 0}.numbers{margin:.2em 0}.hint{color:#555;font-style:italic}"
	".evidence{color:#444;font-size:.9em}code{font-size:.95em}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}.chart text{font-size:11px;fill:#333}"
	".chart .line{fill:none;stroke:#1565c0;stroke-width:1.5}.chart .axis{stroke:#999}"
	".chart{margin:0}.chart circle{fill:#1565c0}.flamebox{margin:1em 0}"
	"svg.flame{max-width:100%;height:auto;border:1px solid #ddd}"
	".note{color:#666;font-size:.9em}";

/* ---- small pieces --------------------------------------------------------- */

static void text(FILE *out, const char *s)
{
	esc_xml(out, s ? s : "");
}

static const char *bytes(int64_t v, char *buf)
{
	return out_label(v, "bytes", "minimum", false, buf, 32);
}

/* flame_style with each "#name" made ".fg-name": the class every
 * embedded graph's element carries beside its prefixed id. */
static void put_flame_style(FILE *out)
{
	int depth = 0;   /* inside a rule's braces: "#000" is a colour */
	for (const char *s = flame_style; *s; s++) {
		depth += *s == '{';
		depth -= *s == '}';
		if (*s == '#' && depth == 0)
			fputs("svg.flame .fg-", out);
		else
			fputc(*s, out);
	}
}

/* flame_script, run once per graph: `document` is the graph (its
 * elements found by prefixed id), `window` takes no keyboard handler (the
 * page keeps the browser's own Ctrl-F), and what the graph can do is left
 * on the <svg> element as svg.hs (zoom, unzoom, search, reset, frames). */
static void put_script(FILE *out)
{
	fputs("<script>\nfunction hsFlame(svg,document,window){", out);
	fputs(flame_script, out);
	fputs("init(null);\nsvg.hs={zoom:zoom,unzoom:unzoom,search:search,reset:reset_search,"
	      "frames:orig};}\n"
	      "document.addEventListener(\"DOMContentLoaded\",function(){\n"
	      " var gs=document.querySelectorAll(\"svg.flame\");\n"
	      " for(var i=0;i<gs.length;i++){(function(svg){var p=svg.id+\"-\";\n"
	      "  hsFlame(svg,{documentElement:svg,getElementById:function(id){return document.getElementById(p+id);}},\n"
	      "   {addEventListener:function(){}});})(gs[i]);}\n"
	      " document.body.setAttribute(\"data-flames-ready\",String(gs.length));\n"
	      "});\n</script>\n", out);
}

/* ---- charts ----------------------------------------------------------------- */

typedef struct series {
	const double *x;
	const int64_t *y;
	size_t n;
	const char *xlabel;        /* "minutes", "seconds since start", "snapshot" */
	bool y_bytes;
} series;

static void chart_label(FILE *out, const series *s, int64_t v, char *buf)
{
	if (s->y_bytes)
		text(out, bytes(v, buf));
	else
		fprintf(out, "%" PRId64, v);
}

/* A line chart of s: axes, min and max labels, the line, and a dot per
 * point (at most CHART_MAX_POINTS, evenly picked) with its value as
 * tooltip. */
static void chart(FILE *out, const char *id, const char *title, const series *s)
{
	double xmin = s->x[0], xmax = s->x[s->n - 1];
	int64_t ymin = 0, ymax = 0;
	for (size_t i = 0; i < s->n; i++)
		ymax = s->y[i] > ymax ? s->y[i] : ymax;
	double xs = xmax > xmin ? (CHART_W - 2 * CHART_PAD) / (xmax - xmin) : 0;
	double ys = ymax > ymin ? (CHART_H - 2 * CHART_PAD) / (double)(ymax - ymin) : 0;
	char buf[32];
	fprintf(out, "<figure class=\"chart\" id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" data-points=\"%zu\">\n", id, CHART_W, CHART_H, CHART_W,
	        CHART_H, s->n);
	fprintf(out, "<text x=\"%d\" y=\"16\" style=\"font-size:13px;font-weight:bold\">", CHART_PAD);
	text(out, title);
	fprintf(out, "</text>\n<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	        "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", CHART_PAD,
	        CHART_H - CHART_PAD, CHART_W - CHART_PAD, CHART_H - CHART_PAD, CHART_PAD, CHART_PAD,
	        CHART_PAD, CHART_H - CHART_PAD);
	fprintf(out, "<text x=\"2\" y=\"%d\">", CHART_PAD + 4);
	chart_label(out, s, ymax, buf);
	fprintf(out, "</text><text x=\"2\" y=\"%d\">0</text>\n", CHART_H - CHART_PAD);
	fprintf(out, "<text x=\"%d\" y=\"%d\">%.4g</text><text x=\"%d\" y=\"%d\" style=\"text-anchor:end\">%.4g %s</text>\n",
	        CHART_PAD, CHART_H - CHART_PAD + 16, xmin, CHART_W - CHART_PAD, CHART_H - CHART_PAD + 16,
	        xmax, s->xlabel);
	size_t step = s->n > CHART_MAX_POINTS ? (s->n + CHART_MAX_POINTS - 1) / CHART_MAX_POINTS : 1;
	fputs("<polyline class=\"line\" points=\"", out);
	for (size_t i = 0; i < s->n; i += step)
		fprintf(out, "%.1f,%.1f ", CHART_PAD + (s->x[i] - xmin) * xs,
		        CHART_H - CHART_PAD - (double)(s->y[i] - ymin) * ys);
	fputs("\"/>\n", out);
	for (size_t i = 0; i < s->n; i += step) {
		fprintf(out, "<circle r=\"2.5\" cx=\"%.1f\" cy=\"%.1f\"><title>", CHART_PAD + (s->x[i] - xmin) * xs,
		        CHART_H - CHART_PAD - (double)(s->y[i] - ymin) * ys);
		chart_label(out, s, s->y[i], buf);
		fprintf(out, " at %.4g %s</title></circle>\n", s->x[i], s->xlabel);
	}
	fputs("</svg></figure>\n", out);
}

/* The snapshot series (heap or goroutines): x in minutes since the first
 * when every point has its own time, else the snapshot's number. */
static void snapshot_chart(FILE *out, const hs_triage *t, bool heap, double *x, int64_t *y)
{
	size_t n = 0;
	bool timed = true;
	int64_t t0 = 0;
	for (size_t i = 0; i < hs_triage_npoints(t); i++) {
		const hs_triage_point *p = hs_triage_point_at(t, i);
		int64_t v = heap ? p->heap_inuse : p->goroutines;
		if (v < 0)
			continue;
		if (!n)
			t0 = p->moment;
		timed &= hs_triage_input_at(t, p->input)->time_from < HS_TIME_MTIME;
		x[n] = (double)(p->moment - t0) / 60e9;
		y[n++] = v;
	}
	for (size_t i = 0; !timed && i < n; i++)
		x[i] = (double)(i + 1);
	if (!n)
		return;
	series s = {x, y, n, timed ? "min" : "snapshot", heap};
	chart(out, heap ? "chart-heap" : "chart-goroutines", heap ? "Heap in use" : "Goroutines", &s);
}

static void gc_charts(FILE *out, const hs_triage *t, double *x, int64_t *y)
{
	for (size_t r = 0, j = 0; r < hs_triage_nruns(t); r++) {
		const hs_triage_run *run = hs_triage_run_at(t, r);
		size_t n = 0;
		for (; j < hs_triage_ngcs(t) && n < run->r.n; j++, n++) {
			x[n] = hs_triage_gc_at(t, j)->at_s;
			y[n] = hs_triage_gc_at(t, j)->live;
		}
		char id[32], title[64];
		snprintf(id, sizeof id, "chart-gc-%zu", r + 1);
		snprintf(title, sizeof title, "GC live heap (gctrace run %zu)", run->run + 1);
		series s = {x, y, n, "s since start", true};
		if (n)
			chart(out, id, title, &s);
	}
}

static void charts(FILE *out, const hs_triage *t)
{
	size_t cap = hs_triage_npoints(t) > hs_triage_ngcs(t) ? hs_triage_npoints(t) : hs_triage_ngcs(t);
	if (!cap)
		return;
	double *x = malloc(cap * sizeof *x);
	int64_t *y = malloc(cap * sizeof *y);
	fputs("<section id=\"charts\"><h2>Over time</h2><div class=\"charts\">\n", out);
	if (x && y) {
		snapshot_chart(out, t, true, x, y);
		snapshot_chart(out, t, false, x, y);
		gc_charts(out, t, x, y);
	}
	fputs("</div></section>\n", out);
	free(x);
	free(y);
}

/* ---- verdict and findings ---------------------------------------------------- */

/* A lock finding's files: "evidence: F: 20 waiting now, G: 60 contentions, 36.21s waited, ..." */
static void lock_evidence(FILE *out, const hs_triage_lock *l)
{
	char d[64];
	fputs("<div class=\"evidence\">evidence:", out);
	for (size_t k = 0; k < l->nev; k++) {
		const hs_triage_lock_ev *e = &l->ev[k];
		fputs(k ? ", " : " ", out);
		text(out, e->file);
		if (e->source != HS_SRC_CONTENTION) {
			fprintf(out, ": %" PRId64 " waiting now", e->goroutines);
			continue;
		}
		hs_scaled_label(e->delay_ns, "nanoseconds", "auto", d, sizeof d);
		fprintf(out, ": %" PRId64 " contentions, %s %s", e->contentions, d,
		        e->side == HS_SIDE_HOLDING ? "others waited for its unlock" : "waited");
	}
	fputs("</div>", out);
}

static void findings(FILE *out, const triage_report *r)
{
	const hs_triage *t = r->t;
	char line[700];
	bool problem = hs_triage_problem(t);
	size_t nf = hs_triage_nfindings(t);
	fprintf(out, "<h1 id=\"verdict\" class=\"%s\">%s: ", problem ? "problem" : "healthy",
	        problem ? "PROBLEM" : "HEALTHY");
	if (problem)
		fprintf(out, "%zu finding%s", nf, nf == 1 ? "" : "s");
	else
		fputs("no finding of medium severity or above", out);
	fputs("</h1>\n<section id=\"findings\"><h2>Findings</h2>\n", out);
	if (!nf)
		fputs("<p>None.</p>\n", out);
	fputs("<ol class=\"findings\">\n", out);
	for (size_t i = 0; i < nf; i++) {
		const hs_finding *f = hs_triage_finding(t, i);
		const char *sev = hs_severity_name(f->severity);
		fprintf(out, "<li class=\"finding\"><span class=\"sev sev-%s\">%s</span> <code>", sev, sev);
		text(out, triage_finding_culprit(r, f));
		fputs("</code> (", out);
		text(out, triage_finding_kind(r, f));
		if (f->source == HS_FIND_LEAK)
			fprintf(out, ", confidence %s", hs_confidence_name(f->leak->confidence));
		fputs(")", out);
		bool lock = f->source == HS_FIND_LOCK;
		if (lock)
			triage_lock_mechanism(r, hs_triage_lock_at(t, f->index), line, sizeof line);
		if (lock || (f->source == HS_FIND_LEAK && out_leak_sentence(line, sizeof line, f->leak))) {
			fputs("<div class=\"mechanism\">", out);
			text(out, line);
			fputs("</div>", out);
		}
		fputs("<div class=\"numbers\">", out);
		triage_finding_numbers(r, f, line, sizeof line);
		text(out, line);
		fputs("</div>", out);
		if (f->source == HS_FIND_LEAK && f->leak->npoints) {
			fputs("<div class=\"evidence\">evidence:", out);
			bool b = f->leak->kind == HS_LEAK_HEAP_GROWTH || f->leak->kind == HS_LEAK_RETAINER ||
			         f->leak->kind == HS_LEAK_RETENTION;
			char v[32];
			for (size_t q = 0; q < f->leak->npoints; q++) {
				fputs(q ? ", " : " ", out);
				text(out, f->leak->points[q].file);
				if (b)
					bytes(f->leak->points[q].value, v);
				else
					snprintf(v, sizeof v, "%" PRId64, f->leak->points[q].value);
				fprintf(out, ": %s", v);
			}
			fputs("</div>", out);
		}
		if (lock)
			lock_evidence(out, hs_triage_lock_at(t, f->index));
		char chain[600];
		if (f->source == HS_FIND_LEAK && out_chain_text(chain, sizeof chain, &f->leak->chain)) {
			fputs("<div class=\"evidence\">chain: <code>", out);
			text(out, chain);
			fputs("</code></div>", out);
		}
		fputs("<div class=\"hint\">", out);
		text(out, triage_finding_hint(f));
		fputs("</div></li>\n", out);
	}
	fputs("</ol>\n", out);
	if (r->read_failed)
		fputs("<p class=\"note\">Some files could not be read (see the command's messages).</p>\n", out);
	fputs("</section>\n", out);
}

/* ---- flame graphs ------------------------------------------------------------- */

static void flames(FILE *out, const triage_report *r)
{
	if (!r->nflames)
		return;
	fputs("<section id=\"flames\"><h2>Flame graphs</h2>\n<p class=\"note\">Click a frame to zoom, "
	      "Reset Zoom to go back; Search takes a regular expression. Frames narrower than 1 px are "
	      "not drawn (the count is at the bottom right of each graph).</p>\n", out);
	for (size_t i = 0; i < r->nflames; i++) {
		const triage_flame *tf = &r->flames[i];
		char id[16];
		snprintf(id, sizeof id, "fg%zu", i + 1);
		fprintf(out, "<div class=\"flamebox\" id=\"%s-box\"><h3>", id);
		text(out, tf->title);
		fputs("</h3>\n", out);
		char sub[1024];
		snprintf(sub, sizeof sub, "%s%s%s", tf->base_file ? tf->base_file : "",
		         tf->base_file ? " -> " : "", tf->file);
		flame_opts fo = {.title = tf->title, .subtitle = sub, .countname = tf->countname,
		                 .width = FLAME_W, .frame_height = 16, .minwidth = 1.0,
		                 .palette = tf->differential ? FLAME_HOT : FLAME_MEM,
		                 .differential = tf->differential, .id_prefix = id};
		if (strcmp(tf->countname, "nanoseconds") == 0)
			fo.palette = FLAME_HOT;
		if (strcmp(tf->countname, "goroutines") == 0)
			fo.palette = FLAME_IO;
		if (!flame_write_svg(out, tf->f, &fo))
			fputs("<p>out of memory drawing this graph</p>", out);
		fputs("</div>\n", out);
	}
	fputs("</section>\n", out);
}

/* ---- tables --------------------------------------------------------------------- */

static void th(FILE *out, const char *const *cols)
{
	fputs("<table><thead><tr>", out);
	for (size_t i = 0; cols[i]; i++)
		fprintf(out, "<th%s>%s</th>", cols[i][0] == '#' ? " class=\"n\"" : "",
		        cols[i] + (cols[i][0] == '#'));
	fputs("</tr></thead><tbody>\n", out);
}

static void td(FILE *out, const char *s, bool num)
{
	fputs(num ? "<td class=\"n\">" : "<td>", out);
	text(out, s);
	fputs("</td>", out);
}

/* The inventory's kinds and twins (inventory.h), as the text says them. */
static void inputs(FILE *out, const triage_report *r)
{
	static const char *const cols[] = {"kind", "time (UTC)", "used for", "file", NULL};
	char tm[32], use[200];
	fputs("<section id=\"inputs\"><h2>Inputs</h2>\n", out);
	th(out, cols);
	for (size_t i = 0; i < hs_inventory_n(r->inv); i++) {
		const hs_input_entry *e = hs_inventory_at(r->inv, i);
		triage_used_for(use, sizeof use, hs_triage_input_at(r->t, i));
		if (e->why == HS_WHY_UNREADABLE)
			snprintf(use, sizeof use, "could not be read");
		else if (e->why == HS_WHY_TWIN)
			snprintf(use, sizeof use, "twin of %s", hs_inventory_at(r->inv, e->other)->path);
		fputs("<tr>", out);
		td(out, hs_input_kind_name(e->kind), false);
		td(out, triage_time(e->time, e->time_from, tm, sizeof tm), false);
		td(out, use, false);
		td(out, e->path, false);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void timeline(FILE *out, const hs_triage *t)
{
	static const char *const cols[] = {"time (UTC)", "#heap in use", "#goroutines", "file", NULL};
	char tm[32], a[32];
	if (!hs_triage_npoints(t))
		return;
	fputs("<section id=\"timeline\"><h2>Timeline</h2>\n", out);
	th(out, cols);
	for (size_t i = 0; i < hs_triage_npoints(t); i++) {
		const hs_triage_point *p = hs_triage_point_at(t, i);
		const hs_triage_input *in = hs_triage_input_at(t, p->input);
		fputs("<tr>", out);
		td(out, triage_time(p->moment, in->time_from, tm, sizeof tm), false);
		td(out, p->heap_inuse >= 0 ? bytes(p->heap_inuse, a) : "-", true);
		snprintf(a, sizeof a, "%" PRId64, p->goroutines);
		td(out, p->goroutines >= 0 ? a : "-", true);
		td(out, in->file, false);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void growth(FILE *out, const hs_triage *t)
{
	static const char *const cols[] = {"#first", "#last", "#growth", "#per minute", "function", "", NULL};
	const hs_growth *g = hs_triage_growth(t);
	char a[32];
	if (!g)
		return;
	size_t ns = hs_growth_nsnap(g);
	fputs("<section id=\"growth\"><h2>Growth of in-use bytes</h2>\n", out);
	th(out, cols);
	for (size_t i = 0; i < hs_growth_nrows(g) && i < 20; i++) {
		const hs_growth_row *w = hs_growth_row_at(g, i);
		fputs("<tr>", out);
		td(out, bytes(w->values[0], a), true);
		td(out, bytes(w->values[ns - 1], a), true);
		td(out, out_label(w->growth, "bytes", "minimum", true, a, 32), true);
		td(out, isfinite(w->slope_per_min) ? out_label(llround(w->slope_per_min), "bytes", "minimum", true, a, 32)
		        : "-", true);
		td(out, w->name, false);
		td(out, w->candidate ? "GROWING" : "", false);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void goroutines(FILE *out, const hs_triage *t)
{
	static const char *const cols[] = {"#count", "state", "top frame", "created by", NULL};
	const hs_goroutines *g = hs_triage_goroutines(t);
	char a[32];
	if (!g)
		return;
	fputs("<section id=\"goroutines\"><h2>Goroutine groups</h2>\n", out);
	th(out, cols);
	for (size_t i = 0; i < hs_goroutines_ngroups(g) && i < 20; i++) {
		const hs_ggroup *gr = &hs_goroutines_groups(g)[i];
		int64_t m = 0;
		for (int f = 0; f < hs_goroutines_nfiles(g); f++)
			m = gr->per_file[f] > m ? gr->per_file[f] : m;
		snprintf(a, sizeof a, "%" PRId64, m);
		fputs("<tr>", out);
		td(out, a, true);
		td(out, gr->rep->state, false);
		td(out, gr->rep->top, false);
		td(out, gr->rep->created_by, false);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void blocking(FILE *out, const hs_triage *t)
{
	static const char *const ccols[] = {"#delay", "#contentions", "wait", "side", "culprit", NULL};
	static const char *const icols[] = {"#goroutines", "wait", "culprit", NULL};
	const hs_blocking *b = hs_triage_blocking(t);
	char a[32];
	if (!b)
		return;
	fputs("<section id=\"blocking\"><h2>Blocking</h2>\n", out);
	for (int pass = 0; pass < 2; pass++) {
		fputs(pass == 0 ? "<h3>Waits on something (contention, waits that are not idle)</h3>\n"
		                : "<h3>Idle waits (normal in a long-lived service)</h3>\n", out);
		th(out, pass == 0 ? ccols : icols);
		for (size_t i = 0, shown = 0; i < hs_blocking_n(b) && shown < 20; i++) {
			const hs_hotspot *h = hs_blocking_at(b, i);
			if ((h->idle != HS_IDLE_NONE) != (pass == 1))
				continue;
			shown++;
			fputs("<tr>", out);
			if (pass == 0) {
				td(out, out_label(h->delay_ns, "nanoseconds", "minimum", false, a, 32), true);
				snprintf(a, sizeof a, "%" PRId64, h->contentions);
				td(out, a, true);
			} else {
				snprintf(a, sizeof a, "%" PRId64, h->goroutines);
				td(out, a, true);
			}
			td(out, hs_wait_kind_name(h->kind), false);
			if (pass == 0)
				td(out, hs_lock_side_name(h->side), false);
			td(out, h->culprit, false);
			fputs("</tr>\n", out);
		}
		fputs("</tbody></table>\n", out);
	}
	fputs("</section>\n", out);
}

static void heapdump(FILE *out, const triage_report *r)
{
	static const char *const cols[] = {"#retained", "#share", "root", "accumulation point", "site", "file", NULL};
	char a[32];
	if (!hs_triage_nsuspects(r->t))
		return;
	fputs("<section id=\"heapdump\"><h2>Heap dump suspects</h2>\n", out);
	th(out, cols);
	for (size_t i = 0; i < hs_triage_nsuspects(r->t); i++) {
		const hs_triage_suspect *s = hs_triage_suspect_at(r->t, i);
		fputs("<tr>", out);
		td(out, bytes((int64_t)s->retained, a), true);
		snprintf(a, sizeof a, "%.1f%%", s->share * 100);
		td(out, a, true);
		td(out, s->holder, false);
		td(out, s->accum, false);
		td(out, s->site, false);
		td(out, hs_triage_input_at(r->t, s->input)->file, false);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

void triage_write_html(FILE *out, const triage_report *r)
{
	const hs_triage *t = r->t;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width\"/>\n<title>heapscope triage: ", out);
	fputs(hs_triage_problem(t) ? "problem" : "healthy", out);
	fputs("</title>\n<style>", out);
	fputs(page_style, out);
	put_flame_style(out);
	fputs("</style>\n</head><body>\n", out);
	findings(out, r);
	charts(out, t);
	flames(out, r);
	inputs(out, r);
	timeline(out, t);
	growth(out, t);
	goroutines(out, t);
	blocking(out, t);
	heapdump(out, r);
	put_script(out);
	fputs("</body></html>\n", out);
}
