/* The pointer slots of a goroutine's frames from the runtime's stack maps
 * (src/formats/core_stackmaps.c), as the GC's scanframeworker and
 * debug.WriteHeapDump's dumpframe find them. */
#ifndef HS_CORE_STACKMAPS_H
#define HS_CORE_STACKMAPS_H

#include "core_internal.h"
#include "heapscope/arena.h"

typedef struct core_smaps core_smaps;

enum {
	CORE_SLOT_MAP,            /* a live pointer slot of a locals or args map */
	CORE_SLOT_CONSERVATIVE,   /* a word of a frame with no map at its pc */
	CORE_SLOT_OBJECT          /* a word of a stack object (FUNCDATA_StackObjects) */
};

typedef struct core_slot {
	uint64_t where;           /* the slot's address on the stack */
	uint8_t how;              /* CORE_SLOT_* */
} core_slot;

/* HS_E_FORMAT when the executable's DWARF lacks what the maps need (the
 * caller then scans stacks conservatively); HS_E_NOMEM. */
hs_err core_smaps_open(core_smaps **s, const hs_core *c, hs_error *err);
void core_smaps_free(core_smaps *s);

/* The slots of goroutine gaddr's frames fr[0..n) (innermost first, from
 * core_each_goroutine, whose pclntab t is) appended to out (of core_slot), each inside
 * [lo, hi) (the goroutine's stack).  status: the goroutine's (no scan
 * bit); a running one was stopped at an arbitrary instruction (its
 * walk starts at its thread's registers), so its innermost frame has no
 * map.  HS_E_NOMEM only: a map that cannot be read leaves
 * its frame conservative. */
hs_err core_stack_slots(const core_smaps *s, const struct pcln *t, uint64_t gaddr,
                        const core_gframe *fr, size_t n, uint64_t status, uint64_t lo,
                        uint64_t hi, hs_vec *out, hs_error *err);

#endif
