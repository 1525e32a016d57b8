/* Call graphs and pprof-compatible trimming; see include/heapscope/graph.h. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "hashmap.h"

static inline int64_t abs64(int64_t x) { return hs_abs(x); }

void hs_graph_release(hs_graph *g)
{
	free(g->flat);
	free(g->cum);
	free(g->present);
	for (size_t c = 0; c < HS_GRAPH_MAXCOLS; c++) {
		free(g->col_flat[c]);
		free(g->col_cum[c]);
	}
	hs_vec_release(&g->edges);
	memset(g, 0, sizeof *g);
}

/* An edge while the walk sums it: what add_edge touches per frame, in
 * one 16-byte record (the edge itself is only written at the end). */
typedef struct edge_acc {
	int64_t weight;
	uint32_t stamp;         /* the last stack that counted it, + 1 */
	bool residual, inlined;
} edge_acc;

typedef struct walk {
	hs_graph *g;
	uint32_t *node_stamp;   /* the last stack that counted the node, + 1 */
	edge_acc *acc;
	size_t acc_cap;
	/* Edge lookup.  Node ids below 2^16 (the usual case): an open table
	 * of (from << 16 | to) << 32 | edge, EDGE_EMPTY for none, at most half
	 * full: 8 bytes an edge where the hash map takes 12, and one probe.
	 * Otherwise the hash map. */
	uint64_t *etab;
	size_t ecap;
	unsigned ebits;
	hs_idmap *index;
	bool sums_known;        /* flat and cum copied, not summed */
	const int64_t *const *cols;   /* g->ncols per-stack value arrays */
	hs_error *err;
} walk;

/* (0xffff, 0xffff) is no edge: an edge joins two different nodes. */
#define EDGE_EMPTY UINT64_MAX

static inline size_t etab_slot(const walk *w, uint32_t key)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> (64 - w->ebits));
}

static bool etab_grow(walk *w)
{
	unsigned bits = w->ebits ? w->ebits + 1 : 12;
	size_t cap = (size_t)1 << bits;
	uint64_t *t = malloc(cap * sizeof *t);
	if (!t)
		return false;
	memset(t, 0xff, cap * sizeof *t);
	uint64_t *old = w->etab;
	size_t ocap = w->ecap;
	w->etab = t;
	w->ecap = cap;
	w->ebits = bits;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i] == EDGE_EMPTY)
			continue;
		size_t j = etab_slot(w, (uint32_t)(old[i] >> 32));
		while (t[j] != EDGE_EMPTY)
			j = (j + 1) & (cap - 1);
		t[j] = old[i];
	}
	free(old);
	return true;
}

/* pprof's Node.AddToEdgeDiv, counting each pair once per sample. */
static hs_err add_edge(walk *w, uint32_t from, uint32_t to, int64_t val, bool residual,
                       bool inl, uint32_t stamp)
{
	hs_graph *g = w->g;
	uint32_t e;
	uint64_t *slot = NULL;
	if (w->etab) {
		uint32_t key = from << 16 | to;
		size_t j = etab_slot(w, key);
		while (w->etab[j] != EDGE_EMPTY && (uint32_t)(w->etab[j] >> 32) != key)
			j = (j + 1) & (w->ecap - 1);
		slot = &w->etab[j];
		e = *slot == EDGE_EMPTY ? UINT32_MAX : (uint32_t)*slot;
	} else {
		e = hs_idmap_get(w->index, (uint64_t)from << 32 | to);
	}
	if (e == UINT32_MAX) {
		hs_edge *ne = hs_vec_push(&g->edges, 1);
		if (!ne)
			return hs_fail(w->err, HS_E_NOMEM, NULL);
		e = (uint32_t)(g->edges.len - 1);
		ne->from = from;
		ne->to = to;
		if (e >= w->acc_cap) {
			size_t cap = w->acc_cap ? w->acc_cap * 2 : 1024;
			edge_acc *na = realloc(w->acc, cap * sizeof *na);
			if (!na)
				return hs_fail(w->err, HS_E_NOMEM, NULL);
			w->acc = na;
			w->acc_cap = cap;
		}
		w->acc[e] = (edge_acc){.inlined = inl};
		if (slot) {
			*slot = (uint64_t)(from << 16 | to) << 32 | e;
			if (g->edges.len * 2 > w->ecap && !etab_grow(w))
				return hs_fail(w->err, HS_E_NOMEM, NULL);
		} else if (!hs_idmap_put(w->index, (uint64_t)from << 32 | to, e, NULL)) {
			return hs_fail(w->err, HS_E_NOMEM, NULL);
		}
	}
	edge_acc *a = &w->acc[e];
	if (a->stamp == stamp)
		return HS_OK;
	a->stamp = stamp;
	a->weight = hs_add(a->weight, val);
	a->residual |= residual;
	a->inlined &= inl;
	return HS_OK;
}

/* One sample, as pprof's newGraph walks it: root to leaf, outer inlined
 * frame before inner. */
/* live: the stack counts for the view's own values (and edges); the
 * columns' values of stack id are added in any case.  With w->sums_known
 * (hs_graph_build_kept) only the edges are summed. */
