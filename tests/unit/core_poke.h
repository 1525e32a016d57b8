/* Tests that change a core's memory in place (its decompressed blocks):
 * poke writes src's n bytes at addr and keeps the old ones in old. */
#ifndef HS_TEST_CORE_POKE_H
#define HS_TEST_CORE_POKE_H

#include "../../src/formats/core_internal.h"

static void poke(hs_core *c, uint64_t addr, const void *src, void *old, size_t n)
{
	for (size_t i = 0; i < c->nsegs; i++) {
		const core_seg *s = &c->segs[i];
		if (addr < s->vaddr || addr + n > s->vaddr + s->filesz)
			continue;
		uint64_t off = s->offset + (addr - s->vaddr);
		for (size_t k = 0; k < c->nblocks; k++) {
			core_block *b = &c->blocks[k];
			if (off >= b->off && off + n <= b->off + CORE_BLOCK) {
				memcpy(old, b->data + (off - b->off), n);
				memcpy(b->data + (off - b->off), src, n);
				return;
			}
		}
	}
	fail_msg("0x%llx is not in a block of the core", (unsigned long long)addr);
}

#endif
