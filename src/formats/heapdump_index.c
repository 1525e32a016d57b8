/* After the records: objects sorted by address, pointers resolved to
 * object indices (CSR), roots and alloc samples attached to objects. */
#include <stdlib.h>
#include <string.h>

#include "../core/partition.h"
#include "../core/sort.h"
#include "heapscope/heapdump.h"

hs_err hs_heapdump_finish(hs_heapdump *h, hs_vec *addr, hs_vec *size, hs_vec *estart,
                          hs_vec *raw_edges, hs_vec *samples, hs_error *err);

/* Predicates for hs_partition_point over a sorted array and a key. */
struct u16_key { const uint16_t *a; uint64_t key; };
struct u32_key { const uint32_t *a; uint32_t key; };
struct u64_key { const uint64_t *a; uint64_t key; };

static bool u16_le(const void *ctx, size_t i)
{
	const struct u16_key *k = ctx;
	return k->a[i] <= k->key;
}

static bool u32_le(const void *ctx, size_t i)
{
	const struct u32_key *k = ctx;
	return k->a[i] <= k->key;
}

static bool u32_lt(const void *ctx, size_t i)
{
	const struct u32_key *k = ctx;
	return k->a[i] < k->key;
}

static bool u64_le(const void *ctx, size_t i)
{
	const struct u64_key *k = ctx;
	return k->a[i] <= k->key;
}

/* ids of (id, bucket index) pairs: the pair's id before the key */
static bool pair_id_lt(const void *ctx, size_t i)
{
	const struct u64_key *k = ctx;
	return k->a[2 * i] < k->key;
}

/* The page object i starts in: the last p with page_first[p] <= i. */
static uint64_t page_of(const hs_heapdump *h, uint32_t i)
{
	struct u32_key k = {h->page_first, i};
	return hs_partition_point(0, h->npages + 1, u32_le, &k) - 1;
}

uint64_t hs_heapdump_addr(const hs_heapdump *h, uint32_t i)
{
	if (h->addr)
		return h->addr[i];
	return h->page_base + (page_of(h, i) << HS_HD_PAGE_SHIFT) + h->addr_lo[i];
}

uint32_t hs_heapdump_find(const hs_heapdump *h, uint64_t v)
{
	size_t lo = 0, hi = h->nobjects;
	if (!h->addr && v < h->page_base)
		return HS_HD_NONE;   /* below the first object's page */
	/* The page index narrows the search to the objects that start in v's
	 * page; the containing object may start before it (lo - 1). */
	if (h->page_first && v >= h->page_base) {
		uint64_t pg = (v - h->page_base) >> HS_HD_PAGE_SHIFT;
		if (pg >= h->npages)
			lo = h->nobjects;
		else {
			lo = h->page_first[pg];
			hi = h->page_first[pg + 1];
		}
		if (!h->addr) {
			/* the objects in the page by their offsets in it */
			uint64_t off = (v - h->page_base) & (((uint64_t)1 << HS_HD_PAGE_SHIFT) - 1);
			size_t first = lo;
			struct u16_key k = {h->addr_lo, off};
			/* lo = hi: no search over the full addresses (there are
			 * none) is left, only the object before the page */
			lo = hi = hs_partition_point(lo, hi, u16_le, &k);
			if (lo > first) {   /* an object that starts in v's page */
				size_t i = lo - 1;
				uint64_t a = v - off + h->addr_lo[i];
				return v - a < h->size[i] || v == a ? (uint32_t)i : HS_HD_NONE;
			}
		}
	}
	/* the last object starting at or before v */
	struct u64_key k = {h->addr, v};
	lo = hs_partition_point(lo, hi, u64_le, &k);
	if (lo == 0)
		return HS_HD_NONE;
	size_t i = lo - 1;
	uint64_t a = hs_heapdump_addr(h, (uint32_t)i);
	if (v - a < h->size[i] || v == a)
		return (uint32_t)i;
	return HS_HD_NONE;
}

/* With a page index, addresses shrink to 2 bytes an object: the offset in
 * the page (8 KiB) each starts in.  Done after the load, which looks up
 * every pointer. */
static void compact_addr(hs_heapdump *h)
{
	size_t n = h->nobjects;
	if (!h->page_first || n == 0)
		return;
	uint16_t *lo = malloc(n * sizeof *lo);
	if (!lo)
		return;   /* the full addresses stay */
	for (size_t i = 0; i < n; i++)
		lo[i] = (uint16_t)((h->addr[i] - h->page_base) & (((uint64_t)1 << HS_HD_PAGE_SHIFT) - 1));
	free(h->addr);
	h->addr = NULL;
	h->addr_lo = lo;
}

/* page_first[p] = the first object starting at or after page p; built
 * only when the pages are few next to the objects (a dense heap). */
static void build_pages(hs_heapdump *h)
{
	size_t n = h->nobjects;
	if (n == 0)
		return;
	uint64_t base = h->addr[0] & ~(((uint64_t)1 << HS_HD_PAGE_SHIFT) - 1);
	uint64_t end = h->addr[n - 1];
	uint64_t pages = ((end - base) >> HS_HD_PAGE_SHIFT) + 1;
	if (pages > n / 2 + 1024)
		return;
	uint32_t *pf = malloc((pages + 1) * sizeof *pf);
	if (!pf)
		return;   /* binary search over everything still works */
	size_t i = 0;
	for (uint64_t p = 0; p <= pages; p++) {
		uint64_t start = base + (p << HS_HD_PAGE_SHIFT);
		while (i < n && h->addr[i] < start)
			i++;
		pf[p] = (uint32_t)i;
	}
	h->page_first = pf;
	h->page_base = base;
	h->npages = pages;
}

/* Indices by the address they stand for (ctx: the addresses). */
static int by_addr(const void *a, const void *b, void *ctx)
{
	const uint64_t *addr = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t ax = addr[x], ay = addr[y];
	return ax < ay ? -1 : ax > ay ? 1 : (x > y) - (x < y);
}

static int by_id(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

/* The runtime walks spans, not addresses: sort indices (4 bytes each,
 * not address-index pairs: the dump's objects are millions). */
static uint32_t *sort_order(const uint64_t *a, size_t n, bool *sorted)
{
	*sorted = true;
	for (size_t i = 1; i < n && *sorted; i++)
		*sorted = a[i - 1] <= a[i];
	if (*sorted)
		return NULL;
	uint32_t *order = malloc(n * sizeof *order);
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	hs_sort(order, n, sizeof *order, by_addr, a);
	return order;
}

/* a[i] = old a[order[i]] for every i, in place: cycle by cycle, with a
 * bit per element to mark what is done (no second copy of the array). */
static bool permute(hs_vec *v, const uint32_t *order, void **out)
{
	size_t n = v->len, elem = v->elem;
	char *a = v->data, tmp[8];
	uint8_t *done = order ? calloc(n / 8 + 1, 1) : NULL;
	if (order && !done)
		return false;
	for (size_t i = 0; order && i < n; i++) {
		if (done[i / 8] & (1u << (i % 8)))
			continue;
		memcpy(tmp, a + i * elem, elem);
		size_t j = i;
		for (;;) {
			done[j / 8] |= (uint8_t)(1u << (j % 8));
			size_t k = order[j];
			if (k == i) {
				memcpy(a + j * elem, tmp, elem);
				break;
			}
			memcpy(a + j * elem, a + k * elem, elem);
			j = k;
		}
	}
	free(done);
	*out = v->data;    /* the array now belongs to the dump */
	v->data = NULL;
	v->len = v->cap = 0;
	return true;
}

static hs_err build_objects(hs_heapdump *h, hs_vec *addr, hs_vec *size, hs_vec *estart,
                            hs_vec *raw_edges, hs_error *err)
{
	size_t n = addr->len;
	bool sorted;
	uint32_t *order = sort_order(addr->data, n, &sorted);
	if (!sorted && !order)
		return hs_fail(err, HS_E_NOMEM, NULL);
	void *a = NULL, *s = NULL;
	if (!permute(addr, order, &a) || !permute(size, order, &s)) {
		free(a);
		free(order);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	h->nobjects = n;
	h->addr = a;
	h->size = s;
	build_pages(h);
	compact_addr(h);
	/* Resolve in place, in the dump's order: each 8-byte pointer becomes
	 * a 4-byte object index written over the front of the same array
	 * (never past what is still to read), es[o] the start of o's. */
	if (!hs_vec_push(estart, 1)) {
		free(order);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	uint32_t *es = estart->data;
	char *buf = raw_edges->data;
	size_t ne = 0, nraw = raw_edges->len;
	es[n] = (uint32_t)nraw;
	for (size_t o = 0; o < n; o++) {
		size_t from = es[o], to = es[o + 1];
		es[o] = (uint32_t)ne;
		for (size_t k = from; k < to; k++) {
			uint64_t v;
			memcpy(&v, buf + k * sizeof v, sizeof v);
			uint32_t t = hs_heapdump_find(h, v);
			if (t == HS_HD_NONE)
				h->dangling++;
			else
				memcpy(buf + ne++ * sizeof t, &t, sizeof t);
		}
	}
	es[n] = (uint32_t)ne;
	uint32_t *res = realloc(buf, (ne ? ne : 1) * sizeof *res);
	if (res)
		raw_edges->data = res;
	res = raw_edges->data;
	raw_edges->data = NULL;
	raw_edges->len = raw_edges->cap = 0;
	if (!order) {
		h->edge_start = es;
		h->edges = res;
		estart->data = NULL;
		estart->len = estart->cap = 0;
		return HS_OK;
	}
	/* then each object's edges to its place in address order */
	h->edge_start = malloc((n + 1) * sizeof *h->edge_start);
	h->edges = malloc((ne ? ne : 1) * sizeof *h->edges);
	if (!h->edge_start || !h->edges) {
		free(order);
		free(res);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		size_t o = order[i], k = es[o + 1] - es[o];
		h->edge_start[i] = (uint32_t)at;
		memcpy(h->edges + at, res + es[o], k * sizeof *res);
		at += k;
	}
	h->edge_start[n] = (uint32_t)at;
	free(order);
	free(res);
	hs_vec_release(estart);
	return HS_OK;
}

static int by_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* samples: (address, bucket id) pairs, turned into (object index, bucket
 * index) in place, sorted, and kept as two arrays. */
static hs_err attach_samples(hs_heapdump *h, hs_vec *samples, hs_error *err)
{
	size_t nb = h->buckets.len;
	uint64_t *ids = malloc((nb ? nb : 1) * 2 * sizeof *ids);
	if (!ids)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < nb; i++) {
		ids[2 * i] = HS_VEC_AT(&h->buckets, hs_hd_bucket, i).id;
		ids[2 * i + 1] = i;
	}
	if (nb)
		qsort(ids, nb, 2 * sizeof *ids, by_id);
	uint64_t *s = samples->data;
	size_t n = 0;
	for (size_t i = 0; i + 1 < samples->len; i += 2) {
		uint32_t o = hs_heapdump_find(h, s[i]);
		struct u64_key k = {ids, s[i + 1]};
		size_t lo = hs_partition_point(0, nb, pair_id_lt, &k);
		if (o != HS_HD_NONE && lo < nb && ids[2 * lo] == s[i + 1]) {
			s[2 * n] = o;
			s[2 * n + 1] = ids[2 * lo + 1];
			n++;
		}
	}
	free(ids);
	if (n)
		qsort(s, n, 2 * sizeof *s, by_pair);
	h->sample_obj = malloc((n ? n : 1) * sizeof *h->sample_obj);
	h->sample_bucket = malloc((n ? n : 1) * sizeof *h->sample_bucket);
	if (!h->sample_obj || !h->sample_bucket)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < n; i++) {
		/* two samples of one object (a corrupt dump): the first wins */
		if (h->nsampled && h->sample_obj[h->nsampled - 1] == s[2 * i])
			continue;
		h->sample_obj[h->nsampled] = (uint32_t)s[2 * i];
		h->sample_bucket[h->nsampled++] = (uint32_t)s[2 * i + 1];
	}
	return HS_OK;
}

uint32_t hs_heapdump_bucket_of(const hs_heapdump *h, uint32_t obj)
{
	struct u32_key k = {h->sample_obj, obj};
	size_t lo = hs_partition_point(0, h->nsampled, u32_lt, &k);
	return lo < h->nsampled && h->sample_obj[lo] == obj ? h->sample_bucket[lo] : HS_HD_NONE;
}

hs_err hs_heapdump_finish(hs_heapdump *h, hs_vec *addr, hs_vec *size, hs_vec *estart,
                          hs_vec *raw_edges, hs_vec *samples, hs_error *err)
{
	hs_err rc = build_objects(h, addr, size, estart, raw_edges, err);
	if (rc != HS_OK)
		return rc;
	/* Roots that hit no object (a stale stack slot, a pointer into a span
	 * the runtime did not dump) are dropped. */
	size_t keep = 0;
	for (size_t i = 0; i < h->roots.len; i++) {
		hs_hd_root *r = &HS_VEC_AT(&h->roots, hs_hd_root, i);
		r->target = hs_heapdump_find(h, r->ptr);
		if (r->target != HS_HD_NONE)
			HS_VEC_AT(&h->roots, hs_hd_root, keep++) = *r;
	}
	h->roots.len = keep;
	return attach_samples(h, samples, err);
}

const hs_hd_site_frame *hs_hd_bucket_site(const hs_heapdump *h, uint32_t bucket)
{
	const hs_hd_bucket *b = &HS_VEC_AT(&h->buckets, hs_hd_bucket, bucket);
	if (b->nframes == 0)
		return NULL;
	const hs_hd_site_frame *f = &HS_VEC_AT(&h->site_frames, hs_hd_site_frame, b->first);
	/* the first frame outside the runtime is the allocation site */
	for (uint32_t i = 0; i < b->nframes; i++)
		if (strncmp(f[i].func, "runtime.", 8) != 0)
			return &f[i];
	return &f[0];
}

const hs_hd_site_frame *hs_hd_object_site(const hs_heapdump *h, uint32_t obj)
{
	uint32_t b = hs_heapdump_bucket_of(h, obj);
	return b == HS_HD_NONE ? NULL : hs_hd_bucket_site(h, b);
}
