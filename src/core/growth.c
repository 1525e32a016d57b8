/* Growth over a series of profiles; see include/heapscope/growth.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/growth.h"
#include "hashmap.h"

double hs_lsq_slope(const double *x, const int64_t *y, size_t n)
{
	if (n < 2)
		return NAN;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += (double)y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxy = 0, sxx = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx;
		sxy += dx * ((double)y[i] - my);
		sxx += dx * dx;
	}
	return sxx > 0 ? sxy / sxx : NAN;
}

double hs_monotonic(const int64_t *v, size_t n)
{
	if (n < 2)
		return 1;
	size_t up = 0;
	for (size_t i = 1; i < n; i++)
		up += v[i] >= v[i - 1];
	return (double)up / (double)(n - 1);
}

double hs_rising(const int64_t *v, size_t n)
{
	if (n < 2)
		return 0;
	size_t up = 0;
	for (size_t i = 1; i < n; i++)
		up += v[i] > v[i - 1];
	return (double)up / (double)(n - 1);
}

size_t hs_sparkline(const int64_t *v, size_t n, char *buf, size_t size)
{
	static const char *const bars[8] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
	                                    "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
	                                    "\xe2\x96\x87", "\xe2\x96\x88"};
	int64_t lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i] < lo)
			lo = v[i];
		if (i == 0 || v[i] > hi)
			hi = v[i];
	}
	size_t w = 0, written = 0;
	for (size_t i = 0; i < n; i++) {
		int level;
		if (hi == lo)
			level = hi == 0 ? 0 : 3;
		else
			level = (int)lround((double)(v[i] - lo) / ((double)hi - (double)lo) * 7.0);
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		if (w + 3 < size) {
			memcpy(buf + w, bars[level], 3);
			written = w + 3;
		}
		w += 3;
	}
	if (size)
		buf[written] = '\0';
	return w;
}

double hs_minutes_to(int64_t last, double slope_per_min, int64_t limit)
{
	if (last >= limit)
		return 0;
	if (!(slope_per_min > 0))
		return INFINITY;
	return ((double)limit - (double)last) / slope_per_min;
}

hs_err hs_growth_init(hs_growth *g, size_t nsnap, hs_error *err)
{
	memset(g, 0, sizeof *g);
	hs_arena_init(&g->arena);
	hs_vec_init(&g->rows, sizeof(hs_growth_row));
	g->nsnap = nsnap;
	g->time_nanos = calloc(nsnap ? nsnap : 1, sizeof *g->time_nanos);
	g->minutes = calloc(nsnap ? nsnap : 1, sizeof *g->minutes);
	g->order = calloc(nsnap ? nsnap : 1, sizeof *g->order);
	g->total.name = "total";
	g->total.values = calloc(nsnap ? nsnap : 1, sizeof *g->total.values);
	g->index = malloc(sizeof(hs_strmap));
	if (g->index && !hs_strmap_init(g->index, 256)) {
		free(g->index);
		g->index = NULL;
	}
	if (!g->time_nanos || !g->minutes || !g->order || !g->total.values || !g->index) {
		hs_growth_release(g);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	for (size_t i = 0; i < nsnap; i++)
		g->order[i] = i;
	return HS_OK;
}

void hs_growth_release(hs_growth *g)
{
	free(g->time_nanos);
	free(g->minutes);
	free(g->order);
	free(g->total.values);
	if (g->index) {
		hs_strmap_release(g->index);
		free(g->index);
	}
	hs_vec_release(&g->rows);
	hs_arena_release(&g->arena);
	memset(g, 0, sizeof *g);
}

void hs_growth_set_time(hs_growth *g, size_t snap, int64_t time_nanos)
{
	if (snap < g->nsnap)
		g->time_nanos[snap] = time_nanos;
}

void hs_growth_set_total(hs_growth *g, size_t snap, int64_t total)
{
	if (snap < g->nsnap)
		g->total.values[snap] = total;
}

hs_err hs_growth_add(hs_growth *g, size_t snap, const char *name, int64_t value, hs_error *err)
{
	if (snap >= g->nsnap)
		return hs_fail(err, HS_E_RANGE, "snapshot %zu of %zu", snap, g->nsnap);
	size_t n = strlen(name);
	uint32_t slot = hs_strmap_get(g->index, name, n);
	if (slot == UINT32_MAX) {
		/* Both from hs_arena_alloc: hs_arena_strndup packs strings, and
		 * an allocation after one may then be misaligned. */
		int64_t *vals = hs_arena_alloc(&g->arena, g->nsnap * sizeof *vals);
		char *key = hs_arena_alloc(&g->arena, n + 1);
		if (key)
			memcpy(key, name, n + 1);
		hs_growth_row *r = key && vals ? hs_vec_push(&g->rows, 1) : NULL;
		if (!r)
			return hs_fail(err, HS_E_NOMEM, NULL);
		memset(vals, 0, g->nsnap * sizeof *vals);
		r->name = key;
		r->values = vals;
		slot = (uint32_t)(g->rows.len - 1);
		if (hs_strmap_get_or_put(g->index, key, n, slot) == UINT32_MAX)
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	hs_growth_row *r = &HS_VEC_AT(&g->rows, hs_growth_row, slot);
	r->values[snap] = hs_add(r->values[snap], value);
	return HS_OK;
}

