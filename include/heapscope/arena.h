/* heapscope: bump allocator, one per loaded artifact.
 * Everything allocated from an arena is released at once by
 * hs_arena_release(); nothing in it is freed individually. */
#ifndef HEAPSCOPE_ARENA_H
#define HEAPSCOPE_ARENA_H

#include <stddef.h>

typedef struct hs_arena_block hs_arena_block;
typedef struct hs_arena {
	hs_arena_block *head;
	size_t used_total;     /* bytes handed out, for `info` and tests */
} hs_arena;

void hs_arena_init(hs_arena *a);        /* allocates nothing */
void hs_arena_release(hs_arena *a);     /* frees all blocks; reusable after */
/* NULL on allocation failure; aligned for any scalar type. */
void *hs_arena_alloc(hs_arena *a, size_t n);
char *hs_arena_strndup(hs_arena *a, const char *s, size_t n);

/* Growable array of fixed-size elements, heap backed (not arena): the big
 * per-profile tables live in these so they can be sized by what the input
 * actually contains, never by a count the input claims. */
typedef struct hs_vec {
	void *data;
	size_t len, cap, elem;
} hs_vec;

void hs_vec_init(hs_vec *v, size_t elem);
void hs_vec_release(hs_vec *v);
/* Returns a pointer to `n` new zeroed elements at the end, or NULL. */
void *hs_vec_push(hs_vec *v, size_t n);
#define HS_VEC_AT(v, type, i) (((type *)(v)->data)[i])

#endif
