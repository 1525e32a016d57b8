/* Loader for pprof's profile.proto (doc/format-pprof.md).
 *
 * A hand-written wire decoder rather than protobuf-c's unpack: it decodes
 * straight into the model (no per-message allocations, which for a
 * 100 MB profile would cost several times the input), and it knows the byte
 * offset of every field for error messages.  protobuf-c, compiled from the
 * project's own profile.proto, is the independent oracle in the tests and
 * the encoder for profiles heapscope writes. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "../core/hashmap.h"
#include "pbwire.h"

/* Ids are uint64 in profile.proto but the model keeps 32-bit references.
 * Nearly every producer numbers from 1, so ids below 2^31 are stored as
 * they are; larger ones (Julia uses addresses) get aliases from 2^31 up,
 * the same alias for every mention, so both ranges never collide. */
enum { K_MAPPING, K_FUNCTION, K_LOCATION, K_KINDS };
#define ALIAS_BASE (UINT32_C(1) << 31)

typedef struct alias_tab {
	bool on;
	hs_idmap map;
	uint32_t next;
} alias_tab;

/* A counts-only load (hs_profile.counts_only, for `info`): samples are
 * counted and their values summed as they stream by, nothing is kept of
 * them.  Whatever only the whole model can judge (an unknown location,
 * drop_frames' pruning, a sample type after the samples, any error) makes
 * the loader start again in full, so verdicts and messages stay its own. */
typedef struct counts {
	int64_t *total;        /* per sample type: |value| summed, as hs_profile_total */
	size_t ntotal;
	size_t nsamples;
	uint64_t entries;      /* stack entries, for the model's limit */
	uint64_t *seen;        /* bitmap: location ids the samples name */
	size_t nseen;          /* words */
	bool give_up;          /* only a full load can tell */
} counts;

typedef struct dec {
	hs_profile *p;
	counts *c;             /* NULL: a full load */
	hs_error *err;
	uint64_t max_str;      /* largest string index referenced ... */
	uint64_t max_str_off;  /* ... and where */
	size_t ntypes;
	int64_t default_type;  /* string index, or -1 */
	alias_tab alias[K_KINDS];
	bool fixed_types;      /* ntypes known up front (second pass) */
	bool late_types;       /* a sample_type came after a sample */
	uint64_t mismatch_off; /* first sample with a wrong value count ... */
	size_t mismatch_index, mismatch_nvals;   /* ... which and how many */
} dec;

