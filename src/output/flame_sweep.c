/* From stacks to frames, as flamegraph.pl's flow() does it: the stacks in
 * sorted order, a frame opened where a stack leaves the one before and
 * closed where the next leaves it.  Only the frames wide enough to draw
 * are kept, so memory follows what is drawn.  See flame_tree.h. */
#include <stdlib.h>
#include <string.h>

#include "../core/sort.h"
#include "flame_tree.h"

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

/* Stacks by their frames' ranks, a stack before those it is a prefix of. */
static int cmp_stacks(const void *pa, const void *pb, void *ctx)
{
	(void)ctx;
	const flame_stack *a = pa, *b = pb;
	uint32_t n = a->len < b->len ? a->len : b->len;
	for (uint32_t i = 0; i < n; i++)
		if (a->frames[i] != b->frames[i])
			return a->frames[i] < b->frames[i] ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Replace each frame's name index by its rank in sibling order; by_rank
 * (malloc'd) maps ranks back to names.  False when out of memory. */
static bool rank_frames(flame *f, uint32_t **by_rank)
{
	size_t n = f->names.len;
	uint32_t *by = malloc((n + 1) * sizeof *by), *rank = malloc((n + 1) * sizeof *rank);
	if (!by || !rank) {
		free(by);
		free(rank);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		by[i] = (uint32_t)i;
	hs_sort(by, n, sizeof *by, cmp_names, f->names.data);
	for (size_t i = 0; i < n; i++)
		rank[by[i]] = (uint32_t)i;
	for (size_t i = 0; i < f->stacks.len; i++) {
		flame_stack *s = &HS_VEC_AT(&f->stacks, flame_stack, i);
		for (uint32_t k = 0; k < s->len; k++)
			s->frames[k] = rank[s->frames[k]];
	}
	free(rank);
	*by_rank = by;
	return true;
}

/* The open frames, one per depth (0: the root). */
typedef struct sweep {
	const flame *f;
	const uint32_t *by_rank;
	double min_value;
	flame_drawn *d;
	flame_frame *open;
} sweep;

static bool close_frame(sweep *w, uint32_t depth)
{
	flame_frame *fr = &w->open[depth];
	flame_drawn *d = w->d;
	int64_t ad = fr->delta < 0 ? -fr->delta : fr->delta;
	if (ad > d->maxdelta)
		d->maxdelta = ad;
	if (depth > 0 && (double)fr->total < w->min_value) {
		d->trimmed++;
		return true;
	}
	flame_frame *out = hs_vec_push(&d->frames, 1);
	if (!out)
		return false;
	*out = *fr;
	if (depth > d->maxdepth)
		d->maxdepth = depth;
	return true;
}

/* One stack: close the frames the previous one (prev) had past their
 * common prefix, open this one's, add its values along the path. */
static bool step(sweep *w, const flame_stack *prev, const flame_stack *s, int64_t at)
{
	uint32_t same = 0;
	while (prev && same < prev->len && same < s->len && prev->frames[same] == s->frames[same])
		same++;
	for (uint32_t k = prev ? prev->len : 0; k > same; k--)
		if (!close_frame(w, k))
			return false;
	for (uint32_t k = same; k < s->len; k++) {
		const char *const *names = w->f->names.data;
		w->open[k + 1] = (flame_frame){.name = names[w->by_rank[s->frames[k]]], .depth = k + 1,
		                               .start = at};
	}
	for (uint32_t k = 0; k <= s->len; k++)
		w->open[k].total += s->v[FLAME_NEW];
	w->open[s->len].delta += s->v[FLAME_NEW] - s->v[FLAME_BASE];
	return true;
}

bool flame_sweep(flame *f, double min_value, flame_drawn *d)
{
	memset(d, 0, sizeof *d);
	hs_vec_init(&d->frames, sizeof(flame_frame));
	d->maxdelta = 1;
	uint32_t *by_rank = NULL, maxlen = 0;
	if (!rank_frames(f, &by_rank))
		return false;
	hs_sort(f->stacks.data, f->stacks.len, sizeof(flame_stack), cmp_stacks, NULL);
	for (size_t i = 0; i < f->stacks.len; i++)
		if (HS_VEC_AT(&f->stacks, flame_stack, i).len > maxlen)
			maxlen = HS_VEC_AT(&f->stacks, flame_stack, i).len;
	sweep w = {.f = f, .by_rank = by_rank, .min_value = min_value, .d = d,
	           .open = calloc((size_t)maxlen + 1, sizeof(flame_frame))};
	bool ok = w.open != NULL;
	const flame_stack *prev = NULL;
	int64_t at = 0;
	for (size_t i = 0; ok && i < f->stacks.len; i++) {
		const flame_stack *s = &HS_VEC_AT(&f->stacks, flame_stack, i);
		ok = step(&w, prev, s, at);
		at += s->v[FLAME_NEW];
		prev = s;
	}
	for (uint32_t k = prev ? prev->len : 0; ok && k > 0; k--)
		ok = close_frame(&w, k);
	ok = ok && close_frame(&w, 0);
	free(w.open);
	free(by_rank);
	return ok;
}
