/* Bump allocator and growable arrays; see include/heapscope/arena.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/arena.h"

struct hs_arena_block {
	hs_arena_block *next;
	size_t size, used;
	max_align_t data[];
};

#define HS_ARENA_BLOCK (256u * 1024u)

void hs_arena_init(hs_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void hs_arena_release(hs_arena *a)
{
	hs_arena_block *b = a->head;
	while (b) {
		hs_arena_block *next = b->next;
		free(b);
		b = next;
	}
	hs_arena_init(a);
}

void *hs_arena_alloc(hs_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	hs_arena_block *b = a->head;
	/* Strings are packed unaligned (hs_arena_strndup): realign first. */
	if (b)
		b->used = (b->used + align - 1) & ~(align - 1);
	if (!b || b->used > b->size || b->size - b->used < n) {
		/* Large requests get a block of their own so the current block's
		 * free tail is not wasted. */
		size_t size = n > HS_ARENA_BLOCK / 4 ? n : HS_ARENA_BLOCK;
		if (size > SIZE_MAX - sizeof *b)
			return NULL;
		hs_arena_block *nb = malloc(sizeof *nb + size);
		if (!nb)
			return NULL;
		nb->size = size;
		nb->used = 0;
		if (b && size != HS_ARENA_BLOCK) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	a->used_total += n;
	return p;
}

char *hs_arena_strndup(hs_arena *a, const char *s, size_t n)
{
	/* Strings need no alignment: pack them. */
	hs_arena_block *b = a->head;
	char *p;
	if (b && b->size - b->used >= n + 1) {
		p = (char *)b->data + b->used;
		b->used += n + 1;
		a->used_total += n + 1;
	} else {
		p = hs_arena_alloc(a, n + 1);
		if (!p)
			return NULL;
	}
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void hs_vec_init(hs_vec *v, size_t elem)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

void hs_vec_release(hs_vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

bool hs_vec_reserve(hs_vec *v, size_t n)
{
	if (n > SIZE_MAX / v->elem - v->len)
		return false;
	if (v->len + n <= v->cap)
		return true;
	size_t cap = v->cap ? v->cap : 16;
	while (cap < v->len + n) {
		if (cap > SIZE_MAX / 2 / v->elem)
			return false;
		cap *= 2;
	}
	void *d = realloc(v->data, cap * v->elem);
	if (!d)
		return false;
	v->data = d;
	v->cap = cap;
	return true;
}
