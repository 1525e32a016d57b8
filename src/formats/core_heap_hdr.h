/* Pointers of heap objects in cores of Go 1.22 and later (allocation
 * headers; private to core_heap.c and core_heap_hdr.c).  See
 * core_heap_hdr.c for the layout. */
#ifndef HS_CORE_HEAP_HDR_H
#define HS_CORE_HEAP_HDR_H

#include "core_internal.h"

typedef struct core_hdr core_hdr;

/* Whether the executable's runtime has allocation headers (Go 1.22+):
 * runtime.mspan.largeType and no runtime.heapArena.bitmap. */
bool core_hdr_detect(const hs_dwarf *d);
/* The layout's offsets and constants from DWARF; HS_E_FORMAT naming what
 * is missing. */
hs_err core_hdr_open(core_hdr **out, const hs_core *c, const hs_dwarf *d, hs_error *err);
void core_hdr_free(core_hdr *h);   /* NULL-safe */

/* An in-use span of a scan size class as core_heap.c checked it: its
 * mspan's address, pages [start, end), its objects' slot size and count. */
typedef struct core_hdr_span {
	uint64_t mspan, start, end, elemsize, nelems;
} core_hdr_span;

/* Each pointer word's value goes to edge (which keeps those into the heap). */
typedef hs_err (*core_hdr_edge_fn)(void *ctx, uint64_t value);

/* The pointer words of the object whose slot starts at a (size elemsize),
 * as the runtime's typePointersOfUnchecked finds them; HS_E_CORRUPT when
 * its heap bits, header or type are garbled or not in the core. */
hs_err core_hdr_pointers(core_hdr *h, const core_hdr_span *s, uint64_t a, core_hdr_edge_fn edge,
                         void *ctx, hs_error *err);

#endif