static hs_err fail(dec *d, hs_err code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static hs_err fail(dec *d, hs_err code, uint64_t off, const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return hs_fail_at(d->err, code, off, "%s", buf);
}

static hs_err varint_fail(dec *d, pb_reader *r, int st, const char *what)
{
	if (st == 1)
		return fail(d, HS_E_TRUNCATED, pb_offset(r), "truncated varint (%s)", what);
	return fail(d, HS_E_CORRUPT, pb_offset(r), "varint longer than 10 bytes (%s)", what);
}

/* Read a tag; returns 0 ok, else error already recorded. */
static hs_err read_tag_slow(dec *d, pb_reader *r, uint32_t *field, int *wt, const char *ctx)
{
	uint64_t t;
	int st = pb_varint(r, &t);
	if (st)
		return varint_fail(d, r, st, ctx);
	*field = (uint32_t)(t >> 3);
	*wt = (int)(t & 7);
	if (t >> 3 > 0x1fffffff || *field == 0)
		return fail(d, HS_E_CORRUPT, pb_offset(r), "invalid field number %llu in %s",
		            (unsigned long long)(t >> 3), ctx);
	return HS_OK;
}

/* Length-delimited payload: a sub-reader over it. */
static hs_err read_len_slow(dec *d, pb_reader *r, pb_reader *sub, const char *ctx)
{
	uint64_t n;
	uint64_t at = pb_offset(r);
	int st = pb_varint(r, &n);
	if (st)
		return varint_fail(d, r, st, ctx);
	if (n > (uint64_t)(r->end - r->p))
		return fail(d, HS_E_TRUNCATED, at,
		            "%s claims %llu bytes but only %zu remain", ctx,
		            (unsigned long long)n, (size_t)(r->end - r->p));
	sub->base = r->base;
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return HS_OK;
}

/* Nearly every tag and length in a profile is one byte: those are read
 * here, inline, and anything else (longer, cut, invalid) by the general
 * readers above, which also own every error. */
static inline __attribute__((always_inline)) hs_err read_tag(dec *d, pb_reader *r,
                                                             uint32_t *field, int *wt,
                                                             const char *ctx)
{
	if (r->p < r->end && *r->p < 0x80 && *r->p >= 8) {
		*field = *r->p >> 3;
		*wt = *r->p & 7;
		r->p++;
		return HS_OK;
	}
	return read_tag_slow(d, r, field, wt, ctx);
}

static inline __attribute__((always_inline)) hs_err read_len(dec *d, pb_reader *r,
                                                             pb_reader *sub, const char *ctx)
{
	if (r->p < r->end && *r->p < 0x80 && *r->p < r->end - r->p) {
		size_t n = *r->p;
		sub->base = r->base;
		sub->p = r->p + 1;
		sub->end = sub->p + n;
		r->p = sub->end;
		return HS_OK;
	}
	return read_len_slow(d, r, sub, ctx);
}

static hs_err skip(dec *d, pb_reader *r, int wt, uint32_t field, const char *ctx)
{
	uint64_t v;
	pb_reader sub;
	switch (wt) {
	case PB_VARINT: {
		int st = pb_varint(r, &v);
		return st ? varint_fail(d, r, st, ctx) : HS_OK;
	}
	case PB_I64:
	case PB_I32: {
		size_t n = wt == PB_I64 ? 8 : 4;
		if ((size_t)(r->end - r->p) < n)
			return fail(d, HS_E_TRUNCATED, pb_offset(r), "truncated fixed field %u in %s",
			            field, ctx);
		r->p += n;
		return HS_OK;
	}
	case PB_LEN:
		return read_len(d, r, &sub, ctx);
	default:
		return fail(d, HS_E_CORRUPT, pb_offset(r),
		            "unsupported wire type %d for field %u in %s", wt, field, ctx);
	}
}

/* Scalar field: accept a varint (or fixed) encoding. */
static hs_err read_u64_slow(dec *d, pb_reader *r, int wt, uint32_t field, const char *ctx,
                            uint64_t *out)
{
	if (wt == PB_VARINT) {
		int st = pb_varint(r, out);
		return st ? varint_fail(d, r, st, ctx) : HS_OK;
	}
	if (wt == PB_I64 || wt == PB_I32) {
		size_t n = wt == PB_I64 ? 8 : 4;
		if ((size_t)(r->end - r->p) < n)
			return fail(d, HS_E_TRUNCATED, pb_offset(r), "truncated field %u in %s", field, ctx);
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v |= (uint64_t)r->p[i] << (8 * i);
		r->p += n;
		*out = v;
		return HS_OK;
	}
	return fail(d, HS_E_CORRUPT, pb_offset(r), "field %u of %s has wire type %d, want a number",
	            field, ctx, wt);
}

/* A one-byte varint inline; the rest as read_u64_slow. */
static inline __attribute__((always_inline)) hs_err read_u64(dec *d, pb_reader *r, int wt,
                                                             uint32_t field, const char *ctx,
                                                             uint64_t *out)
{
	if (wt == PB_VARINT && r->p < r->end && *r->p < 0x80) {
		*out = *r->p++;
		return HS_OK;
	}
	return read_u64_slow(d, r, wt, field, ctx, out);
}

static hs_str str_ref(dec *d, uint64_t v, uint64_t off)
{
	if (v > d->max_str || (v == d->max_str && d->max_str_off == 0)) {
		d->max_str = v;
		d->max_str_off = off;
	}
	return v >= HS_NONE ? HS_NONE - 1 : (hs_str)v;
}

static hs_err alias_id(dec *d, int kind, uint64_t v, uint64_t off, uint32_t *out);

/* A reference to a mapping, function or location id, as stored. */
static inline hs_err ref_id(dec *d, int kind, uint64_t v, uint64_t off, uint32_t *out)
{
	if (v < ALIAS_BASE) {
		*out = (uint32_t)v;
		return HS_OK;
	}
	return alias_id(d, kind, v, off, out);
}

static hs_err alias_id(dec *d, int kind, uint64_t v, uint64_t off, uint32_t *out)
{
	alias_tab *t = &d->alias[kind];
	if (!t->on) {
		if (!hs_idmap_init(&t->map, 1024))
			return fail(d, HS_E_NOMEM, off, "out of memory (id table)");
		t->on = true;
		t->next = ALIAS_BASE;
	}
	uint32_t a = hs_idmap_get(&t->map, v);
	if (a == UINT32_MAX) {
		a = t->next++;
		if (a >= HS_NONE - 1 || !hs_idmap_put(&t->map, v, a, NULL))
			return fail(d, HS_E_LIMIT, off, "too many distinct large ids");
	}
	*out = a;
	return HS_OK;
}

/* Iterate the fields of a message.  BODY sees field, wt, r. */
#define FOR_FIELDS(d, r, ctx, rc)                                           \
	for (uint32_t field; (r)->p < (r)->end;)                                \
		for (int wt, once_ = 1; once_; once_ = 0)                           \
			if (((rc) = read_tag((d), (r), &field, &wt, (ctx))) != HS_OK) { \
				return (rc);                                                \
			} else

static hs_err value_type(dec *d, pb_reader *r, hs_value_type *vt, const char *ctx)
{
	hs_err rc;
	FOR_FIELDS(d, r, ctx, rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field == 1 || field == 2) {
			if ((rc = read_u64(d, r, wt, field, ctx, &v)))
				return rc;
			hs_str s = str_ref(d, v, at);
			if (field == 1)
				vt->type = s;
			else
				vt->unit = s;
		} else if ((rc = skip(d, r, wt, field, ctx))) {
			return rc;
		}
	}
	return HS_OK;
}

