/* The Go heap of a core (Go 1.19 to 1.21, read from DWARF): the in-use
 * spans of runtime.mheap_.allspans give every allocated object (an
 * object is allocated when its index is below the span's freeindex or its
 * allocBits bit is set, as the runtime's isFree says), the heap bitmap of
 * each heapArena its pointer words (2 bits a word: pointer, and scan, the
 * walk stopping at the first word whose scan bit is clear, as
 * makeheapobjbv and scanobject do; Go 1.20-1.21's one bit a word and
 * noMorePtrs in core_heap_bits.c), and the roots are the data and bss
 * words of each module's gcdatamask/gcbssmask, the live pointer slots of
 * every goroutine's frames from the runtime's stack maps
 * (core_stackmaps.c; without them, or where sp is on another stack, every
 * word of the stack from sp up that points into an in-use span, a root of
 * the frame it lies in) and the objects
 * with a finalizer (their referents, and the finalizer's closure).  The
 * result is the model the heap-dump loader fills (hs_heapdump_finish), so
 * every heap-dump analysis reads it unchanged.  See doc/format-core.md. */
#include <stdlib.h>
#include <string.h>

#include "core_heap_bits.h"
#include "core_heap_hdr.h"
#include "core_internal.h"
#include "core_stackmaps.h"
#include "pclntab.h"
#include "heapscope/heapdump.h"
#include "../core/partition.h"

hs_err hs_heapdump_finish(hs_heapdump *h, hs_vec *addr, hs_vec *size, hs_vec *estart,
                          hs_vec *raw_edges, hs_vec *samples, hs_error *err);

/* No span claims more (a core of 2^28 spans is a 2 TiB heap). */
#define MAX_SPANS ((uint64_t)1 << 28)
/* A goroutine stack larger than this is not believed (Go's limit is 1 GB). */
#define MAX_STACK ((uint64_t)1 << 30)
/* Specials of one span walked at most (a cycle ends there). */
#define MAX_SPECIALS 65536
#define BM_WINDOW 4096
/* A span of Go 1.19's size classes holds at most 1024 objects (8-byte
 * ones in one page); a claim far above that is garbage, not a long loop. */
#define MAX_NELEMS ((uint64_t)1 << 16)
#define MSPAN_MAX 1024

typedef struct span {
	uint64_t mspan;                  /* its runtime.mspan */
	uint64_t start, end, elemsize, nelems, freeindex, allocbits, specials;
	uint32_t order;                  /* its index in runtime.mheap_.allspans */
	bool noscan;
} span;

typedef struct hwalk {
	hs_core *c;
	const hs_dwarf *d;
	hs_heapdump *h;
	hs_error *err;
	uint64_t bias;
	/* runtime.mspan */
	uint64_t mspan_size, s_start, s_npages, s_freeindex, s_nelems, s_allocbits, s_spanclass,
	         s_state, s_elemsize, s_specials;
	uint64_t z_freeindex, z_nelems, z_state;   /* their sizes */
	int64_t in_use, kind_finalizer;
	int64_t kind_profile;            /* -1: no runtime._KindSpecialProfile */
	uint64_t page_size, arena_bytes, arena_base, l2bits, nl1;
	uint64_t arenas_addr, bitmap_off, bitmap_bytes;
	core_hdr *hdr;                   /* Go 1.22+: allocation headers (core_heap_hdr.c) */
	core_smaps *smaps;               /* stack maps (core_stackmaps.c); NULL: conservative */
	hs_vec slots;                    /* a goroutine's slots (core_slot) */
	/* runtime.special (offset's size: uint16 in Go 1.19-1.23),
	 * runtime.specialfinalizer (ot: UINT64_MAX when DWARF has none),
	 * runtime.specialprofile */
	uint64_t sp_next, sp_offset, z_offset, sp_kind, sf_fn, sf_ot, spr_b;
	bool one_bit;                    /* Go 1.20-1.21: b1 gives the pointers */
	core_bits1 b1;
	span *spans;
	size_t nspans;
	uint64_t lo, hi;                 /* the spans' extent */
	hs_vec addr, size, estart, raw, samples;
	/* the bitmap window last read */
	uint64_t bm_arena, bm_first;
	size_t bm_n;
	uint8_t bm[BM_WINDOW];
} hwalk;

static hs_err need(hs_error *err, const char *what)
{
	return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no %s in DWARF", what);
}

/* A member's offset and size. */
static bool member(const hwalk *w, uint32_t type, const char *path, uint64_t *off, uint64_t *size)
{
	uint32_t mt;
	if (!hs_dwarf_member(w->d, type, path, off, &mt))
		return false;
	if (size) {
		/* Go's pointer types carry no byte size */
		*size = hs_dwarf_size(w->d, mt);
		if (*size == 0 && hs_dwarf_go_kind(w->d, mt) == 22)
			*size = 8;
		if (*size == 0 || *size > 8)
			return false;
	}
	return true;
}

static bool constant(const hwalk *w, const char *a, const char *b, int64_t *v)
{
	return hs_dwarf_const(w->d, a, v) || (b && hs_dwarf_const(w->d, b, v));
}

