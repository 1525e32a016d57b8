/* Go heap dumps ("go1.7 heap dump\n"), as Go 1.19's runtime/heapdump.go
 * writes them: a header, then records, each a varint tag and its fields
 * (varints, strings and byte ranges as varint length + bytes), ending with
 * tag 0.  See doc/format-heapdump.md.  Records are parsed as the stream
 * delivers them; only object addresses, sizes and the pointers their
 * fields name are kept. */
#include <stdlib.h>
#include <string.h>

#include "hd_stream.h"
#include "heapscope/core.h"
#include "heapscope/heapdump.h"

static const char header[] = "go1.7 heap dump\n";
enum { HEADER_LEN = 16 };
/* No name, description or file path in a dump comes near this. */
enum { MAX_STRING = 1 << 20 };

enum {
	TAG_EOF, TAG_OBJECT, TAG_OTHER_ROOT, TAG_TYPE, TAG_GOROUTINE, TAG_FRAME,
	TAG_PARAMS, TAG_FINALIZER, TAG_ITAB, TAG_OSTHREAD, TAG_MEMSTATS,
	TAG_QUEUED_FINALIZER, TAG_DATA, TAG_BSS, TAG_DEFER, TAG_PANIC, TAG_MEMPROF,
	TAG_ALLOC_SAMPLE, TAG_COUNT
};

static const char *const tag_names[TAG_COUNT] = {
	"eof", "object", "other root", "type", "goroutine", "stack frame", "params",
	"finalizer", "itab", "OS thread", "memstats", "queued finalizer", "data",
	"bss", "defer", "panic", "memprof", "alloc sample",
};

typedef struct parser {
	hs_heapdump *h;
	hd_stream *s;
	hs_error *err;
	uint64_t rec_off;
	int tag;
	uint8_t *scratch;        /* the current byte range (object, frame...) */
	size_t scratch_len, scratch_cap;
	hs_vec addr, size, estart, raw_edges, samples;   /* samples: (addr, bucket id) */
	uint64_t cur_goroutine;  /* index of the last goroutine record */
	uint64_t claim;          /* length of the byte range being read, 0 if none */
	bool have_params;
} parser;

void hs_heapdump_init(hs_heapdump *h)
{
	memset(h, 0, sizeof *h);
	hs_arena_init(&h->arena);
	hs_vec_init(&h->roots, sizeof(hs_hd_root));
	hs_vec_init(&h->finalized, sizeof(hs_hd_finalized));
	hs_vec_init(&h->goroutines, sizeof(hs_hd_goroutine));
	hs_vec_init(&h->frames, sizeof(hs_hd_frame));
	hs_vec_init(&h->buckets, sizeof(hs_hd_bucket));
	hs_vec_init(&h->site_frames, sizeof(hs_hd_site_frame));
	h->compression = "none";
}

void hs_heapdump_release(hs_heapdump *h)
{
	hs_arena_release(&h->arena);
	free(h->addr);
	free(h->addr_lo);
	free(h->size);
	free(h->page_first);
	free(h->edge_start);
	free(h->edges);
	free(h->sample_obj);
	free(h->sample_bucket);
	free(h->obj_type);
	free(h->obj_count);
	free(h->type_names);
	hs_vec_release(&h->roots);
	hs_vec_release(&h->finalized);
	hs_vec_release(&h->goroutines);
	hs_vec_release(&h->frames);
	hs_vec_release(&h->buckets);
	hs_vec_release(&h->site_frames);
	hs_heapdump_init(h);
}

bool hs_heapdump_detect(const uint8_t *data, size_t n)
{
	return n >= HEADER_LEN && memcmp(data, header, HEADER_LEN) == 0;
}

static const char *article(int tag)
{
	return strchr("aeiou", tag_names[tag][0]) ? "an" : "a";
}

static hs_err cut(parser *p)
{
	hd_stream *s = p->s;
	uint64_t at = hd_stream_offset(s);
	if (s->rc != HS_OK)
		return hs_fail_at(p->err, s->rc, at, "%s, inside %s %s record (started at byte %llu)",
		                  s->msg, article(p->tag), tag_names[p->tag],
		                  (unsigned long long)p->rec_off);
	if (p->claim)
		return hs_fail_at(p->err, HS_E_TRUNCATED, at,
		                  "the %s record at byte %llu claims %llu bytes but the dump ends "
		                  "(%llu records and %zu objects read before it)",
		                  tag_names[p->tag], (unsigned long long)p->rec_off,
		                  (unsigned long long)p->claim, (unsigned long long)p->h->nrecords,
		                  p->addr.len);
	return hs_fail_at(p->err, HS_E_TRUNCATED, at,
	                  "heap dump ends inside %s %s record (started at byte %llu; "
	                  "%llu records and %zu objects read before it)",
	                  article(p->tag), tag_names[p->tag], (unsigned long long)p->rec_off,
	                  (unsigned long long)p->h->nrecords, p->addr.len);
}

static hs_err varint(parser *p, uint64_t *out)
{
	hd_stream *s = p->s;
	size_t avail = hd_stream_fill(s, 10);
	const uint8_t *b = s->buf + s->pos;
	uint64_t v = 0;
	for (size_t i = 0; i < 10; i++) {
		if (i >= avail)
			return cut(p);
		v |= (uint64_t)(b[i] & 0x7f) << (7 * i);
		if (!(b[i] & 0x80)) {
			if (i == 9 && b[i] > 1)
				break;
			s->pos += i + 1;
			*out = v;
			return HS_OK;
		}
	}
	return hs_fail_at(p->err, HS_E_CORRUPT, hd_stream_offset(s), "bad varint in a %s record",
	                  tag_names[p->tag]);
}

/* Several varints in a row. */
static hs_err varints(parser *p, uint64_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hs_err rc = varint(p, &out[i]);
		if (rc != HS_OK)
			return rc;
	}
	return HS_OK;
}

/* A byte range into scratch; the buffer grows with the bytes that
 * actually arrive, never by the length the dump claims. */
static hs_err range(parser *p, uint64_t max)
{
	uint64_t len;
	hs_err rc = varint(p, &len);
	if (rc != HS_OK)
		return rc;
	if (len > max)
		return hs_fail_at(p->err, HS_E_LIMIT, hd_stream_offset(p->s),
		                  "%s record claims a %llu-byte field", tag_names[p->tag],
		                  (unsigned long long)len);
	p->scratch_len = 0;
	p->claim = len;
	while (p->scratch_len < len) {
		size_t want = len - p->scratch_len > HD_MAX_NEED ? HD_MAX_NEED : (size_t)(len - p->scratch_len);
		size_t got = hd_stream_fill(p->s, want);
		if (got == 0) {
			rc = cut(p);
			p->claim = 0;
			return rc;
		}
		if (got > want)
			got = want;
		if (p->scratch_len + got > p->scratch_cap) {
			size_t cap = p->scratch_cap ? p->scratch_cap * 2 : 4096;
			while (cap < p->scratch_len + got)
				cap *= 2;
			uint8_t *nb = realloc(p->scratch, cap);
			if (!nb)
				return hs_fail(p->err, HS_E_NOMEM, NULL);
			p->scratch = nb;
			p->scratch_cap = cap;
		}
		memcpy(p->scratch + p->scratch_len, p->s->buf + p->s->pos, got);
		p->s->pos += got;
		p->scratch_len += got;
	}
	p->claim = 0;
	return HS_OK;
}

static hs_err string(parser *p, const char **out)
{
	hs_err rc = range(p, MAX_STRING);
	if (rc != HS_OK)
		return rc;
	*out = hs_arena_strndup(&p->h->arena, (const char *)p->scratch, p->scratch_len);
	return *out ? HS_OK : hs_fail(p->err, HS_E_NOMEM, NULL);
}

/* Scratch above this is given back after its record. */
#define SCRATCH_KEEP ((size_t)1 << 20)

/* The pointer stored at `off` in scratch. */
static bool load_ptr(const parser *p, uint64_t off, uint64_t *v)
{
	uint64_t ps = p->h->ptr_size;
	if (off > p->scratch_len || p->scratch_len - off < ps)
		return false;
	const uint8_t *b = p->scratch + off;
	uint64_t x = 0;
	for (uint64_t i = 0; i < ps; i++)
		x |= (uint64_t)b[p->h->big_endian ? ps - 1 - i : i] << (8 * i);
	*v = x;
	return true;
}

static bool heap_ptr(const parser *p, uint64_t v)
{
	if (v == 0)
		return false;
	const hs_heapdump *h = p->h;
	return h->arena_end <= h->arena_start || (v >= h->arena_start && v < h->arena_end);
}

static hs_err push_root(parser *p, hs_hd_root r)
{
	if (!heap_ptr(p, r.ptr))
		return HS_OK;
	hs_hd_root *d = hs_vec_push(&p->h->roots, 1);
	if (!d)
		return hs_fail(p->err, HS_E_NOMEM, NULL);
	r.target = HS_HD_NONE;
	*d = r;
	return HS_OK;
}

/* A field list after a byte range: (kind, offset) pairs up to kind 0.
 * Each pointer goes to the object's edges (root == NULL) or becomes a root
 * like *root with `where` = base + offset. */
static hs_err fields(parser *p, const hs_hd_root *root, uint64_t base)
{
	for (;;) {
		uint64_t kind, off, v;
		hs_err rc = varint(p, &kind);
		if (rc != HS_OK)
			return rc;
		if (kind == 0)
			return HS_OK;
		uint64_t at = hd_stream_offset(p->s);
		if (kind > 3)
			return hs_fail_at(p->err, HS_E_CORRUPT, at, "unknown field kind %llu in a %s record",
			                  (unsigned long long)kind, tag_names[p->tag]);
		if ((rc = varint(p, &off)) != HS_OK)
			return rc;
		/* interfaces: the data word follows the type word */
		if (kind > 1 && off <= UINT64_MAX - p->h->ptr_size)
			off += p->h->ptr_size;
		if (!load_ptr(p, off, &v))
			return hs_fail_at(p->err, HS_E_CORRUPT, at,
			                  "field at offset %llu is outside the %zu-byte %s",
			                  (unsigned long long)off, p->scratch_len, tag_names[p->tag]);
		if (root) {
			hs_hd_root r = *root;
			r.where = base + off;
			r.ptr = v;
			if ((rc = push_root(p, r)) != HS_OK)
				return rc;
		} else if (heap_ptr(p, v)) {
			uint64_t *e = hs_vec_push(&p->raw_edges, 1);
			if (!e)
				return hs_fail(p->err, HS_E_NOMEM, NULL);
			*e = v;
		}
	}
}

/* An address and the bytes that live there (object, data, bss). */
static hs_err addr_and_bytes(parser *p, uint64_t *addr)
{
	hs_err rc = varint(p, addr);
	return rc == HS_OK ? range(p, UINT64_MAX) : rc;
}

static hs_err rec_object(parser *p)
{
	uint64_t addr;
	hs_err rc = addr_and_bytes(p, &addr);
	if (rc != HS_OK)
		return rc;
	if (p->raw_edges.len > UINT32_MAX - 1 || p->addr.len >= UINT32_MAX - 1)
		return hs_fail_at(p->err, HS_E_LIMIT, p->rec_off, "more than 2^32 objects or pointers");
	if (p->scratch_len > UINT32_MAX)
		return hs_fail_at(p->err, HS_E_LIMIT, p->rec_off, "object of %zu bytes (4 GiB or more)",
		                  p->scratch_len);
	uint64_t *a = hs_vec_push(&p->addr, 1);
	uint32_t *s = hs_vec_push(&p->size, 1), *e = hs_vec_push(&p->estart, 1);
	if (!a || !s || !e)
		return hs_fail(p->err, HS_E_NOMEM, NULL);
	*a = addr;
	*s = (uint32_t)p->scratch_len;
	*e = (uint32_t)p->raw_edges.len;
	p->h->total_bytes += p->scratch_len;
	return fields(p, NULL, 0);
}

static hs_err rec_segment(parser *p, hs_hd_segment *seg, uint8_t kind)
{
	uint64_t addr;
	hs_err rc = addr_and_bytes(p, &addr);
	if (rc != HS_OK)
		return rc;
	seg->addr = addr;
	seg->len = p->scratch_len;
	seg->present = true;
	hs_hd_root r = {.kind = kind, .frame = HS_HD_NONE, .goroutine = HS_HD_NONE};
	return fields(p, &r, addr);
}