static hs_err label(dec *d, pb_reader *r)
{
	hs_label l = {0};
	hs_err rc;
	FOR_FIELDS(d, r, "label", rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field >= 1 && field <= 4) {
			if ((rc = read_u64(d, r, wt, field, "label", &v)))
				return rc;
			switch (field) {
			case 1: l.key = str_ref(d, v, at); break;
			case 2: l.str = str_ref(d, v, at); break;
			case 3: l.num = (int64_t)v; break;
			case 4: l.num_unit = str_ref(d, v, at); break;
			}
		} else if ((rc = skip(d, r, wt, field, "label"))) {
			return rc;
		}
	}
	if (d->c)
		return HS_OK;
	return hs_profile_push_label(d->p, &l) ? fail(d, HS_E_NOMEM, pb_offset(r), "out of memory")
	                                       : HS_OK;
}

/* Counts only: note that a sample names location `id`.  The bitmap may
 * grow to the ids' range while that stays small beside what was read;
 * sparse or large ids are left to a full load. */
static void count_location(counts *c, uint64_t id)
{
	size_t w = (size_t)(id >> 6);
	c->entries++;
	if (id >= ALIAS_BASE) {
		c->give_up = true;
		return;
	}
	if (w >= c->nseen) {
		size_t n = w + 1 > 2 * c->nseen ? w + 1 : 2 * c->nseen;
		uint64_t *nb = n <= ((size_t)1 << 17) + c->entries ? realloc(c->seen, n * 8) : NULL;
		if (!nb) {
			c->give_up = true;
			return;
		}
		memset(nb + c->nseen, 0, (n - c->nseen) * 8);
		c->seen = nb;
		c->nseen = n;
	}
	c->seen[w] |= UINT64_C(1) << (id & 63);
}

/* Counts only: the sums start with the first sample (a sample type
 * after it makes a full load). */
static int64_t *count_values(dec *d)
{
	counts *c = d->c;
	if (!c->total && d->ntypes) {
		c->total = calloc(d->ntypes, sizeof *c->total);
		c->ntotal = c->total ? d->ntypes : 0;
		c->give_up |= !c->total;
	}
	c->nsamples++;
	return c->total;
}

/* A varint of one to three bytes at q (below 2^21, so never an alias):
 * its length, 0 for anything else (longer, or cut by end), which the
 * general loop then reads and judges. */
static inline size_t short_varint(const uint8_t *q, const uint8_t *end, uint32_t *v)
{
	uint32_t b0 = q[0];
	if (b0 < 0x80) {
		*v = b0;
		return 1;
	}
	if (end - q >= 2 && q[1] < 0x80) {
		*v = (b0 & 0x7f) | (uint32_t)q[1] << 7;
		return 2;
	}
	if (end - q >= 3 && q[1] >= 0x80 && q[2] < 0x80) {
		*v = (b0 & 0x7f) | (uint32_t)(q[1] & 0x7f) << 7 | (uint32_t)q[2] << 14;
		return 3;
	}
	return 0;
}

/* A full load's packed location ids, the bulk of a profile: short ones go
 * straight into the stack, room for them reserved once (an id takes a
 * byte at least).  Stops at the first id it does not take, leaving it to
 * the general loop, which also owns every error. */
static void packed_locations(hs_profile *p, pb_reader *src)
{
	hs_vec *st = &p->stack;
	size_t most = (size_t)(src->end - src->p), k;
	if (st->len + most >= (size_t)UINT32_MAX - 2 || !hs_vec_reserve(st, most))
		return;
	uint32_t *out = (uint32_t *)st->data + st->len, *first = out;
	const uint8_t *q = src->p, *end = src->end;
	while (q < end && (k = short_varint(q, end, out)) != 0) {
		out++;
		q += k;
	}
	st->len += (size_t)(out - first);
	src->p = q;
}

