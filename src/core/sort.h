/* Sorting with the comparison's context passed explicitly: glibc's qsort_r
 * behind one call, so no sort keeps its context in a file-level variable
 * and the library stays reentrant (the CLI already runs loader threads).
 * The order is qsort's: glibc implements both with the same routine. */
#ifndef HS_CORE_SORT_H
#define HS_CORE_SORT_H

#include <stddef.h>
#include <stdlib.h>

/* cmp(a, b, ctx): <0, 0, >0 as for qsort; ctx is hs_sort's, read only. */
typedef int (*hs_cmp_fn)(const void *a, const void *b, void *ctx);

static inline void hs_sort(void *base, size_t n, size_t size, hs_cmp_fn cmp, const void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, (void *)ctx);
}

#endif
