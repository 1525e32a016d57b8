/* Folded stacks of a view, "root;...;leaf V..." (../shared/FOLDED.md):
 * the stacks summed per distinct frame sequence, sorted by frame names,
 * frames cleaned by folded_name.  Written by `folded` (one value) and
 * `diff --format folded` (BASE and NEW, as FlameGraph's difffolded.pl). */
#ifndef HS_OUTPUT_FOLDED_STACKS_H
#define HS_OUTPUT_FOLDED_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "heapscope/graph.h"

enum { FOLDED_MAX_VALUES = 2 };

/* Fill the nvals values of stack `id`; false: leave the stack out. */
typedef bool (*folded_values_fn)(const void *ctx, uint32_t id, int64_t *vals);

/* A folded_values_fn for one value: the stack's value in the view (ctx,
 * an hs_view), when the view keeps the stack. */
bool folded_view_value(const void *ctx, uint32_t id, int64_t *vals);

/* One line per distinct frame sequence of stacks 0..nstacks-1 of v whose
 * values do not all sum to 0; false when out of memory. */
bool folded_write(FILE *out, const hs_view *v, size_t nstacks, int nvals,
                  folded_values_fn values, const void *ctx);

#endif
