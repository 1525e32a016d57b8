/* Private: the sample tags of a report's nodes (hs_report_tags). */
#ifndef HS_CORE_TAGS_H
#define HS_CORE_TAGS_H

#include "heapscope/graph.h"

typedef struct hs_tagset hs_tagset;

/* The tags of the n nodes `nodes` over view v's samples, numeric ones
 * named in unit `unit`, those under `cutoff` (|flat| and |cum|) dropped. */
hs_err hs_tagset_build(hs_tagset **out, const hs_view *v, const uint32_t *nodes, size_t n,
                       const char *unit, int64_t cutoff, hs_error *err);
void hs_tagset_free(hs_tagset *t);
const hs_tag *hs_tagset_node(const hs_tagset *t, uint32_t node, size_t *n);

#endif
