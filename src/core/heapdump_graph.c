/* The retention graph of a heap dump: root holders, reachability, the
 * dominator tree (Cooper, Harvey and Kennedy's iterative algorithm over
 * reverse postorder, with a virtual super-root above every holder) and
 * retained sizes.  Nodes: objects 0..n-1, holders n..n+H-1, super-root. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "heapdump_lt.h"
#include "heapscope/heapdump.h"

hs_err hs_hd_report_build(hs_hd_analysis *a, const hs_hd_opts *o, hs_error *err);
hs_err hs_hd_paths(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_group_children(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_predecessors(const hs_hd_analysis *a, const uint32_t *po, size_t nv,
                          uint32_t **pstart, uint32_t **preds, hs_error *err);

#define NONE HS_HD_NONE

static int by_u32(const void *x, const void *y)
{
	uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
	return (u > v) - (u < v);
}

void hs_hd_opts_default(hs_hd_opts *o)
{
	memset(o, 0, sizeof *o);
	o->suspect_share = 0.10;
	o->min_group = 10;
	o->max_passes = 64;
}

/* The holder name of a root, and its run-independent key. */
static void root_name(const hs_heapdump *h, const hs_hd_root *r, const hs_symtab *syms,
                      char *name, char *key, size_t size)
{
	uint64_t off;
	const hs_elf_sym *s;
	switch (r->kind) {
	case HS_HD_ROOT_DATA:
	case HS_HD_ROOT_BSS:
		if (syms && (s = hs_symtab_lookup(syms, r->where, &off))) {
			snprintf(name, size, "%s", s->name);
		} else {
			bool data = r->kind == HS_HD_ROOT_DATA;
			const hs_hd_segment *g = data ? &h->data : &h->bss;
			snprintf(name, size, "%s+0x%" PRIx64, data ? "data" : "bss", r->where - g->addr);
		}
		snprintf(key, size, "%s", name);
		return;
	case HS_HD_ROOT_FRAME: {
		const hs_hd_frame *f = &HS_VEC_AT(&h->frames, hs_hd_frame, r->frame);
		uint64_t goid = r->goroutine == NONE ? 0 :
		                HS_VEC_AT(&h->goroutines, hs_hd_goroutine, r->goroutine).goid;
		snprintf(name, size, "goroutine %" PRIu64 ": %s", goid, f->func);
		snprintf(key, size, "stack: %s", f->func);
		return;
	}
	case HS_HD_ROOT_GOROUTINE: {
		uint64_t goid = HS_VEC_AT(&h->goroutines, hs_hd_goroutine, r->goroutine).goid;
		snprintf(name, size, "goroutine %" PRIu64 " (context, defer, panic)", goid);
		snprintf(key, size, "goroutine context");
		return;
	}
	case HS_HD_ROOT_FINALIZER:
		snprintf(name, size, "finalizers");
		break;
	case HS_HD_ROOT_QUEUED:
		snprintf(name, size, "finalizer queue");
		break;
	default:
		snprintf(name, size, "other root: %s", r->desc ? r->desc : "?");
	}
	snprintf(key, size, "%s", name);
}