static hs_err walk_stack(walk *w, uint32_t id, int64_t val, bool live, const uint8_t *kept,
                         bool edges)
{
	hs_graph *g = w->g;
	const hs_view *v = g->v;
	uint32_t n;
	const uint32_t *st = hs_stack_at(v->p, id, &n);
	uint32_t parent = HS_NONE;
	bool residual = false;
	uint32_t stamp = id + 1;
	for (uint32_t k = n; k-- > 0;) {
		uint32_t a = v->loc_off[st[k]], b = v->loc_off[st[k] + 1];
		for (uint32_t j = b; j-- > a;) {
			uint32_t node = v->loc_nodes[j];
			if (kept && !kept[node]) {
				residual = true;
				continue;
			}
			if (!w->sums_known && w->node_stamp[node] != stamp) {
				w->node_stamp[node] = stamp;
				if (live)
					g->cum[node] = hs_add(g->cum[node], val);
				for (size_t c = 0; c < g->ncols; c++)
					g->col_cum[c][node] = hs_add(g->col_cum[c][node], w->cols[c][id]);
			}
			if (live && edges && parent != HS_NONE && node != parent) {
				hs_err rc = add_edge(w, parent, node, val, residual, j != b - 1, stamp);
				if (rc)
					return rc;
			}
			parent = node;
			residual = false;
		}
	}
	if (parent != HS_NONE && !residual && !w->sums_known) {
		if (live)
			g->flat[parent] = hs_add(g->flat[parent], val);
		for (size_t c = 0; c < g->ncols; c++)
			g->col_flat[c][parent] = hs_add(g->col_flat[c][parent], w->cols[c][id]);
	}
	return HS_OK;
}

hs_err hs_graph_build(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                      hs_error *err)
{
	return hs_graph_build_cols(g, v, kept, with_edges, 0, NULL, err);
}

static hs_err build(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                    size_t ncols, const int64_t *const *cols, const hs_graph *sums,
                    hs_error *err);

hs_err hs_graph_build_cols(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                           size_t ncols, const int64_t *const *cols, hs_error *err)
{
	return build(g, v, kept, with_edges, ncols, cols, NULL, err);
}

hs_err hs_graph_build_kept(hs_graph *g, const hs_graph *sums, const uint8_t *kept,
                           hs_error *err)
{
	return build(g, sums->v, kept, true, sums->ncols, NULL, sums, err);
}

static hs_err build(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                    size_t ncols, const int64_t *const *cols, const hs_graph *sums,
                    hs_error *err)
{
	memset(g, 0, sizeof *g);
	g->v = v;
	hs_vec_init(&g->edges, sizeof(hs_edge));
	size_t nn = v->nodes.len ? v->nodes.len : 1;
	walk w = {.g = g, .cols = cols, .err = err, .sums_known = sums != NULL};
	bool cols_ok = ncols <= HS_GRAPH_MAXCOLS;
	g->ncols = cols_ok ? ncols : 0;
	for (size_t c = 0; c < g->ncols; c++) {
		g->col_flat[c] = calloc(nn, sizeof *g->col_flat[c]);
		g->col_cum[c] = calloc(nn, sizeof *g->col_cum[c]);
		cols_ok &= g->col_flat[c] && g->col_cum[c];
	}
	g->flat = calloc(nn, sizeof *g->flat);
	g->cum = calloc(nn, sizeof *g->cum);
	g->present = malloc(nn * sizeof *g->present);
	w.node_stamp = calloc(nn, sizeof *w.node_stamp);
	hs_err rc = HS_OK;
	bool index_ok = true;
	if (with_edges && v->nodes.len <= 0x10000) {
		index_ok = etab_grow(&w);
	} else if (with_edges) {
		index_ok = (w.index = malloc(sizeof *w.index)) && hs_idmap_init(w.index, nn * 2);
		if (!index_ok) {
			free(w.index);
			w.index = NULL;
		}
	}
	if (!g->flat || !g->cum || !g->present || !w.node_stamp || !index_ok || !cols_ok) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto out;
	}
	g->with_edges = with_edges;
	if (sums)
		for (uint32_t i = 0; i < v->nodes.len; i++)
			if (!kept || kept[i]) {
				g->flat[i] = sums->flat[i];
				g->cum[i] = sums->cum[i];
				for (size_t c = 0; c < g->ncols; c++) {
					g->col_flat[c][i] = sums->col_flat[c][i];
					g->col_cum[c][i] = sums->col_cum[c][i];
				}
			}
	const hs_profile *p = v->p;
	for (uint32_t id = 0; id < p->nstacks && rc == HS_OK; id++) {
		bool col = false;
		for (size_t c = 0; c < g->ncols && !sums; c++)
			col |= cols[c][id] != 0;
		if (v->stack_live[id] || col)
			rc = walk_stack(&w, id, v->stack_value[id], v->stack_live[id], kept, with_edges);
	}
	for (uint32_t i = 0; i < v->nodes.len; i++)
		if ((g->flat[i] || g->cum[i]) && (!kept || kept[i]))
			g->present[g->npresent++] = i;
	for (size_t e = 0; rc == HS_OK && e < g->edges.len; e++) {
		hs_edge *ed = &HS_VEC_AT(&g->edges, hs_edge, e);
		ed->weight = w.acc[e].weight;
		ed->residual = w.acc[e].residual;
		ed->inlined = w.acc[e].inlined;
	}
out:
	free(w.node_stamp);
	free(w.acc);
	free(w.etab);
	if (w.index) {
		hs_idmap_release(w.index);
		free(w.index);
	}
	if (rc)
		hs_graph_release(g);
	return rc;
}