/* The same for a counts-only load: short ids whose word the bitmap
 * already has are noted here, the rest by count_location. */
static void packed_count(counts *c, pb_reader *src)
{
	const uint8_t *q = src->p, *end = src->end;
	uint32_t v;
	size_t k;
	while (q < end && (k = short_varint(q, end, &v)) != 0 && (size_t)(v >> 6) < c->nseen) {
		c->entries++;
		c->seen[v >> 6] |= UINT64_C(1) << (v & 63);
		q += k;
	}
	src->p = q;
}

static hs_err sample(dec *d, pb_reader *r, size_t index)
{
	uint64_t start = pb_offset(r);
	int64_t *vals = d->c ? count_values(d) : hs_profile_begin_sample_n(d->p, d->ntypes);
	size_t nvals = 0;
	hs_err rc;
	if (!vals && !d->c)
		return fail(d, HS_E_NOMEM, start, "out of memory");
	FOR_FIELDS(d, r, "sample", rc)
	{
		if (field == 1 || field == 2) {
			pb_reader packed, *src = r;
			if (wt == PB_LEN) {
				if ((rc = read_len(d, r, &packed, "sample")))
					return rc;
				src = &packed;
				if (field == 1 && !d->c)
					packed_locations(d->p, src);
				else if (field == 1)
					packed_count(d->c, src);
			} else if (wt != PB_VARINT) {
				return fail(d, HS_E_CORRUPT, pb_offset(r),
				            "sample field %u has wire type %d", field, wt);
			}
			for (int first = 1; src == r ? first : src->p < src->end; first = 0) {
				uint64_t at = pb_offset(src), v;
				int st = pb_varint(src, &v);
				if (st)
					return varint_fail(d, src, st, field == 1 ? "location id" : "sample value");
				if (field == 1 && d->c) {
					count_location(d->c, v);
				} else if (field == 1) {
					uint32_t id = 0;
					if ((rc = ref_id(d, K_LOCATION, v, at, &id)))
						return rc;
					if (hs_profile_push_location(d->p, id))
						return fail(d, HS_E_LIMIT, at, "too many stack entries");
				} else {
					if (nvals < d->ntypes && !d->c)
						vals[nvals] = (int64_t)v;
					else if (d->c && nvals < d->c->ntotal)
						vals[nvals] = hs_add(vals[nvals], hs_abs((int64_t)v));
					nvals++;
				}
			}
		} else if (field == 3 && wt == PB_LEN) {
			pb_reader sub;
			if ((rc = read_len(d, r, &sub, "sample label")) || (rc = label(d, &sub)))
				return rc;
		} else if ((rc = skip(d, r, wt, field, "sample"))) {
			return rc;
		}
	}
	if (nvals != d->ntypes && !d->mismatch_index) {
		/* Reported at the end: a sample_type may still follow (then the
		 * whole profile is decoded again with the final count). */
		d->mismatch_off = start;
		d->mismatch_index = index;
		d->mismatch_nvals = nvals;
	}
	if (!d->c && hs_profile_end_sample_later(d->p))
		return fail(d, HS_E_NOMEM, start, "out of memory");
	return HS_OK;
}

static hs_err mapping(dec *d, pb_reader *r)
{
	hs_mapping *m = hs_vec_push(&d->p->mappings, 1);
	hs_err rc;
	if (!m)
		return fail(d, HS_E_NOMEM, pb_offset(r), "out of memory");
	FOR_FIELDS(d, r, "mapping", rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field >= 1 && field <= 10) {
			if ((rc = read_u64(d, r, wt, field, "mapping", &v)))
				return rc;
			switch (field) {
			case 1: m->id = v; break;
			case 2: m->start = v; break;
			case 3: m->limit = v; break;
			case 4: m->offset = v; break;
			case 5: m->file = str_ref(d, v, at); break;
			case 6: m->build_id = str_ref(d, v, at); break;
			case 7: m->has_functions = v != 0; break;
			case 8: m->has_filenames = v != 0; break;
			case 9: m->has_line_numbers = v != 0; break;
			case 10: m->has_inline_frames = v != 0; break;
			}
		} else if ((rc = skip(d, r, wt, field, "mapping"))) {
			return rc;
		}
	}
	return HS_OK;
}