static hs_err rec_goroutine(parser *p)
{
	uint64_t v[8], w[4];
	const char *reason;
	hs_err rc = varints(p, v, 8);
	if (rc == HS_OK)
		rc = string(p, &reason);
	if (rc == HS_OK)
		rc = varints(p, w, 4);
	if (rc != HS_OK)
		return rc;
	hs_hd_goroutine *g = hs_vec_push(&p->h->goroutines, 1);
	if (!g)
		return hs_fail(p->err, HS_E_NOMEM, NULL);
	*g = (hs_hd_goroutine){.addr = v[0], .goid = v[2], .gopc = v[3], .status = v[4],
	                       .system = v[5] != 0, .waitsince = v[7], .waitreason = reason,
	                       .first_frame = (uint32_t)p->h->frames.len};
	p->cur_goroutine = p->h->goroutines.len - 1;
	/* sched.ctxt, _defer, _panic keep what they point to */
	hs_hd_root r = {.kind = HS_HD_ROOT_GOROUTINE, .frame = HS_HD_NONE,
	                .goroutine = (uint32_t)p->cur_goroutine};
	for (int i = 0; i < 4 && rc == HS_OK; i++)
		if (i != 1) {
			r.ptr = w[i];
			rc = push_root(p, r);
		}
	return rc;
}

static hs_err rec_frame(parser *p)
{
	uint64_t v[3], w[3];
	const char *name;
	hs_err rc = varints(p, v, 3);
	if (rc == HS_OK)
		rc = range(p, UINT64_MAX);
	if (rc != HS_OK)
		return rc;
	/* The fields come after the name: keep the frame bytes aside. */
	uint8_t *frame = p->scratch;
	size_t flen = p->scratch_len, fcap = p->scratch_cap;
	p->scratch = NULL;
	p->scratch_len = p->scratch_cap = 0;
	rc = varints(p, w, 3);
	if (rc == HS_OK)
		rc = string(p, &name);
	free(p->scratch);
	p->scratch = frame;
	p->scratch_len = flen;
	p->scratch_cap = fcap;
	if (rc != HS_OK)
		return rc;
	uint32_t gi = p->h->goroutines.len ? (uint32_t)p->cur_goroutine : HS_HD_NONE;
	hs_hd_frame *f = hs_vec_push(&p->h->frames, 1);
	if (!f)
		return hs_fail(p->err, HS_E_NOMEM, NULL);
	*f = (hs_hd_frame){.sp = v[0], .depth = v[1], .entry = w[0], .pc = w[1], .func = name,
	                   .goroutine = gi};
	if (gi != HS_HD_NONE)
		HS_VEC_AT(&p->h->goroutines, hs_hd_goroutine, gi).nframes++;
	hs_hd_root r = {.kind = HS_HD_ROOT_FRAME, .frame = (uint32_t)p->h->frames.len - 1,
	                .goroutine = gi};
	return fields(p, &r, v[0]);
}

static hs_err rec_params(parser *p)
{
	uint64_t v[4], ncpu;
	hs_err rc = varints(p, v, 4);
	if (rc == HS_OK)
		rc = string(p, &p->h->arch);
	if (rc == HS_OK)
		rc = string(p, &p->h->go_version);
	if (rc == HS_OK)
		rc = varint(p, &ncpu);
	if (rc != HS_OK)
		return rc;
	if (v[1] != 4 && v[1] != 8)
		return hs_fail_at(p->err, HS_E_CORRUPT, p->rec_off, "pointer size %llu is neither 4 nor 8",
		                  (unsigned long long)v[1]);
	if (p->addr.len || p->h->roots.len)
		return hs_fail_at(p->err, HS_E_CORRUPT, p->rec_off, "params record after objects or roots");
	p->h->big_endian = v[0] != 0;
	p->h->ptr_size = v[1];
	p->h->arena_start = v[2];
	p->h->arena_end = v[3];
	p->h->ncpu = ncpu;
	p->have_params = true;
	return HS_OK;
}

static hs_err rec_finalizer(parser *p, bool queued)
{
	uint64_t v[5];
	hs_err rc = varints(p, v, 5);
	if (rc != HS_OK)
		return rc;
	hs_hd_root r = {.kind = queued ? HS_HD_ROOT_QUEUED : HS_HD_ROOT_FINALIZER,
	                .frame = HS_HD_NONE, .goroutine = HS_HD_NONE, .where = v[0], .ptr = v[0],
	                .referents_only = !queued};
	if ((rc = push_root(p, r)) != HS_OK)
		return rc;
	r.referents_only = false;
	r.ptr = v[1];    /* the funcval, a closure perhaps */
	return push_root(p, r);
}