/* Root pointers with the same name share a holder: hold[i] is root i's. */
static hs_err group_roots(hs_hd_analysis *a, const hs_hd_opts *o, uint32_t *hold, hs_error *err)
{
	const hs_heapdump *h = a->h;
	hs_vec hv;
	hs_vec_init(&hv, sizeof(hs_hd_holder));
	hs_strmap m;
	if (!hs_strmap_init(&m, h->roots.len + 1))
		return hs_fail(err, HS_E_NOMEM, NULL);
	hs_err rc = HS_OK;
	char name[512], key[512];
	for (size_t i = 0; i < h->roots.len && rc == HS_OK; i++) {
		const hs_hd_root *r = &HS_VEC_AT(&h->roots, hs_hd_root, i);
		root_name(h, r, o->syms, name, key, sizeof name);
		const char *nm = hs_arena_strndup(&a->arena, name, strlen(name));
		uint32_t idx = nm ? hs_strmap_get_or_put(&m, nm, strlen(nm), (uint32_t)hv.len) : NONE;
		if (idx == NONE) {
			rc = hs_fail(err, HS_E_NOMEM, NULL);
			break;
		}
		if (idx == hv.len) {
			hs_hd_holder *x = hs_vec_push(&hv, 1);
			const char *k = hs_arena_strndup(&a->arena, key, strlen(key));
			if (!x || !k) {
				rc = hs_fail(err, HS_E_NOMEM, NULL);
				break;
			}
			*x = (hs_hd_holder){.name = nm, .key = k, .kind = r->kind, .goroutine = r->goroutine,
			                    .frame = r->frame};
		}
		hold[i] = idx;
		HS_VEC_AT(&hv, hs_hd_holder, idx).nroots++;
	}
	hs_strmap_release(&m);
	a->nholders = hv.len;
	a->holders = hv.data;
	a->super = (uint32_t)(h->nobjects + hv.len);
	return rc;
}

/* What a root keeps: its target, or a finalized object's referents. */
static uint32_t root_edges(const hs_heapdump *h, const hs_hd_root *r, const uint32_t **e)
{
	if (!r->referents_only) {
		*e = &r->target;
		return 1;
	}
	*e = h->edges + h->edge_start[r->target];
	return h->edge_start[r->target + 1] - h->edge_start[r->target];
}

