/* heapscope growth: per-function growth over a series of heap (or
 * goroutine) profiles, steady growers first.  The statistics and the
 * candidate rule are in include/heapscope/growth.h. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/growth.h"
#include "heapscope/rules.h"
#include "heapscope/units.h"

#include "../core/hashmap.h"
#include "../output/dot.h"
#include "../output/escape.h"
#include "../output/folded_stacks.h"
#include "../output/json.h"
#include "../output/pprof_text.h"
#include "cmd.h"

enum { TEXT_DEFAULT_ROWS = 20, DOT_DEFAULT_NODECOUNT = 80 };

typedef struct growth_opts {
	cli_opts c;
	bool keep_order, stacks;
	const char *limit, *min_growth, *interval;   /* NULL: not given */
} growth_opts;

typedef struct series {
	const cli_opts *o;
	const growth_opts *gopt;   /* the same struct, with growth's own options */
	hs_growth *g;
	hs_growth_opts go;
	char sample_type[64], unit[32];
	int64_t min_growth;
	const char **files;        /* in snapshot (time) order */
	uint8_t *from_lastgc;      /* per snapshot as given: its time is MemStats LastGC */
	size_t nlastgc;
} series;

/* ---- formatting ---------------------------------------------------------- */

static void value_label(const series *s, int64_t v, bool sign, char *buf, size_t n)
{
	char tmp[64];
	hs_scaled_label(v, s->unit, s->o->unit, tmp, sizeof tmp);
	snprintf(buf, n, "%s%.60s", sign && v > 0 ? "+" : "", tmp);
}

/* A MemStats value: bytes in the report's --unit, or a count. */
static void mem_label(const series *s, size_t k, int64_t v, bool sign, char *buf, size_t n)
{
	char tmp[64];
	hs_scaled_label(v, hs_growth_mem_is_bytes(k) ? "bytes" : "count",
	                hs_growth_mem_is_bytes(k) ? s->o->unit : "minimum", tmp, sizeof tmp);
	snprintf(buf, n, "%s%.60s", sign && v > 0 ? "+" : "", tmp);
}

/* k: a MemStats row (hs_growth_mem_names), or -1 for the profile's unit. */
static void row_label(const series *s, int k, int64_t v, bool sign, char *buf, size_t n)
{
	if (k < 0)
		value_label(s, v, sign, buf, n);
	else
		mem_label(s, (size_t)k, v, sign, buf, n);
}

static void slope_label(const series *s, int k, double slope, char *buf, size_t n)
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

static size_t shown_rows(const series *s, bool text)
{
	size_t n = hs_growth_nrows(s->g);
	int limit = s->o->nodecount >= 0 ? s->o->nodecount : text ? TEXT_DEFAULT_ROWS : 0;
	return limit > 0 && (size_t)limit < n ? (size_t)limit : n;
}

static bool is_bytes(const series *s)
{
	return hs_unit_kind(s->unit, NULL) == HS_QTY_BYTES;
}

static void print_limit_line(FILE *out, const series *s)
{
	const hs_growth *g = s->g;
	size_t n = hs_growth_nsnap(g);
	char lim[64], last[64], slope[64], when[64];
	value_label(s, s->go.limit, false, lim, sizeof lim);
	value_label(s, hs_growth_total(g)->values[n - 1], false, last, sizeof last);
	slope_label(s, -1, hs_growth_total(g)->slope_per_min, slope, sizeof slope);
	minutes_label(hs_growth_total(g)->minutes_to_limit, when, sizeof when);
	const char *what = is_bytes(s) ? "OOM" : "Limit";
	if (hs_growth_total(g)->minutes_to_limit <= 0)
		fprintf(out, "%s now: the total %s is already at or over the limit %s\n", what, last, lim);
	else if (isinf(hs_growth_total(g)->minutes_to_limit))
		fprintf(out, "No %s projected: the total %s is not growing (%s); limit %s\n",
		        is_bytes(s) ? "OOM" : "limit", last, slope, lim);
	else
		fprintf(out, "%s in %s: the total %s grows %s and reaches the limit %s at that rate\n",
		        what, when, last, slope, lim);
}

/* The process's side of the OOM: MemStats Sys, all the runtime holds. */
static void print_sys_line(FILE *out, const series *s)
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

static int trend_width(const series *s)
{
	return (int)(hs_growth_nsnap(s->g) > 5 ? hs_growth_nsnap(s->g) : 5);
}

static void print_header(FILE *out, const series *s)
{
	fprintf(out, "  %16s %12s %5s  %-*s %10s%s  %s\n", "slope", "growth", "mono", trend_width(s),
	        "trend", "last", s->go.has_limit ? "  limit in   " : "", "name");
}

/* k as for row_label. */
static void print_row(FILE *out, const series *s, const hs_growth_row *r, int k)
{
	size_t n = hs_growth_nsnap(s->g);
	char slope[64], a[64], b[64], spark[256];
	slope_label(s, k, r->slope_per_min, slope, sizeof slope);
	row_label(s, k, r->growth, true, a, sizeof a);
	row_label(s, k, r->values[n - 1], false, b, sizeof b);
	hs_sparkline(r->values, n, spark, sizeof spark);
	fprintf(out, "%c %16s %12s %5.2f  %s%*s %10s", r->candidate ? '*' : ' ', slope, a,
	        r->monotonic, spark, trend_width(s) - (int)n, "", b);
	if (s->go.has_limit) {
		char when[64] = "";
		if (r->candidate && (k < 0 || hs_growth_mem_is_bytes((size_t)k)))
			minutes_label(r->minutes_to_limit, when, sizeof when);
		fprintf(out, "  %-12s", when);
	}
	fprintf(out, "  %s\n", r->name);
}

static void print_text(FILE *out, const series *s)
{
	const hs_growth *g = s->g;
	const cli_opts *o = s->o;
	size_t n = hs_growth_nsnap(g);
	if (s->go.has_limit)
		print_limit_line(out, s);
	if (hs_growth_has_mem(g) && s->go.has_mem_limit)
		print_sys_line(out, s);
	char span[64], a[64], b[64], c[64];
	duration_label(hs_growth_times(g)[n - 1] - hs_growth_times(g)[0], span, sizeof span);
	fprintf(out, "Series: %zu profiles over %s, %s (%s), %s to %s\n", n, span, s->sample_type,
	        o->cum ? "cum" : "flat", s->files[0], s->files[n - 1]);
	value_label(s, hs_growth_total(g)->values[0], false, a, sizeof a);
	value_label(s, hs_growth_total(g)->values[n - 1], false, b, sizeof b);
	value_label(s, hs_growth_total(g)->growth, true, c, sizeof c);
	char slope[64], spark[256];
	slope_label(s, -1, hs_growth_total(g)->slope_per_min, slope, sizeof slope);
	hs_sparkline(hs_growth_total(g)->values, n, spark, sizeof spark);
	fprintf(out, "Total: %s -> %s (%s), %s, monotonic %.2f %s\n", a, b, c, slope,
	        hs_growth_total(g)->monotonic, spark);
	char ming[64];
	value_label(s, s->min_growth, false, ming, sizeof ming);
	fprintf(out, "Growth candidates (*): monotonic >= %.1f, rising in >= %.0f%% of the steps, "
	             "growth > %.0f%% of the last total and >= %s\n",
	        HS_GROWTH_MIN_MONOTONIC, HS_GROWTH_MIN_RISING * 100, HS_GROWTH_MIN_FRACTION * 100,
	        ming);
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

static void json_row(json_w *w, const series *s, const hs_growth_row *r, bool is_total)
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
	}
	if (s->go.has_limit && (is_total || r->candidate)) {
		json_key(w, "minutes_to_limit");
		json_double(w, r->minutes_to_limit);   /* null when never */
	}
	json_end_object(w);
}

static void print_json(FILE *out, const series *s)
{
	const hs_growth *g = s->g;
	const cli_opts *o = s->o;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "sample_type");
	json_string(&w, s->sample_type);
	json_key(&w, "unit");
	json_string(&w, s->unit);
	json_key(&w, "value");
	json_string(&w, o->cum ? "cum" : "flat");
	json_key(&w, "granularity");
	json_string(&w, hs_granularity_name((hs_granularity)o->granularity));
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
		json_string(&w, s->gopt->interval                      ? "interval"
		                : s->from_lastgc[hs_growth_order(g)[i]] ? "memstats_lastgc"
		                                               : "profile");
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
	json_end_object(&w);
	json_key(&w, "rows");
	json_begin_array(&w);
	size_t rows = shown_rows(s, false);
	for (size_t i = 0; i < rows; i++)
		json_row(&w, s, hs_growth_row_at(g, i), false);
	json_end_array(&w);
	json_key(&w, "total");
	json_row(&w, s, hs_growth_total(g), true);
	/* The MemStats series, when every profile has the trailer. */
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
	json_end_object(&w);
	json_finish(&w);
}

/* ---- folded and dot: the newest profile ---------------------------------- */

static bool print_folded(FILE *out, const hs_view *v)
{
	if (folded_write(out, v, v->p->nstacks, 1, folded_view_value, v))
		return true;
	cli_error("out of memory folding stacks");
	return false;
}

