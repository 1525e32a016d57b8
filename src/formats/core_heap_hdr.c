/* Pointers of heap objects in cores of Go 1.22 and later (allocation
 * headers, Go's runtime/mbitmap.go), every offset from DWARF:
 *   - objects of at most minSizeForMallocHeader bytes (512 on amd64) in a
 *     span of a scan size class: one bit per word in the heap bits at the
 *     end of the span (its bytes / 64, after the last object), bit i the
 *     span's word i;
 *   - larger objects of a size class: the slot's first word
 *     (mallocHeaderSize bytes) is the *abi.Type of the object, its data
 *     after it;
 *   - large objects (size class 0): the type is mspan.largeType (nil: no
 *     pointers yet), the data at the slot.
 * A type's GCData is one bit per word of its first PtrBytes bytes, tiled
 * every Size_ bytes to the end of the slot (typePointers.next).  The
 * heap dump the runtime writes (makeheapobjbv) reports each slot at its
 * start with the slot's size, the header included, and so does the core
 * reader.  Every field read is checked: the core is not trusted. */
#include <stdlib.h>
#include <string.h>

#include "core_heap_hdr.h"

struct core_hdr {
	const hs_core *c;
	uint64_t s_spanclass, s_largetype;             /* runtime.mspan */
	uint64_t t_size, t_ptrbytes, t_gcdata, t_kind;   /* internal/abi.Type */
	uint64_t z_size, z_ptrbytes, z_kind;
	uint64_t min_header, header_bytes, kind_gcprog;
	/* the span last seen */
	uint64_t span_at, sizeclass, large_type, bits_at;
	uint8_t *bits;
	size_t nbits, bits_cap;
	/* the type last seen: its mask */
	uint64_t type_at, size, ptrbytes;
	uint8_t *mask;
	size_t mask_cap;
};

bool core_hdr_detect(const hs_dwarf *d)
{
	uint64_t off;
	uint32_t mt;
	return hs_dwarf_member(d, hs_dwarf_type(d, "runtime.mspan"), "largeType", &off, &mt) &&
	       !hs_dwarf_member(d, hs_dwarf_type(d, "runtime.heapArena"), "bitmap", &off, &mt);
}

static hs_err need(hs_error *err, const char *what)
{
	return hs_fail(err, HS_E_FORMAT, "unsupported Go version: allocation headers, but no %s in "
	               "DWARF", what);
}

/* A member's offset, and its size (1 to 8 bytes) when size is not NULL. */
static bool member(const hs_dwarf *d, uint32_t type, const char *name, uint64_t *off,
                   uint64_t *size)
{
	uint32_t mt;
	if (type == HS_DWARF_NONE || !hs_dwarf_member(d, type, name, off, &mt))
		return false;
	if (!size)
		return true;
	*size = hs_dwarf_size(d, mt);
	return *size >= 1 && *size <= 8;
}

hs_err core_hdr_open(core_hdr **out, const hs_core *c, const hs_dwarf *d, hs_error *err)
{
	*out = NULL;
	core_hdr h;
	memset(&h, 0, sizeof h);
	h.c = c;
	uint32_t ms = hs_dwarf_type(d, "runtime.mspan"), ty = hs_dwarf_type(d, "internal/abi.Type");
	uint64_t z;
	if (!member(d, ms, "spanclass", &h.s_spanclass, &z) || z != 1 ||
	    !member(d, ms, "largeType", &h.s_largetype, NULL))
		return need(err, "runtime.mspan.spanclass or largeType");
	if (!member(d, ty, "Size_", &h.t_size, &h.z_size) ||
	    !member(d, ty, "PtrBytes", &h.t_ptrbytes, &h.z_ptrbytes) ||
	    !member(d, ty, "GCData", &h.t_gcdata, NULL) || !member(d, ty, "Kind_", &h.t_kind, &h.z_kind))
		return need(err, "internal/abi.Type.Size_, PtrBytes, GCData or Kind_");
	int64_t min, hb, gcprog;
	/* Go 1.24 builds large types' masks when first needed: not read */
	if (hs_dwarf_const(d, "internal/abi.TFlagGCMaskOnDemand", &gcprog))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: Go 1.24 or later (GC masks "
		               "built on demand: internal/abi.TFlagGCMaskOnDemand); the heap is read "
		               "for Go 1.19 and Go 1.22 to 1.23");
	if (!hs_dwarf_const(d, "runtime.minSizeForMallocHeader", &min) ||
	    !hs_dwarf_const(d, "runtime.mallocHeaderSize", &hb) ||
	    !hs_dwarf_const(d, "internal/abi.KindGCProg", &gcprog))
		return need(err, "runtime.minSizeForMallocHeader, runtime.mallocHeaderSize or "
		            "internal/abi.KindGCProg");
	/* one word of heap bits per object at most; a header of one pointer */
	if (min <= 0 || min > 64 * 8 || hb != 8 || gcprog <= 0 || gcprog > 255)
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: allocation headers of %lld "
		               "bytes above %lld-byte objects", (long long)hb, (long long)min);
	h.min_header = (uint64_t)min;
	h.header_bytes = (uint64_t)hb;
	h.kind_gcprog = (uint64_t)gcprog;
	h.span_at = h.type_at = UINT64_MAX;
	*out = malloc(sizeof h);
	if (!*out)
		return hs_fail(err, HS_E_NOMEM, NULL);
	**out = h;
	return HS_OK;
}

void core_hdr_free(core_hdr *h)
{
	if (!h)
		return;
	free(h->bits);
	free(h->mask);
	free(h);
}

static bool grow(uint8_t **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return true;
	uint8_t *b = realloc(*buf, n);
	if (!b)
		return false;
	*buf = b;
	*cap = n;
	return true;
}

static hs_err garbled(hs_error *err, const core_hdr_span *s, const char *why)
{
	return hs_fail(err, HS_E_CORRUPT, "the span at 0x%llx (runtime.mspan 0x%llx) is garbled: %s",
	               (unsigned long long)s->start, (unsigned long long)s->mspan, why);
}

/* The span's size class, large type and, for small objects, heap bits. */
static hs_err load_span(core_hdr *h, const core_hdr_span *s, hs_error *err)
{
	uint8_t sc;
	h->span_at = UINT64_MAX;
	if (!hs_core_read(h->c, s->mspan + h->s_spanclass, &sc, 1) ||
	    !hs_core_read_u64(h->c, s->mspan + h->s_largetype, &h->large_type))
		return garbled(err, s, "not in the core");
	h->sizeclass = sc >> 1;
	h->nbits = 0;
	if (s->elemsize <= h->min_header) {
		/* core_heap.c checked the pages are in the core: the bits are */
		uint64_t n = (s->end - s->start) / 64;
		h->bits_at = s->end - n;
		if (s->nelems > (h->bits_at - s->start) / s->elemsize)
			return garbled(err, s, "its objects overlap its heap bits");
		if (!grow(&h->bits, &h->bits_cap, (size_t)n))
			return hs_fail(err, HS_E_NOMEM, NULL);
		if (!hs_core_read(h->c, h->bits_at, h->bits, (size_t)n))
			return garbled(err, s, "its heap bits are not in the core");
		h->nbits = (size_t)n;
	}
	h->span_at = s->mspan;
	return HS_OK;
}

/* n (1 to 8) bytes at at, little-endian. */
static bool rd(const core_hdr *h, uint64_t at, uint64_t n, uint64_t *v)
{
	uint8_t b[8] = {0};
	if (!hs_core_read(h->c, at, b, (size_t)n))
		return false;
	*v = hs_le(b, 8);
	return true;
}

static hs_err bad_type(hs_error *err, uint64_t a, uint64_t t, const char *why)
{
	return hs_fail(err, HS_E_CORRUPT, "the object at 0x%llx has a garbled type (0x%llx): %s",
	               (unsigned long long)a, (unsigned long long)t, why);
}

/* The type at t (an object's header or its span's largeType): its size,
 * pointer bytes and pointer mask, checked against the data it describes
 * ([data, limit)). */
static hs_err load_type(core_hdr *h, uint64_t a, uint64_t t, uint64_t room, hs_error *err)
{
	if (t == h->type_at)
		return room >= h->size ? HS_OK : bad_type(err, a, t, "larger than its object");
	uint64_t size, ptrbytes, gcdata, k;
	if (!rd(h, t + h->t_size, h->z_size, &size) || !rd(h, t + h->t_ptrbytes, h->z_ptrbytes, &ptrbytes) ||
	    !rd(h, t + h->t_gcdata, 8, &gcdata) || !rd(h, t + h->t_kind, 1, &k))
		return bad_type(err, a, t, "not in the core");
	if (k & h->kind_gcprog)
		return bad_type(err, a, t, "a GC program, which no header names");
	if (size == 0 || ptrbytes > size || ptrbytes % 8 || size > room)
		return bad_type(err, a, t, "its sizes do not fit its object");
	uint64_t n = (ptrbytes / 8 + 7) / 8;
	if (n && !hs_core_holds(h->c, gcdata, n))
		return bad_type(err, a, t, "its pointer mask is not in the core");
	h->type_at = UINT64_MAX;
	if (!grow(&h->mask, &h->mask_cap, (size_t)n))
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (n && !hs_core_read(h->c, gcdata, h->mask, (size_t)n))
		return bad_type(err, a, t, "its pointer mask is not in the core");
	h->type_at = t;
	h->size = size;
	h->ptrbytes = ptrbytes;
	return HS_OK;
}

static hs_err word(core_hdr *h, uint64_t at, core_hdr_edge_fn edge, void *ctx, hs_error *err)
{
	uint64_t v;
	if (!hs_core_read_u64(h->c, at, &v))
		return hs_fail(err, HS_E_CORRUPT, "a heap object's word (0x%llx) is not in the core",
		               (unsigned long long)at);
	return edge(ctx, v);
}

hs_err core_hdr_pointers(core_hdr *h, const core_hdr_span *s, uint64_t a, core_hdr_edge_fn edge,
                         void *ctx, hs_error *err)
{
	hs_err rc = HS_OK;
	if (s->mspan != h->span_at && (rc = load_span(h, s, err)) != HS_OK)
		return rc;
	uint64_t limit = a + s->elemsize;
	if (s->elemsize <= h->min_header) {
		uint64_t first = (a - s->start) / 8;
		for (uint64_t i = 0; i < s->elemsize / 8 && rc == HS_OK; i++) {
			uint64_t bit = first + i;
			if (bit / 8 >= h->nbits)
				return garbled(err, s, "an object past its heap bits");
			if (h->bits[bit / 8] >> (bit % 8) & 1)
				rc = word(h, a + i * 8, edge, ctx, err);
		}
		return rc;
	}
	uint64_t t = h->large_type, data = a;
	if (h->sizeclass != 0) {
		if (!hs_core_read_u64(h->c, a, &t))
			return hs_fail(err, HS_E_CORRUPT, "the malloc header of the object at 0x%llx is "
			               "not in the core", (unsigned long long)a);
		data = a + h->header_bytes;
	}
	/* no type yet: a slot being allocated (the runtime scans nothing) */
	if (t == 0)
		return HS_OK;
	if ((rc = load_type(h, a, t, limit - data, err)) != HS_OK)
		return rc;
	for (uint64_t elem = data; elem < limit && rc == HS_OK; elem += h->size)
		for (uint64_t i = 0; i < h->ptrbytes / 8 && elem + i * 8 < limit && rc == HS_OK; i++)
			if (h->mask[i / 8] >> (i % 8) & 1)
				rc = word(h, elem + i * 8, edge, ctx, err);
	return rc;
}