/* Holders' successor lists (CSR over holder index) and the super-root's. */
static hs_err holder_edges(hs_hd_analysis *a, const uint32_t *hold, hs_error *err)
{
	const hs_heapdump *h = a->h;
	size_t nr = h->roots.len, nh = a->nholders, total = 0;
	const uint32_t *e;
	a->hstart = calloc(nh + 1, sizeof *a->hstart);
	a->super_succ = malloc((nh ? nh : 1) * sizeof *a->super_succ);
	uint32_t *fill = calloc(nh + 1, sizeof *fill);
	for (size_t i = 0; a->hstart && i < nr; i++) {
		uint32_t n = root_edges(h, &HS_VEC_AT(&h->roots, hs_hd_root, i), &e);
		a->hstart[hold[i] + 1] += n;
		total += n;
	}
	a->hedges = malloc((total ? total : 1) * sizeof *a->hedges);
	if (!a->hstart || !a->super_succ || !a->hedges || !fill) {
		free(fill);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	for (size_t i = 0; i < nh; i++) {
		a->hstart[i + 1] += a->hstart[i];
		a->super_succ[i] = (uint32_t)(h->nobjects + i);
	}
	for (size_t i = 0; i < nr; i++) {
		uint32_t n = root_edges(h, &HS_VEC_AT(&h->roots, hs_hd_root, i), &e);
		memcpy(a->hedges + a->hstart[hold[i]] + fill[hold[i]], e, n * sizeof *e);
		fill[hold[i]] += n;
	}
	free(fill);
	return HS_OK;
}

static hs_err build_holders(hs_hd_analysis *a, const hs_hd_opts *o, hs_error *err)
{
	size_t nr = a->h->roots.len;
	uint32_t *hold = malloc((nr ? nr : 1) * sizeof *hold);
	if (!hold)
		return hs_fail(err, HS_E_NOMEM, NULL);
	hs_err rc = group_roots(a, o, hold, err);
	if (rc == HS_OK)
		rc = holder_edges(a, hold, err);
	free(hold);
	return rc;
}

static inline const uint32_t *succ(const hs_hd_analysis *a, uint32_t v, uint32_t *n)
{
	const hs_heapdump *h = a->h;
	if (v < h->nobjects) {
		*n = h->edge_start[v + 1] - h->edge_start[v];
		return h->edges + h->edge_start[v];
	}
	if (v == a->super) {
		*n = (uint32_t)a->nholders;
		return a->super_succ;
	}
	uint32_t i = v - (uint32_t)h->nobjects;
	*n = a->hstart[i + 1] - a->hstart[i];
	return a->hedges + a->hstart[i];
}

#define BIT_SET(b, i) ((b)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define BIT_GET(b, i) ((b)[(i) >> 3] >> ((i) & 7) & 1u)

/* Iterative DFS from the super-root, always the same one: finish(ctx, v)
 * as each node finishes (postorder).  A bit per node marks the visited. */
static hs_err dfs(const hs_hd_analysis *a, size_t nv, void (*finish)(void *, uint32_t),
                  void *ctx, hs_error *err)
{
	typedef struct { uint32_t v, i; } ent;
	size_t cap = 1024, sp = 0;
	ent *st = malloc(cap * sizeof *st);
	uint8_t *seen = calloc(nv / 8 + 1, 1);
	if (!st || !seen) {
		free(st);
		free(seen);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	st[sp++] = (ent){a->super, 0};
	BIT_SET(seen, a->super);
	while (sp) {
		ent *t = &st[sp - 1];
		uint32_t n;
		const uint32_t *s = succ(a, t->v, &n);
		while (t->i < n && BIT_GET(seen, s[t->i]))
			t->i++;
		if (t->i == n) {
			finish(ctx, t->v);
			sp--;
			continue;
		}
		uint32_t w = s[t->i++];
		BIT_SET(seen, w);
		if (sp == cap) {
			ent *ns = realloc(st, cap * 2 * sizeof *st);
			if (!ns) {
				free(st);
				free(seen);
				return hs_fail(err, HS_E_NOMEM, NULL);
			}
			st = ns;
			cap *= 2;
		}
		st[sp++] = (ent){w, 0};
	}
	free(st);
	free(seen);
	return HS_OK;
}

typedef struct numbering {
	uint32_t *po, *order, k;
} numbering;

static void number(void *ctx, uint32_t v)
{
	numbering *c = ctx;
	c->po[v] = c->k;
	c->order[c->k++] = v;
}

/* po[v] = postorder number (NONE if unreachable), order[k] = the node
 * numbered k.  Returns the count. */
static hs_err postorder(const hs_hd_analysis *a, uint32_t *po, uint32_t *order, size_t nv,
                        uint32_t *count, hs_error *err)
{
	for (size_t i = 0; i < nv; i++)
		po[i] = NONE;
	numbering c = {po, order, 0};
	hs_err rc = dfs(a, nv, number, &c, err);
	*count = c.k;
	return rc;
}

/* A dominator finishes after what it dominates (it is an ancestor in
 * any DFS tree): sums in postorder. */
static void sum_retained(void *ctx, uint32_t v)
{
	hs_hd_analysis *a = ctx;
	const hs_heapdump *h = a->h;
	if (v < h->nobjects) {
		a->retained[v] += h->size[v];
		a->reachable_objects++;
		a->reachable_bytes += h->size[v];
	}
	if (v != a->super)
		a->retained[a->idom[v]] += a->retained[v];
}

/* Predecessors of reachable nodes (CSR): counted per node, summed to end
 * positions, then filled backwards so the ends become starts.  po[v] is
 * NONE for an unreachable node (a postorder number or an idom will do). */
hs_err hs_hd_predecessors(const hs_hd_analysis *a, const uint32_t *po, size_t nv,
                          uint32_t **pstart, uint32_t **preds, hs_error *err)
{
	uint32_t *ps = calloc(nv + 1, sizeof *ps);
	if (!ps)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t v = 0; v < nv; v++) {
			if (po[v] == NONE)
				continue;
			uint32_t n;
			const uint32_t *s = succ(a, v, &n);
			for (uint32_t i = 0; i < n; i++) {
				if (pass == 0)
					ps[s[i]]++;
				else
					(*preds)[--ps[s[i]]] = v;
			}
		}
		if (pass == 1)
			break;
		for (size_t v = 1; v <= nv; v++)
			ps[v] += ps[v - 1];
		*preds = malloc((ps[nv] ? ps[nv] : 1) * sizeof **preds);
		if (!*preds) {
			free(ps);
			return hs_fail(err, HS_E_NOMEM, NULL);
		}
	}
	*pstart = ps;
	return HS_OK;
}

