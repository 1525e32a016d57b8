/* Call graphs and pprof-compatible trimming; see include/heapscope/graph.h. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "hashmap.h"

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

/* An edge while the walk sums it, in one 16-byte record (the hs_edge
 * gets its weight and flags at the end): in the open table itself when
 * node ids are below 2^16, else in an array by edge index. */
typedef struct eslot {
	uint32_t key;           /* from << 16 | to (open table), EDGE_EMPTY for none */
	uint32_t mark;          /* the last stack's stamp | EM_RESIDUAL | EM_INLINED */
	int64_t weight;
} eslot;

#define EDGE_EMPTY UINT32_MAX   /* (0xffff, 0xffff): an edge joins two nodes */
#define EM_STAMP 0x3fffffffu
#define EM_RESIDUAL 0x40000000u
#define EM_INLINED 0x80000000u

/* What a location's frames are for the walk (per location id): its one
 * node (below LN_PACKED), LN_PACKED | count << 24 | where its nodes start
 * in loc_nodes (2 to 62 nodes, starting below 2^24), or one of these. */
#define LN_PACKED 0xc0000000u
#define LN_MULTI 0xfffffffdu    /* several nodes otherwise: loc_off/loc_nodes */
#define LN_NONE 0xfffffffeu     /* none (all hidden) */
#define LN_DROP 0xffffffffu     /* one node, not kept */

/* One share of the stacks, walked by one thread with its own sums. */
typedef struct part {
	const hs_view *v;
	const uint32_t *lnode;
	const uint8_t *kept;
	uint32_t lo, hi;        /* stack ids */
	size_t ncols;
	const int64_t *const *cols;
	/* Node sums per node id, `stride` int64s each: the last stack that
	 * counted it + 1, cum, flat, ncols column cums, ncols column flats
	 * (one cache line or less a node).  NULL: not summed. */
	int64_t *nacc;
	size_t stride;
	bool edges;
	hs_vec list;            /* hs_edge (from, to) in first-seen order */
	eslot *etab;            /* open table, at most half full ... */
	size_t ecap;
	unsigned ebits;
	hs_idmap *index;        /* ... or the map to an index into acc */
	eslot *acc;
	size_t acc_cap;
	uint32_t count;         /* the edge stamp */
	uint32_t *seq;          /* a stack's kept nodes, root first ... */
	uint8_t *sfl;           /* ... and their SF_ flags */
	size_t scap;
	hs_err rc;
} part;

static inline size_t etab_slot(unsigned bits, uint32_t key)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

static bool etab_grow(part *w)
{
	unsigned bits = w->ebits ? w->ebits + 1 : 12;
	size_t cap = (size_t)1 << bits;
	eslot *t = malloc(cap * sizeof *t);
	if (!t)
		return false;
	for (size_t i = 0; i < cap; i++)
		t[i].key = EDGE_EMPTY;
	for (size_t i = 0; i < w->ecap; i++) {
		if (w->etab[i].key == EDGE_EMPTY)
			continue;
		size_t j = etab_slot(bits, w->etab[i].key);
		while (t[j].key != EDGE_EMPTY)
			j = (j + 1) & (cap - 1);
		t[j] = w->etab[i];
	}
	free(w->etab);
	w->etab = t;
	w->ecap = cap;
	w->ebits = bits;
	return true;
}

/* The edge's record, NULL if the walk has not seen it. */
static eslot *edge_find(const part *w, uint32_t from, uint32_t to)
{
	if (w->etab) {
		uint32_t key = from << 16 | to;
		for (size_t j = etab_slot(w->ebits, key);; j = (j + 1) & (w->ecap - 1)) {
			if (w->etab[j].key == key)
				return &w->etab[j];
			if (w->etab[j].key == EDGE_EMPTY)
				return NULL;
		}
	}
	uint32_t e = hs_idmap_get(w->index, (uint64_t)from << 32 | to);
	return e == UINT32_MAX ? NULL : &w->acc[e];
}