hs_err hs_growth_add_view(hs_growth *g, size_t snap, const hs_view *v, bool cum, hs_error *err)
{
	hs_graph gr;
	hs_err rc = hs_graph_build(&gr, v, NULL, false, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < gr.npresent && rc == HS_OK; i++) {
		uint32_t id = gr.present[i];
		int64_t val = cum ? gr.cum[id] : gr.flat[id];
		if (val)
			rc = hs_growth_add(g, snap, HS_VEC_AT(&v->nodes, hs_node_info, id).name, val, err);
	}
	hs_graph_release(&gr);
	hs_growth_set_total(g, snap, v->total);
	return rc;
}

static const hs_growth *sort_g;   /* qsort has no context argument */

static int cmp_snap(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int64_t ta = sort_g->time_nanos[a], tb = sort_g->time_nanos[b];
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return a < b ? -1 : a > b;   /* stable: as given */
}

static double key_slope(const hs_growth_row *r)
{
	return isnan(r->slope_per_min) ? -INFINITY : r->slope_per_min;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const hs_growth_row *a = pa, *b = pb;
	if (a->candidate != b->candidate)
		return a->candidate ? -1 : 1;
	double sa = key_slope(a), sb = key_slope(b);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	size_t n = sort_g->nsnap;
	int64_t la = n ? a->values[n - 1] : 0, lb = n ? b->values[n - 1] : 0;
	if (la != lb)
		return la > lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void stats(const hs_growth *g, hs_growth_row *r, const hs_growth_opts *o)
{
	size_t n = g->nsnap;
	r->slope_per_min = hs_lsq_slope(g->minutes, r->values, n);
	r->monotonic = hs_monotonic(r->values, n);
	r->rising = hs_rising(r->values, n);
	r->growth = n ? hs_add(r->values[n - 1], -r->values[0]) : 0;
	r->minutes_to_limit = o->has_limit && n ? hs_minutes_to(r->values[n - 1], r->slope_per_min,
	                                                        o->limit)
	                                        : INFINITY;
}

hs_err hs_growth_finish(hs_growth *g, const hs_growth_opts *o, hs_error *err)
{
	size_t n = g->nsnap;
	if (!o->keep_order && n > 1) {
		sort_g = g;
		qsort(g->order, n, sizeof *g->order, cmp_snap);
		sort_g = NULL;
	}
	int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return hs_fail(err, HS_E_NOMEM, NULL);
	/* Permute every series (and the times) into snapshot order. */
	hs_growth_row *rows = g->rows.data;
	for (size_t r = 0; r <= g->rows.len; r++) {
		int64_t *v = r < g->rows.len ? rows[r].values : g->total.values;
		for (size_t i = 0; i < n; i++)
			tmp[i] = v[g->order[i]];
		memcpy(v, tmp, n * sizeof *v);
	}
	for (size_t i = 0; i < n; i++)
		tmp[i] = g->time_nanos[g->order[i]];
	memcpy(g->time_nanos, tmp, n * sizeof *tmp);
	free(tmp);
	for (size_t i = 0; i < n; i++)
		g->minutes[i] = (double)(g->time_nanos[i] - g->time_nanos[0]) / 60e9;
	bool spread = false;
	for (size_t i = 1; i < n; i++)
		spread |= g->time_nanos[i] != g->time_nanos[0];
	if (n >= 2 && !spread)
		return hs_fail(err, HS_E_USAGE, "every snapshot has the same time: no slope over time");

	stats(g, &g->total, o);
	int64_t last_total = n ? g->total.values[n - 1] : 0;
	size_t keep = 0;
	for (size_t r = 0; r < g->rows.len; r++) {
		bool nonzero = false;
		for (size_t i = 0; i < n && !nonzero; i++)
			nonzero = rows[r].values[i] != 0;
		if (!nonzero)
			continue;
		hs_growth_row *row = &rows[keep++];
		*row = rows[r];
		stats(g, row, o);
		row->candidate = n >= HS_GROWTH_MIN_SNAPSHOTS && row->slope_per_min > 0 &&
		                 row->monotonic >= HS_GROWTH_MIN_MONOTONIC &&
		                 row->rising >= HS_GROWTH_MIN_RISING &&
		                 (double)row->growth > HS_GROWTH_MIN_FRACTION * (double)hs_abs(last_total) &&
		                 row->growth >= o->min_growth && row->growth > 0;
	}
	g->rows.len = keep;
	sort_g = g;
	if (keep)
		qsort(g->rows.data, keep, sizeof(hs_growth_row), cmp_rows);
	sort_g = NULL;
	/* The name index points at rows by position: it is stale now. */
	hs_strmap_release(g->index);
	free(g->index);
	g->index = NULL;
	return HS_OK;
}
