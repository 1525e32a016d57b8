/* Bump allocator and growable arrays; see include/heapscope/arena.h. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	v->mapped = 0;
	v->big = false;
}

void hs_vec_init_big(hs_vec *v, size_t elem)
{
	hs_vec_init(v, elem);
	v->big = true;
}

static void prefault_cancel(const char *from, size_t len);

void hs_vec_release(hs_vec *v)
{
	if (v->mapped) {
		prefault_cancel(v->data, v->mapped);
		munmap(v->data, v->mapped);
	} else {
		free(v->data);
	}
	v->data = NULL;
	v->len = v->cap = 0;
	v->mapped = 0;
}

#define HUGE_PAGE ((size_t)2 << 20)
/* Below this a big vector stays on the heap: the mapping's rounding to
 * 2 MiB would cost more than its faults save. */
#define MAP_FROM HUGE_PAGE

void *hs_map_bound(size_t bytes, int flags, size_t huge_from)
{
	if (bytes > SIZE_MAX - HUGE_PAGE)
		return NULL;
	char *m = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
	if (head)
		munmap(m, head);
	munmap(m + head + bytes, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
	if (bytes > huge_from)
		madvise(m + head + huge_from, bytes - huge_from, MADV_HUGEPAGE);
#endif
	return m + head;
}

void *hs_map_huge(size_t bytes)
{
	return hs_map_bound(bytes, 0, 0);
}

/* bytes rounded up to whole huge pages */
static size_t huge_up(size_t bytes)
{
	return (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

/* Fresh pages ahead of a big vector's writer, faulted in by a worker on
 * the other core (MADV_POPULATE_WRITE): a first touch costs the kernel's
 * zeroing, and in a VM whose host takes freed memory back, the host's
 * fault as well (1.3-1.8 ms a MiB here, bench/README.md), which the writer
 * would otherwise wait for.  A vector's room (cap) ends at the huge page its
 * writer is in; entering the next one asks for the page after it, so at
 * most one huge page a vector is faulted in unused.  Requests are
 * addresses of huge pages, dropped when their vector moves or is given
 * back (the one in flight waited for), so the worker never touches a
 * range its owner has let go. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PF_QUEUE 16

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	bool started, off;      /* off: no worker, or a kernel without the advice */
	const char *queue[PF_QUEUE];
	unsigned head, n;
	const char *busy;       /* the page in flight, or NULL */
	size_t served;          /* requests carried out (hs_prefault_settle) */
} pf = {.mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
        .done = PTHREAD_COND_INITIALIZER};

static void *prefault_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pf.mu);
	for (;;) {
		while (pf.n == 0)
			pthread_cond_wait(&pf.work, &pf.mu);
		const char *page = pf.busy = pf.queue[pf.head];
		pf.head = (pf.head + 1) % PF_QUEUE;
		pf.n--;
		pthread_mutex_unlock(&pf.mu);
		int rc = madvise((void *)page, HUGE_PAGE, MADV_POPULATE_WRITE);
		int e = errno;
		pthread_mutex_lock(&pf.mu);
		if (rc != 0 && e == EINVAL)
			pf.off = true;   /* before Linux 5.14: nothing more asked */
		pf.busy = NULL;
		pf.served++;
		pthread_cond_broadcast(&pf.done);
	}
	return NULL;
}

static void prefault(const char *page)
{
	pthread_mutex_lock(&pf.mu);
	if (!pf.started && !pf.off) {
		pthread_t th;
		pthread_attr_t at;
		pf.off = pthread_attr_init(&at) != 0;
		if (!pf.off) {
			pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
			pf.off = pthread_create(&th, &at, prefault_main, NULL) != 0;
			pthread_attr_destroy(&at);
		}
		__atomic_store_n(&pf.started, !pf.off, __ATOMIC_RELAXED);
	}
	if (!pf.off && pf.n < PF_QUEUE) {
		pf.queue[(pf.head + pf.n) % PF_QUEUE] = page;
		pf.n++;
		pthread_cond_signal(&pf.work);
	}
	pthread_mutex_unlock(&pf.mu);
}

