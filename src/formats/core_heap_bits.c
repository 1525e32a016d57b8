/* Go 1.20-1.21's heap bitmap (see core_heap_bits.h), read as the runtime's
 * heapBitsForAddr and heapBits.next read it (Go 1.21 mbitmap.go): the
 * word w of an arena is bit w % 64 of bitmap[w / 64]; an object's bits
 * are read word by word, and when it goes on past a bitmap word whose
 * noMorePtrs bit is set, it has no pointer there.  Every offset and count
 * comes from DWARF. */
#include <string.h>

#include "core_heap_bits.h"

static hs_err refuse(hs_error *err, const char *why)
{
	return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime.heapArena's one-bit "
	               "bitmap %s", why);
}

bool core_bits1_is(const hs_dwarf *d, uint32_t ha)
{
	uint64_t off;
	uint32_t mt;
	return hs_dwarf_member(d, ha, "bitmap", &off, &mt) &&
	       hs_dwarf_member(d, ha, "noMorePtrs", &off, &mt);
}

hs_err core_bits1_layout(core_bits1 *b, const hs_dwarf *d, uint32_t ha, uint64_t arena_bytes,
                         hs_error *err)
{
	uint32_t bm, nm;
	if (!hs_dwarf_member(d, ha, "bitmap", &b->bitmap_off, &bm) ||
	    !hs_dwarf_member(d, ha, "noMorePtrs", &b->nomore_off, &nm))
		return refuse(err, "is not in DWARF");
	b->nwords = hs_dwarf_count(d, bm);
	uint64_t all = hs_dwarf_size(d, bm), flags = hs_dwarf_count(d, nm);
	/* uintptr words, one bit a heap word; a noMorePtrs bit a bitmap word */
	if (b->nwords == 0 || all != b->nwords * 8 || b->nwords * 64 * 8 != arena_bytes ||
	    flags * 8 != b->nwords || hs_dwarf_size(d, nm) != flags)
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: a heap bitmap of %llu words "
		               "(%llu bytes) and %llu noMorePtrs bytes for %llu-byte arenas is not one "
		               "bit a word", (unsigned long long)b->nwords, (unsigned long long)all,
		               (unsigned long long)flags, (unsigned long long)arena_bytes);
	b->bytes = arena_bytes;
	b->win_n = 0;
	return HS_OK;
}

/* The heapArena of the arena holding addr; false when the core has none. */
static bool arena_of(const core_bits1 *b, uint64_t ri, uint64_t *ha)
{
	uint64_t l1 = b->l2bits < 64 ? ri >> b->l2bits : 0;
	uint64_t l2 = ri & (((uint64_t)1 << b->l2bits) - 1), l2arr;
	return l1 < b->nl1 && hs_core_read_u64(b->c, b->arenas + l1 * 8, &l2arr) && l2arr &&
	       hs_core_read_u64(b->c, l2arr + l2 * 8, ha) && *ha;
}

/* Bitmap word idx of the arena ri (and its noMorePtrs bit). */
static bool bitmap_word(core_bits1 *b, uint64_t ri, uint64_t idx, uint64_t *word, bool *nomore)
{
	uint64_t ha = 0;
	if (!(b->win_n && ri == b->win_arena && idx >= b->win_first && idx - b->win_first < b->win_n)) {
		uint64_t first = idx - idx % CORE_BITS1_WINDOW;
		size_t n = b->nwords - first < CORE_BITS1_WINDOW ? (size_t)(b->nwords - first)
		                                                : CORE_BITS1_WINDOW;
		if (!arena_of(b, ri, &ha) || !hs_core_read(b->c, ha + b->bitmap_off + first * 8, b->win, n * 8))
			return false;
		b->win_arena = ri;
		b->win_first = first;
		b->win_n = n;
	}
	*word = b->win[idx - b->win_first];
	if (nomore) {
		uint8_t f;
		if ((!ha && !arena_of(b, ri, &ha)) || !hs_core_read(b->c, ha + b->nomore_off + idx / 8, &f, 1))
			return false;
		*nomore = f >> (idx % 8) & 1;
	}
	return true;
}

hs_err core_bits1_pointers(core_bits1 *b, uint64_t addr, uint64_t size, core_ptr_fn fn, void *ctx,
                           hs_error *err)
{
	uint64_t words = b->bytes / 8;
	while (size >= 8) {
		uint64_t ri = (addr - b->base) / b->bytes, w = addr / 8 % words;
		uint64_t idx = w / 64, off = w % 64, valid = 64 - off, nptr = size / 8, mask;
		bool nomore = false;
		if (!bitmap_word(b, ri, idx, &mask, nptr > valid ? &nomore : NULL))
			return hs_fail(err, HS_E_CORRUPT, "the heap bitmap of the object at 0x%llx is not "
			               "in the core", (unsigned long long)addr);
		mask >>= off;
		if (nptr < valid) {
			mask &= ((uint64_t)1 << nptr) - 1;
			valid = nptr;
		}
		for (uint64_t i = 0; i < valid; i++) {
			if (!(mask >> i & 1))
				continue;
			hs_err rc = fn(ctx, addr + i * 8);
			if (rc != HS_OK)
				return rc;
		}
		if (nomore)
			break;    /* no pointer after this bitmap word */
		addr += valid * 8;
		size -= valid * 8;
	}
	return HS_OK;
}