static hs_err line(dec *d, pb_reader *r, hs_location *loc)
{
	hs_line *ln = hs_vec_push(&d->p->lines, 1);
	hs_err rc;
	if (!ln)
		return fail(d, HS_E_NOMEM, pb_offset(r), "out of memory");
	loc->nlines++;
	FOR_FIELDS(d, r, "line", rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field == 1 || field == 2) {
			if ((rc = read_u64(d, r, wt, field, "line", &v)))
				return rc;
			if (field == 1 && (rc = ref_id(d, K_FUNCTION, v, at, &ln->function)))
				return rc;
			if (field == 2)
				ln->line = (int64_t)v;
		} else if ((rc = skip(d, r, wt, field, "line"))) {
			return rc;
		}
	}
	return HS_OK;
}

static hs_err location(dec *d, pb_reader *r)
{
	hs_location *l = hs_vec_push(&d->p->locations, 1);
	hs_err rc;
	if (!l)
		return fail(d, HS_E_NOMEM, pb_offset(r), "out of memory");
	size_t li = d->p->locations.len - 1;
	l->line_start = (uint32_t)d->p->lines.len;
	FOR_FIELDS(d, r, "location", rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field == 4 && wt == PB_LEN) {
			pb_reader sub;
			if (d->p->lines.len >= HS_NONE - 1)
				return fail(d, HS_E_LIMIT, at, "too many lines");
			if ((rc = read_len(d, r, &sub, "location line")) ||
			    (rc = line(d, &sub, hs_location_at(d->p, (uint32_t)li))))
				return rc;
		} else if (field == 1 || field == 2 || field == 3 || field == 5) {
			l = hs_location_at(d->p, (uint32_t)li);
			if ((rc = read_u64(d, r, wt, field, "location", &v)))
				return rc;
			switch (field) {
			case 1: l->id = v; break;
			case 2:
				if ((rc = ref_id(d, K_MAPPING, v, at, &l->mapping)))
					return rc;
				break;
			case 3: l->address = v; break;
			case 5: l->is_folded = v != 0; break;
			}
		} else if ((rc = skip(d, r, wt, field, "location"))) {
			return rc;
		}
	}
	return HS_OK;
}

static hs_err function(dec *d, pb_reader *r)
{
	hs_function *f = hs_vec_push(&d->p->functions, 1);
	hs_err rc;
	if (!f)
		return fail(d, HS_E_NOMEM, pb_offset(r), "out of memory");
	FOR_FIELDS(d, r, "function", rc)
	{
		uint64_t at = pb_offset(r), v;
		if (field >= 1 && field <= 5) {
			if ((rc = read_u64(d, r, wt, field, "function", &v)))
				return rc;
			switch (field) {
			case 1: f->id = v; break;
			case 2: f->name = str_ref(d, v, at); break;
			case 3: f->system_name = str_ref(d, v, at); break;
			case 4: f->filename = str_ref(d, v, at); break;
			case 5: f->start_line = (int64_t)v; break;
			}
		} else if ((rc = skip(d, r, wt, field, "function"))) {
			return rc;
		}
	}
	return HS_OK;
}

/* Repeated int64 string references (comment), packed or not. */
static hs_err comments(dec *d, pb_reader *r, int wt)
{
	pb_reader packed, *src = r;
	hs_err rc;
	if (wt == PB_LEN) {
		if ((rc = read_len(d, r, &packed, "comment")))
			return rc;
		src = &packed;
	} else if (wt != PB_VARINT) {
		return fail(d, HS_E_CORRUPT, pb_offset(r), "comment has wire type %d", wt);
	}
	for (int first = 1; src == r ? first : src->p < src->end; first = 0) {
		uint64_t at = pb_offset(src), v;
		int st = pb_varint(src, &v);
		if (st)
			return varint_fail(d, src, st, "comment");
		hs_str *c = hs_vec_push(&d->p->comments, 1);
		if (!c)
			return fail(d, HS_E_NOMEM, at, "out of memory");
		*c = str_ref(d, v, at);
	}
	return HS_OK;
}

/* Move definitions into alias space (to_alias) or back to their real ids,
 * around hs_profile_finish. */