/* Cooper-Harvey-Kennedy: a few passes on heap graphs.  Each node, in
 * reverse postorder, intersects its successors' dominators with itself
 * (the same fixpoint as each node intersecting its predecessors', without
 * a predecessor list).  False when it has not settled after max_passes
 * (the caller then uses Lengauer-Tarjan). */
static bool dominators(hs_hd_analysis *a, const uint32_t *po, const uint32_t *order,
                       uint32_t count, int max_passes)
{
	uint32_t *idom = a->idom;
	idom[a->super] = a->super;
	bool changed = true;
	for (int pass = 0; changed; pass++) {
		if (pass >= max_passes)
			return false;
		changed = false;
		/* reverse postorder, from the super-root (numbered last) */
		for (uint32_t k = count; k-- > 0;) {
			uint32_t u = order[k], n;
			if (idom[u] == NONE)
				continue;
			const uint32_t *s = succ(a, u, &n);
			for (uint32_t j = 0; j < n; j++) {
				uint32_t w = s[j], nd = idom[w];
				if (w == a->super)
					continue;
				if (nd == NONE) {
					nd = u;
				} else {
					uint32_t x = u, y = nd;
					while (x != y) {
						while (po[x] < po[y])
							x = idom[x];
						while (po[y] < po[x])
							y = idom[y];
					}
					nd = x;
				}
				if (nd != idom[w]) {
					idom[w] = nd;
					changed = true;
				}
			}
		}
	}
	return true;
}

static const uint32_t *succ_cb(const void *ctx, uint32_t v, uint32_t *n)
{
	return succ(ctx, v, n);
}

/* Breadth-first from the super-root; a node's parent is the node it is
 * first reached from.  full (per node) takes every parent; else only
 * those of want (sorted) go to got, and the search stops once all are
 * found.  The queue is a ring as wide as the widest two levels. */
static hs_err bfs(const hs_hd_analysis *a, uint32_t *full, const uint32_t *want, uint32_t *got,
                  size_t nwant, hs_error *err)
{
	size_t nv = (size_t)a->super + 1, cap = 1024, head = 0, len = 0, left = nwant;
	uint32_t *q = malloc(cap * sizeof *q);
	uint8_t *seen = calloc(nv / 8 + 1, 1);
	if (!q || !seen) {
		free(q);
		free(seen);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	q[len++] = a->super;
	BIT_SET(seen, a->super);
	if (full)
		full[a->super] = a->super;
	while (len && (full || left)) {
		uint32_t v = q[head], n;
		head = (head + 1) & (cap - 1);
		len--;
		const uint32_t *s = succ(a, v, &n);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t w = s[i];
			if (BIT_GET(seen, w))
				continue;
			BIT_SET(seen, w);
			if (full) {
				full[w] = v;
			} else {
				const uint32_t *f = bsearch(&w, want, nwant, sizeof *want, by_u32);
				if (f && got[f - want] == NONE) {
					got[f - want] = v;
					left--;
				}
			}
			if (len == cap) {
				uint32_t *nq = realloc(q, cap * 2 * sizeof *q);
				if (!nq) {
					free(q);
					free(seen);
					return hs_fail(err, HS_E_NOMEM, NULL);
				}
				q = nq;
				/* the wrapped front part moves after the old end */
				memcpy(q + cap, q, head * sizeof *q);
				cap *= 2;
			}
			q[(head + len++) & (cap - 1)] = w;
		}
	}
	free(q);
	free(seen);
	return HS_OK;
}

