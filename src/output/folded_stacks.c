/* Folded stacks of a view; see folded_stacks.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hashmap.h"
#include "../core/sort.h"
#include "folded_name.h"
#include "folded_stacks.h"

typedef struct fstack {
	const uint32_t *ids;
	uint32_t len;
	int64_t v[FOLDED_MAX_VALUES];
} fstack;

typedef struct fold {
	const hs_view *v;
	int nvals;
	hs_arena arena;
	hs_strmap index;   /* node id sequence -> slot in stacks */
	hs_vec stacks;     /* fstack */
} fold;

/* Nodes by name, for ranking them (ctx: the hs_view). */
static int cmp_names(const void *pa, const void *pb, void *ctx)
{
	const hs_vec *nodes = &((const hs_view *)ctx)->nodes;
	return strcmp(HS_VEC_AT(nodes, hs_node_info, *(const uint32_t *)pa).name,
	              HS_VEC_AT(nodes, hs_node_info, *(const uint32_t *)pb).name);
}

/* Stacks by their frames' names, root first (ctx: each node's rank by
 * name, equal names equal ranks: the order strcmp of the names gives). */
static int cmp_stacks(const void *pa, const void *pb, void *ctx)
{
	const fstack *a = pa, *b = pb;
	const uint32_t *rank = ctx;
	for (uint32_t i = 0; i < a->len && i < b->len; i++) {
		uint32_t x = rank[a->ids[i]], y = rank[b->ids[i]];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Each node's rank among the names (NULL: out of memory). */
static uint32_t *name_ranks(const hs_view *v)
{
	size_t nn = v->nodes.len;
	uint32_t *order = malloc((nn + 1) * sizeof *order), *rank = malloc((nn + 1) * sizeof *rank);
	if (order && rank) {
		for (size_t i = 0; i < nn; i++)
			order[i] = (uint32_t)i;
		hs_sort(order, nn, sizeof *order, cmp_names, v);
		for (size_t i = 0, r = 0; i < nn; i++) {
			if (i && cmp_names(&order[i - 1], &order[i], (void *)v) != 0)
				r = i;
			rank[order[i]] = (uint32_t)r;
		}
	} else {
		free(rank);
		rank = NULL;
	}
	free(order);
	return rank;
}

/* A line being written: grown as needed, written whole. */
typedef struct line {
	char *b;
	size_t n, cap;
} line;

static bool line_put(line *l, const char *s, size_t n)
{
	if (l->n + n > l->cap) {
		size_t cap = l->cap ? l->cap : 4096;
		while (cap < l->n + n)
			cap *= 2;
		char *nb = realloc(l->b, cap);
		if (!nb)
			return false;
		l->b = nb;
		l->cap = cap;
	}
	memcpy(l->b + l->n, s, n);
	l->n += n;
	return true;
}

/* " %" PRId64, without printf. */
static bool line_value(line *l, int64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	*--p = ' ';
	return line_put(l, p, (size_t)(buf + sizeof buf - p));
}

static bool add(fold *c, const uint32_t *ids, size_t n, const int64_t *v)
{
	size_t bytes = n * sizeof *ids;
	uint32_t slot = hs_strmap_get(&c->index, (const char *)ids, bytes);
	if (slot == UINT32_MAX) {
		uint32_t *copy = hs_arena_alloc(&c->arena, bytes ? bytes : 1);
		fstack *s = copy ? hs_vec_push(&c->stacks, 1) : NULL;
		if (!s)
			return false;
		memcpy(copy, ids, bytes);
		s->ids = copy;
		s->len = (uint32_t)n;
		slot = (uint32_t)(c->stacks.len - 1);
		if (hs_strmap_get_or_put(&c->index, (const char *)copy, bytes, slot) == UINT32_MAX)
			return false;
	}
	fstack *s = &HS_VEC_AT(&c->stacks, fstack, slot);
	for (int k = 0; k < c->nvals; k++)
		s->v[k] = hs_add(s->v[k], v[k]);
	return true;
}

static bool all_zero(const fold *c, const fstack *s)
{
	for (int k = 0; k < c->nvals; k++)
		if (s->v[k] != 0)
			return false;
	return true;
}

static bool print(FILE *out, fold *c)
{
	size_t nn = c->v->nodes.len;
	char **inner = calloc(nn + 1, sizeof *inner), **leaf = calloc(nn + 1, sizeof *leaf);
	size_t *ilen = calloc(nn + 1, sizeof *ilen), *llen = calloc(nn + 1, sizeof *llen);
	uint32_t *rank = name_ranks(c->v);
	line l = {0};
	bool ok = inner && leaf && ilen && llen && rank;
	for (size_t i = 0; ok && i < nn; i++) {   /* cleaned names per node, made once */
		const char *name = hs_view_node(c->v, i)->name;
		inner[i] = folded_name(&c->arena, name, false);
		leaf[i] = folded_name(&c->arena, name, true);
		ok = inner[i] && leaf[i];
		if (ok) {
			ilen[i] = strlen(inner[i]);
			llen[i] = strlen(leaf[i]);
		}
	}
	if (ok)
		hs_sort(c->stacks.data, c->stacks.len, sizeof(fstack), cmp_stacks, rank);
	for (size_t i = 0; ok && i < c->stacks.len; i++) {
		const fstack *s = &HS_VEC_AT(&c->stacks, fstack, i);
		if (all_zero(c, s) || s->len == 0)
			continue;
		l.n = 0;
		for (uint32_t k = 0; ok && k < s->len; k++) {
			uint32_t id = s->ids[k];
			bool last = k == s->len - 1;
			ok = (!k || line_put(&l, ";", 1)) &&
			     line_put(&l, last ? leaf[id] : inner[id], last ? llen[id] : ilen[id]);
		}
		for (int k = 0; ok && k < c->nvals; k++)
			ok = line_value(&l, s->v[k]);
		ok = ok && line_put(&l, "\n", 1);
		if (ok)
			fwrite(l.b, 1, l.n, out);
	}
	free(l.b);
	free(rank);
	free(ilen);
	free(llen);
	free(inner);
	free(leaf);
	return ok;
}

bool folded_write(FILE *out, const hs_view *v, size_t nstacks, int nvals,
                  folded_values_fn values, const void *ctx)
{
	fold c;
	memset(&c, 0, sizeof c);
	c.v = v;
	c.nvals = nvals;
	hs_arena_init(&c.arena);
	hs_vec_init(&c.stacks, sizeof(fstack));
	size_t maxf = hs_view_max_frames(v);
	uint32_t *ids = malloc((maxf + 1) * sizeof *ids);
	bool ok = ids && hs_strmap_init(&c.index, nstacks + 16);
	for (uint32_t id = 0; ok && id < nstacks; id++) {
		int64_t val[FOLDED_MAX_VALUES] = {0};
		if (!values(ctx, id, val))
			continue;
		size_t n = hs_view_stack_frames(v, id, ids, NULL);
		ok = add(&c, ids, n, val);
	}
	ok = ok && print(out, &c);
	free(ids);
	hs_strmap_release(&c.index);
	hs_vec_release(&c.stacks);
	hs_arena_release(&c.arena);
	return ok;
}

bool folded_view_value(const void *ctx, uint32_t id, int64_t *vals)
{
	const hs_view *v = ctx;
	vals[0] = v->stack_value[id];
	return v->stack_live[id];
}