static hs_err swap_ids(dec *d, hs_vec *saved, bool to_alias)
{
	hs_profile *p = d->p;
	hs_vec *tabs[K_KINDS] = {&p->mappings, &p->functions, &p->locations};
	size_t offs[K_KINDS] = {offsetof(hs_mapping, id), offsetof(hs_function, id),
	                        offsetof(hs_location, id)};
	for (int k = 0; k < K_KINDS; k++) {
		hs_vec *v = tabs[k];
		for (size_t i = 0; i < v->len; i++) {
			uint64_t *id = (uint64_t *)((char *)v->data + i * v->elem + offs[k]);
			if (to_alias) {
				if (*id < ALIAS_BASE && !d->alias[k].on)
					continue;
				uint64_t *keep = hs_vec_push(&saved[k], 1);
				uint32_t a;
				if (!keep || ref_id(d, k, *id, 0, &a))
					return fail(d, HS_E_NOMEM, 0, "out of memory");
				*keep = *id;
				*id = a;
			} else if (saved[k].len) {
				*id = HS_VEC_AT(&saved[k], uint64_t, i);
			}
		}
	}
	return HS_OK;
}

/* For the second pass: the number of sample types, counted first. */
static size_t count_types(const uint8_t *data, size_t n)
{
	pb_reader r = {data, data, data + n};
	size_t count = 0;
	while (r.p < r.end) {
		uint64_t t, v;
		if (pb_varint(&r, &t))
			break;
		int wt = (int)(t & 7);
		if (wt == PB_LEN) {
			if (pb_varint(&r, &v) || v > (uint64_t)(r.end - r.p))
				break;
			r.p += v;
			count += (t >> 3) == 1;
		} else if (wt == PB_VARINT) {
			if (pb_varint(&r, &v))
				break;
		} else if ((wt == PB_I64 || wt == PB_I32) && (size_t)(r.end - r.p) >= (wt == PB_I64 ? 8u : 4u)) {
			r.p += wt == PB_I64 ? 8 : 4;
		} else {
			break;
		}
	}
	return count;
}

/* Strings are kept byte for byte, except NUL, which C strings cannot carry:
 * it becomes '?' (documented in doc/format-pprof.md). */
static hs_err add_string(dec *d, const uint8_t *s, size_t n, uint64_t at)
{
	hs_str i;
	if (!memchr(s, 0, n)) {
		i = hs_profile_add_string(d->p, (const char *)s, n);
	} else {
		char *tmp = malloc(n);
		if (!tmp)
			return fail(d, HS_E_NOMEM, at, "out of memory");
		for (size_t k = 0; k < n; k++)
			tmp[k] = s[k] ? (char)s[k] : '?';
		i = hs_profile_add_string(d->p, tmp, n);
		free(tmp);
	}
	return i == HS_NONE ? fail(d, HS_E_LIMIT, at, "string table too large") : HS_OK;
}

static hs_err top_field(dec *d, pb_reader *r, uint32_t field, int wt, size_t *nsample)
{
	hs_profile *p = d->p;
	pb_reader sub;
	uint64_t at = pb_offset(r), v;
	hs_err rc;
	switch (field) {
	case 1: case 2: case 3: case 4: case 5: case 11:
		if (wt != PB_LEN)
			break;
		if ((rc = read_len(d, r, &sub, "profile field")))
			return rc;
		switch (field) {
		case 1: {
			if (*nsample && !d->fixed_types) {
				d->late_types = true;
				return HS_OK;
			}
			hs_value_type *vt = hs_vec_push(&p->sample_types, 1);
			if (!d->fixed_types)
				d->ntypes = p->sample_types.len;
			return vt ? value_type(d, &sub, vt, "sample_type") : fail(d, HS_E_NOMEM, at, "oom");
		}
		case 2: return sample(d, &sub, ++*nsample);
		case 3: return mapping(d, &sub);
		case 4: return location(d, &sub);
		case 5: return function(d, &sub);
		default: return value_type(d, &sub, &p->period_type, "period_type");
		}
	case 6:
		if (wt != PB_LEN)
			break;
		if ((rc = read_len(d, r, &sub, "string")))
			return rc;
		return add_string(d, sub.p, (size_t)(sub.end - sub.p), at);
	case 13:
		return comments(d, r, wt);
	case 7: case 8: case 9: case 10: case 12: case 14:
		if ((rc = read_u64(d, r, wt, field, "profile", &v)))
			return rc;
		switch (field) {
		case 7: p->drop_frames = str_ref(d, v, at); break;
		case 8: p->keep_frames = str_ref(d, v, at); break;
		case 9: p->time_nanos = (int64_t)v; break;
		case 10: p->duration_nanos = (int64_t)v; break;
		case 12: p->period = (int64_t)v; break;
		case 14: d->default_type = (int64_t)str_ref(d, v, at); break;
		}
		return HS_OK;
	}
	return skip(d, r, wt, field, "profile");
}

/* The first field decides whether this is a profile at all: random
 * binary data rarely starts with a well-typed one. */