/* A new edge, its record zeroed but for the first call's inline flag. */
static eslot *edge_new(part *w, eslot *slot, uint32_t from, uint32_t to, bool inl)
{
	hs_edge *ne = hs_vec_push(&w->list, 1);
	if (!ne)
		return NULL;
	ne->from = from;
	ne->to = to;
	uint32_t e = (uint32_t)(w->list.len - 1);
	if (slot) {
		*slot = (eslot){.key = from << 16 | to, .mark = inl ? EM_INLINED : 0};
		if (w->list.len * 2 > w->ecap) {
			if (!etab_grow(w))
				return NULL;
			slot = edge_find(w, from, to);
		}
		return slot;
	}
	if (e >= w->acc_cap) {
		size_t cap = w->acc_cap ? w->acc_cap * 2 : 1024;
		eslot *na = realloc(w->acc, cap * sizeof *na);
		if (!na)
			return NULL;
		w->acc = na;
		w->acc_cap = cap;
	}
	if (!hs_idmap_put(w->index, (uint64_t)from << 32 | to, e, NULL))
		return NULL;
	w->acc[e] = (eslot){.mark = inl ? EM_INLINED : 0};
	return &w->acc[e];
}

/* pprof's Node.AddToEdgeDiv, counting each pair once per sample. */
static inline __attribute__((always_inline)) bool add_edge(part *w, uint32_t from, uint32_t to,
                                                           int64_t val, bool residual, bool inl,
                                                           uint32_t stamp)
{
	eslot *s;
	if (w->etab) {
		uint32_t key = from << 16 | to;
		size_t j = etab_slot(w->ebits, key);
		while (w->etab[j].key != key && w->etab[j].key != EDGE_EMPTY)
			j = (j + 1) & (w->ecap - 1);
		s = &w->etab[j];
		if (s->key == EDGE_EMPTY && !(s = edge_new(w, s, from, to, inl)))
			return false;
	} else if (!(s = edge_find(w, from, to)) && !(s = edge_new(w, NULL, from, to, inl))) {
		return false;
	}
	uint32_t m = s->mark;
	if ((m & EM_STAMP) == stamp)
		return true;
	m = (m & ~EM_STAMP) | stamp;
	if (residual)
		m |= EM_RESIDUAL;
	if (!inl)
		m &= ~EM_INLINED;
	s->mark = m;
	s->weight = hs_add(s->weight, val);
	return true;
}

/* The next stack's edge stamp: 30 bits, the marks cleared when it wraps. */
static uint32_t next_stamp(part *w)
{
	if (++w->count <= EM_STAMP)
		return w->count;
	eslot *s = w->etab ? w->etab : w->acc;
	size_t n = w->etab ? w->ecap : w->list.len;
	for (size_t i = 0; i < n; i++)
		s[i].mark &= ~EM_STAMP;
	return w->count = 1;
}

/* Where the nodes of location loc (lnode ln, several nodes) are in
 * v->loc_nodes: a..b. */
static inline void loc_range(const hs_view *v, uint32_t loc, uint32_t ln, uint32_t *a,
                             uint32_t *b)
{
	if (ln == LN_MULTI) {
		*a = v->loc_off[loc];
		*b = v->loc_off[loc + 1];
	} else {
		*a = ln & 0xffffff;
		*b = *a + (ln >> 24 & 0x3f);
	}
}

/* Does stack id count (live for the view, or a column value)?  Its
 * column values into cv. */
static inline bool stack_counts(const part *w, uint32_t id, size_t ncols, int64_t *cv)
{
	bool col = false;
	for (size_t c = 0; c < ncols; c++)
		col |= (cv[c] = w->cols[c][id]) != 0;
	return w->v->stack_live[id] || col;
}

/* A node met in stack nst - 1: its cum counts once a stack. */
static inline void count_node(int64_t *na, int64_t nst, bool live, int64_t val, size_t ncols,
                              const int64_t *cv)
{
	if (na[0] == nst)
		return;
	na[0] = nst;
	if (live)
		na[1] = hs_add(na[1], val);
	for (size_t c = 0; c < ncols; c++)
		na[3 + c] = hs_add(na[3 + c], cv[c]);
}

/* The node sums alone (flat and cum, no edges): one pass a stack, each
 * node's record summed as it is met (cheaper here than listing the
 * stack's nodes first, as walk_range does for the edges). */