static void prefault_cancel(const char *from, size_t len)
{
	if (!__atomic_load_n(&pf.started, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&pf.mu);
	unsigned kept = 0;
	for (unsigned i = 0; i < pf.n; i++) {
		const char *q = pf.queue[(pf.head + i) % PF_QUEUE];
		if (!(q >= from && q < from + len))
			pf.queue[(pf.head + kept++) % PF_QUEUE] = q;
	}
	pf.n = kept;
	while (pf.busy && pf.busy >= from && pf.busy < from + len)
		pthread_cond_wait(&pf.done, &pf.mu);
	pthread_mutex_unlock(&pf.mu);
}

size_t hs_prefault_settle(void)
{
	pthread_mutex_lock(&pf.mu);
	while (pf.n || pf.busy)
		pthread_cond_wait(&pf.done, &pf.mu);
	size_t served = pf.off ? 0 : pf.served;
	pthread_mutex_unlock(&pf.mu);
	return served;
}

/* A mapped vector's room: to the end of the huge page holding element
 * `need` - 1 (the mapping's end at most), the page after it asked for. */
static void room_to_page(hs_vec *v, size_t need)
{
	size_t end = huge_up(need * v->elem);
	if (end >= v->mapped) {
		v->cap = v->mapped / v->elem;
		return;
	}
	v->cap = end / v->elem;
	prefault((const char *)v->data + end);
}

/* Grow a big vector's storage to `bytes` (rounded up to huge pages):
 * in place where the address space after it is free, else by moving its
 * pages under a new mapping (page tables move, nothing is copied), else
 * by copying from the heap the first time. */
static bool grow_mapped(hs_vec *v, size_t bytes)
{
	bytes = huge_up(bytes);
	if (v->mapped) {
		void *same = mremap(v->data, v->mapped, bytes, 0);
		if (same != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
			madvise((char *)v->data + v->mapped, bytes - v->mapped, MADV_HUGEPAGE);
#endif
			v->mapped = bytes;
			return true;
		}
	}
	char *m = hs_map_huge(bytes);
	if (!m)
		return false;
	if (v->mapped) {
		prefault_cancel(v->data, v->mapped);
		if (mremap(v->data, v->mapped, v->mapped, MREMAP_MAYMOVE | MREMAP_FIXED, m) ==
		    MAP_FAILED) {
			memcpy(m, v->data, v->len * v->elem);
			munmap(v->data, v->mapped);
		}
	} else {
		if (v->len)
			memcpy(m, v->data, v->len * v->elem);
		free(v->data);
	}
	v->data = m;
	v->mapped = bytes;
	return true;
}

bool hs_vec_reserve(hs_vec *v, size_t n)
{
	if (n > SIZE_MAX / v->elem - v->len)
		return false;
	if (v->len + n <= v->cap)
		return true;
	if (v->mapped && v->len + n <= v->mapped / v->elem) {
		room_to_page(v, v->len + n);   /* the writer enters the next huge page */
		return true;
	}
	size_t cap = v->mapped ? v->mapped / v->elem : v->cap ? v->cap : 16;
	while (cap < v->len + n) {
		if (cap > SIZE_MAX / 2 / v->elem)
			return false;
		cap *= 2;
	}
	if (v->big && cap * v->elem >= MAP_FROM) {
		if (!grow_mapped(v, cap * v->elem))
			return false;
		room_to_page(v, v->len + n);
		return true;
	}
	void *d = realloc(v->data, cap * v->elem);
	if (!d)
		return false;
	v->data = d;
	v->cap = cap;
	return true;
}

void hs_vec_shrink(hs_vec *v)
{
	if (!v->len || v->len == v->cap)
		return;
	if (v->mapped) {
		/* Untouched pages cost nothing; give back whole huge pages past
		 * the data so the mapping stays on huge-page bounds. */
		size_t keep = huge_up(v->len * v->elem);
		if (keep < v->mapped) {
			prefault_cancel((char *)v->data + keep, v->mapped - keep);
			if (munmap((char *)v->data + keep, v->mapped - keep) == 0)
				v->mapped = keep;
		}
		v->cap = v->mapped / v->elem;
		return;
	}
	void *d = realloc(v->data, v->len * v->elem);
	if (d) {
		v->data = d;
		v->cap = v->len;
	}
}
