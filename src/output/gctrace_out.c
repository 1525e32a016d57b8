/* Writers of `heapscope gctrace` (src/output/gctrace_out.c): the verdicts
 * first, then each run of the log, as text or JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/growth.h"
#include "heapscope/rules.h"
#include "heapscope/units.h"

#include "formats.h"
#include "gctrace_out.h"
#include "inputs_out.h"
#include "json.h"
#include "pprof_text.h"

enum { SPARK_POINTS = 40 };

static void bytes_label(int64_t v, bool sign, char *buf, size_t n)
{
	out_label(v, "bytes", "minimum", sign, buf, n);
}

static void slope_label(double s, char *buf, size_t n)
{
	char tmp[40];
	if (isnan(s)) {
		snprintf(buf, n, "-");
		return;
	}
	bytes_label((int64_t)llround(s), true, tmp, sizeof tmp);
	if (snprintf(buf, n, "%s/min", tmp) >= (int)n && n)
		buf[n - 1] = '\0';
}

/* The live heap of a run, at most SPARK_POINTS bars: each the largest
 * live heap of its share of the GCs. */
static void live_spark(const hs_gctrace *t, const hs_gc_run *r, char *buf, size_t n)
{
	int64_t pts[SPARK_POINTS];
	size_t k = r->n < SPARK_POINTS ? r->n : SPARK_POINTS;
	for (size_t b = 0; b < k; b++) {
		size_t from = r->n * b / k, to = r->n * (b + 1) / k;
		pts[b] = 0;
		for (size_t i = from; i < to; i++) {
			int64_t v = hs_gctrace_gc(t, r->first + i)->heap_live;
			pts[b] = i == from || v > pts[b] ? v : pts[b];
		}
	}
	hs_sparkline(pts, k, buf, n);
}

static void minutes_label(double m, char *buf, size_t n)
{
	if (isinf(m))
		snprintf(buf, n, "never at this slope");
	else if (m <= 0)
		snprintf(buf, n, "already");
	else if (m < 120)
		snprintf(buf, n, "in ~%.0f minute%s", ceil(m), ceil(m) == 1 ? "" : "s");
	else
		snprintf(buf, n, "in ~%.0f hours", round(m / 60));
}

static void print_run(FILE *out, const hs_gctrace *t, size_t i, const hs_gc_run *r,
                      int64_t limit)
{
	char a[48], b[48], c[48], d[48], spark[SPARK_POINTS * 3 + 1];
	const hs_gc *g0 = hs_gctrace_gc(t, r->first), *gl = hs_gctrace_gc(t, r->first + r->n - 1);
	fprintf(out, "Run %zu: gc %llu to %llu, %.3fs to %.3fs after start, %zu GCs (%.1f/min), %zu forced\n",
	        i + 1, (unsigned long long)g0->num, (unsigned long long)gl->num, r->start_s, r->end_s,
	        r->n, r->gc_per_min, r->forced);
	bytes_label(r->live_first, false, a, sizeof a);
	bytes_label(r->live_last, false, b, sizeof b);
	bytes_label(r->live_max, false, c, sizeof c);
	slope_label(r->slope_per_min, d, sizeof d);
	live_spark(t, r, spark, sizeof spark);
	fprintf(out, "  live heap    %s -> %s (max %s), %s, monotonic %.2f %s%s\n", a, b, c, d,
	        r->monotonic, spark, r->leak_suspect ? "  LEAK SUSPECT" : "");
	bytes_label(r->heap_max, false, a, sizeof a);
	bytes_label(r->goal_last, false, b, sizeof b);
	fprintf(out, "  heap         max %s, goal %s at the last GC\n", a, b);
	fprintf(out, "  GC CPU       %d%% of all CPU since the start, at the last GC%s\n",
	        r->cpu_percent, r->gc_thrash ? "  GC THRASH" : "");
	fprintf(out, "  STW pauses   total %.3fms, max %.3fms (gc %llu)%s\n", r->stw_total_ms,
	        r->stw_max_ms, (unsigned long long)r->stw_max_gc, r->long_pause ? "  LONG PAUSE" : "");
	if (limit > 0) {
		bytes_label(limit, false, a, sizeof a);
		minutes_label(r->minutes_to_limit, b, sizeof b);
		fprintf(out, "  limit        the live heap reaches %s %s\n", a, b);
	}
}

/* The first line: what is wrong, worst run first. */
static void print_verdict(FILE *out, const hs_gc_run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const hs_gc_run *r = &runs[i];
		char a[48], b[48], s[48];
		if (r->leak_suspect) {
			bytes_label(r->live_first, false, a, sizeof a);
			bytes_label(r->live_last, false, b, sizeof b);
			slope_label(r->slope_per_min, s, sizeof s);
			fprintf(out, "Leak suspect: run %zu's live heap grows %s (%s -> %s over %zu GCs)\n",
			        i + 1, s, a, b, r->n);
		}
		if (r->gc_thrash)
			fprintf(out, "GC thrash: run %zu spends %d%% of its CPU in GC\n", i + 1,
			        r->cpu_percent);
		if (r->long_pause)
			fprintf(out, "Long pause: run %zu stopped the world for %.3fms (gc %llu)\n", i + 1,
			        r->stw_max_ms, (unsigned long long)r->stw_max_gc);
	}
}