/* Parents found so far: (node, parent) pairs, few. */
typedef struct known {
	hs_vec pairs;        /* uint32 pairs */
	const uint32_t *full;
} known;

static bool parent_of(const hs_hd_analysis *a, const known *k, uint32_t v, uint32_t *p)
{
	if (v >= a->h->nobjects && v != a->super) {
		*p = a->super;   /* only the super-root points to a holder */
		return true;
	}
	if (k->full) {
		*p = k->full[v];
		return true;
	}
	const uint32_t *x = k->pairs.data;
	for (size_t i = 0; i < k->pairs.len; i += 2)
		if (x[i] == v) {
			*p = x[i + 1];
			return true;
		}
	return false;
}

#define PATH_PASSES 12

/* The suspects' shortest paths from a root, holder first.  Each pass of
 * the search learns one more step of every path; after PATH_PASSES (a
 * path that long) one search keeps every node's parent instead. */
hs_err hs_hd_paths(hs_hd_analysis *a, hs_error *err)
{
	size_t ns = a->suspects.len, nv = (size_t)a->super + 1;
	known k = {.full = NULL};
	hs_vec_init(&k.pairs, sizeof(uint32_t));
	hs_vec want;
	hs_vec_init(&want, sizeof(uint32_t));
	uint32_t *full = NULL, *got = NULL;
	hs_err rc = HS_OK;
	for (int pass = 0; rc == HS_OK; pass++) {
		want.len = 0;
		for (size_t i = 0; i < ns && rc == HS_OK; i++) {
			uint32_t v = HS_VEC_AT(&a->suspects, hs_hd_suspect, i).accum, p;
			while (v != a->super && v != NONE && parent_of(a, &k, v, &p))
				v = p;
			if (v == a->super || v == NONE)
				continue;
			uint32_t *w = hs_vec_push(&want, 1);
			if (!w)
				rc = hs_fail(err, HS_E_NOMEM, NULL);
			else
				*w = v;
		}
		if (rc != HS_OK || want.len == 0)
			break;
		if (pass == PATH_PASSES) {
			if (!(full = malloc(nv * sizeof *full))) {
				rc = hs_fail(err, HS_E_NOMEM, NULL);
				break;
			}
			for (size_t i = 0; i < nv; i++)
				full[i] = NONE;
			rc = bfs(a, full, NULL, NULL, 0, err);
			k.full = full;
			continue;
		}
		qsort(want.data, want.len, sizeof(uint32_t), by_u32);
		size_t nw = 0;
		const uint32_t *wv = want.data;
		for (size_t i = 0; i < want.len; i++)
			if (i == 0 || wv[i] != wv[i - 1])
				((uint32_t *)want.data)[nw++] = wv[i];
		free(got);
		if (!(got = malloc(nw * sizeof *got))) {
			rc = hs_fail(err, HS_E_NOMEM, NULL);
			break;
		}
		for (size_t i = 0; i < nw; i++)
			got[i] = NONE;
		rc = bfs(a, NULL, want.data, got, nw, err);
		for (size_t i = 0; i < nw && rc == HS_OK; i++) {
			uint32_t *x = hs_vec_push(&k.pairs, 2);
			if (!x)
				rc = hs_fail(err, HS_E_NOMEM, NULL);
			else {
				x[0] = wv[i];
				x[1] = got[i];
			}
		}
	}
	for (size_t i = 0; i < ns && rc == HS_OK; i++) {
		hs_hd_suspect *s = &HS_VEC_AT(&a->suspects, hs_hd_suspect, i);
		s->holder = NONE;
		size_t depth = 0;
		uint32_t p;
		for (uint32_t v = s->accum; v != a->super && v != NONE && parent_of(a, &k, v, &p); v = p)
			depth++;
		if (depth == 0)
			continue;
		uint32_t *x = hs_vec_push(&s->path, depth);
		if (!x) {
			rc = hs_fail(err, HS_E_NOMEM, NULL);
			break;
		}
		size_t j = depth;
		for (uint32_t v = s->accum; v != a->super && v != NONE && parent_of(a, &k, v, &p); v = p)
			x[--j] = v;
		if (x[0] >= a->h->nobjects)
			s->holder = x[0] - (uint32_t)a->h->nobjects;
	}
	free(got);
	free(full);
	hs_vec_release(&want);
	hs_vec_release(&k.pairs);
	return rc;
}

