/* Folded stacks of a view; see folded_stacks.h. */
#include <inttypes.h>
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

/* Stacks by their frames' names, root first (ctx: the hs_view). */
static int cmp_stacks(const void *pa, const void *pb, void *ctx)
{
	const fstack *a = pa, *b = pb;
	const hs_vec *nodes = &((const hs_view *)ctx)->nodes;
	for (uint32_t i = 0; i < a->len && i < b->len; i++) {
		int c = strcmp(HS_VEC_AT(nodes, hs_node_info, a->ids[i]).name,
		               HS_VEC_AT(nodes, hs_node_info, b->ids[i]).name);
		if (c)
			return c;
	}
	return a->len < b->len ? -1 : a->len > b->len;
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
	bool ok = inner && leaf;
	for (size_t i = 0; ok && i < nn; i++) {   /* cleaned names per node, made once */
		const char *name = hs_view_node(c->v, i)->name;
		inner[i] = folded_name(&c->arena, name, false);
		leaf[i] = folded_name(&c->arena, name, true);
		ok = inner[i] && leaf[i];
	}
	if (ok)
		hs_sort(c->stacks.data, c->stacks.len, sizeof(fstack), cmp_stacks, c->v);
	for (size_t i = 0; ok && i < c->stacks.len; i++) {
		const fstack *s = &HS_VEC_AT(&c->stacks, fstack, i);
		if (all_zero(c, s) || s->len == 0)
			continue;
		for (uint32_t k = 0; k < s->len; k++) {
			if (k)
				putc(';', out);
			fputs(k == s->len - 1 ? leaf[s->ids[k]] : inner[s->ids[k]], out);
		}
		for (int k = 0; k < c->nvals; k++)
			fprintf(out, " %" PRId64, s->v[k]);
		putc('\n', out);
	}
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
