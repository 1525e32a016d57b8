/* The tree of a flame graph: stacks merged frame by frame as they are
 * added, then laid out as flamegraph.pl lays out folded lines.  See
 * flame.h; the SVG is written by flame_svg.c. */
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
	hs_vec_init(&f->nodes, sizeof(flame_node));
	flame_node *root = hs_vec_push(&f->nodes, 1);
	if (!root || !hs_strmap_init(&f->name_index, 1024) || !hs_idmap_init(&f->kids, 4096)) {
		flame_free(f);
		return NULL;
	}
	root->name = UINT32_MAX;
	return f;
}

void flame_free(flame *f)
{
	if (!f)
		return;
	hs_strmap_release(&f->name_index);
	hs_idmap_release(&f->kids);
	hs_vec_release(&f->names);
	hs_vec_release(&f->nodes);
	hs_arena_release(&f->arena);
	free(f->order);
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

/* The callee `name` of node `parent`, made when new; UINT32_MAX when out
 * of memory. */
static uint32_t child(flame *f, uint32_t parent, uint32_t name)
{
	uint64_t key = (uint64_t)parent << 32 | name;
	uint32_t id = hs_idmap_get(&f->kids, key);
	if (id != UINT32_MAX)
		return id;
	id = (uint32_t)f->nodes.len;
	uint32_t depth = FLAME_NODE(f, parent).depth + 1;
	flame_node *n = hs_vec_push(&f->nodes, 1);
	if (!n || !hs_idmap_put(&f->kids, key, id, NULL))
		return UINT32_MAX;
	n->name = name;
	n->parent = parent;
	n->depth = depth;
	return id;
}

/* names[0..n): inner names, names[n..2n): leaf names, per view node. */
static uint32_t *view_names(flame *f, const hs_view *v)
{
	size_t n = v->nodes.len;
	uint32_t *names = malloc((2 * n + 1) * sizeof *names);
	for (size_t i = 0; names && i < n; i++) {
		const char *raw = HS_VEC_AT(&v->nodes, hs_node_info, i).name;
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
	uint32_t cur = FLAME_ROOT;
	if (side == FLAME_NEW)
		FLAME_NODE(f, cur).total += value;
	for (size_t k = 0; k < n; k++) {
		size_t at = reverse ? n - 1 - k : k;
		uint32_t name = names[(at == n - 1 ? nnodes : 0) + ids[at]];
		if ((cur = child(f, cur, name)) == UINT32_MAX)
			return false;
		if (side == FLAME_NEW)
			FLAME_NODE(f, cur).total += value;
	}
	FLAME_NODE(f, cur).self[side] += value;
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

/* flamegraph.pl sorts whole lines "a;b;c N": among siblings, a name is
 * followed by ';' when it has callees.  Compared that way throughout. */
static int cmp_names(const void *pa, const void *pb, void *ctx)
{
	const char *const *names = ctx;
	const unsigned char *a = (const unsigned char *)names[*(const uint32_t *)pa];
	const unsigned char *b = (const unsigned char *)names[*(const uint32_t *)pb];
	for (;; a++, b++) {
		unsigned ca = *a ? *a : ';', cb = *b ? *b : ';';
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!*a || !*b)
			return 0;
	}
}

typedef struct keyed {
	uint64_t key;   /* parent << 32 | rank of the name */
	uint32_t node;
} keyed;

static int cmp_keyed(const void *pa, const void *pb, void *ctx)
{
	(void)ctx;
	const keyed *a = pa, *b = pb;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* rank[name]: the name's place in sibling order; NULL when out of memory. */
static uint32_t *name_ranks(const flame *f)
{
	size_t n = f->names.len;
	uint32_t *by = malloc((n + 1) * sizeof *by), *rank = malloc((n + 1) * sizeof *rank);
	if (by && rank) {
		for (size_t i = 0; i < n; i++)
			by[i] = (uint32_t)i;
		hs_sort(by, n, sizeof *by, cmp_names, f->names.data);
		for (size_t i = 0; i < n; i++)
			rank[by[i]] = (uint32_t)i;
	}
	free(by);
	if (!by) {
		free(rank);
		return NULL;
	}
	return rank;
}

bool flame_layout(flame *f)
{
	size_t n = f->nodes.len;
	uint32_t *rank = name_ranks(f);
	keyed *k = malloc(n * sizeof *k);
	f->order = malloc(n * sizeof *f->order);
	bool ok = rank && k && f->order;
	for (size_t i = 1; ok && i < n; i++) {
		const flame_node *nd = &FLAME_NODE(f, i);
		k[i - 1] = (keyed){(uint64_t)nd->parent << 32 | rank[nd->name], (uint32_t)i};
	}
	if (ok) {
		hs_sort(k, n - 1, sizeof *k, cmp_keyed, NULL);
		/* A parent's index is below its callees', so its start is set
		 * before theirs: its own value first, then each callee. */
		f->order[0] = FLAME_ROOT;
		FLAME_NODE(f, FLAME_ROOT).start = 0;
		uint32_t parent = UINT32_MAX;
		int64_t at = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			flame_node *nd = &FLAME_NODE(f, k[i].node);
			if (nd->parent != parent) {
				parent = nd->parent;
				at = FLAME_NODE(f, parent).start + FLAME_NODE(f, parent).self[FLAME_NEW];
			}
			nd->start = at;
			at += nd->total;
			f->order[i + 1] = k[i].node;
		}
	}
	free(rank);
	free(k);
	return ok;
}