/* The heap bitmap's shape says which Go it is: 1.19 and older have two
 * bits a word in heapArena.bitmap; 1.20-1.21 one bit and noMorePtrs
 * (core_heap_bits.c); 1.22+ no bitmap (allocation headers, core_heap_hdr.c). */
static hs_err arena_layout(hwalk *w, hs_error *err)
{
	uint32_t ha = hs_dwarf_type(w->d, "runtime.heapArena"), mt;
	if (ha == HS_DWARF_NONE)
		return need(err, "runtime.heapArena");
	if (core_hdr_detect(w->d)) {
		hs_err rc = core_hdr_open(&w->hdr, w->c, w->d, err);
		if (rc != HS_OK)
			return rc;
	} else if (!hs_dwarf_member(w->d, ha, "bitmap", &w->bitmap_off, &mt)) {
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime.heapArena has no "
		               "bitmap and runtime.mspan no largeType");
	} else
		w->one_bit = core_bits1_is(w->d, ha);
	w->bitmap_bytes = hs_dwarf_count(w->d, mt);
	int64_t ab, base, l1, l2, ps;
	if (!constant(w, "runtime.heapArenaBytes", NULL, &ab) ||
	    !constant(w, "runtime.arenaBaseOffsetUintptr", "runtime.arenaBaseOffset", &base) ||
	    !constant(w, "runtime.arenaL1Bits", NULL, &l1) ||
	    !constant(w, "runtime.arenaL2Bits", NULL, &l2) ||
	    !constant(w, "runtime.pageSize", "runtime._PageSize", &ps))
		return need(err, "runtime heap arena constants");
	if (ab > 0 && w->one_bit) {
		hs_err rc = core_bits1_layout(&w->b1, w->d, ha, (uint64_t)ab, err);
		if (rc != HS_OK)
			return rc;
	}
	if (ab <= 0 || l1 < 0 || l1 > 20 || l2 < 0 || l2 > 40 || ps <= 0 ||
	    (!w->hdr && !w->one_bit && w->bitmap_bytes * 4 * 8 != (uint64_t)ab))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: a heap bitmap of %llu bytes "
		               "for %lld-byte arenas is not 2 bits a word",
		               (unsigned long long)w->bitmap_bytes, (long long)ab);
	w->arena_bytes = (uint64_t)ab;
	w->arena_base = (uint64_t)base;
	w->l2bits = (uint64_t)l2;
	w->nl1 = (uint64_t)1 << l1;
	w->page_size = (uint64_t)ps;
	return HS_OK;
}

static hs_err layout(hwalk *w, hs_error *err)
{
	/* the version first: its message says more than a missing member */
	hs_err rc = arena_layout(w, err);
	if (rc != HS_OK)
		return rc;
	uint32_t ms = hs_dwarf_type(w->d, "runtime.mspan");
	if (ms == HS_DWARF_NONE)
		return need(err, "runtime.mspan");
	w->mspan_size = hs_dwarf_size(w->d, ms);
	if (w->mspan_size == 0 || w->mspan_size > MSPAN_MAX)
		return need(err, "runtime.mspan of a plausible size");
	uint64_t z;
	if (!member(w, ms, "startAddr", &w->s_start, &z) || !member(w, ms, "npages", &w->s_npages, &z) ||
	    !member(w, ms, "freeindex", &w->s_freeindex, &w->z_freeindex) ||
	    !member(w, ms, "nelems", &w->s_nelems, &w->z_nelems) ||
	    !member(w, ms, "allocBits", &w->s_allocbits, &z) ||
	    !member(w, ms, "spanclass", &w->s_spanclass, &z) ||
	    !member(w, ms, "elemsize", &w->s_elemsize, &z) || !member(w, ms, "specials", &w->s_specials, &z))
		return need(err, "runtime.mspan member");
	/* the state: mSpanStateBox{s}, atomic-wrapped from Go 1.20 */
	if (!member(w, ms, "state.s.value", &w->s_state, &w->z_state) &&
	    !member(w, ms, "state.s", &w->s_state, &w->z_state) &&
	    !member(w, ms, "state", &w->s_state, &w->z_state))
		return need(err, "runtime.mspan.state");
	if (!constant(w, "runtime.mSpanInUse", NULL, &w->in_use))
		return need(err, "runtime.mSpanInUse");
	if (!constant(w, "runtime._KindSpecialFinalizer", NULL, &w->kind_finalizer))
		return need(err, "runtime._KindSpecialFinalizer");
	uint32_t sp = hs_dwarf_type(w->d, "runtime.special"),
	         sf = hs_dwarf_type(w->d, "runtime.specialfinalizer");
	if (!member(w, sp, "next", &w->sp_next, &z) ||
	    !member(w, sp, "offset", &w->sp_offset, &w->z_offset) ||
	    !member(w, sp, "kind", &w->sp_kind, &z) || !member(w, sf, "fn", &w->sf_fn, &z))
		return need(err, "runtime.special");
	/* the *T SetFinalizer was given: without it objects are untyped */
	if (!member(w, sf, "ot", &w->sf_ot, &z))
		w->sf_ot = UINT64_MAX;
	/* the memory profile's record of a sampled object (its bucket): no
	 * allocation sites without it, the heap is read all the same */
	uint32_t spr = hs_dwarf_type(w->d, "runtime.specialprofile");
	if (!constant(w, "runtime._KindSpecialProfile", NULL, &w->kind_profile) ||
	    !member(w, spr, "b", &w->spr_b, &z))
		w->kind_profile = -1;
	return HS_OK;
}

static hs_err not_in_core(hs_error *err, const char *what, uint64_t addr)
{
	return hs_fail(err, HS_E_CORRUPT, "%s (0x%llx) is not in the core", what,
	               (unsigned long long)addr);
}

/* runtime.mheap_: where the arenas are, and its allspans slice. */
static hs_err mheap(hwalk *w, uint64_t *arr, uint64_t *n, hs_error *err)
{
	uint64_t addr, off, aoff, loff;
	uint32_t type, st;
	if (!hs_dwarf_global(w->d, "runtime.mheap_", &addr, &type) ||
	    !hs_dwarf_member(w->d, type, "allspans", &off, &st) ||
	    !hs_dwarf_member(w->d, st, "array", &aoff, &st) ||
	    !hs_dwarf_member(w->d, hs_dwarf_type(w->d, "runtime.mheap"), "allspans.len", &loff, &st) ||
	    !member(w, type, "arenas", &w->arenas_addr, NULL))
		return need(err, "runtime.mheap_.allspans");
	addr += w->bias;
	w->arenas_addr += addr;
	if (!hs_core_read_u64(w->c, addr + off + aoff, arr) || !hs_core_read_u64(w->c, addr + loff, n))
		return not_in_core(err, "runtime.mheap_", addr);
	if (*n > MAX_SPANS)
		return hs_fail(err, HS_E_CORRUPT, "runtime.mheap_.allspans claims %llu spans",
		               (unsigned long long)*n);
	return HS_OK;
}

static hs_err garbled(hwalk *w, uint64_t i, uint64_t at, const char *why)
{
	return hs_fail(w->err, HS_E_CORRUPT, "span %llu of runtime.mheap_.allspans (0x%llx) is "
	               "garbled: %s", (unsigned long long)i, (unsigned long long)at, why);
}

/* One mspan: kept when in use, after its fields are checked. */
static hs_err read_span(hwalk *w, uint64_t i, uint64_t at, hs_vec *out)
{
	uint8_t b[MSPAN_MAX];
	if (!hs_core_read(w->c, at, b, (size_t)w->mspan_size))
		return garbled(w, i, at, "not in the core");
	if ((int64_t)hs_le(b + w->s_state, w->z_state) != w->in_use)
		return HS_OK;
	span s = {.mspan = at, .order = (uint32_t)i, .start = hs_le(b + w->s_start, 8),
	          .elemsize = hs_le(b + w->s_elemsize, 8),
	          .nelems = hs_le(b + w->s_nelems, w->z_nelems),
	          .freeindex = hs_le(b + w->s_freeindex, w->z_freeindex),
	          .allocbits = hs_le(b + w->s_allocbits, 8), .specials = hs_le(b + w->s_specials, 8),
	          .noscan = b[w->s_spanclass] & 1};
	uint64_t npages = hs_le(b + w->s_npages, 8);
	if (npages == 0 || s.start % w->page_size || npages > UINT64_MAX / w->page_size ||
	    s.start > UINT64_MAX - npages * w->page_size)
		return garbled(w, i, at, "its pages are not a range of memory");
	s.end = s.start + npages * w->page_size;
	if (s.elemsize == 0 || s.nelems == 0 || s.nelems > (s.end - s.start) / s.elemsize ||
	    s.nelems > MAX_NELEMS || s.freeindex > s.nelems)
		return garbled(w, i, at, "its objects do not fit its pages");
	if (!hs_core_holds(w->c, s.start, s.end - s.start))
		return garbled(w, i, at, "its pages are not in the core");
	span *d = hs_vec_push(out, 1);
	if (!d)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	*d = s;
	return HS_OK;
}

