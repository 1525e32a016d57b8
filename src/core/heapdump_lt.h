/* Private: Lengauer-Tarjan dominators (heapdump_lt.c), the fallback of
 * the iterative algorithm in heapdump_graph.c. */
#ifndef HS_CORE_HEAPDUMP_LT_H
#define HS_CORE_HEAPDUMP_LT_H

#include <stddef.h>
#include <stdint.h>

#include "heapscope/error.h"

/* Successors of node v: *n of them. */
typedef const uint32_t *(*hs_lt_succ)(const void *ctx, uint32_t v, uint32_t *n);

/* idom[v] for every node reachable from root (root: itself), UINT32_MAX
 * for the rest.  ps/pr: predecessors in CSR form (pr[ps[v]..ps[v+1])). */
hs_err hs_lt_dominators(uint32_t *idom, size_t nv, uint32_t root, hs_lt_succ succ, const void *ctx,
                        const uint32_t *ps, const uint32_t *pr, hs_error *err);

#endif
