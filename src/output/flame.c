/* The stacks of a flame graph and the sweep that turns them into frames,
 * as flamegraph.pl turns folded lines into boxes.  See flame.h; the SVG is
 * written by flame_svg.c. */
#include <stdlib.h>
#include <string.h>

#include "../core/sort.h"
#include "folded_name.h"
#include "flame_tree.h"

flame *flame_new(void)
{
	flame *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	hs_arena_init(&f->arena);
	hs_vec_init(&f->names, sizeof(const char *));
	hs_vec_init(&f->stacks, sizeof(flame_stack));
	if (!hs_strmap_init(&f->name_index, 1024)) {
		flame_free(f);
		return NULL;
	}
	return f;
}

void flame_free(flame *f)
{
	if (!f)
		return;
	hs_strmap_release(&f->name_index);
	hs_vec_release(&f->names);
	hs_vec_release(&f->stacks);
	hs_arena_release(&f->arena);
	free(f);
}

/* The index of a cleaned name, interned; UINT32_MAX when out of memory. */
static uint32_t intern(flame *f, const char *raw, bool leaf)
{
	char *name = folded_name(&f->arena, raw, leaf);
	if (!name)
		return UINT32_MAX;
	uint32_t next = (uint32_t)f->names.len;
	uint32_t id = hs_strmap_get_or_put(&f->name_index, name, strlen(name), next);
	if (id == next) {
		const char **slot = hs_vec_push(&f->names, 1);
		if (!slot)
			return UINT32_MAX;
		*slot = name;
	}
	return id;
}

/* names[0..n): inner names, names[n..2n): leaf names, per view node. */
static uint32_t *view_names(flame *f, const hs_view *v)
{
	size_t n = v->nodes.len;
	uint32_t *names = malloc((2 * n + 1) * sizeof *names);
	for (size_t i = 0; names && i < n; i++) {
		const char *raw = hs_view_node(v, (uint32_t)i)->name;
		names[i] = intern(f, raw, false);
		names[n + i] = intern(f, raw, true);
		if (names[i] == UINT32_MAX || names[n + i] == UINT32_MAX) {
			free(names);
			return NULL;
		}
	}
	return names;
}

static bool add_stack(flame *f, const uint32_t *ids, size_t n, const uint32_t *names,
                      size_t nnodes, int side, bool reverse, int64_t value)
{
	uint32_t *seq = hs_arena_alloc(&f->arena, n * sizeof *seq);
	flame_stack *s = seq ? hs_vec_push(&f->stacks, 1) : NULL;
	if (!s)
		return false;
	for (size_t k = 0; k < n; k++) {
		size_t at = reverse ? n - 1 - k : k;
		seq[k] = names[(at == n - 1 ? nnodes : 0) + ids[at]];
	}
	s->frames = seq;
	s->len = (uint32_t)n;
	s->v[side] = value;
	if (side == FLAME_NEW)
		f->total = hs_add(f->total, value);
	return true;
}

bool flame_add_view(flame *f, const hs_view *v, int side, bool reverse)
{
	uint32_t *names = view_names(f, v);
	uint32_t *ids = malloc((hs_view_max_frames(v) + 1) * sizeof *ids);
	bool ok = names && ids;
	for (uint32_t s = 0; ok && s < v->p->nstacks; s++) {
		/* flamegraph.pl skips negative counts; a zero adds nothing. */
		if (!v->stack_live[s] || v->stack_value[s] <= 0)
			continue;
		size_t n = hs_view_stack_frames(v, s, ids, NULL);
		if (n)
			ok = add_stack(f, ids, n, names, v->nodes.len, side, reverse, v->stack_value[s]);
	}
	free(names);
	free(ids);
	return ok;
}