/* DOT: the newest profile's call graph as `dot` draws it, each node
 * colored by its slope (red: growing fastest, green: shrinking) and
 * labelled with it. */
typedef struct dot_ctx {
	const series *s;
	double *slope;            /* per view node id, NAN if no row */
	double max_slope;
} dot_ctx;

static void growth_dot_node(FILE *out, const graph_layout *l, size_t i)
{
	const report_fmt *f = l->f;
	const dot_ctx *dot_c = l->ctx;
	uint32_t id = l->nodes[i];
	const hs_node_info *ni = &HS_VEC_AT(&f->v->nodes, hs_node_info, id);
	double slope = dot_c->slope[id];
	char *shortname = malloc(strlen(ni->func) + 1);
	char sl[64], last[64], fg[8], bg[8];
	if (!shortname)
		return;
	dot_shorten_function_name(ni->func, shortname);
	slope_label(dot_c->s, -1, slope, sl, sizeof sl);
	int64_t val = dot_c->s->o->cum ? f->r->g.cum[id] : f->r->g.flat[id];
	value_label(dot_c->s, val, false, last, sizeof last);
	double score = isnan(slope) || dot_c->max_slope <= 0 ? 0 : slope / dot_c->max_slope;
	dot_color(score, false, fg);
	dot_color(score, true, bg);
	fprintf(out, "N%zu [label=\"", i + 1);
	const char *label = ni->func[0] ? shortname : ni->name;
	esc_dot(out, label, strlen(label), false);
	fprintf(out, "\\n%s\\n%s %s\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"", sl,
	        dot_c->s->o->cum ? "cum" : "flat", last, i + 1,
	        score > 0 ? 10 + (int)ceil(14.0 * score) : 10);
	esc_dot(out, ni->name, strlen(ni->name), false);
	fprintf(out, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", sl, fg, bg);
	free(shortname);
}

static int print_dot(FILE *out, series *s, const char *file)
{
	const cli_opts *o = s->o;
	hs_profile p;
	hs_view v;
	hs_report r;
	int rc = HS_EXIT_USAGE;
	hs_profile_init(&p);
	if (!cli_load(&p, file, o) || !cli_view(&v, &p, file, o))
		goto out_profile;
	hs_report_opts ro = {.nodecount = o->nodecount < 0 ? DOT_DEFAULT_NODECOUNT : o->nodecount,
	                     .nodefraction = 0.005, .edgefraction = 0.001, .visual = true};
	hs_error e;
	hs_error_clear(&e);
	if (hs_report_build(&r, &v, &ro, &e) != HS_OK) {
		cli_file_error(file, &e);
		goto out_view;
	}
	dot_ctx c = {.s = s, .slope = malloc((v.nodes.len + 1) * sizeof(double))};
	hs_strmap names;
	if (!c.slope || !hs_strmap_init(&names, hs_growth_nrows(s->g) + 16)) {
		free(c.slope);
		cli_error("out of memory");
		goto out_report;
	}
	for (size_t i = 0; i < hs_growth_nrows(s->g); i++) {
		const char *nm = hs_growth_row_at(s->g, i)->name;
		hs_strmap_get_or_put(&names, nm, strlen(nm), (uint32_t)i);
	}
	for (size_t id = 0; id < v.nodes.len; id++) {
		const char *nm = HS_VEC_AT(&v.nodes, hs_node_info, id).name;
		uint32_t row = hs_strmap_get(&names, nm, strlen(nm));
		c.slope[id] = row == UINT32_MAX ? NAN : hs_growth_row_at(s->g, row)->slope_per_min;
	}
	for (size_t i = 0; i < r.g.npresent; i++) {
		double sl = c.slope[r.g.present[i]];
		if (!isnan(sl) && fabs(sl) > c.max_slope)
			c.max_slope = fabs(sl);
	}
	report_fmt f;
	report_fmt_init(&f, &p, &v, &r, o->unit);
	graph_ops ops = graph_dot_ops;
	ops.node = growth_dot_node;
	ops.ctx = &c;
	if (graph_write(out, &f, &ops, &e) != HS_OK)
		cli_file_error(file, &e);
	else
		rc = HS_EXIT_OK;
	hs_strmap_release(&names);
	free(c.slope);
out_report:
	hs_report_release(&r);
out_view:
	hs_view_release(&v);
out_profile:
	hs_profile_release(&p);
	return rc;
}

static int print_folded_file(FILE *out, const series *s, const char *file)
{
	hs_profile p;
	hs_view v;
	int rc = HS_EXIT_USAGE;
	hs_profile_init(&p);
	if (cli_load(&p, file, s->o) && cli_view(&v, &p, file, s->o)) {
		if (print_folded(out, &v))
			rc = HS_EXIT_OK;
		hs_view_release(&v);
	}
	hs_profile_release(&p);
	return rc;
}

/* ---- loading the series -------------------------------------------------- */

/* A --limit or --min-growth value, in the series' sample unit. */
static bool parse_amount(const series *s, const char *opt, const char *text, int64_t *out)
{
	hs_quantity q;
	hs_error e;
	hs_error_clear(&e);
	double per_unit;
	hs_qty_kind uk = hs_unit_kind(s->unit, &per_unit);
	if (hs_parse_quantity(text, &q, &e) != HS_OK) {
		cli_error("growth: --%s: %s", opt, e.detail);
		return false;
	}
	if (q.kind != HS_QTY_NUMBER && q.kind != uk) {
		cli_error("growth: --%s %s is a %s, but %s is in %s", opt, text,
		          q.kind == HS_QTY_BYTES ? "size" : "duration", s->sample_type,
		          s->unit[0] ? s->unit : "no unit");
		return false;
	}
	*out = q.kind == HS_QTY_NUMBER ? q.value : (int64_t)llround((double)q.value / per_unit);
	return true;
}

static int load_loaded(series *s, cli_loads *l, int64_t interval);

static int load_series(series *s, int64_t interval)
{
	const cli_opts *o = s->o;
	cli_loads l;
	cli_loads_start(&l, (const char *const *)o->files, o->nfiles, o);
	int rc = load_loaded(s, &l, interval);
	cli_loads_end(&l);
	return rc;
}

static int load_loaded(series *s, cli_loads *l, int64_t interval)
{
	const cli_opts *o = s->o;
	for (int i = 0; i < o->nfiles; i++) {
		const char *file = o->files[i];
		hs_profile p;
		hs_view v;
		if (!cli_loads_next(l, &p))
			return HS_EXIT_USAGE;
		/* Every snapshot reports the first one's sample type, by name. */
		cli_opts po = *o;
		if (i > 0)
			po.sample_index = s->sample_type;
		if (!cli_view(&v, &p, file, &po)) {
			hs_profile_release(&p);
			return HS_EXIT_USAGE;
		}
		const hs_value_type *vt = &HS_VEC_AT(&p.sample_types, hs_value_type, v.sample_index);
		if (i == 0) {
			snprintf(s->sample_type, sizeof s->sample_type, "%s", hs_s(&p, vt->type));
			snprintf(s->unit, sizeof s->unit, "%s", hs_s(&p, vt->unit));
		} else if (strcmp(s->unit, hs_s(&p, vt->unit)) != 0) {
			cli_error("growth: '%s' has %s in %s, '%s' in %s", file, s->sample_type,
			          hs_s(&p, vt->unit), o->files[0], s->unit);
			hs_view_release(&v);
			hs_profile_release(&p);
			return HS_EXIT_USAGE;
		}
		/* A Go heap text profile has no time: its trailer's LastGC (the
		 * end of the last GC before it was written) stands in. */
		int64_t last_gc, t = interval ? (int64_t)i * interval : p.time_nanos;
		hs_growth_add_memstats(s->g, (size_t)i, &p, &last_gc);
		if (!interval && t == 0 && last_gc > 0) {
			t = last_gc;
			s->from_lastgc[i] = 1;
			s->nlastgc++;
		}
		if (!interval && t == 0) {
			cli_error("growth: '%s' has no time (no time_nanos, no MemStats LastGC): give "
			          "--interval DURATION, the time between snapshots taken in the order given",
			          file);
			hs_view_release(&v);
			hs_profile_release(&p);
			return HS_EXIT_USAGE;
		}
		hs_growth_set_time(s->g, (size_t)i, t);
		hs_error e;
		hs_error_clear(&e);
		hs_err rc = s->gopt->stacks ? hs_growth_add_view_stacks(s->g, (size_t)i, &v, &e)
		                            : hs_growth_add_view(s->g, (size_t)i, &v, o->cum, &e);
		hs_view_release(&v);
		hs_profile_release(&p);
		if (rc != HS_OK) {
			cli_file_error(file, &e);
			return HS_EXIT_USAGE;
		}
	}
	return HS_EXIT_OK;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const growth_opts *g = (const growth_opts *)op;
	const cli_opts o = *op;
	int rc;
	if (o.nfiles < 2) {
		cli_error("growth: needs at least 2 profiles, oldest to newest or with times");
		return HS_EXIT_USAGE;
	}
	if (g->stacks && (o.cum || strcmp(o.format, "dot") == 0)) {
		cli_error("growth: --stacks has a row per stack: no --cum, no --format dot");
		return HS_EXIT_USAGE;
	}
	int64_t interval = 0;
	if (g->interval) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_parse_duration(g->interval, &interval, &e) != HS_OK || interval <= 0) {
			cli_error("growth: --interval: %s", e.code ? e.detail : "must be more than 0");
			return HS_EXIT_USAGE;
		}
	}
	series s = {.o = op, .gopt = g};
	hs_error e;
	hs_error_clear(&e);
	if (!(s.g = hs_growth_new((size_t)o.nfiles, &e))) {
		cli_error("growth: %s", e.detail);
		return HS_EXIT_USAGE;
	}
	s.files = calloc((size_t)o.nfiles, sizeof *s.files);
	s.from_lastgc = calloc((size_t)o.nfiles, 1);
	rc = HS_EXIT_USAGE;
	if (!s.files || !s.from_lastgc || load_series(&s, interval) != HS_EXIT_OK)
		goto out;
	/* Candidates must grow by at least this much: 1 MiB of memory, 10
	 * goroutines (or objects), 1 s of time. */
	hs_qty_kind uk = hs_unit_kind(s.unit, NULL);
	double per_unit = 1;
	hs_unit_kind(s.unit, &per_unit);
	s.min_growth = uk == HS_QTY_BYTES ? 1 << 20 : uk == HS_QTY_NANOS ? (int64_t)(1e9 / per_unit) : 10;
	if (g->min_growth && !parse_amount(&s, "min-growth", g->min_growth, &s.min_growth))
		goto out;
	s.go.min_growth = s.min_growth;
	s.go.keep_order = g->keep_order || interval;
	if (g->limit) {
		if (!parse_amount(&s, "limit", g->limit, &s.go.limit))
			goto out;
		s.go.has_limit = true;
		s.go.has_mem_limit = is_bytes(&s);
		s.go.mem_limit = s.go.limit;
	}
	hs_error_clear(&e);
	if (hs_growth_finish(s.g, &s.go, &e) != HS_OK) {
		cli_error("growth: %s%s", e.detail,
		          e.code == HS_E_USAGE ? " (give --interval DURATION to space them)" : "");
		goto out;
	}
	for (size_t i = 0; i < hs_growth_nsnap(s.g); i++)
		s.files[i] = o.files[hs_growth_order(s.g)[i]];
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	if (strcmp(o.format, "json") == 0) {
		print_json(out, &s);
		rc = HS_EXIT_OK;
	} else if (strcmp(o.format, "folded") == 0) {
		rc = print_folded_file(out, &s, s.files[hs_growth_nsnap(s.g) - 1]);
	} else if (strcmp(o.format, "dot") == 0) {
		rc = print_dot(out, &s, s.files[hs_growth_nsnap(s.g) - 1]);
	} else {
		print_text(out, &s);
		rc = HS_EXIT_OK;
	}
	if (!cli_close_output(out, &o) && rc == HS_EXIT_OK)
		rc = HS_EXIT_USAGE;
