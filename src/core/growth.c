/* Growth over a series of profiles; see include/heapscope/growth.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/growth.h"
#include "heapscope/instances.h"
#include "hashmap.h"
#include "sort.h"

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

const char *const hs_growth_mem_names[HS_GROWTH_NMEM] = {"HeapInuse", "HeapAlloc", "Sys",
                                                          "HeapObjects"};

bool hs_growth_mem_is_bytes(size_t k)
{
	return k < HS_GROWTH_NMEM && strcmp(hs_growth_mem_names[k], "HeapObjects") != 0;
}

HS_VEC_TYPED(growth_row_vec, hs_growth_row)

struct hs_growth {
	size_t nsnap;
	int64_t *time_nanos;      /* per snapshot */
	double *minutes;          /* per snapshot, since the first; after finish */
	size_t *order;            /* after finish: order[i] = index given to add */
	hs_growth_row total;      /* the report totals */
	hs_growth_row mem[HS_GROWTH_NMEM];   /* MemStats series; meaningful when has_mem */
	uint8_t *mem_seen;        /* per snapshot (as given): a trailer was added */
	bool has_mem;             /* after finish: every snapshot had the trailer */
	int64_t rate;             /* the largest sampling period given (growth.h) */
	growth_row_vec rows;      /* sorted by finish */
	hs_arena arena;
	hs_strmap *index;         /* name -> row, until finish */
};

static void *zeroes(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

hs_growth *hs_growth_new(size_t nsnap, hs_error *err)
{
	hs_growth *g = calloc(1, sizeof *g);
	if (!g) {
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	hs_arena_init(&g->arena);
	growth_row_vec_init(&g->rows);
	g->nsnap = nsnap;
	g->rate = 1;
	g->time_nanos = zeroes(nsnap, sizeof *g->time_nanos);
	g->minutes = zeroes(nsnap, sizeof *g->minutes);
	g->order = zeroes(nsnap, sizeof *g->order);
	g->total.name = "total";
	g->total.values = zeroes(nsnap, sizeof *g->total.values);
	g->mem_seen = zeroes(nsnap, 1);
	bool mem_ok = true;
	for (size_t k = 0; k < HS_GROWTH_NMEM; k++) {
		g->mem[k].name = hs_growth_mem_names[k];
		mem_ok &= (g->mem[k].values = zeroes(nsnap, sizeof(int64_t))) != NULL;
	}
	g->index = malloc(sizeof(hs_strmap));
	if (g->index && !hs_strmap_init(g->index, 256)) {
		free(g->index);
		g->index = NULL;
	}
	if (!g->time_nanos || !g->minutes || !g->order || !g->total.values || !g->index ||
	    !g->mem_seen || !mem_ok) {
		hs_growth_free(g);
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	for (size_t i = 0; i < nsnap; i++)
		g->order[i] = i;
	return g;
}

void hs_growth_free(hs_growth *g)
{
	if (!g)
		return;
	free(g->time_nanos);
	free(g->minutes);
	free(g->order);
	free(g->total.values);
	free(g->mem_seen);
	for (size_t k = 0; k < HS_GROWTH_NMEM; k++)
		free(g->mem[k].values);
	if (g->index) {
		hs_strmap_release(g->index);
		free(g->index);
	}
	growth_row_vec_release(&g->rows);
	hs_arena_release(&g->arena);
	free(g);
}

size_t hs_growth_nsnap(const hs_growth *g) { return g->nsnap; }
const int64_t *hs_growth_times(const hs_growth *g) { return g->time_nanos; }
const double *hs_growth_minutes(const hs_growth *g) { return g->minutes; }
const size_t *hs_growth_order(const hs_growth *g) { return g->order; }
const hs_growth_row *hs_growth_total(const hs_growth *g) { return &g->total; }
bool hs_growth_has_mem(const hs_growth *g) { return g->has_mem; }
size_t hs_growth_nrows(const hs_growth *g) { return growth_row_vec_len(&g->rows); }

const hs_growth_row *hs_growth_mem(const hs_growth *g, size_t k)
{
	return k < HS_GROWTH_NMEM ? &g->mem[k] : NULL;
}

const hs_growth_row *hs_growth_row_at(const hs_growth *g, size_t i)
{
	return growth_row_vec_at(&g->rows, i);
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

hs_err hs_growth_add_sampled(hs_growth *g, size_t snap, const char *name, int64_t value,
                             int64_t milli_samples, hs_error *err)
{
	if (snap >= g->nsnap)
		return hs_fail(err, HS_E_RANGE, "snapshot %zu of %zu", snap, g->nsnap);
	size_t n = strlen(name);
	uint32_t slot = hs_strmap_get(g->index, name, n);
	if (slot == UINT32_MAX) {
		/* All from hs_arena_alloc: hs_arena_strndup packs strings, and
		 * an allocation after one may then be misaligned. */
		int64_t *vals = hs_arena_alloc(&g->arena, 2 * g->nsnap * sizeof *vals);
		char *key = hs_arena_alloc(&g->arena, n + 1);
		if (key)
			memcpy(key, name, n + 1);
		hs_growth_row *r = key && vals ? growth_row_vec_push(&g->rows) : NULL;
		if (!r)
			return hs_fail(err, HS_E_NOMEM, NULL);
		memset(vals, 0, 2 * g->nsnap * sizeof *vals);
		*r = (hs_growth_row){.name = key, .values = vals, .samples = vals + g->nsnap};
		slot = (uint32_t)(growth_row_vec_len(&g->rows) - 1);
		if (hs_strmap_get_or_put(g->index, key, n, slot) == UINT32_MAX)
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	hs_growth_row *r = growth_row_vec_at(&g->rows, slot);
	r->values[snap] = hs_add(r->values[snap], value);
	r->samples[snap] = hs_add(r->samples[snap], milli_samples);
	return HS_OK;
}

hs_err hs_growth_add(hs_growth *g, size_t snap, const char *name, int64_t value, hs_error *err)
{
	return hs_growth_add_sampled(g, snap, name, value, 0, err);
}

void hs_growth_set_rate(hs_growth *g, int64_t rate)
{
	if (rate > g->rate)
		g->rate = rate;
}

int64_t hs_growth_get_rate(const hs_growth *g) { return g->rate; }

int64_t hs_growth_rate(const hs_profile *p)
{
	const char *unit = hs_s(p, p->period_type.unit);
	return strcmp(unit, "bytes") == 0 && p->period > 1 ? p->period : 1;
}

/* The index of the sample type beside type si that counts the same
 * records the other way (inuse_space <-> inuse_objects), -1 if none. */
static int partner_type(const hs_profile *p, int si)
{
	const char *t = hs_s(p, hs_sample_type(p, (size_t)si)->type);
	size_t n = strlen(t);
	const char *from = n > 6 && strcmp(t + n - 6, "_space") == 0     ? "_space"
	                   : n > 8 && strcmp(t + n - 8, "_objects") == 0 ? "_objects"
	                                                                 : NULL;
	if (!from)
		return -1;
	const char *to = from[1] == 's' ? "_objects" : "_space";
	size_t stem = n - strlen(from);
	for (size_t k = 0; k < hs_ntypes(p); k++) {
		const char *o = hs_s(p, hs_sample_type(p, k)->type);
		if (strncmp(o, t, stem) == 0 && strcmp(o + stem, to) == 0)
			return (int)k;
	}
	return -1;
}

int64_t *hs_growth_stack_samples(const hs_view *v, int64_t rate, hs_error *err)
{
	const hs_profile *p = v->p;
	int64_t *out = calloc(p->nstacks ? p->nstacks : 1, sizeof *out);
	if (!out) {
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	size_t nt = hs_ntypes(p);
	int si = v->sample_index, pi = partner_type(p, si);
	const char *type = hs_s(p, hs_sample_type(p, (size_t)si)->type);
	bool space = pi >= 0 && strstr(type, "_space") != NULL;
	bool bytes = strcmp(hs_s(p, hs_sample_type(p, (size_t)si)->unit), "bytes") == 0;
	const int64_t *vals = p->values.data;
	const uint32_t *stack = p->sample_stack.data;
	for (size_t s = 0; s < p->nsamples; s++) {
		uint32_t st = stack[s];
		if (st >= p->nstacks || !v->stack_live[st])
			continue;
		double x = (double)vals[s * nt + (size_t)si], raw;
		if (pi >= 0) {   /* objects over the scale at the object size */
			double objects = space ? (double)vals[s * nt + (size_t)pi] : x;
			double b = space ? x : (double)vals[s * nt + (size_t)pi];
			int64_t size = objects != 0 ? (int64_t)(b / objects) : 0;
			/* a record's raw count is whole: pprof's rounding undone */
			raw = (double)llround(objects / hs_alloc_scale(size, rate));
		} else {
			raw = bytes && rate > 1 ? x / (double)rate : x;
		}
		out[st] = hs_add(out[st], (int64_t)llround(raw * 1000.0));
	}
	return out;
}

bool hs_growth_add_memstats(hs_growth *g, size_t snap, const hs_profile *p, int64_t *last_gc)
{
	if (last_gc)
		*last_gc = 0;
	if (snap >= g->nsnap || !p->memstats.len)
		return false;
	for (size_t i = 0; i < p->memstats.len; i++) {
		const hs_memstat *m = &HS_VEC_AT(&p->memstats, hs_memstat, i);
		const char *key = hs_s(p, m->key);
		for (size_t k = 0; k < HS_GROWTH_NMEM; k++)
			if (strcmp(key, hs_growth_mem_names[k]) == 0)
				g->mem[k].values[snap] = m->value;
		if (last_gc && strcmp(key, "LastGC") == 0)
			*last_gc = m->value;
	}
	g->mem_seen[snap] = 1;
	return true;
}

hs_err hs_growth_add_view(hs_growth *g, size_t snap, const hs_view *v, bool cum, hs_error *err)
{
	int64_t rate = hs_growth_rate(v->p);
	int64_t *raw = rate > 1 ? hs_growth_stack_samples(v, rate, err) : NULL;
	if (rate > 1 && !raw)
		return err->code;
	hs_growth_set_rate(g, rate);
	hs_graph gr;
	const int64_t *cols[1] = {raw};
	hs_err rc = hs_graph_build_cols(&gr, v, NULL, false, raw ? 1 : 0, cols, err);
	free(raw);
	if (rc)
		return rc;
	for (size_t i = 0; i < gr.npresent && rc == HS_OK; i++) {
		uint32_t id = gr.present[i];
		int64_t val = cum ? gr.cum[id] : gr.flat[id];
		int64_t n = gr.ncols ? (cum ? gr.col_cum[0][id] : gr.col_flat[0][id]) : 0;
		if (val)
			rc = hs_growth_add_sampled(g, snap, hs_view_node(v, id)->name, val, n, err);
	}
	hs_graph_release(&gr);
	hs_growth_set_total(g, snap, v->total);
	return rc;
}

/* Append frame `name` to buf as folded stacks write it (after a ';' when
 * not the first): ';' in it would split it, so ':'; line breaks and tabs
 * as blanks; "<unknown>" for none.  False when out of memory. */
static bool put_frame(hs_vec *buf, const char *name)
{
	if (!*name)
		name = "<unknown>";
	size_t n = strlen(name), sep = buf->len > 0;
	char *d = hs_vec_push(buf, n + sep);
	if (!d)
		return false;
	if (sep)
		*d++ = ';';
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		d[i] = c == ';' ? ':' : (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
	}
	return true;
}

hs_err hs_growth_add_view_stacks(hs_growth *g, size_t snap, const hs_view *v, hs_error *err)
{
	uint32_t *ids = malloc((hs_view_max_frames(v) + 1) * sizeof *ids);
	int64_t rate = hs_growth_rate(v->p);
	int64_t *raw = rate > 1 && ids ? hs_growth_stack_samples(v, rate, err) : NULL;
	hs_vec name;
	hs_vec_init(&name, 1);
	hs_err rc = ids && (rate <= 1 || raw) ? HS_OK : hs_fail(err, HS_E_NOMEM, NULL);
	hs_growth_set_rate(g, rate);
	for (uint32_t id = 0; rc == HS_OK && id < v->p->nstacks; id++) {
		if (!v->stack_live[id] || !v->stack_value[id])
			continue;
		size_t n = hs_view_stack_frames(v, id, ids, NULL);
		bool ok = true;
		name.len = 0;
		for (size_t k = 0; k < n && ok; k++)
			ok = put_frame(&name, hs_view_node(v, ids[k])->name);
		char *end = ok && n ? hs_vec_push(&name, 1) : NULL;
		if (!n)
			continue;
		if (!end)
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		else
			*end = '\0';
		if (rc == HS_OK)
			rc = hs_growth_add_sampled(g, snap, name.data, v->stack_value[id],
			                           raw ? raw[id] : 0, err);
	}
	free(ids);
	free(raw);
	hs_vec_release(&name);
	hs_growth_set_total(g, snap, v->total);
	return rc;
}

/* Snapshots by time (ctx: the hs_growth). */
static int cmp_snap(const void *pa, const void *pb, void *ctx)
{
	const hs_growth *g = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int64_t ta = g->time_nanos[a], tb = g->time_nanos[b];
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return a < b ? -1 : a > b;   /* stable: as given */
}

static double key_slope(const hs_growth_row *r)
{
	return isnan(r->slope_per_min) ? -INFINITY : r->slope_per_min;
}

/* Candidates first, steepest first, then by last value (ctx: the
 * hs_growth). */
static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const hs_growth_row *a = pa, *b = pb;
	if (a->candidate != b->candidate)
		return a->candidate ? -1 : 1;
	double sa = key_slope(a), sb = key_slope(b);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	size_t n = ((const hs_growth *)ctx)->nsnap;
	int64_t la = n ? a->values[n - 1] : 0, lb = n ? b->values[n - 1] : 0;
	if (la != lb)
		return la > lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void stats(const hs_growth *g, hs_growth_row *r, bool has_limit, int64_t limit)
{
	size_t n = g->nsnap;
	r->slope_per_min = hs_lsq_slope(g->minutes, r->values, n);
	r->monotonic = hs_monotonic(r->values, n);
	r->rising = hs_rising(r->values, n);
	r->growth = n ? hs_add(r->values[n - 1], -r->values[0]) : 0;
	r->minutes_to_limit = has_limit && n ? hs_minutes_to(r->values[n - 1], r->slope_per_min, limit)
	                                     : INFINITY;
}

/* The candidate rule (growth.h), against `total` and `min_growth`. */
static bool is_candidate(const hs_growth *g, const hs_growth_row *r, int64_t total,
                         int64_t min_growth)
{
	return g->nsnap >= HS_GROWTH_MIN_SNAPSHOTS && r->slope_per_min > 0 &&
	       r->monotonic >= HS_GROWTH_MIN_MONOTONIC && r->rising >= HS_GROWTH_MIN_RISING &&
	       (double)r->growth > HS_GROWTH_MIN_FRACTION * (double)hs_abs(total) &&
	       r->growth >= min_growth && r->growth > 0;
}

/* The noise floor (growth.h): on a sampled series, row r's growth stands
 * on more than k * k raw samples added, so it is more than k standard
 * errors (growth / sqrt(added)) from zero. */
static bool above_noise(const hs_growth *g, const hs_growth_row *r)
{
	if (g->rate <= 1 || !r->samples || g->nsnap == 0)
		return true;
	double added = (double)(r->samples[g->nsnap - 1] - r->samples[0]) / 1000.0;
	return added > (double)HS_GROWTH_SIGMAS * HS_GROWTH_SIGMAS;
}

/* Series v of g without the snapshots not kept. */
static void keep_values(int64_t *v, const bool *keep, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			v[k++] = v[i];
}

size_t hs_growth_keep(hs_growth *g, const bool *keep)
{
	size_t n = g->nsnap, k = 0;
	hs_growth_row *rows = growth_row_vec_data(&g->rows);
	size_t nrows = growth_row_vec_len(&g->rows);
	for (size_t r = 0; r < nrows; r++) {
		keep_values(rows[r].values, keep, n);
		keep_values(rows[r].samples, keep, n);
	}
	keep_values(g->total.values, keep, n);
	for (size_t m = 0; m < HS_GROWTH_NMEM; m++)
		keep_values(g->mem[m].values, keep, n);
	keep_values(g->time_nanos, keep, n);
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			g->mem_seen[k++] = g->mem_seen[i];
	for (size_t i = 0; i < k; i++)
		g->order[i] = i;
	g->nsnap = k;
	return k;
}

hs_err hs_growth_finish(hs_growth *g, const hs_growth_opts *o, hs_error *err)
{
	size_t n = g->nsnap;
	if (!o->keep_order && n > 1) {
		hs_sort(g->order, n, sizeof *g->order, cmp_snap, g);
	}
	int64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return hs_fail(err, HS_E_NOMEM, NULL);
	/* Permute every series (and the times) into snapshot order. */
	hs_growth_row *rows = growth_row_vec_data(&g->rows);
	size_t nrows = growth_row_vec_len(&g->rows);
	for (size_t r = 0; r <= nrows + HS_GROWTH_NMEM; r++) {
		int64_t *v = r < nrows    ? rows[r].values
		             : r == nrows ? g->total.values
		                          : g->mem[r - nrows - 1].values;
		for (int pass = 0; pass < 2; pass++) {
			if (pass == 1 && !(v = r < nrows ? rows[r].samples : NULL))
				break;
			for (size_t i = 0; i < n; i++)
				tmp[i] = v[g->order[i]];
			memcpy(v, tmp, n * sizeof *v);
		}
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

	stats(g, &g->total, o->has_limit, o->limit);
	int64_t last_total = n ? g->total.values[n - 1] : 0;
	g->has_mem = n > 0;
	for (size_t i = 0; i < n; i++)
		g->has_mem &= g->mem_seen[i] != 0;
	for (size_t k = 0; k < HS_GROWTH_NMEM && g->has_mem; k++) {
		hs_growth_row *r = &g->mem[k];
		bool bytes = hs_growth_mem_is_bytes(k);
		stats(g, r, bytes && o->has_mem_limit, o->mem_limit);
		r->candidate = is_candidate(g, r, r->values[n - 1],
		                            bytes ? HS_GROWTH_MEM_MIN_BYTES : HS_GROWTH_MEM_MIN_OBJECTS);
	}
	size_t keep = 0;
	for (size_t r = 0; r < nrows; r++) {
		bool nonzero = false;
		for (size_t i = 0; i < n && !nonzero; i++)
			nonzero = rows[r].values[i] != 0;
		if (!nonzero)
			continue;
		hs_growth_row *row = &rows[keep++];
		*row = rows[r];
		stats(g, row, o->has_limit, o->limit);
		row->candidate = is_candidate(g, row, last_total, o->min_growth);
		row->noise = row->candidate && !above_noise(g, row);
		row->candidate &= !row->noise;
	}
	g->rows.v.len = keep;
	hs_sort(rows, keep, sizeof(hs_growth_row), cmp_rows, g);
	/* The name index points at rows by position: it is stale now. */
	hs_strmap_release(g->index);
	free(g->index);
	g->index = NULL;
	return HS_OK;
}