static hs_err check_first(dec *d, uint32_t field, int wt)
{
	static const signed char want[15] = {-1, PB_LEN, PB_LEN, PB_LEN, PB_LEN, PB_LEN,
	                                     PB_LEN, 0, 0, 0, 0, PB_LEN, 0, -2, 0};
	if (field > 14)
		return fail(d, HS_E_FORMAT, 0, "not a pprof profile (first field number %u)", field);
	if (want[field] >= 0 && want[field] != wt)
		return fail(d, HS_E_FORMAT, 0, "not a pprof profile (field %u has wire type %d)",
		            field, wt);
	return HS_OK;
}

/* Decoded bytes are given back in steps of this (the model holds copies
 * of what it keeps: strings in its arena, numbers in its tables). */
#define DROP_STEP ((size_t)1 << 20)

/* Top-level fields, one at a time, waiting for the inflater as needed and
 * giving back what is read. */
static hs_err stream_fields(dec *d, hs_input *in)
{
	const uint8_t *data = in->data;
	size_t pos = 0, nsample = 0, kept = 0;
	hs_err rc;
	for (bool first = true;; first = false) {
		size_t avail = hs_input_wait(in, pos + 32);
		if (pos >= avail)
			return HS_OK;
		pb_reader r = {data, data + pos, data + avail};
		uint32_t field;
		int wt;
		if ((rc = read_tag(d, &r, &field, &wt, "profile")) ||
		    (first && (rc = check_first(d, field, wt))))
			return rc;
		if (wt == PB_LEN) {
			pb_reader peek = r;
			uint64_t len;
			if (!pb_varint(&peek, &len) && len < SIZE_MAX - (size_t)(peek.p - data))
				r.end = data + hs_input_wait(in, (size_t)(peek.p - data) + (size_t)len);
		}
		if ((rc = top_field(d, &r, field, wt, &nsample)))
			return rc;
		if (d->late_types)
			return HS_OK;
		pos = (size_t)(r.p - data);
		if (pos - kept >= DROP_STEP) {
			hs_input_drop(in, pos);
			kept = pos;
		}
	}
}

static hs_err finish(dec *d, size_t n)
{
	hs_profile *p = d->p;
	hs_error *err = d->err;
	if (n == 0)
		return hs_fail_at(err, HS_E_EMPTY, 0, "empty profile (no bytes)");
	if (d->mismatch_index)
		return fail(d, HS_E_INVALID, d->mismatch_off,
		            "sample %zu has %zu values but the profile has %zu sample types",
		            d->mismatch_index, d->mismatch_nvals, d->ntypes);
	if (p->strings.len == 0)
		return hs_fail_at(err, HS_E_INVALID, n, "profile has no string table");
	if (d->max_str >= p->strings.len)
		return fail(d, HS_E_RANGE, d->max_str_off,
		            "string index %llu out of range (the string table has %zu entries)",
		            (unsigned long long)d->max_str, p->strings.len);
	if (hs_s(p, 0)[0] != '\0')
		return hs_fail_at(err, HS_E_INVALID, 0, "string table entry 0 is not empty");
	if (d->default_type > 0) {
		const char *want = hs_s(p, (hs_str)d->default_type);
		/* The first type of that name, as pprof's SampleIndexByName. */
		for (size_t i = p->sample_types.len; i-- > 0;)
			if (strcmp(hs_s(p, hs_sample_type(p, i)->type), want) == 0)
				p->default_sample_type = (int)i;
	}
	p->format = HS_FMT_PPROF;
	hs_vec saved[K_KINDS];
	for (int k = 0; k < K_KINDS; k++)
		hs_vec_init(&saved[k], sizeof(uint64_t));
	hs_err rc = swap_ids(d, saved, true);
	if (rc == HS_OK)
		rc = hs_profile_finish(p, err);
	if (rc == HS_OK)
		rc = swap_ids(d, saved, false);
	for (int k = 0; k < K_KINDS; k++)
		hs_vec_release(&saved[k]);
	return rc;
}

/* Where the n-th sample mentions location id `id` (as stored: aliases of
 * large ids are not mapped back), for an error message; 0 if not found. */
