/* heapscope: bump allocator, one per loaded artifact.
 * Everything allocated from an arena is released at once by
 * hs_arena_release(); nothing in it is freed individually. */
#ifndef HEAPSCOPE_ARENA_H
#define HEAPSCOPE_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
	size_t mapped;  /* bytes of a mapping of its own holding data, else 0 */
	bool big;       /* may move to such a mapping: see hs_vec_init_big */
} hs_vec;

void hs_vec_init(hs_vec *v, size_t elem);
/* The same for a vector that may grow to many megabytes (a profile's
 * samples and stacks): past a few megabytes its data moves to a mapping
 * of its own on huge-page bounds, asked for huge pages, that grows by
 * moving page tables instead of copying, so filling it costs one fault
 * per 2 MiB instead of one per 4 KiB.  Its data must be given back with
 * hs_vec_release or hs_vec_shrink, never with free. */
void hs_vec_init_big(hs_vec *v, size_t elem);
/* Wait until the pages asked ahead of big vectors' writers are faulted
 * in; how many requests were carried out so far (0 where the kernel
 * cannot, before Linux 5.14).  For tests. */
size_t hs_prefault_settle(void);
void hs_vec_release(hs_vec *v);
/* Give back the room past len (geometric growth's slack). */
void hs_vec_shrink(hs_vec *v);
/* A fresh zeroed mapping of `bytes` (a multiple of the page size) that
 * starts on a 2 MiB bound and is advised for huge pages, for tables read
 * at random; NULL if none.  Given back with munmap(p, bytes). */
void *hs_map_huge(size_t bytes);
/* The same with more mmap flags (MAP_NORESERVE for a reservation) and
 * the advice only past huge_from (a multiple of 2 MiB), so that a mapping
 * used only at its start keeps small pages. */
void *hs_map_bound(size_t bytes, int flags, size_t huge_from);
/* Grow so that n more elements fit; false on overflow or no memory. */
bool hs_vec_reserve(hs_vec *v, size_t n);
/* Returns a pointer to `n` new zeroed elements at the end, or NULL. */
static inline void *hs_vec_push(hs_vec *v, size_t n)
{
	if (n > v->cap - v->len && !hs_vec_reserve(v, n))
		return NULL;
	void *p = (char *)v->data + v->len * v->elem;
	memset(p, 0, n * v->elem);
	v->len += n;
	return p;
}
#define HS_VEC_AT(v, type, i) (((type *)(v)->data)[i])

/* A vector of T that says so: HS_VEC_TYPED(hs_i64vec, int64_t) declares
 * the type hs_i64vec and its name_init, name_release, name_len, name_at,
 * name_push (one zeroed element, NULL on no memory) and name_data, so no
 * element type is left to a comment.  The hs_vec is `v` inside. */
#define HS_VEC_TYPED(name, T)                                                            \
	typedef struct name {                                                            \
		hs_vec v;                                                                \
	} name;                                                                          \
	static inline void name##_init(name *x) { hs_vec_init(&x->v, sizeof(T)); }       \
	static inline void name##_release(name *x) { hs_vec_release(&x->v); }            \
	static inline size_t name##_len(const name *x) { return x->v.len; }              \
	static inline T *name##_data(const name *x) { return (T *)x->v.data; }           \
	static inline T *name##_at(const name *x, size_t i) { return (T *)x->v.data + i; } \
	static inline T *name##_push(name *x) { return (T *)hs_vec_push(&x->v, 1); }

/* Typed access to an hs_vec that a public struct already holds:
 * HS_VEC_VIEW(name, T) declares name_at(const hs_vec *, i) and
 * name_push(hs_vec *) returning T *. */
#define HS_VEC_VIEW(name, T)                                                              \
	static inline T *name##_at(const hs_vec *v, size_t i) { return (T *)v->data + i; } \
	static inline T *name##_push(hs_vec *v) { return (T *)hs_vec_push(v, 1); }

HS_VEC_TYPED(hs_i64vec, int64_t)
HS_VEC_TYPED(hs_strvec, const char *)

#endif
