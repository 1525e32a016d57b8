/* Writers of `heapscope growth` (src/output/growth_out.c): the series'
 * rows as text and JSON, and the newest profile's call graph colored by
 * slope.  The command loads and computes (src/cmd/growth.c); these only
 * print. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/rules.h"
#include "heapscope/units.h"

#include "../core/hashmap.h"

#include "dot.h"
#include "escape.h"
#include "folded_stacks.h"
#include "formats.h"
#include "growth_out.h"
#include "gctrace_out.h"
#include "inputs_out.h"
#include "json.h"
#include "pprof_text.h"

enum { TEXT_DEFAULT_ROWS = 20 };

/* ---- formatting ---------------------------------------------------------- */

static void value_label(const growth_series *s, int64_t v, bool sign, char *buf, size_t n)
{
	out_label(v, s->unit, s->display_unit, sign, buf, n);
}

/* A MemStats value: bytes in the report's --unit, or a count. */
static void mem_label(const growth_series *s, size_t k, int64_t v, bool sign, char *buf, size_t n)
{
	bool bytes = hs_growth_mem_is_bytes(k);
	out_label(v, bytes ? "bytes" : "count", bytes ? s->display_unit : "minimum", sign, buf, n);
}

/* k: a MemStats row (hs_growth_mem_names), or -1 for the profile's unit. */
static void row_label(const growth_series *s, int k, int64_t v, bool sign, char *buf, size_t n)
{
	if (k < 0)
		value_label(s, v, sign, buf, n);
	else
		mem_label(s, (size_t)k, v, sign, buf, n);
}

static void slope_label(const growth_series *s, int k, double slope, char *buf, size_t n)
{
	if (isnan(slope)) {
		snprintf(buf, n, "-");
		return;
	}
	char tmp[64];
	row_label(s, k, (int64_t)llround(slope), true, tmp, sizeof tmp);
	snprintf(buf, n, "%.56s/min", tmp);
}

/* "~40 minutes", "~3 hours", "~2 days". */
static void minutes_label(double m, char *buf, size_t n)
{
	if (isinf(m))
		snprintf(buf, n, "never");
	else if (m <= 0)
		snprintf(buf, n, "now");
	else if (m < 1)
		snprintf(buf, n, "~%.0f seconds", ceil(m * 60));
	else if (m < 120)
		snprintf(buf, n, "~%.0f minute%s", round(m), round(m) == 1 ? "" : "s");
	else if (m < 48 * 60)
		snprintf(buf, n, "~%.0f hours", round(m / 60));
	else
		snprintf(buf, n, "~%.0f days", round(m / 1440));
}

static void duration_label(int64_t ns, char *buf, size_t n)
{
	hs_scaled_label(ns, "nanoseconds", "minimum", buf, n);
}

static size_t shown_rows(const growth_series *s, bool text)
{
	size_t n = hs_growth_nrows(s->g);
	int limit = s->nodecount >= 0 ? s->nodecount : text ? TEXT_DEFAULT_ROWS : 0;
	return limit > 0 && (size_t)limit < n ? (size_t)limit : n;
}

bool growth_is_bytes(const growth_series *s)
{
	return hs_unit_kind(s->unit, NULL) == HS_QTY_BYTES;
}

static void print_limit_line(FILE *out, const growth_series *s)
{
	const hs_growth *g = s->g;
	size_t n = hs_growth_nsnap(g);
	char lim[64], last[64], slope[64], when[64];
	value_label(s, s->go.limit, false, lim, sizeof lim);
	value_label(s, hs_growth_total(g)->values[n - 1], false, last, sizeof last);
	slope_label(s, -1, hs_growth_total(g)->slope_per_min, slope, sizeof slope);
	minutes_label(hs_growth_total(g)->minutes_to_limit, when, sizeof when);
	const char *what = growth_is_bytes(s) ? "OOM" : "Limit";
	if (hs_growth_total(g)->minutes_to_limit <= 0)
		fprintf(out, "%s now: the total %s is already at or over the limit %s\n", what, last, lim);
	else if (isinf(hs_growth_total(g)->minutes_to_limit))
		fprintf(out, "No %s projected: the total %s is not growing (%s); limit %s\n",
		        growth_is_bytes(s) ? "OOM" : "limit", last, slope, lim);
	else
		fprintf(out, "%s in %s: the total %s grows %s and reaches the limit %s at that rate\n",
		        what, when, last, slope, lim);
}

