/* A run of a GODEBUG=gctrace=1 log summed up; see heapscope/gctrace.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/gctrace.h"
#include "heapscope/growth.h"

static double mean_live(const hs_gctrace *t, size_t from, size_t to)
{
	double s = 0;
	for (size_t i = from; i < to; i++)
		s += (double)hs_gctrace_gc(t, i)->heap_live;
	return to > from ? s / (double)(to - from) : 0;
}

void hs_gctrace_run(const hs_gctrace *t, size_t run, int64_t limit, hs_gc_run *r)
{
	memset(r, 0, sizeof *r);
	r->slope_per_min = NAN;
	r->minutes_to_limit = INFINITY;
	if (run >= t->runs.len)
		return;
	size_t first = HS_VEC_AT(&t->runs, size_t, run);
	size_t end = run + 1 < t->runs.len ? HS_VEC_AT(&t->runs, size_t, run + 1) : t->gcs.len;
	size_t n = end - first;
	r->first = first;
	r->n = n;
	if (!n)
		return;
	const hs_gc *g0 = hs_gctrace_gc(t, first), *gl = hs_gctrace_gc(t, end - 1);
	double *minutes = malloc(n * sizeof *minutes);
	int64_t *live = malloc(n * sizeof *live);
	for (size_t i = 0; i < n; i++) {
		const hs_gc *g = hs_gctrace_gc(t, first + i);
		if (minutes && live) {
			minutes[i] = (g->at_s - g0->at_s) / 60;
			live[i] = g->heap_live;
		}
		r->forced += g->forced;
		r->live_max = g->heap_live > r->live_max ? g->heap_live : r->live_max;
		int64_t top = g->heap_start > g->heap_end ? g->heap_start : g->heap_end;
		r->heap_max = top > r->heap_max ? top : r->heap_max;
		r->stw_total_ms += g->stw_ms;
		if (i == 0 || g->stw_ms > r->stw_max_ms) {
			r->stw_max_ms = g->stw_ms;
			r->stw_max_gc = g->num;
		}
	}
	r->start_s = g0->at_s;
	r->end_s = gl->at_s;
	r->gc_per_min = r->end_s > r->start_s ? (double)(n - 1) / ((r->end_s - r->start_s) / 60) : 0;
	r->cpu_percent = gl->cpu_percent;
	r->live_first = g0->heap_live;
	r->live_last = gl->heap_live;
	r->goal_last = gl->goal;
	if (minutes && live) {
		r->slope_per_min = hs_lsq_slope(minutes, live, n);
		r->monotonic = hs_monotonic(live, n);
	}
	free(minutes);
	free(live);
	size_t q = n / 4 ? n / 4 : 1;
	double head = mean_live(t, first, first + q), tail = mean_live(t, end - q, end);
	r->leak_suspect = n >= HS_GC_LEAK_MIN_GCS && r->slope_per_min > 0 && tail >= 1.5 * head &&
	                  tail - head >= 4.0 * (1 << 20);
	r->gc_thrash = r->cpu_percent >= HS_GC_THRASH_PERCENT;
	r->long_pause = r->stw_max_ms >= HS_GC_LONG_PAUSE_MS;
	if (limit > 0)
		r->minutes_to_limit = hs_minutes_to(r->live_last, r->slope_per_min, limit);
}