static void print_text(FILE *out, const gctrace_report *g)
{
	const char *file = g->file;
	const hs_gctrace *t = g->t;
	const hs_gc_run *runs = g->runs;
	int64_t limit = g->limit;
	size_t n = hs_gctrace_nruns(t);
	fprintf(out, "GC trace: %s, %zu GC%s in %zu run%s (%llu other lines%s)\n", file,
	        t->gcs.len, t->gcs.len == 1 ? "" : "s", n, n == 1 ? "" : "s",
	        (unsigned long long)t->other_lines, t->cut_last_line ? ", the last line cut" : "");
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any |= runs[i].leak_suspect || runs[i].gc_thrash || runs[i].long_pause;
	if (any)
		print_verdict(out, runs, n);
	else
		fprintf(out, "No leak suspect, GC thrash or long pause\n");
	for (size_t i = 0; i < n; i++)
		print_run(out, t, i, &runs[i], limit);
}

void gctrace_write_run_line(FILE *out, const char *file, const hs_gc_run *r)
{
	char a[48], b[48], c[48], d[48];
	bytes_label(r->live_first, false, a, sizeof a);
	bytes_label(r->live_last, false, b, sizeof b);
	bytes_label(r->live_max, false, c, sizeof c);
	slope_label(r->slope_per_min, d, sizeof d);
	fprintf(out, "gctrace %s: live heap %s -> %s (max %s) over %zu GCs, %s, GC CPU %d%%%s\n", file,
	        a, b, c, r->n, d, r->cpu_percent, r->leak_suspect ? "  LEAK SUSPECT" : "");
}

void gctrace_write_run_json(json_w *w, const char *file, const hs_gc_run *r)
{
	json_begin_object(w);
	json_kv_string(w, "file", file);
	json_kv_int(w, "gcs", (int64_t)r->n);
	json_kv_int(w, "live_first", r->live_first);
	json_kv_int(w, "live_last", r->live_last);
	json_kv_int(w, "live_max", r->live_max);
	json_key(w, "slope_per_min");
	if (isnan(r->slope_per_min))
		json_null(w);
	else
		json_double(w, r->slope_per_min);
	json_kv_int(w, "cpu_percent", r->cpu_percent);
	json_key(w, "leak_suspect");
	json_bool(w, r->leak_suspect);
	json_end_object(w);
}

static void print_json(FILE *out, const gctrace_report *g)
{
	const char *file = g->file;
	const hs_gctrace *t = g->t;
	const hs_gc_run *runs = g->runs;
	int64_t limit = g->limit;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_kv_string(&w, "file", file);
	json_kv_int(&w, "gcs", (int64_t)t->gcs.len);
	json_kv_int(&w, "lines", (int64_t)t->lines);
	json_kv_int(&w, "other_lines", (int64_t)t->other_lines);
	json_key(&w, "cut_last_line");
	json_bool(&w, t->cut_last_line);
	json_key(&w, "limit");
	if (limit > 0)
		json_int(&w, limit);
	else
		json_null(&w);
	json_key(&w, "runs");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_gctrace_nruns(t); i++) {
		const hs_gc_run *r = &runs[i];
		json_begin_object(&w);
		json_kv_int(&w, "first_gc", (int64_t)hs_gctrace_gc(t, r->first)->num);
		json_kv_int(&w, "last_gc", (int64_t)hs_gctrace_gc(t, r->first + r->n - 1)->num);
		json_kv_int(&w, "gcs", (int64_t)r->n);
		json_kv_int(&w, "forced", (int64_t)r->forced);
		json_key(&w, "start_s");
		json_double(&w, r->start_s);
		json_key(&w, "end_s");
		json_double(&w, r->end_s);
		json_key(&w, "gcs_per_min");
		json_double(&w, r->gc_per_min);
		json_kv_int(&w, "gc_cpu_percent", r->cpu_percent);
		json_kv_int(&w, "live_first", r->live_first);
		json_kv_int(&w, "live_last", r->live_last);
		json_kv_int(&w, "live_max", r->live_max);
		json_kv_int(&w, "heap_max", r->heap_max);
		json_kv_int(&w, "goal_last", r->goal_last);
		json_key(&w, "live_slope_per_min");
		json_double(&w, r->slope_per_min);
		json_key(&w, "live_monotonic");
		json_double(&w, r->monotonic);
		json_key(&w, "stw_total_ms");
		json_double(&w, r->stw_total_ms);
		json_key(&w, "stw_max_ms");
		json_double(&w, r->stw_max_ms);
		json_kv_int(&w, "stw_max_gc", (int64_t)r->stw_max_gc);
		json_key(&w, "leak_suspect");
		json_bool(&w, r->leak_suspect);
		json_key(&w, "gc_thrash");
		json_bool(&w, r->gc_thrash);
		json_key(&w, "long_pause");
		json_bool(&w, r->long_pause);
		if (limit > 0) {
			json_key(&w, "minutes_to_limit");
			json_double(&w, r->minutes_to_limit);   /* null when never */
		}
		json_end_object(&w);
	}
	json_end_array(&w);
	out_inputs_json(&w, g->inv, "gctrace");
	json_end_object(&w);
	json_finish(&w);
}

static const gctrace_format formats[] = {{"text", print_text}, {"json", print_json}};

OUT_FORMAT_EXPORTS(gctrace_format, gctrace, formats);