/* The process's side of the OOM: MemStats Sys, all the runtime holds. */
static void print_sys_line(FILE *out, const growth_series *s)
{
	const hs_growth_row *r = NULL;
	size_t k = 0;
	for (; k < HS_GROWTH_NMEM && !r; k++)
		if (strcmp(hs_growth_mem_names[k], "Sys") == 0)
			r = hs_growth_mem(s->g, k);
	k--;
	char last[64], slope[64], when[64], lim[64];
	mem_label(s, k, r->values[hs_growth_nsnap(s->g) - 1], false, last, sizeof last);
	slope_label(s, (int)k, r->slope_per_min, slope, sizeof slope);
	minutes_label(r->minutes_to_limit, when, sizeof when);
	mem_label(s, k, s->go.mem_limit, false, lim, sizeof lim);
	if (r->minutes_to_limit <= 0)
		fprintf(out, "MemStats Sys (memory from the OS) %s is already at or over %s\n", last, lim);
	else if (isinf(r->minutes_to_limit))
		fprintf(out, "MemStats Sys (memory from the OS) %s is not growing (%s)\n", last, slope);
	else
		fprintf(out, "MemStats Sys (memory from the OS) %s grows %s: reaches %s in %s\n", last,
		        slope, lim, when);
}

static int trend_width(const growth_series *s)
{
	return (int)(hs_growth_nsnap(s->g) > 5 ? hs_growth_nsnap(s->g) : 5);
}

static void print_header(FILE *out, const growth_series *s)
{
	fprintf(out, "  %16s %12s %5s  %-*s %10s%s  %s\n", "slope", "growth", "mono", trend_width(s),
	        "trend", "last", s->go.has_limit ? "  limit in   " : "", "name");
}

/* k as for row_label. */
static void print_row(FILE *out, const growth_series *s, const hs_growth_row *r, int k)
{
	size_t n = hs_growth_nsnap(s->g);
	char slope[64], a[64], b[64], spark[256];
	slope_label(s, k, r->slope_per_min, slope, sizeof slope);
	row_label(s, k, r->growth, true, a, sizeof a);
	row_label(s, k, r->values[n - 1], false, b, sizeof b);
	hs_sparkline(r->values, n, spark, sizeof spark);
	fprintf(out, "%c %16s %12s %5.2f  %s%*s %10s", r->candidate ? '*' : r->noise ? '~' : ' ', slope, a,
	        r->monotonic, spark, trend_width(s) - (int)n, "", b);
	if (s->go.has_limit) {
		char when[64] = "";
		if (r->candidate && (k < 0 || hs_growth_mem_is_bytes((size_t)k)))
			minutes_label(r->minutes_to_limit, when, sizeof when);
		fprintf(out, "  %-12s", when);
	}
	fprintf(out, "  %s", r->name);
	int64_t og;
	const char *own = k < 0 && r->candidate && s->own ? hs_growth_own_culprit(s->own, r->name, &og)
	                                                : NULL;
	if (own) {
		char g[64];
		row_label(s, k, og, true, g, sizeof g);
		fprintf(out, "  (own code: %s, %s of it)", own, g);
	}
	fputc('\n', out);
}