static int by_start(const void *a, const void *b)
{
	const span *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

static hs_err read_spans(hwalk *w)
{
	uint64_t arr, n;
	hs_err rc = mheap(w, &arr, &n, w->err);
	if (rc != HS_OK)
		return rc;
	hs_vec v;
	hs_vec_init(&v, sizeof(span));
	for (uint64_t i = 0; i < n && rc == HS_OK; i++) {
		uint64_t at;
		if (!hs_core_read_u64(w->c, arr + i * 8, &at))
			rc = hs_fail(w->err, HS_E_CORRUPT, "runtime.mheap_.allspans (%llu spans at 0x%llx) "
			             "is cut at span %llu", (unsigned long long)n,
			             (unsigned long long)arr, (unsigned long long)i);
		else
			rc = read_span(w, i, at, &v);
	}
	w->spans = v.data;
	w->nspans = v.len;
	if (rc != HS_OK)
		return rc;
	if (w->nspans == 0)
		return hs_fail(w->err, HS_E_CORRUPT, "runtime.mheap_ has no span in use");
	qsort(w->spans, w->nspans, sizeof(span), by_start);
	for (size_t i = 1; i < w->nspans; i++)
		if (w->spans[i].start < w->spans[i - 1].end)
			return hs_fail(w->err, HS_E_CORRUPT, "spans at 0x%llx and 0x%llx overlap",
			               (unsigned long long)w->spans[i - 1].start,
			               (unsigned long long)w->spans[i].start);
	w->lo = w->spans[0].start;
	w->hi = w->spans[w->nspans - 1].end;
	return HS_OK;
}

struct span_key { const span *s; uint64_t v; };

static bool span_at_or_before(const void *ctx, size_t i)
{
	const struct span_key *k = ctx;
	return k->s[i].start <= k->v;
}

/* Whether v points into an in-use span. */
static bool in_heap(const hwalk *w, uint64_t v)
{
	if (v < w->lo || v >= w->hi)
		return false;
	struct span_key k = {w->spans, v};
	size_t lo = hs_partition_point(0, w->nspans, span_at_or_before, &k);
	return lo > 0 && v < w->spans[lo - 1].end;
}

/* A pointer word's value v: an edge when it points into the heap. */
static hs_err raw_edge(void *ctx, uint64_t v)
{
	hwalk *w = ctx;
	if (!in_heap(w, v))
		return HS_OK;
	uint64_t *e = hs_vec_push(&w->raw, 1);
	if (!e)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	*e = v;
	return HS_OK;
}

/* The heap bits of the word at addr (bit 0: pointer, bit 4: scan), as
 * heapBitsForAddr finds them; false when the arena is not in the core. */
static bool heap_bits(hwalk *w, uint64_t addr, unsigned *bits)
{
	uint64_t ri = (addr - w->arena_base) / w->arena_bytes;
	uint64_t byte = (addr / 32) % w->bitmap_bytes;
	if (!(w->bm_n && ri == w->bm_arena && byte >= w->bm_first && byte - w->bm_first < w->bm_n)) {
		uint64_t l1 = w->l2bits < 64 ? ri >> w->l2bits : 0, l2 = ri & (((uint64_t)1 << w->l2bits) - 1);
		uint64_t l2arr, ha;
		if (l1 >= w->nl1 || !hs_core_read_u64(w->c, w->arenas_addr + l1 * 8, &l2arr) || !l2arr ||
		    !hs_core_read_u64(w->c, l2arr + l2 * 8, &ha) || !ha)
			return false;
		uint64_t first = byte - byte % BM_WINDOW;
		size_t n = w->bitmap_bytes - first < BM_WINDOW ? (size_t)(w->bitmap_bytes - first) : BM_WINDOW;
		if (!hs_core_read(w->c, ha + w->bitmap_off + first, w->bm, n))
			return false;
		w->bm_arena = ri;
		w->bm_first = first;
		w->bm_n = n;
	}
	*bits = (unsigned)(w->bm[byte - w->bm_first] >> ((addr / 8) & 3));
	return true;
}

/* A pointer word of an object: a raw edge when its target is in the heap. */
static hs_err pointer_word(void *ctx, uint64_t where)
{
	hwalk *w = ctx;
	uint64_t v;
	if (!hs_core_read_u64(w->c, where, &v))
		return not_in_core(w->err, "a heap object", where);
	return raw_edge(w, v);
}

/* The pointer words of the object at a (size n) whose targets are in the
 * heap, as raw edges. */
static hs_err pointers(hwalk *w, uint64_t a, uint64_t n)
{
	if (w->one_bit)
		return core_bits1_pointers(&w->b1, a, n, pointer_word, w, w->err);
	for (uint64_t i = 0; i < n / 8; i++) {
		unsigned bits;
		if (!heap_bits(w, a + i * 8, &bits))
			return hs_fail(w->err, HS_E_CORRUPT, "the heap bitmap of the object at 0x%llx is "
			               "not in the core", (unsigned long long)a);
		if (!(bits & 0x10))
			break;
		hs_err rc = bits & 1 ? pointer_word(w, a + i * 8) : HS_OK;
		if (rc != HS_OK)
			return rc;
	}
	return HS_OK;
}

/* The pointers of an object of a scan span: the layout's. */
static hs_err object_pointers(hwalk *w, const span *s, uint64_t a)
{
	if (!w->hdr)
		return pointers(w, a, s->elemsize);
	core_hdr_span hs = {s->mspan, s->start, s->end, s->elemsize, s->nelems};
	return core_hdr_pointers(w->hdr, &hs, a, raw_edge, w, w->err);
}

static hs_err objects(hwalk *w)
{
	for (size_t k = 0; k < w->nspans; k++) {
		const span *s = &w->spans[k];
		if (s->elemsize > UINT32_MAX)
			return hs_fail(w->err, HS_E_LIMIT, "object of %llu bytes at 0x%llx (4 GiB or more)",
			               (unsigned long long)s->elemsize, (unsigned long long)s->start);
		uint8_t bits[256];
		for (uint64_t j = 0; j < s->nelems; j++) {
			if (j % (8 * sizeof bits) == 0) {
				uint64_t left = (s->nelems - j + 7) / 8;
				size_t nb = left < sizeof bits ? (size_t)left : sizeof bits;
				if (!hs_core_read(w->c, s->allocbits + j / 8, bits, nb))
					return hs_fail(w->err, HS_E_CORRUPT, "the allocation bits of the span "
					               "at 0x%llx (0x%llx) are not in the core",
					               (unsigned long long)s->start, (unsigned long long)s->allocbits);
			}
			uint64_t bj = j % (8 * sizeof bits);
			if (j >= s->freeindex && !(bits[bj / 8] >> (bj % 8) & 1))
				continue;
			if (w->addr.len >= UINT32_MAX - 1 || w->raw.len > UINT32_MAX - 1)
				return hs_fail(w->err, HS_E_LIMIT, "more than 2^32 objects or pointers");
			uint64_t a = s->start + j * s->elemsize;
			uint64_t *pa = hs_vec_push(&w->addr, 1);
			uint32_t *ps = hs_vec_push(&w->size, 1), *pe = hs_vec_push(&w->estart, 1);
			if (!pa || !ps || !pe)
				return hs_fail(w->err, HS_E_NOMEM, NULL);
			*pa = a;
			*ps = (uint32_t)s->elemsize;
			*pe = (uint32_t)w->raw.len;
			w->h->total_bytes += s->elemsize;
			hs_err rc = s->noscan ? HS_OK : object_pointers(w, s, a);
			if (rc != HS_OK)
				return rc;
		}
	}
	return HS_OK;
}

static hs_err root(hwalk *w, hs_hd_root r)
{
	if (!in_heap(w, r.ptr))
		return HS_OK;
	hs_hd_root *d = hs_vec_push(&w->h->roots, 1);
	if (!d)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	r.target = HS_HD_NONE;
	*d = r;
	return HS_OK;
}

/* The pointer words of [start, end) that mask (a bitvector: n bits at
 * bytes) marks, as roots of a kind. */
static hs_err masked_roots(hwalk *w, uint64_t start, uint64_t end, uint64_t nbits,
                           uint64_t bytes, uint8_t kind)
{
	uint8_t m[512];
	uint64_t words = end > start ? (end - start) / 8 : 0;
	nbits = nbits < words ? nbits : words;
	for (uint64_t i = 0; i < nbits; i++) {
		if (i % (8 * sizeof m) == 0) {
			uint64_t left = (nbits - i + 7) / 8;
			if (!hs_core_read(w->c, bytes + i / 8, m, left < sizeof m ? (size_t)left : sizeof m))
				return not_in_core(w->err, "a module's pointer mask", bytes);
		}
		uint64_t b = i % (8 * sizeof m), v;
		if (!(m[b / 8] >> (b % 8) & 1))
			continue;
		if (!hs_core_read_u64(w->c, start + i * 8, &v))
			return not_in_core(w->err, "a module's data", start + i * 8);
		hs_hd_root r = {.kind = kind, .frame = HS_HD_NONE, .goroutine = HS_HD_NONE,
		                .where = start + i * 8, .ptr = v};
		hs_err rc = root(w, r);
		if (rc != HS_OK)
			return rc;
	}
	return HS_OK;
}

/* data and bss of every module (runtime.firstmoduledata and its next). */
static hs_err module_roots(hwalk *w)
{
	static const char *const f[] = {"data", "edata", "bss", "ebss", "gcdatamask.n",
	                                "gcdatamask.bytedata", "gcbssmask.n", "gcbssmask.bytedata",
	                                "next"};
	enum { F_DATA, F_EDATA, F_BSS, F_EBSS, F_DN, F_DB, F_BN, F_BB, F_NEXT, NF };
	uint64_t off[NF], size[NF], v[NF], md;
	uint32_t type;
	if (!hs_dwarf_global(w->d, "runtime.firstmoduledata", &md, &type))
		return need(w->err, "runtime.firstmoduledata");
	for (int i = 0; i < NF; i++)
		if (!member(w, type, f[i], &off[i], &size[i]))
			return need(w->err, "runtime.moduledata member");
	md += w->bias;
	for (int k = 0; md && k < 64; k++) {
		uint8_t b[8];
		for (int i = 0; i < NF; i++) {
			if (!hs_core_read(w->c, md + off[i], b, (size_t)size[i]))
				return not_in_core(w->err, "runtime.moduledata", md);
			v[i] = hs_le(b, size[i]);
		}
		if (k == 0) {
			w->h->data = (hs_hd_segment){v[F_DATA], v[F_EDATA] - v[F_DATA], true};
			w->h->bss = (hs_hd_segment){v[F_BSS], v[F_EBSS] - v[F_BSS], true};
		}
		hs_err rc = masked_roots(w, v[F_DATA], v[F_EDATA], (uint32_t)v[F_DN], v[F_DB],
		                         HS_HD_ROOT_DATA);
		if (rc == HS_OK)
			rc = masked_roots(w, v[F_BSS], v[F_EBSS], (uint32_t)v[F_BN], v[F_BB], HS_HD_ROOT_BSS);
		if (rc != HS_OK)
			return rc;
		md = v[F_NEXT];
	}
	return HS_OK;
}

/* The frame a stack address lies in: the first whose fp is above it (the
 * outermost for what is above them all); *k moves up only. */
static uint32_t frame_of(const core_gframe *fr, size_t n, size_t *k, uint64_t where)
{
	while (*k + 1 < n && where >= fr[*k].fp)
		(*k)++;
	return (uint32_t)*k;
}

/* Every word of the stack from sp up that points into the heap, as a
 * root of the frame it lies in: a goroutine whose frames have no maps. */
static hs_err conservative_roots(hwalk *w, const core_ginfo *g, const core_gframe *fr, size_t n,
                                 uint32_t gi, uint32_t first, hs_error *err)
{
	uint64_t sp = g->sp & ~(uint64_t)7;
	/* sp on another stack (its thread on g0 or a signal stack): the
	 * whole goroutine stack */
	if (sp < g->stack_lo || sp >= g->stack_hi)
		sp = g->stack_lo;
	uint8_t buf[4096];
	size_t k = 0;
	for (uint64_t at = sp; at < g->stack_hi; at += sizeof buf) {
		size_t len = g->stack_hi - at < sizeof buf ? (size_t)(g->stack_hi - at) : sizeof buf;
		if (!hs_core_read(w->c, at, buf, len))
			return not_in_core(err, "a goroutine's stack", at);
		for (size_t i = 0; i + 8 <= len; i += 8) {
			uint64_t where = at + i, v = hs_le(buf + i, 8);
			uint32_t fi = frame_of(fr, n, &k, where);
			hs_hd_root r = {.kind = n ? HS_HD_ROOT_FRAME : HS_HD_ROOT_GOROUTINE,
			                .frame = n ? first + fi : HS_HD_NONE, .goroutine = gi,
			                .where = where, .ptr = v};
			hs_err rc = root(w, r);
			if (rc != HS_OK)
				return rc;
		}
	}
	return HS_OK;
}

/* The frames' pointer slots from the stack maps (core_stackmaps.c); a
 * stack object's words carry the description "stack object". */
static hs_err precise_roots(hwalk *w, const core_ginfo *g, const core_gframe *fr, size_t n,
                            uint32_t gi, uint32_t first, hs_error *err)
{
	w->slots.len = 0;
	hs_err rc = core_stack_slots(w->smaps, g->pcln, g->addr, fr, n, g->status, g->stack_lo, g->stack_hi,
	                             &w->slots, err);
	size_t k = 0;
	for (size_t i = 0; i < w->slots.len && rc == HS_OK; i++) {
		const core_slot *s = &HS_VEC_AT(&w->slots, core_slot, i);
		uint64_t v;
		if (!hs_core_read_u64(w->c, s->where, &v))
			return not_in_core(err, "a goroutine's stack", s->where);
		hs_hd_root r = {.kind = HS_HD_ROOT_FRAME, .frame = first + frame_of(fr, n, &k, s->where),
		                .goroutine = gi, .where = s->where, .ptr = v,
		                .desc = s->how == CORE_SLOT_OBJECT ? "stack object" : NULL};
		rc = root(w, r);
	}
	return rc;
}

/* A goroutine, its frames, and the roots of its stack: precise where the
 * stack maps say (and sp is on its own stack), else conservative. */
static hs_err stack_roots(void *ctx, const core_ginfo *g, const core_gframe *fr, size_t n,
                          hs_error *err)
{
	hwalk *w = ctx;
	hs_heapdump *h = w->h;
	hs_hd_goroutine *gd = hs_vec_push(&h->goroutines, 1);
	const char *reason = hs_arena_strndup(&h->arena, g->waitreason, strlen(g->waitreason));
	if (!gd || !reason)
		return hs_fail(err, HS_E_NOMEM, NULL);
	uint32_t gi = (uint32_t)h->goroutines.len - 1, first = (uint32_t)h->frames.len;
	*gd = (hs_hd_goroutine){.addr = g->addr, .goid = g->goid, .gopc = g->gopc,
	                        .status = g->status, .waitsince = g->waitsince, .system = g->system,
	                        .waitreason = reason, .first_frame = first, .nframes = (uint32_t)n};
	for (size_t i = 0; i < n; i++) {
		hs_hd_frame *f = hs_vec_push(&h->frames, 1);
		const char *name = hs_arena_strndup(&h->arena, fr[i].func, strlen(fr[i].func));
		if (!f || !name)
			return hs_fail(err, HS_E_NOMEM, NULL);
		*f = (hs_hd_frame){.sp = fr[i].sp, .depth = i, .pc = fr[i].pc, .func = name,
		                   .goroutine = gi};
	}
	if (g->stack_hi <= g->stack_lo || g->stack_hi - g->stack_lo > MAX_STACK)
		return HS_OK;    /* no stack of its own believed */
	if (w->smaps && n && g->sp >= g->stack_lo && g->sp < g->stack_hi)
		return precise_roots(w, g, fr, n, gi, first, err);
	return conservative_roots(w, g, fr, n, gi, first, err);
}

/* A special of kind profile: the object was sampled by the memory
 * profile, its bucket (the allocation stack) beside it. */
static hs_err profile_special(hwalk *w, uint64_t obj, uint64_t sp)
{
	uint64_t b;
	if (!hs_core_read_u64(w->c, sp + w->spr_b, &b))
		return not_in_core(w->err, "a span's special record", sp);
	uint64_t *s = hs_vec_push(&w->samples, 2);
	if (!s)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	s[0] = obj;
	s[1] = b;
	return HS_OK;
}

/* A special of kind finalizer, the nth of span s's list: the object keeps
 * what it points to (not itself), and the finalizer's closure; and it
 * joins h->finalized with its ot, the type hs_core_types gives it. */
static hs_err finalizer_special(hwalk *w, const span *s, uint64_t obj, uint64_t sp, int nth)
{
	uint64_t fn, ot;
	hs_hd_root r = {.kind = HS_HD_ROOT_FINALIZER, .frame = HS_HD_NONE, .goroutine = HS_HD_NONE,
	                .where = obj, .ptr = obj, .referents_only = true};
	hs_err rc = root(w, r);
	if (rc == HS_OK && hs_core_read_u64(w->c, sp + w->sf_fn, &fn)) {
		r.referents_only = false;
		r.ptr = fn;
		rc = root(w, r);
	}
	if (rc != HS_OK || w->sf_ot == UINT64_MAX)
		return rc;
	hs_hd_finalized *f = hs_vec_push(&w->h->finalized, 1);
	if (!f)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	if (!hs_core_read_u64(w->c, sp + w->sf_ot, &ot))
		ot = 0;
	*f = (hs_hd_finalized){.obj = obj, .ot = ot, .span = s->order, .nth = (uint32_t)nth};
	return HS_OK;
}

static int by_order(const void *a, const void *b)
{
	const hs_hd_finalized *x = a, *y = b;
	uint64_t kx = (uint64_t)x->span << 32 | x->nth, ky = (uint64_t)y->span << 32 | y->nth;
	return (kx > ky) - (kx < ky);
}

/* The specials of every span in use (the runtime gives no other span
 * one: addspecial takes spanOfHeap's, which is in use, and a span is
 * freed only when sweeping left it no object, so no special): objects
 * with a finalizer (finalizer_special); sampled objects get their memory
 * profile bucket (hs_heapdump_finish joins them to the buckets
 * core_memprof_buckets reads, as a heap dump's alloc samples). */
static hs_err specials(hwalk *w)
{
	for (size_t k = 0; k < w->nspans; k++) {
		const span *s = &w->spans[k];
		uint64_t sp = s->specials;
		for (int n = 0; sp && n < MAX_SPECIALS; n++) {
			uint64_t next;
			uint8_t kind, off[8];
			if (!hs_core_read_u64(w->c, sp + w->sp_next, &next) ||
			    !hs_core_read(w->c, sp + w->sp_offset, off, (size_t)w->z_offset) ||
			    !hs_core_read(w->c, sp + w->sp_kind, &kind, 1))
				return not_in_core(w->err, "a span's special record", sp);
			uint64_t obj = s->start + hs_le(off, w->z_offset);
			hs_err rc = HS_OK;
			if (kind == w->kind_profile)
				rc = profile_special(w, obj, sp);
			else if (kind == w->kind_finalizer)
				rc = finalizer_special(w, s, obj, sp, n);
			if (rc != HS_OK)
				return rc;
			sp = next;
		}
	}
	/* spans were sorted by address: back to the runtime's order */
	hs_vec *f = &w->h->finalized;
	if (f->len > 1)
		qsort(f->data, f->len, sizeof(hs_hd_finalized), by_order);
	return HS_OK;
}

static void go_version(hwalk *w)
{
	uint64_t a, p, n;
	uint32_t t;
	char buf[64];
	if (hs_dwarf_global(w->d, "runtime.buildVersion", &a, &t) &&
	    hs_core_read_u64(w->c, a + w->bias, &p) && hs_core_read_u64(w->c, a + w->bias + 8, &n) &&
	    n < sizeof buf && hs_core_read(w->c, p, buf, (size_t)n))
		w->h->go_version = hs_arena_strndup(&w->h->arena, buf, (size_t)n);
}

hs_err hs_core_heapdump(hs_core *c, hs_heapdump *h, hs_error *err)
{
	hwalk w;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = c->dwarf;
	w.h = h;
	w.err = err;
	w.bias = hs_core_bias(c);
	hs_vec_init(&w.addr, sizeof(uint64_t));
	hs_vec_init(&w.size, sizeof(uint32_t));
	hs_vec_init(&w.estart, sizeof(uint32_t));
	hs_vec_init(&w.raw, sizeof(uint64_t));
	hs_vec_init(&w.samples, sizeof(uint64_t));
	hs_vec_init(&w.slots, sizeof(core_slot));
	h->ptr_size = 8;
	h->arch = c->arch->name;
	h->compression = "none";
	hs_err rc = layout(&w, err);
	if (rc == HS_OK)
		rc = read_spans(&w);
	if (rc == HS_OK) {
		w.b1 = (core_bits1){.c = c, .arenas = w.arenas_addr, .base = w.arena_base,
		                    .bytes = w.arena_bytes, .l2bits = w.l2bits, .nl1 = w.nl1,
		                    .bitmap_off = w.b1.bitmap_off, .nwords = w.b1.nwords,
		                    .nomore_off = w.b1.nomore_off};
		h->arena_start = w.lo;
		h->arena_end = w.hi;
		go_version(&w);
		rc = objects(&w);
	}
	if (rc == HS_OK)
		rc = module_roots(&w);
	if (rc == HS_OK)
		rc = specials(&w);
	/* one copy of the pclntab for the buckets and the goroutine walk; when
	 * it does not open, each opens its own and says why as before */
	pcln t;
	memset(&t, 0, sizeof t);
	hs_error te;
	hs_error_clear(&te);
	bool have_t = rc == HS_OK && pcln_open(&t, c, c->dwarf, &te) == HS_OK;
	if (!have_t)
		pcln_release(&t);
	if (rc == HS_OK && w.samples.len)
		rc = core_memprof_buckets(c, have_t ? &t : NULL, h, err);
	if (rc == HS_OK && (rc = core_smaps_open(&w.smaps, c, err)) == HS_E_FORMAT) {
		hs_error_clear(err);     /* no maps: stacks scanned conservatively */
		rc = HS_OK;
	}
	if (rc == HS_OK)
		rc = core_each_goroutine(c, have_t ? &t : NULL, stack_roots, &w, err);
	if (rc == HS_OK)
		rc = hs_heapdump_finish(h, &w.addr, &w.size, &w.estart, &w.raw, &w.samples, err);
	if (have_t)
		pcln_release(&t);
	free(w.spans);
	core_hdr_free(w.hdr);
	core_smaps_free(w.smaps);
	hs_vec_release(&w.slots);
	hs_vec_release(&w.addr);
	hs_vec_release(&w.size);
	hs_vec_release(&w.estart);
	hs_vec_release(&w.raw);
	hs_vec_release(&w.samples);
	return rc;
}

hs_err hs_core_heap_layout(hs_core *c, hs_error *err)
{
	hwalk w;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = c->dwarf;
	w.err = err;
	w.bias = hs_core_bias(c);
	hs_err rc = layout(&w, err);
	core_hdr_free(w.hdr);
	return rc;
}

static int by_sym(const void *a, const void *b)
{
	const hs_elf_sym *x = a, *y = b;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

hs_err hs_core_symtab(const hs_core *c, const hs_heapdump *h, hs_symtab *s, hs_error *err)
{
	const hs_dwarf *d = c->dwarf;
	hs_vec v;
	hs_vec_init(&v, sizeof(hs_elf_sym));
	for (size_t i = 0; i < hs_dwarf_ndies(d); i++) {
		const char *name;
		uint64_t addr;
		uint32_t type;
		if (!hs_dwarf_variable_at(d, i, &name, &addr, &type))
			continue;
		hs_elf_sym *y = hs_vec_push(&v, 1);
		if (!y || !(y->name = hs_arena_strndup(&s->arena, name, strlen(name)))) {
			hs_vec_release(&v);
			return hs_fail(err, HS_E_NOMEM, NULL);
		}
		y->addr = addr + c->bias;
		y->size = hs_dwarf_size(d, type);
	}
	if (v.len)
		qsort(v.data, v.len, sizeof(hs_elf_sym), by_sym);
	s->syms = v.data;
	s->n = v.len;
	s->data_addr = h->data.addr;
	s->bss_addr = h->bss.addr;
	return HS_OK;
}

hs_err hs_core_load_heapdump(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines,
                             const char *path, const char *exe_path, hs_core_side *side,
                             hs_error *refused, hs_error *err)
{
	hs_input in;
	*side = HS_CORE_SIDE_CORE;
	hs_err rc = hs_input_open(&in, path, 0, err);
	if (rc != HS_OK)
		return rc;
	hs_core *c;
	bool compressed = in.compressed, zstd = in.zstd;
	if ((rc = hs_core_open_input(&c, &in, exe_path, side, err)) != HS_OK) {
		/* offsets of a compressed core count decompressed bytes */
		if (compressed && *side == HS_CORE_SIDE_CORE && err->has_offset)
			err->after_gunzip = 1;
		if (*side == HS_CORE_SIDE_EXE)
			rc = core_exe_error(err, rc, exe_path);
		*side = HS_CORE_SIDE_CORE;
		return rc;
	}
	*side = HS_CORE_SIDE_CORE;
	/* the goroutines first: they stay readable where the heap is not */
	if (goroutines) {
		rc = hs_core_goroutines(c, goroutines, err);
		goroutines->from_core = true;
		goroutines->zstd = zstd;
		goroutines->gzipped = compressed && !zstd;
	}
	bool skip = false;
	if (rc == HS_OK && goroutines && refused) {
		hs_error_clear(refused);
		hs_err lr = hs_core_heap_layout(c, refused);
		if (lr == HS_E_FORMAT)
			skip = true;         /* a layout this reader refuses */
		else if (lr != HS_OK)
			rc = hs_fail(err, lr, "%s", refused->detail);
	}
	if (rc == HS_OK && !skip)
		rc = hs_core_heapdump(c, h, err);
	if (rc == HS_OK && !skip)
		rc = hs_core_types(c, h, err);
	if (rc == HS_OK && !skip && syms)
		rc = hs_core_symtab(c, h, syms, err);
	h->input_bytes = hs_core_data_bytes(c);
	hs_core_close(c);
	return rc;
}

bool hs_core_sniff_file(const char *path)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	if (hs_input_open(&in, path, 0, &e) != HS_OK)
		return false;
	size_t n = hs_input_wait(&in, 64);
	bool yes = hs_core_detect(in.data, n);
	hs_input_release(&in);
	return yes;
}