static void walk_nodes(part *w)
{
	const hs_view *v = w->v;
	const uint32_t *lnode = w->lnode;
	const uint8_t *kept = w->kept;
	const size_t ncols = w->ncols, stride = w->stride;
	int64_t cv[HS_GRAPH_MAXCOLS] = {0};
	for (uint32_t id = w->lo; id < w->hi; id++) {
		if (!stack_counts(w, id, ncols, cv))
			continue;
		bool live = v->stack_live[id];
		uint32_t n;
		const uint32_t *st = hs_stack_at(v->p, id, &n);
		int64_t val = v->stack_value[id], nst = (int64_t)id + 1;
		int64_t *leaf = NULL;
		bool residual = false;
		for (uint32_t k = n; k-- > 0;) {
			uint32_t loc = st[k], ln = lnode[loc];
			if (ln < LN_PACKED) {
				leaf = w->nacc + (size_t)ln * stride;
				count_node(leaf, nst, live, val, ncols, cv);
				residual = false;
			} else if (ln == LN_DROP) {
				residual = true;
			} else if (ln != LN_NONE) {
				uint32_t a, b;
				loc_range(v, loc, ln, &a, &b);
				for (uint32_t j = b; j-- > a;) {
					uint32_t node = v->loc_nodes[j];
					if (kept && !kept[node]) {
						residual = true;
						continue;
					}
					leaf = w->nacc + (size_t)node * stride;
					count_node(leaf, nst, live, val, ncols, cv);
					residual = false;
				}
			}
		}
		if (leaf && !residual) {
			if (live)
				leaf[2] = hs_add(leaf[2], val);
			for (size_t c = 0; c < ncols; c++)
				leaf[3 + ncols + c] = hs_add(leaf[3 + ncols + c], cv[c]);
		}
	}
}

/* Room for `more` nodes in the stack's sequence. */
static bool seq_room(part *w, size_t m, size_t more)
{
	if (m + more <= w->scap)
		return true;
	size_t cap = w->scap ? w->scap : 256;
	while (cap < m + more)
		cap *= 2;
	uint32_t *s = realloc(w->seq, cap * sizeof *s);
	if (s)
		w->seq = s;
	uint8_t *f = s ? realloc(w->sfl, cap) : NULL;
	if (!f)
		return false;
	w->sfl = f;
	w->scap = cap;
	return true;
}

enum { SF_INLINED = 1, SF_RESIDUAL = 2 };

/* The stacks lo..hi as pprof's newGraph walks each sample: root to leaf,
 * outer inlined frame before inner.  nodes: sum flat and cum (a stack the
 * view drops counts for the columns only); edges: sum the edges of the
 * view's live stacks.  Specialised by the constant flags.  A stack's kept
 * nodes are listed first, their records fetched ahead (the misses
 * overlap), then summed. */
static inline __attribute__((always_inline)) hs_err walk_range(part *w, bool nodes,
                                                                bool edges)
{
	const hs_view *v = w->v;
	const uint32_t *lnode = w->lnode;
	const uint8_t *kept = w->kept;
	const size_t ncols = nodes ? w->ncols : 0, stride = w->stride;
	int64_t cv[HS_GRAPH_MAXCOLS] = {0};
	for (uint32_t id = w->lo; id < w->hi; id++) {
		if (!stack_counts(w, id, ncols, cv))
			continue;
		bool live = v->stack_live[id];
		uint32_t n;
		const uint32_t *st = hs_stack_at(v->p, id, &n);
		size_t m = 0;
		bool residual = false;
		if (!seq_room(w, 0, n))
			return HS_E_NOMEM;
		uint32_t *seq = w->seq;
		uint8_t *sfl = w->sfl;
		for (uint32_t k = n; k-- > 0;) {
			uint32_t loc = st[k], ln = lnode[loc];
			if (ln < LN_PACKED) {
				seq[m] = ln;
				sfl[m++] = residual ? SF_RESIDUAL : 0;
				residual = false;
			} else if (ln == LN_DROP) {
				residual = true;
			} else if (ln != LN_NONE) {
				uint32_t a, b;
				loc_range(v, loc, ln, &a, &b);
				if (!seq_room(w, m, b - a + k))
					return HS_E_NOMEM;
				seq = w->seq;
				sfl = w->sfl;
				for (uint32_t j = b; j-- > a;) {
					uint32_t node = v->loc_nodes[j];
					if (kept && !kept[node]) {
						residual = true;
						continue;
					}
					seq[m] = node;
					sfl[m++] = (j != b - 1 ? SF_INLINED : 0) | (residual ? SF_RESIDUAL : 0);
					residual = false;
				}
			}
		}
		if (m == 0)
			continue;
		int64_t val = v->stack_value[id];
		if (nodes)
			for (size_t i = 0; i < m; i++)
				__builtin_prefetch(w->nacc + (size_t)seq[i] * stride, 1);
		if (edges && live && w->etab)
			for (size_t i = 1; i < m; i++)
				__builtin_prefetch(&w->etab[etab_slot(w->ebits, seq[i - 1] << 16 | seq[i])], 1);
		if (nodes) {
			int64_t nst = (int64_t)id + 1;
			for (size_t i = 0; i < m; i++)
				count_node(w->nacc + (size_t)seq[i] * stride, nst, live, val, ncols, cv);
			if (!residual) {
				int64_t *a = w->nacc + (size_t)seq[m - 1] * stride;
				if (live)
					a[2] = hs_add(a[2], val);
				for (size_t c = 0; c < ncols; c++)
					a[3 + ncols + c] = hs_add(a[3 + ncols + c], cv[c]);
			}
		}
		if (edges && live) {
			uint32_t stamp = next_stamp(w);
			for (size_t i = 1; i < m; i++)
				if (seq[i] != seq[i - 1] &&
				    !add_edge(w, seq[i - 1], seq[i], val, sfl[i] & SF_RESIDUAL,
				              sfl[i] & SF_INLINED, stamp))
					return HS_E_NOMEM;
		}
	}
	return HS_OK;
}