hs_err hs_hd_analyze(hs_hd_analysis *a, const hs_heapdump *h, const hs_hd_opts *o, hs_error *err)
{
	memset(a, 0, sizeof *a);
	a->h = h;
	hs_arena_init(&a->arena);
	hs_vec_init(&a->suspects, sizeof(hs_hd_suspect));
	hs_vec_init(&a->sites, sizeof(hs_hd_site));
	hs_vec_init(&a->origins, sizeof(hs_hd_origin));
	hs_vec_init(&a->sizeclasses, sizeof(hs_hd_sizeclass));
	hs_err rc = build_holders(a, o, err);
	if (rc != HS_OK)
		return rc;
	size_t nv = h->nobjects + a->nholders + 1;
	if (nv >= NONE - 1)
		return hs_fail(err, HS_E_LIMIT, "too many objects");
	uint32_t *po = malloc(nv * sizeof *po), *order = malloc(nv * sizeof *order);
	a->idom = malloc(nv * sizeof *a->idom);
	uint32_t *ps = NULL, *pr = NULL, count = 0;
	if (!po || !order || !a->idom)
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc == HS_OK)
		rc = postorder(a, po, order, nv, &count, err);
	if (rc == HS_OK) {
		for (size_t i = 0; i < nv; i++)
			a->idom[i] = NONE;
		if (!dominators(a, po, order, count, o->max_passes)) {
			/* predecessors only here: the iterative pass needs none */
			a->used_lt = true;
			rc = hs_hd_predecessors(a, po, nv, &ps, &pr, err);
			if (rc == HS_OK)
				rc = hs_lt_dominators(a->idom, nv, a->super, succ_cb, a, ps, pr, err);
			free(ps);
			free(pr);
		}
	}
	free(po);
	free(order);
	/* the children grouped before the retained sizes take the space of
	 * the numbering; a second DFS gives the postorder again */
	if (rc == HS_OK)
		rc = hs_hd_group_children(a, err);
	if (rc == HS_OK && !(a->retained = calloc(nv, sizeof *a->retained)))
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc == HS_OK)
		rc = dfs(a, nv, sum_retained, a, err);
	if (rc == HS_OK) {
		a->unreachable_objects = h->nobjects - a->reachable_objects;
		a->unreachable_bytes = h->total_bytes - a->reachable_bytes;
		rc = hs_hd_report_build(a, o, err);
	}
	return rc;
}

void hs_hd_analysis_release(hs_hd_analysis *a)
{
	for (size_t i = 0; i < a->suspects.len; i++) {
		hs_vec_release(&HS_VEC_AT(&a->suspects, hs_hd_suspect, i).path);
		hs_vec_release(&HS_VEC_AT(&a->suspects, hs_hd_suspect, i).roots);
		hs_vec_release(&HS_VEC_AT(&a->suspects, hs_hd_suspect, i).origins);
	}
	hs_vec_release(&a->suspects);
	hs_vec_release(&a->sites);
	hs_vec_release(&a->origins);
	free(a->bucket_origin);
	hs_vec_release(&a->sizeclasses);
	free(a->holders);
	free(a->idom);
	free(a->retained);
	free(a->holder_order);
	free(a->hstart);
	free(a->hedges);
	free(a->super_succ);
	free(a->ckids);
	free(a->bucket_site);
	hs_arena_release(&a->arena);
	memset(a, 0, sizeof *a);
}
