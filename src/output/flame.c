/* The stacks of a flame graph and the sweep that turns them into frames,
 * as flamegraph.pl turns folded lines into boxes.  See flame.h; the SVG is
 * written by flame_svg.c. */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "heapscope/blocking.h"

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

/* A stack of n frames plus `extra` (UINT32_MAX: none) as its leaf. */
static bool add_stack(flame *f, const uint32_t *ids, size_t n, const uint32_t *names,
                      size_t nnodes, int side, bool reverse, int64_t value, uint32_t extra)
{
	size_t leaf = extra == UINT32_MAX ? n - 1 : n;
	uint32_t *seq = hs_arena_alloc(&f->arena, (leaf + 1) * sizeof *seq);
	flame_stack *s = seq ? hs_vec_push(&f->stacks, 1) : NULL;
	if (!s)
		return false;
	for (size_t k = 0; k < n; k++) {
		size_t at = reverse ? n - 1 - k : k;
		seq[k] = names[(at == leaf ? nnodes : 0) + ids[at]];
	}
	if (leaf == n)
		seq[n++] = extra;
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
			ok = add_stack(f, ids, n, names, v->nodes.len, side, reverse, v->stack_value[s],
			               UINT32_MAX);
	}
	free(names);
	free(ids);
	return ok;
}

bool flame_add_view_states(flame *f, const hs_view *v, const hs_profile *p)
{
	uint32_t *names = view_names(f, v);
	uint32_t *ids = malloc((hs_view_max_frames(v) + 1) * sizeof *ids);
	bool ok = names && ids;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t value = hs_sample_values(p, s)[v->sample_index];
		if (!v->stack_live[hs_sample_stack_id(p, s)] || value <= 0)
			continue;
		size_t n = hs_view_sample_frames(v, s, ids, NULL);
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		char state[64];
		snprintf(state, sizeof state, "[%s]", *wi.state ? wi.state
		         : wi.kind == HS_WAIT_NONE ? "running" : hs_wait_state_of(wi.kind));
		uint32_t leaf = n ? intern(f, state, true) : UINT32_MAX;
		if (n)
			ok = leaf != UINT32_MAX &&
			     add_stack(f, ids, n, names, v->nodes.len, FLAME_NEW, false, value, leaf);
	}
	free(names);
	free(ids);
	return ok;
}