void growth_write_text(FILE *out, const growth_series *s)
{
	const hs_growth *g = s->g;
	size_t n = hs_growth_nsnap(g);
	if (s->go.has_limit)
		print_limit_line(out, s);
	if (hs_growth_has_mem(g) && s->go.has_mem_limit)
		print_sys_line(out, s);
	char span[64], a[64], b[64], c[64];
	duration_label(hs_growth_times(g)[n - 1] - hs_growth_times(g)[0], span, sizeof span);
	fprintf(out, "Series: %zu profiles over %s, %s (%s), %s to %s\n", n, span, s->sample_type,
	        s->cum ? "cum" : "flat", s->files[0], s->files[n - 1]);
	if (s->nname || s->nmtime)
		fprintf(out, "Times: %zu from file names, %zu from file modification times (the "
		             "profiles have none)\n", s->nname, s->nmtime);
	value_label(s, hs_growth_total(g)->values[0], false, a, sizeof a);
	value_label(s, hs_growth_total(g)->values[n - 1], false, b, sizeof b);
	value_label(s, hs_growth_total(g)->growth, true, c, sizeof c);
	char slope[64], spark[256];
	slope_label(s, -1, hs_growth_total(g)->slope_per_min, slope, sizeof slope);
	hs_sparkline(hs_growth_total(g)->values, n, spark, sizeof spark);
	fprintf(out, "Total: %s -> %s (%s), %s, monotonic %.2f %s\n", a, b, c, slope,
	        hs_growth_total(g)->monotonic, spark);
	for (size_t k = 0; k < s->ngcs; k++)
		gctrace_write_run_line(out, s->gcs[k].file, &s->gcs[k].run);
	char ming[64];
	value_label(s, s->min_growth, false, ming, sizeof ming);
	fprintf(out, "Growth candidates (*): monotonic >= %.1f, rising in >= %.0f%% of the steps, "
	             "growth > %.0f%% of the last total and >= %s\n",
	        HS_GROWTH_MIN_MONOTONIC, HS_GROWTH_MIN_RISING * 100, HS_GROWTH_MIN_FRACTION * 100,
	        ming);
	if (hs_growth_get_rate(g) > 1) {
		char rate[64];
		fprintf(out, "Sampled every %s (MemProfileRate): a candidate's growth also stands on "
		             "more than %d samples added, %d standard errors from none (~: within)\n",
		        out_label(hs_growth_get_rate(g), "bytes", "minimum", false, rate, sizeof rate),
		        HS_GROWTH_SIGMAS * HS_GROWTH_SIGMAS, HS_GROWTH_SIGMAS);
	}
	if (hs_growth_has_mem(g)) {
		fprintf(out, "MemStats (exact, from the runtime.MemStats trailer of every profile%s):\n",
		        s->nlastgc ? "; times from its LastGC" : "");
		print_header(out, s);
		for (size_t k = 0; k < HS_GROWTH_NMEM; k++)
			print_row(out, s, hs_growth_mem(g, k), (int)k);
		fprintf(out, "Functions:\n");
	}
	size_t rows = shown_rows(s, true), total_rows = hs_growth_nrows(g);
	if (rows < total_rows)
		fprintf(out, "Showing %zu of %zu rows (--nodecount)\n", rows, total_rows);
	print_header(out, s);
	for (size_t i = 0; i < rows; i++)
		print_row(out, s, hs_growth_row_at(g, i), -1);
}

static void json_row(json_w *w, const growth_series *s, const hs_growth_row *r, bool is_total)
{
	size_t n = hs_growth_nsnap(s->g);
	json_begin_object(w);
	if (!is_total) {
		json_key(w, "name");
		json_string(w, r->name);
	}
	json_key(w, "values");
	json_begin_array(w);
	for (size_t i = 0; i < n; i++)
		json_int(w, r->values[i]);
	json_end_array(w);
	json_key(w, "slope_per_min");
	json_double(w, r->slope_per_min);
	json_key(w, "monotonic");
	json_double(w, r->monotonic);
	json_key(w, "rising");
	json_double(w, r->rising);
	json_key(w, "growth");
	json_int(w, r->growth);
	if (!is_total) {
		json_key(w, "candidate");
		json_bool(w, r->candidate);
		if (hs_growth_get_rate(s->g) > 1 && r->samples) {
			/* the raw samples its growth stands on (growth.h) */
			json_key(w, "samples_added");
			json_double(w, (double)(r->samples[n - 1] - r->samples[0]) / 1000.0);
			json_key(w, "noise");
			json_bool(w, r->noise);
		}
		int64_t og;
		const char *own = r->candidate && s->own ? hs_growth_own_culprit(s->own, r->name, &og)
		                                         : NULL;
		if (own) {
			/* the innermost own frame above this function that grew most */
			json_key(w, "own_culprit");
			json_begin_object(w);
			json_key(w, "name");
			json_string(w, own);
			json_key(w, "growth");
			json_int(w, og);
			json_end_object(w);
		}
	}
	if (s->go.has_limit && (is_total || r->candidate)) {
		json_key(w, "minutes_to_limit");
		json_double(w, r->minutes_to_limit);   /* null when never */
	}
	json_end_object(w);
}