static void *walk_part(void *arg)
{
	part *w = arg;
	if (w->nacc && w->edges)
		w->rc = walk_range(w, true, true);
	else if (w->nacc)
		walk_nodes(w);
	else
		w->rc = walk_range(w, false, true);
	return NULL;
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

/* Below this many frames in all stacks one thread walks them all: a
 * second one costs more to start and to sum than it saves. */
enum { THREAD_MIN_FRAMES = 1 << 18 };

static void part_release(part *w)
{
	free(w->seq);
	free(w->sfl);
	free(w->nacc);
	free(w->etab);
	free(w->acc);
	if (w->index) {
		hs_idmap_release(w->index);
		free(w->index);
	}
	hs_vec_release(&w->list);
}

static bool part_init(part *w, const hs_view *v, size_t nn, bool nodes, bool edges)
{
	if (nodes) {
		size_t s = 3 + 2 * w->ncols;
		w->stride = s <= 4 ? 4 : 8;
		size_t bytes = nn * w->stride * sizeof *w->nacc;
		if (posix_memalign((void **)&w->nacc, 64, bytes) != 0) {
			w->nacc = NULL;
			return false;
		}
		memset(w->nacc, 0, bytes);
	}
	hs_vec_init(&w->list, sizeof(hs_edge));
	w->edges = edges;
	if (!edges)
		return true;
	if (v->nodes.len <= 0x10000)
		return etab_grow(w);
	if (!(w->index = malloc(sizeof *w->index)))
		return false;
	if (!hs_idmap_init(w->index, nn * 2)) {
		free(w->index);
		w->index = NULL;
		return false;
	}
	return true;
}

/* The edges of both shares in first-seen order over all stacks (the
 * first share's, then the second's new ones), sums added. */
static hs_err join_edges(hs_graph *g, part *w, size_t nparts)
{
	hs_vec_release(&g->edges);
	g->edges = w[0].list;
	hs_vec_init(&w[0].list, sizeof(hs_edge));
	hs_edge *e = g->edges.data;
	size_t n0 = g->edges.len;
	for (size_t i = 0; i < n0; i++) {
		const eslot *s = edge_find(&w[0], e[i].from, e[i].to);
		uint32_t m = s->mark;
		int64_t wt = s->weight;
		const eslot *t = nparts > 1 ? edge_find(&w[1], e[i].from, e[i].to) : NULL;
		if (t) {
			wt = hs_add(wt, t->weight);
			m = (m | (t->mark & EM_RESIDUAL)) & (t->mark | ~EM_INLINED);
		}
		e[i].weight = wt;
		e[i].residual = (m & EM_RESIDUAL) != 0;
		e[i].inlined = (m & EM_INLINED) != 0;
	}
	for (size_t i = 0; nparts > 1 && i < w[1].list.len; i++) {
		const hs_edge *x = &HS_VEC_AT(&w[1].list, hs_edge, i);
		if (edge_find(&w[0], x->from, x->to))
			continue;
		const eslot *t = edge_find(&w[1], x->from, x->to);
		hs_edge *ne = hs_vec_push(&g->edges, 1);
		if (!ne)
			return HS_E_NOMEM;
		*ne = (hs_edge){.from = x->from, .to = x->to, .weight = t->weight,
		                .residual = (t->mark & EM_RESIDUAL) != 0,
		                .inlined = (t->mark & EM_INLINED) != 0};
	}
	return HS_OK;
}

static hs_err walk_parts(part *w, size_t nparts)
{
	pthread_t th;
	bool threaded = nparts > 1 && pthread_create(&th, NULL, walk_part, &w[1]) == 0;
	walk_part(&w[0]);
	if (threaded)
		pthread_join(th, NULL);
	else if (nparts > 1)
		walk_part(&w[1]);
	return w[0].rc ? w[0].rc : nparts > 1 ? w[1].rc : HS_OK;
}

static hs_err build(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                    size_t ncols, const int64_t *const *cols, const hs_graph *sums,
                    hs_error *err)
{
	memset(g, 0, sizeof *g);
	g->v = v;
	hs_vec_init(&g->edges, sizeof(hs_edge));
	const hs_profile *p = v->p;
	size_t nn = v->nodes.len ? v->nodes.len : 1, nloc = p->locations.len;
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
	uint32_t *lnode = malloc((nloc ? nloc : 1) * sizeof *lnode);
	/* Two shares of about equal frames when there are many. */
	size_t frames = p->nstacks ? ((const uint32_t *)p->stack_off.data)[p->nstacks] : 0;
	size_t nparts = frames >= THREAD_MIN_FRAMES ? 2 : 1;
	part w[2];
	hs_err rc = HS_OK;
	for (size_t i = 0; i < nparts; i++) {
		w[i] = (part){.v = v, .lnode = lnode, .kept = kept, .lo = 0,
		              .hi = (uint32_t)p->nstacks, .ncols = g->ncols, .cols = cols};
		if (!part_init(&w[i], v, nn, sums == NULL, with_edges))
			rc = HS_E_NOMEM;
	}
	if (!g->flat || !g->cum || !g->present || !lnode || !cols_ok)
		rc = HS_E_NOMEM;
	if (rc)
		goto out;
	if (nparts > 1) {
		const uint32_t *off = p->stack_off.data;
		uint32_t lo = 0, hi = (uint32_t)p->nstacks;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (off[mid] < frames / 2)
				lo = mid + 1;
			else
				hi = mid;
		}
		w[0].hi = w[1].lo = lo;
	}
	for (size_t l = 0; l < nloc; l++) {
		uint32_t a = v->loc_off[l], b = v->loc_off[l + 1];
		if (a == b)
			lnode[l] = LN_NONE;
		else if (b - a > 1 && b - a < 63 && a < 0x1000000)
			lnode[l] = LN_PACKED | (b - a) << 24 | a;
		else if (b - a > 1)
			lnode[l] = LN_MULTI;
		else
			lnode[l] = kept && !kept[v->loc_nodes[a]] ? LN_DROP : v->loc_nodes[a];
	}
	g->with_edges = with_edges;
	if ((rc = walk_parts(w, nparts)) != HS_OK)
		goto out;
	if (sums) {
		for (uint32_t i = 0; i < v->nodes.len; i++)
			if (!kept || kept[i]) {
				g->flat[i] = sums->flat[i];
				g->cum[i] = sums->cum[i];
				for (size_t c = 0; c < g->ncols; c++) {
					g->col_flat[c][i] = sums->col_flat[c][i];
					g->col_cum[c][i] = sums->col_cum[c][i];
				}
			}
	} else {
		size_t s = w[0].stride, nc = g->ncols;
		for (size_t k = 0; k < nparts; k++)
			for (uint32_t i = 0; i < v->nodes.len; i++) {
				const int64_t *a = w[k].nacc + (size_t)i * s;
				g->cum[i] = hs_add(g->cum[i], a[1]);
				g->flat[i] = hs_add(g->flat[i], a[2]);
				for (size_t c = 0; c < nc; c++) {
					g->col_cum[c][i] = hs_add(g->col_cum[c][i], a[3 + c]);
					g->col_flat[c][i] = hs_add(g->col_flat[c][i], a[3 + nc + c]);
				}
			}
	}
	for (uint32_t i = 0; i < v->nodes.len; i++)
		if ((g->flat[i] || g->cum[i]) && (!kept || kept[i]))
			g->present[g->npresent++] = i;
	if (with_edges)
		rc = join_edges(g, w, nparts);
out:
	for (size_t i = 0; i < nparts; i++)
		part_release(&w[i]);
	free(lnode);
	if (rc) {
		hs_graph_release(g);
		return hs_fail(err, rc, NULL);
	}
	return HS_OK;
}
