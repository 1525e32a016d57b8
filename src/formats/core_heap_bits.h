/* The pointer words of heap objects in Go 1.20-1.21 cores: one bit a heap
 * word in runtime.heapArena.bitmap (uintptr words), and noMorePtrs, one bit
 * per bitmap word saying the object it ends in has no pointer after it
 * (src/formats/core_heap_bits.c; core_heap.c dispatches to it by the shape
 * of runtime.heapArena in DWARF). */
#ifndef HS_CORE_HEAP_BITS_H
#define HS_CORE_HEAP_BITS_H

#include "core_internal.h"

/* Bitmap words read at once from one arena. */
#define CORE_BITS1_WINDOW 512

typedef struct core_bits1 {
	const hs_core *c;
	/* where each arena's heapArena is: runtime.mheap_.arenas in the core,
	 * arena index (addr - base) / bytes split into L1 and L2 */
	uint64_t arenas, base, bytes, l2bits, nl1;
	/* runtime.heapArena: bitmap [nwords]uintptr, noMorePtrs [nwords/8]uint8 */
	uint64_t bitmap_off, nwords, nomore_off;
	/* the window of bitmap words last read */
	uint64_t win_arena, win_first;
	size_t win_n;
	uint64_t win[CORE_BITS1_WINDOW];
} core_bits1;

/* Whether runtime.heapArena (type ha in d) is Go 1.20-1.21's: a bitmap
 * beside noMorePtrs. */
bool core_bits1_is(const hs_dwarf *d, uint32_t ha);
/* Its layout from DWARF for arenas of arena_bytes; HS_E_FORMAT (an
 * unsupported Go version) when the arrays do not cover them one bit a
 * word.  The arena fields but bytes are the caller's to set. */
hs_err core_bits1_layout(core_bits1 *b, const hs_dwarf *d, uint32_t ha, uint64_t arena_bytes,
                         hs_error *err);

/* fn(ctx, where) for each word of the object [addr, addr+size) whose
 * pointer bit is set, in address order, as heapBitsForAddr(addr,
 * size).next() gives them (stopping where noMorePtrs says); HS_E_CORRUPT
 * when the object's bitmap is not in the core, fn's first error else. */
typedef hs_err (*core_ptr_fn)(void *ctx, uint64_t where);
hs_err core_bits1_pointers(core_bits1 *b, uint64_t addr, uint64_t size, core_ptr_fn fn, void *ctx,
                           hs_error *err);

#endif