void growth_write_json(FILE *out, const growth_series *s)
{
	const hs_growth *g = s->g;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "sample_type");
	json_string(&w, s->sample_type);
	json_key(&w, "unit");
	json_string(&w, s->unit);
	json_key(&w, "value");
	json_string(&w, s->cum ? "cum" : "flat");
	json_key(&w, "granularity");
	json_string(&w, hs_granularity_name((hs_granularity)s->granularity));
	json_key(&w, "profiles");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_growth_nsnap(g); i++) {
		json_begin_object(&w);
		json_key(&w, "file");
		json_string(&w, s->files[i]);
		json_key(&w, "time_nanos");
		json_int(&w, hs_growth_times(g)[i]);
		json_key(&w, "minutes");
		json_double(&w, hs_growth_minutes(g)[i]);
		json_key(&w, "time_from");
		static const char *const from[] = {"profile", "memstats_lastgc", "file_name", "mtime"};
		json_string(&w, s->interval ? "interval" : from[s->time_from[hs_growth_order(g)[i]]]);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "candidate_rule");
	json_begin_object(&w);
	json_key(&w, "min_profiles");
	json_int(&w, HS_GROWTH_MIN_SNAPSHOTS);
	json_key(&w, "min_monotonic");
	json_double(&w, HS_GROWTH_MIN_MONOTONIC);
	json_key(&w, "min_rising");
	json_double(&w, HS_GROWTH_MIN_RISING);
	json_key(&w, "min_growth_fraction_of_total");
	json_double(&w, HS_GROWTH_MIN_FRACTION);
	json_key(&w, "min_growth");
	json_int(&w, s->min_growth);
	if (hs_growth_get_rate(g) > 1) {
		json_key(&w, "sampling_period");
		json_int(&w, hs_growth_get_rate(g));
		json_key(&w, "noise_sigmas");
		json_int(&w, HS_GROWTH_SIGMAS);
	}
	json_end_object(&w);
	json_key(&w, "rows");
	json_begin_array(&w);
	size_t rows = shown_rows(s, false);
	for (size_t i = 0; i < rows; i++)
		json_row(&w, s, hs_growth_row_at(g, i), false);
	json_end_array(&w);
	json_key(&w, "total");
	json_row(&w, s, hs_growth_total(g), true);
	/* The MemStats growth_series, when every profile has the trailer. */
	json_key(&w, "memstats");
	if (hs_growth_has_mem(g)) {
		json_begin_array(&w);
		for (size_t k = 0; k < HS_GROWTH_NMEM; k++)
			json_row(&w, s, hs_growth_mem(g, k), false);
		json_end_array(&w);
	} else {
		json_null(&w);
	}
	json_key(&w, "limit");
	if (s->go.has_limit) {
		json_begin_object(&w);
		json_key(&w, "value");
		json_int(&w, s->go.limit);
		json_key(&w, "minutes");
		json_double(&w, hs_growth_total(g)->minutes_to_limit);
		json_end_object(&w);
	} else {
		json_null(&w);
	}
	if (s->ngcs) {
		json_key(&w, "gctrace");
		json_begin_array(&w);
		for (size_t k = 0; k < s->ngcs; k++)
			gctrace_write_run_json(&w, s->gcs[k].file, &s->gcs[k].run);
		json_end_array(&w);
	}
	out_inputs_json(&w, s->inv, "growth");
	json_end_object(&w);
	json_finish(&w);
}

/* DOT: the newest profile's call graph as `dot` draws it, each node
 * colored by its slope (red: growing fastest, green: shrinking) and
 * labelled with it. */
typedef struct dot_ctx {
	const growth_series *s;
	double *slope;            /* per view node id, NAN if no row */
	double max_slope;
} dot_ctx;