static hs_err rec_memprof(parser *p)
{
	uint64_t v[3], w[2];
	hs_err rc = varints(p, v, 3);
	if (rc != HS_OK)
		return rc;
	size_t first = p->h->site_frames.len;
	/* nstk is the dump's claim: read frames one by one, never reserve. */
	for (uint64_t i = 0; i < v[2]; i++) {
		hs_hd_site_frame f;
		if ((rc = string(p, &f.func)) != HS_OK || (rc = string(p, &f.file)) != HS_OK ||
		    (rc = varint(p, &f.line)) != HS_OK)
			return rc;
		hs_hd_site_frame *d = hs_vec_push(&p->h->site_frames, 1);
		if (!d)
			return hs_fail(p->err, HS_E_NOMEM, NULL);
		*d = f;
	}
	if ((rc = varints(p, w, 2)) != HS_OK)
		return rc;
	hs_hd_bucket *b = hs_vec_push(&p->h->buckets, 1);
	if (!b)
		return hs_fail(p->err, HS_E_NOMEM, NULL);
	*b = (hs_hd_bucket){.id = v[0], .size = v[1], .allocs = w[0], .frees = w[1],
	                    .first = (uint32_t)first, .nframes = (uint32_t)(p->h->site_frames.len - first)};
	return HS_OK;
}

static hs_err record(parser *p)
{
	uint64_t v[8];
	const char *str;
	hs_err rc;
	hs_heapdump *h = p->h;
	switch (p->tag) {
	case TAG_OBJECT:
		return rec_object(p);
	case TAG_OTHER_ROOT: {
		if ((rc = string(p, &str)) != HS_OK || (rc = varint(p, &v[0])) != HS_OK)
			return rc;
		hs_hd_root r = {.kind = HS_HD_ROOT_OTHER, .frame = HS_HD_NONE,
		                .goroutine = HS_HD_NONE, .ptr = v[0], .desc = str};
		return push_root(p, r);
	}
	case TAG_TYPE:
		h->ntypes++;
		if ((rc = varints(p, v, 2)) != HS_OK || (rc = string(p, &str)) != HS_OK)
			return rc;
		return varint(p, &v[2]);
	case TAG_GOROUTINE:
		return rec_goroutine(p);
	case TAG_FRAME:
		return rec_frame(p);
	case TAG_PARAMS:
		return rec_params(p);
	case TAG_FINALIZER:
	case TAG_QUEUED_FINALIZER:
		return rec_finalizer(p, p->tag == TAG_QUEUED_FINALIZER);
	case TAG_ITAB:
		h->nitabs++;
		return varints(p, v, 2);
	case TAG_OSTHREAD:
		h->nthreads++;
		return varints(p, v, 3);
	case TAG_MEMSTATS:
		h->has_memstats = true;
		return varints(p, h->memstats, sizeof h->memstats / sizeof h->memstats[0]);
	case TAG_DATA:
		return rec_segment(p, &h->data, HS_HD_ROOT_DATA);
	case TAG_BSS:
		return rec_segment(p, &h->bss, HS_HD_ROOT_BSS);
	case TAG_DEFER:
	case TAG_PANIC: {
		bool d = p->tag == TAG_DEFER;
		if ((rc = varints(p, v, d ? 7 : 6)) != HS_OK)
			return rc;
		/* defer: its fn closure; panic: the value's data word */
		hs_hd_root r = {.kind = HS_HD_ROOT_GOROUTINE, .frame = HS_HD_NONE,
		                .goroutine = h->goroutines.len ? (uint32_t)p->cur_goroutine : HS_HD_NONE,
		                .ptr = d ? v[4] : v[3]};
		if (r.goroutine == HS_HD_NONE)
			return HS_OK;
		if ((rc = push_root(p, r)) != HS_OK)
			return rc;
		r.ptr = v[0];
		return push_root(p, r);
	}
	case TAG_MEMPROF:
		return rec_memprof(p);
	case TAG_ALLOC_SAMPLE: {
		if ((rc = varints(p, v, 2)) != HS_OK)
			return rc;
		uint64_t *s = hs_vec_push(&p->samples, 2);
		if (!s)
			return hs_fail(p->err, HS_E_NOMEM, NULL);
		s[0] = v[0];
		s[1] = v[1];
		h->nalloc_samples++;
		return HS_OK;
	}
	}
	return hs_fail_at(p->err, HS_E_CORRUPT, p->rec_off, "unknown record tag %d", p->tag);
}

hs_err hs_heapdump_finish(hs_heapdump *h, hs_vec *addr, hs_vec *size, hs_vec *estart,
                          hs_vec *raw_edges, hs_vec *samples, hs_error *err);