static uint64_t locate_sample_ref(const uint8_t *data, size_t len, size_t nth, uint32_t id)
{
	pb_reader r = {data, data, data + len};
	size_t seen = 0;
	while (r.p < r.end) {
		uint64_t t = 0, v;
		if (pb_varint(&r, &t) || (t & 7) != PB_LEN || pb_varint(&r, &v) ||
		    v > (uint64_t)(r.end - r.p)) {
			if ((t & 7) == PB_VARINT && !pb_varint(&r, &v))
				continue;
			return 0;
		}
		pb_reader m = {data, r.p, r.p + v};
		r.p += v;
		if (t >> 3 != 2 || ++seen != nth)
			continue;
		while (m.p < m.end) {
			uint64_t mt, x;
			if (pb_varint(&m, &mt))
				return 0;
			pb_reader ids = m, *src = &m;
			if ((mt & 7) == PB_LEN) {
				if (pb_varint(&m, &x) || x > (uint64_t)(m.end - m.p))
					return 0;
				ids = (pb_reader){data, m.p, m.p + x};
				m.p += x;
				src = &ids;
			}
			do {
				uint64_t at = pb_offset(src);
				if (pb_varint(src, &x))
					return 0;
				if (mt >> 3 == 1 && x == id)
					return at;
			} while (src == &ids && ids.p < ids.end);
		}
		return 0;
	}
	return 0;
}

static void dec_release(dec *d)
{
	for (int k = 0; k < K_KINDS; k++)
		if (d->alias[k].on)
			hs_idmap_release(&d->alias[k].map);
}

/* Counts only, after a load without errors: do the counts stand for what
 * the full model would hold?  Then they become the profile's. */
static bool counts_hold(hs_profile *p, counts *c)
{
	if (c->give_up || (c->nsamples && hs_ntypes(p) == 0) || c->entries >= UINT32_MAX - 2 ||
	    (p->drop_frames && *hs_s(p, p->drop_frames)))
		return false;
	/* every location id a sample names is defined */
	for (size_t i = 0; i < p->locations.len; i++) {
		uint64_t id = hs_location_at(p, (uint32_t)i)->id;
		if (id < ALIAS_BASE && (size_t)(id >> 6) < c->nseen)
			c->seen[id >> 6] &= ~(UINT64_C(1) << (id & 63));
	}
	for (size_t w = 0; w < c->nseen; w++)
		if (c->seen[w])
			return false;
	p->nsamples = c->nsamples;
	p->counted_totals = c->total;
	c->total = NULL;
	return true;
}

static hs_err decode(hs_profile *p, hs_input *in, counts *c, hs_error *err)
{
	dec d = {.p = p, .c = c, .err = err, .default_type = -1};
	hs_err rc = stream_fields(&d, in);
	if (rc == HS_OK && d.late_types && c) {
		c->give_up = true;
	} else if (rc == HS_OK && d.late_types) {
		/* Rare order: sample types after samples.  Start again knowing
		 * how many there are. */
		dec_release(&d);
		hs_profile_release(p);
		hs_input_rewind(in);
		size_t n = hs_input_wait(in, SIZE_MAX);
		d = (dec){.p = p, .err = err, .default_type = -1, .fixed_types = true,
		          .ntypes = count_types(in->data, n)};
		rc = stream_fields(&d, in);
	}
	/* A broken gzip stream explains a broken protobuf better. */
	hs_input_wait(in, SIZE_MAX);
	if (c && (rc != HS_OK || c->give_up)) {
		rc = HS_E_INVALID;   /* the full load says what */
	} else if (hs_input_error(in, NULL) != HS_OK) {
		hs_error_clear(err);
		rc = hs_input_error(in, err);
	} else if (rc == HS_OK) {
		rc = finish(&d, in->len);
		if (c && (rc != HS_OK || !counts_hold(p, c)))
			rc = HS_E_INVALID;
		else if (rc == HS_E_INVALID && p->bad_sample && !err->has_offset) {
			hs_input_rewind(in);
			hs_input_wait(in, SIZE_MAX);
			uint64_t at = locate_sample_ref(in->data, in->len, p->bad_sample, p->bad_location);
			err->has_offset = at != 0;
			err->offset = at;
		}
	}
	dec_release(&d);
	return rc;
}

hs_err hs_pprof_decode_input(hs_profile *p, hs_input *in, hs_error *err)
{
	if (!p->counts_only)
		return decode(p, in, NULL, err);
	counts c = {0};
	hs_err rc = decode(p, in, &c, err);
	free(c.total);
	free(c.seen);
	if (rc == HS_OK)
		return HS_OK;
	/* Not for counting alone: the whole model, which judges it. */
	hs_profile keep = *p;
	hs_profile_release(p);
	p->text_by_address = keep.text_by_address;
	p->exe_path = keep.exe_path;
	hs_error_clear(err);
	hs_input_rewind(in);
	return decode(p, in, NULL, err);
}

hs_err hs_pprof_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err)
{
	hs_input in = {.data = (uint8_t *)data, .len = n, .complete = true};
	return hs_pprof_decode_input(p, &in, err);
}
