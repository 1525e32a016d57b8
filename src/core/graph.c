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
	if (g->edge_index) {
		hs_idmap_release(g->edge_index);
		free(g->edge_index);
	}
	memset(g, 0, sizeof *g);
}

typedef struct walk {
	hs_graph *g;
	size_t *node_stamp, *edge_stamp;
	size_t edge_stamp_cap;
	/* When few nodes are kept (a trimmed report), edges are found in a
	 * dense kept x kept table (edge + 1, 0 for none) instead of the hash. */
	uint32_t *dense_id, *dense;
	size_t ndense;
	const int64_t *const *cols;   /* g->ncols per-stack value arrays */
	hs_error *err;
} walk;

enum { DENSE_MAX = 2048 };   /* kept nodes: a table of at most 16 MiB */

/* pprof's Node.AddToEdgeDiv, counting each pair once per sample. */
static hs_err add_edge(walk *w, uint32_t from, uint32_t to, int64_t val, bool residual,
                       bool inl, size_t stamp)
{
	hs_graph *g = w->g;
	uint64_t key = (uint64_t)from << 32 | to;
	uint32_t *slot = w->dense ? &w->dense[(size_t)w->dense_id[from] * w->ndense + w->dense_id[to]]
	                          : NULL;
	uint32_t e = slot ? *slot - 1 : hs_idmap_get(g->edge_index, key);
	if (e == UINT32_MAX) {
		hs_edge *ne = hs_vec_push(&g->edges, 1);
		e = (uint32_t)(g->edges.len - 1);
		if (slot && ne)
			*slot = e + 1;
		else if (!ne || !hs_idmap_put(g->edge_index, key, e, NULL))
			return hs_fail(w->err, HS_E_NOMEM, NULL);
		ne->from = from;
		ne->to = to;
		ne->inlined = inl;
		if (e >= w->edge_stamp_cap) {
			size_t cap = w->edge_stamp_cap ? w->edge_stamp_cap * 2 : 1024;
			size_t *ns = realloc(w->edge_stamp, cap * sizeof *ns);
			if (!ns)
				return hs_fail(w->err, HS_E_NOMEM, NULL);
			memset(ns + w->edge_stamp_cap, 0, (cap - w->edge_stamp_cap) * sizeof *ns);
			w->edge_stamp = ns;
			w->edge_stamp_cap = cap;
		}
	}
	if (w->edge_stamp[e] == stamp)
		return HS_OK;
	w->edge_stamp[e] = stamp;
	hs_edge *ed = &HS_VEC_AT(&g->edges, hs_edge, e);
	ed->weight = hs_add(ed->weight, val);
	ed->residual |= residual;
	ed->inlined &= inl;
	return HS_OK;
}

/* One sample, as pprof's newGraph walks it: root to leaf, outer inlined
 * frame before inner. */
/* live: the stack counts for the view's own values (and edges); the
 * columns' values of stack id are added in any case. */
static hs_err walk_stack(walk *w, uint32_t id, int64_t val, bool live, const uint8_t *kept,
                         bool edges)
{
	hs_graph *g = w->g;
	const hs_view *v = g->v;
	uint32_t n;
	const uint32_t *st = hs_stack_at(v->p, id, &n);
	uint32_t parent = HS_NONE;
	bool residual = false;
	size_t stamp = (size_t)id + 1;
	for (uint32_t k = n; k-- > 0;) {
		uint32_t a = v->loc_off[st[k]], b = v->loc_off[st[k] + 1];
		for (uint32_t j = b; j-- > a;) {
			uint32_t node = v->loc_nodes[j];
			if (kept && !kept[node]) {
				residual = true;
				continue;
			}
			if (w->node_stamp[node] != stamp) {
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
	if (parent != HS_NONE && !residual) {
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

hs_err hs_graph_build_cols(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                           size_t ncols, const int64_t *const *cols, hs_error *err)
{
	memset(g, 0, sizeof *g);
	g->v = v;
	hs_vec_init(&g->edges, sizeof(hs_edge));
	size_t nn = v->nodes.len ? v->nodes.len : 1;
	walk w = {.g = g, .cols = cols, .err = err};
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
	if (with_edges && (g->edge_index = malloc(sizeof(hs_idmap))) &&
	    !hs_idmap_init(g->edge_index, nn * 2)) {
		free(g->edge_index);
		g->edge_index = NULL;
	}
	if (!g->flat || !g->cum || !g->present || !w.node_stamp || (with_edges && !g->edge_index) ||
	    !cols_ok) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto out;
	}
	if (with_edges && kept) {
		size_t k = 0;
		for (size_t i = 0; i < v->nodes.len; i++)
			k += kept[i] != 0;
		if (k && k <= DENSE_MAX && (w.dense_id = malloc(nn * sizeof *w.dense_id)) &&
		    (w.dense = calloc(k * k, sizeof *w.dense))) {
			w.ndense = 0;
			for (size_t i = 0; i < v->nodes.len; i++)
				w.dense_id[i] = kept[i] ? (uint32_t)w.ndense++ : UINT32_MAX;
		}
	}
	const hs_profile *p = v->p;
	for (uint32_t id = 0; id < p->nstacks && rc == HS_OK; id++) {
		bool col = false;
		for (size_t c = 0; c < g->ncols; c++)
			col |= cols[c][id] != 0;
		if (v->stack_live[id] || col)
			rc = walk_stack(&w, id, v->stack_value[id], v->stack_live[id], kept, with_edges);
	}
	for (uint32_t i = 0; i < v->nodes.len; i++)
		if ((g->flat[i] || g->cum[i]) && (!kept || kept[i]))
			g->present[g->npresent++] = i;
out:
	free(w.node_stamp);
	free(w.edge_stamp);
	free(w.dense_id);
	free(w.dense);
	if (rc)
		hs_graph_release(g);
	return rc;
}
