/* Binary search written once: the first index in [lo, hi) where a
 * predicate stops holding, for a range where it holds on a prefix (sorted
 * data asked "is element i before the key?").  Static inline with the
 * predicate passed as a constant function, so the compiler inlines both
 * and the hot lookups (a heap dump's pointers) cost what the loop did. */
#ifndef HS_CORE_PARTITION_H
#define HS_CORE_PARTITION_H

#include <stdbool.h>
#include <stddef.h>

/* pred(ctx, i): true for every i before the answer, false from it on. */
typedef bool (*hs_index_pred)(const void *ctx, size_t i);

/* The first i in [lo, hi) with !pred(ctx, i), or hi when pred holds on
 * the whole range. */
static inline size_t hs_partition_point(size_t lo, size_t hi, hs_index_pred pred, const void *ctx)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pred(ctx, mid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif
