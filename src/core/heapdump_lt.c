/* Lengauer-Tarjan dominators (the simple version: path compression without
 * balancing, O(E log V)), for graphs on which the iterative algorithm of
 * heapdump_graph.c would need too many passes.  A heap dump is input: a
 * hostile one could be built to make the iterative algorithm quadratic,
 * never this one.  Arrays are indexed by DFS preorder number. */
#include <stdbool.h>
#include <stdlib.h>

#include "heapdump_lt.h"

#define NONE UINT32_MAX

typedef struct lt {
	uint32_t *vertex, *parent, *semi, *label, *anc, *dom, *bhead, *bnext, *stack;
} lt;

/* The vertex with the least semi-dominator on v's compressed path. */
static uint32_t eval(lt *t, uint32_t v)
{
	if (t->anc[v] == NONE)
		return v;
	size_t sp = 0;
	uint32_t x = v;
	while (t->anc[t->anc[x]] != NONE) {
		t->stack[sp++] = x;
		x = t->anc[x];
	}
	while (sp) {
		x = t->stack[--sp];
		uint32_t a = t->anc[x];
		if (t->semi[t->label[a]] < t->semi[t->label[x]])
			t->label[x] = t->label[a];
		t->anc[x] = t->anc[a];
	}
	return t->label[v];
}

/* Preorder DFS from root: dfn[node], vertex[num], parent[num]. */
static uint32_t preorder(lt *t, uint32_t *dfn, size_t nv, uint32_t root, hs_lt_succ succ,
                         const void *ctx, uint32_t *cursor)
{
	for (size_t i = 0; i < nv; i++)
		dfn[i] = NONE;
	uint32_t n = 0;
	size_t sp = 0;
	/* the stack holds preorder numbers; cursor[num] the next edge */
	dfn[root] = n;
	t->vertex[n] = root;
	t->parent[n] = NONE;
	cursor[n] = 0;
	t->stack[sp++] = n++;
	while (sp) {
		uint32_t u = t->stack[sp - 1], cnt;
		const uint32_t *s = succ(ctx, t->vertex[u], &cnt);
		while (cursor[u] < cnt && dfn[s[cursor[u]]] != NONE)
			cursor[u]++;
		if (cursor[u] == cnt) {
			sp--;
			continue;
		}
		uint32_t w = s[cursor[u]++];
		dfn[w] = n;
		t->vertex[n] = w;
		t->parent[n] = u;
		cursor[n] = 0;
		t->stack[sp++] = n++;
	}
	return n;
}

hs_err hs_lt_dominators(uint32_t *idom, size_t nv, uint32_t root, hs_lt_succ succ, const void *ctx,
                        const uint32_t *ps, const uint32_t *pr, hs_error *err)
{
	lt t;
	uint32_t **arrays[] = {&t.vertex, &t.parent, &t.semi, &t.label, &t.anc, &t.dom, &t.bhead,
	                       &t.bnext, &t.stack};
	size_t na = sizeof arrays / sizeof arrays[0];
	bool ok = true;
	for (size_t i = 0; i < na; i++)
		ok &= (*arrays[i] = malloc((nv ? nv : 1) * sizeof(uint32_t))) != NULL;
	uint32_t *dfn = malloc((nv ? nv : 1) * sizeof *dfn);
	hs_err rc = HS_OK;
	if (!ok || !dfn) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto out;
	}
	/* bnext doubles as the DFS edge cursor before the buckets are used */
	uint32_t n = preorder(&t, dfn, nv, root, succ, ctx, t.bnext);
	for (uint32_t i = 0; i < n; i++) {
		t.semi[i] = t.label[i] = i;
		t.anc[i] = t.bhead[i] = NONE;
		t.dom[i] = 0;
	}
	for (uint32_t i = n; i-- > 1;) {
		uint32_t w = t.vertex[i];
		for (uint32_t j = ps[w]; j < ps[w + 1]; j++) {
			uint32_t v = dfn[pr[j]];
			if (v == NONE)
				continue;
			uint32_t u = eval(&t, v);
			if (t.semi[u] < t.semi[i])
				t.semi[i] = t.semi[u];
		}
		t.bnext[i] = t.bhead[t.semi[i]];
		t.bhead[t.semi[i]] = i;
		uint32_t p = t.parent[i];
		t.anc[i] = p;
		for (uint32_t v = t.bhead[p]; v != NONE; v = t.bnext[v]) {
			uint32_t u = eval(&t, v);
			t.dom[v] = t.semi[u] < t.semi[v] ? u : p;
		}
		t.bhead[p] = NONE;
	}
	for (uint32_t i = 1; i < n; i++)
		if (t.dom[i] != t.semi[i])
			t.dom[i] = t.dom[t.dom[i]];
	for (size_t v = 0; v < nv; v++)
		idom[v] = NONE;
	idom[root] = root;
	for (uint32_t i = 1; i < n; i++)
		idom[t.vertex[i]] = t.vertex[t.dom[i]];
out:
	for (size_t i = 0; i < na; i++)
		free(*arrays[i]);
	free(dfn);
	return rc;
}