static hs_err parse(hs_heapdump *h, hd_stream *s, hs_error *err)
{
	parser p = {.h = h, .s = s, .err = err};
	hs_vec_init(&p.addr, sizeof(uint64_t));
	hs_vec_init(&p.size, sizeof(uint32_t));
	hs_vec_init(&p.estart, sizeof(uint32_t));
	hs_vec_init(&p.raw_edges, sizeof(uint64_t));
	hs_vec_init(&p.samples, sizeof(uint64_t));
	h->ptr_size = 8;
	hs_err rc = HS_OK;
	size_t got = hd_stream_fill(s, HEADER_LEN);
	if (got < HEADER_LEN || memcmp(s->buf + s->pos, header, HEADER_LEN) != 0) {
		if (s->rc != HS_OK)
			rc = hs_fail_at(err, s->rc, 0, "%s", s->msg);
		else if (got == 0)
			rc = hs_fail_at(err, HS_E_EMPTY, 0, "empty file, no heap dump");
		else if (hs_core_detect(s->buf + s->pos, got))
			rc = hs_fail_at(err, HS_E_FORMAT, 0, "%s", HS_CORE_HEAP_NOT_READ);
		else
			rc = hs_fail_at(err, HS_E_FORMAT, 0, "not a Go heap dump (no 'go1.7 heap dump' header)");
		goto out;
	}
	s->pos += HEADER_LEN;
	for (;;) {
		uint64_t tag;
		p.rec_off = hd_stream_offset(s);
		p.tag = 0;
		if (hd_stream_fill(s, 1) == 0) {
			if (s->rc != HS_OK)
				rc = cut(&p);
			else
				rc = hs_fail_at(err, HS_E_TRUNCATED, p.rec_off,
				                "heap dump is cut after %llu records (%zu objects): no end record",
				                (unsigned long long)h->nrecords, p.addr.len);
			break;
		}
		if ((rc = varint(&p, &tag)) != HS_OK)
			break;
		if (tag >= TAG_COUNT) {
			rc = hs_fail_at(err, HS_E_CORRUPT, p.rec_off, "unknown record tag %llu",
			                (unsigned long long)tag);
			break;
		}
		p.tag = (int)tag;
		if (tag == TAG_EOF)
			break;
		if ((rc = record(&p)) != HS_OK)
			break;
		h->nrecords++;
		/* One big object (a map's buckets, a long slice) would keep its
		 * bytes' worth of scratch for the rest of the load. */
		if (p.scratch_cap > SCRATCH_KEEP) {
			free(p.scratch);
			p.scratch = NULL;
			p.scratch_len = p.scratch_cap = 0;
		}
	}
	h->input_bytes = hd_stream_offset(s);
	h->compression = hd_stream_compression(s);
	if (rc == HS_OK)
		rc = hs_heapdump_finish(h, &p.addr, &p.size, &p.estart, &p.raw_edges, &p.samples, err);
out:
	free(p.scratch);
	hs_vec_release(&p.addr);
	hs_vec_release(&p.size);
	hs_vec_release(&p.estart);
	hs_vec_release(&p.raw_edges);
	hs_vec_release(&p.samples);
	if (rc != HS_OK && s->kind != HD_PLAIN && s->kind != HD_MEM && err->has_offset)
		err->after_gunzip = 1;
	return rc;
}

hs_err hs_heapdump_load(hs_heapdump *h, const char *path, hs_error *err)
{
	hd_stream s;
	hs_err rc = hd_stream_open(&s, path, err);
	if (rc == HS_OK)
		rc = parse(h, &s, err);
	hd_stream_close(&s);
	return rc;
}

hs_err hs_heapdump_load_buffer(hs_heapdump *h, const uint8_t *data, size_t n, uint64_t max_bytes,
                               hs_error *err)
{
	hd_stream s;
	hs_err rc = hd_stream_mem_any(&s, data, n, err);
	s.max = max_bytes;
	if (rc == HS_OK)
		rc = parse(h, &s, err);
	hd_stream_close(&s);
	return rc;
}

bool hs_heapdump_sniff_file(const char *path)
{
	hd_stream s;
	hs_error e;
	hs_error_clear(&e);
	bool yes = false;
	if (hd_stream_open(&s, path, &e) == HS_OK)
		yes = hd_stream_fill(&s, HEADER_LEN) >= HEADER_LEN && hs_heapdump_detect(s.buf + s.pos, HEADER_LEN);
	hd_stream_close(&s);
	return yes;
}
