/* Differential folded stacks, "root;...;leaf BASE NEW", the form
 * FlameGraph's difffolded.pl writes and flamegraph.pl draws (width from
 * NEW, colour from the difference).  Grammar: ../shared/FOLDED.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "folded_name.h"
#include "../core/hashmap.h"
#include "diff_out.h"

typedef struct dstack {
	const uint32_t *ids;
	uint32_t len;
	int64_t v[2];
} dstack;

static const hs_view *sort_view;   /* qsort has no context argument */

static int cmp_stacks(const void *pa, const void *pb)
{
	const dstack *a = pa, *b = pb;
	const hs_vec *nodes = &sort_view->nodes;
	for (uint32_t i = 0; i < a->len && i < b->len; i++) {
		int c = strcmp(HS_VEC_AT(nodes, hs_node_info, a->ids[i]).name,
		               HS_VEC_AT(nodes, hs_node_info, b->ids[i]).name);
		if (c)
			return c;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

typedef struct dfold {
	hs_arena arena;
	hs_strmap index;   /* node id sequence -> slot in stacks */
	hs_vec stacks;     /* dstack */
} dfold;

static bool add(dfold *c, const uint32_t *ids, size_t n, const int64_t v[2])
{
	size_t bytes = n * sizeof *ids;
	uint32_t slot = hs_strmap_get(&c->index, (const char *)ids, bytes);
	if (slot == UINT32_MAX) {
		uint32_t *copy = hs_arena_alloc(&c->arena, bytes ? bytes : 1);
		dstack *s = copy ? hs_vec_push(&c->stacks, 1) : NULL;
		if (!s)
			return false;
		memcpy(copy, ids, bytes);
		s->ids = copy;
		s->len = (uint32_t)n;
		slot = (uint32_t)(c->stacks.len - 1);
		if (hs_strmap_get_or_put(&c->index, (const char *)copy, bytes, slot) == UINT32_MAX)
			return false;
	}
	dstack *s = &HS_VEC_AT(&c->stacks, dstack, slot);
	s->v[0] = hs_add(s->v[0], v[0]);
	s->v[1] = hs_add(s->v[1], v[1]);
	return true;
}

static bool print(FILE *out, const hs_view *v, dfold *c)
{
	size_t nn = v->nodes.len;
	char **inner = calloc(nn + 1, sizeof *inner), **leaf = calloc(nn + 1, sizeof *leaf);
	bool ok = inner && leaf;
	for (size_t i = 0; ok && i < nn; i++) {
		const char *name = HS_VEC_AT(&v->nodes, hs_node_info, i).name;
		inner[i] = folded_name(&c->arena, name, false);
		leaf[i] = folded_name(&c->arena, name, true);
		ok = inner[i] && leaf[i];
	}
	sort_view = v;
	if (ok && c->stacks.len)
		qsort(c->stacks.data, c->stacks.len, sizeof(dstack), cmp_stacks);
	sort_view = NULL;
	for (size_t i = 0; ok && i < c->stacks.len; i++) {
		const dstack *s = &HS_VEC_AT(&c->stacks, dstack, i);
		if ((s->v[0] == 0 && s->v[1] == 0) || s->len == 0)
			continue;
		for (uint32_t k = 0; k < s->len; k++) {
			if (k)
				putc(';', out);
			fputs(k == s->len - 1 ? leaf[s->ids[k]] : inner[s->ids[k]], out);
		}
		fprintf(out, " %" PRId64 " %" PRId64 "\n", s->v[0], s->v[1]);
	}
	free(inner);
	free(leaf);
	return ok;
}

bool diff_print_folded(FILE *out, const hs_view *v, const hs_diff_sums *s)
{
	dfold c;
	memset(&c, 0, sizeof c);
	hs_arena_init(&c.arena);
	hs_vec_init(&c.stacks, sizeof(dstack));
	size_t maxf = hs_view_max_frames(v);
	uint32_t *ids = malloc((maxf + 1) * sizeof *ids);
	bool ok = ids && hs_strmap_init(&c.index, s->nstacks + 16);
	for (uint32_t id = 0; ok && id < s->nstacks; id++) {
		int64_t val[2] = {s->stack[HS_DIFF_BASE][id], s->stack[HS_DIFF_NEW][id]};
		if (val[0] == 0 && val[1] == 0)
			continue;
		size_t n = hs_view_stack_frames(v, id, ids, NULL);
		ok = add(&c, ids, n, val);
	}
	ok = ok && print(out, v, &c);
	free(ids);
	hs_strmap_release(&c.index);
	hs_vec_release(&c.stacks);
	hs_arena_release(&c.arena);
	return ok;
}