static void growth_dot_node(FILE *out, const graph_layout *l, size_t i)
{
	const report_fmt *f = l->f;
	const dot_ctx *dot_c = l->ctx;
	uint32_t id = l->nodes[i];
	const hs_node_info *ni = hs_view_node(f->v, id);
	double slope = dot_c->slope[id];
	char *shortname = malloc(strlen(ni->func) + 1);
	char sl[64], last[64], fg[8], bg[8];
	if (!shortname)
		return;
	dot_shorten_function_name(ni->func, shortname);
	slope_label(dot_c->s, -1, slope, sl, sizeof sl);
	int64_t val = dot_c->s->cum ? f->r->g.cum[id] : f->r->g.flat[id];
	value_label(dot_c->s, val, false, last, sizeof last);
	double score = isnan(slope) || dot_c->max_slope <= 0 ? 0 : slope / dot_c->max_slope;
	dot_color(score, false, fg);
	dot_color(score, true, bg);
	fprintf(out, "N%zu [label=\"", i + 1);
	const char *label = ni->func[0] ? shortname : ni->name;
	esc_dot(out, label, strlen(label), false);
	fprintf(out, "\\n%s\\n%s %s\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"", sl,
	        dot_c->s->cum ? "cum" : "flat", last, i + 1,
	        score > 0 ? 10 + (int)ceil(14.0 * score) : 10);
	esc_dot(out, ni->name, strlen(ni->name), false);
	fprintf(out, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", sl, fg, bg);
	free(shortname);
}


/* The rows' slopes on the newest profile's call graph, by node name. */
static bool write_dot(FILE *out, const growth_series *s, const growth_last *last, hs_error *e)
{
	const hs_view *v = last->f->v;
	const hs_report *r = last->f->r;
	size_t nrows = hs_growth_nrows(s->g);
	dot_ctx c = {.s = s, .slope = malloc((v->nodes.len + 1) * sizeof(double))};
	hs_strmap names;
	if (!c.slope || !hs_strmap_init(&names, nrows + 16)) {
		free(c.slope);
		return false;
	}
	for (size_t i = 0; i < nrows; i++) {
		const char *nm = hs_growth_row_at(s->g, i)->name;
		hs_strmap_get_or_put(&names, nm, strlen(nm), (uint32_t)i);
	}
	for (size_t id = 0; id < v->nodes.len; id++) {
		const char *nm = hs_view_node(v, (uint32_t)id)->name;
		uint32_t row = hs_strmap_get(&names, nm, strlen(nm));
		c.slope[id] = row == UINT32_MAX ? NAN : hs_growth_row_at(s->g, row)->slope_per_min;
	}
	for (size_t i = 0; i < r->g.npresent; i++) {
		double sl = c.slope[r->g.present[i]];
		if (!isnan(sl) && fabs(sl) > c.max_slope)
			c.max_slope = fabs(sl);
	}
	graph_ops ops = graph_dot_ops;
	ops.node = growth_dot_node;
	ops.ctx = &c;
	bool ok = graph_write(out, last->f, &ops, e) == HS_OK;
	hs_strmap_release(&names);
	free(c.slope);
	return ok;
}

static bool write_text(FILE *out, const growth_series *s, const growth_last *last, hs_error *e)
{
	(void)last;
	(void)e;
	growth_write_text(out, s);
	return true;
}

static bool write_json(FILE *out, const growth_series *s, const growth_last *last, hs_error *e)
{
	(void)last;
	(void)e;
	growth_write_json(out, s);
	return true;
}

/* The newest profile's stacks, for a flame graph. */
static bool write_folded(FILE *out, const growth_series *s, const growth_last *last, hs_error *e)
{
	(void)s;
	(void)e;
	return folded_write(out, last->v, last->v->p->nstacks, 1, folded_view_value, last->v);
}

static const growth_format formats[] = {
	{"text", false, false, write_text},
	{"json", false, false, write_json},
	{"folded", false, true, write_folded},
	{"dot", true, true, write_dot},
};

OUT_FORMAT_EXPORTS(growth_format, growth, formats);