out:
	free(s.files);
	free(s.from_lastgc);
	hs_growth_free(s.g);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_SAMPLE_INDEX,
	CLI_OPT_NODECOUNT,
	CLI_OPT_FILTERS,
	CLI_OPT_GRANULARITY,
	CLI_OPT_UNIT,
	CLI_OPT_CUM,
	{"keep-order", 0, NULL, "take the profiles in the order given, not by their time",
	 offsetof(growth_opts, keep_order), NULL, false},
	{"limit", 0, "SIZE", "project when the total (and each candidate) reaches SIZE, e.g. 2GiB",
	 offsetof(growth_opts, limit), cli_parse_string, false},
	{"min-growth", 0, "SIZE", "growth a candidate needs (default 1MiB; 10 for counts)",
	 offsetof(growth_opts, min_growth), cli_parse_string, false},
	{"interval", 0, "DURATION", "time between snapshots, for profiles without a time (e.g. 30s)",
	 offsetof(growth_opts, interval), cli_parse_string, false},
	{"stacks", 0, NULL, "a row per stack (root;...;leaf) instead of per function",
	 offsetof(growth_opts, stacks), NULL, false},
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_ADDRESSES,
	CLI_OPT_END,
};

const hs_command cmd_growth = {
	CLI_COMMAND("growth", run, options, growth_opts, "text,json,folded,dot", "FILE1 FILE2...",
	            "Growth per function over a series of heap or goroutine profiles: leak candidates first."),
	.dirs = true,
};
