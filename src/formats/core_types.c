/* Go types of a core's heap objects, after the heap walk (core_heap.c):
 * propagated from the typed roots through the typed pointers of each
 * typed object, as golang/debug's gocore and cloudwego/goref do.
 *
 * The roots are the executable's globals in data and bss (DWARF
 * DW_TAG_variable: an address and a type).  A value of a type is read
 * from the core by the type's DWARF shape:
 *   - *T: the object it points to is a T;
 *   - []T: the backing array is cap elements of T, named "[]T (cap)";
 *   - string: its bytes are "string (len)";
 *   - interfaces (runtime.eface, runtime.iface): the dynamic type is the
 *     runtime type the first word points to (an iface's through its
 *     itab._type, Go 1.22+ internal/abi.ITab.Type; runtime._type is
 *     internal/abi.Type from Go 1.21), mapped to its DWARF type by
 *     DW_AT_go_runtime_type; the data word is the value itself when the
 *     type is pointer-shaped (kindDirectIface), else it points to the value;
 *   - maps: hash<K,V> (the linker's DWARF for map[K]V's header) keeps
 *     1<<B buckets (bucket<K,V>, keys, values, overflow) at buckets and
 *     1<<(B-1) at oldbuckets;
 *   - channels: hchan<T> keeps dataqsiz elements of T at buf (T from its
 *     recvq's sudog<T>.elem);
 *   - structs and arrays: their members and elements.
 * An object is typed once, the first time a pointer to its start reaches
 * it and its type fits in it (Go 1.22+: or to just after its allocation
 * header); interior pointers type nothing.  An object with a finalizer
 * is a T, *T the type SetFinalizer was given (its special's ot).  Objects
 * reached only from goroutine stacks or through closures, unsafe.Pointer
 * and uintptr stay untyped.  Types only name objects:
 * reachability and retained sizes still come from the heap bits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "heapscope/heapdump.h"
#include "../core/hashmap.h"

enum { K_SLICE = 23, K_STRING = 24 };
enum { TAG_ARRAY = 0x01, TAG_POINTER = 0x0f, TAG_STRUCT = 0x13, TAG_SUBROUTINE = 0x15 };
/* Nesting of structs and arrays in one value read at most. */
#define MAX_DEPTH 64
/* A map of more than 2^40 buckets is garbage. */
#define MAX_B 40

typedef enum shape_kind {
	S_NONE, S_PTR, S_SLICE, S_STRING, S_EFACE, S_IFACE, S_STRUCT, S_ARRAY, S_HASH, S_CHAN
} shape_kind;

/* What a value of a DWARF type holds that leads to heap objects. */
typedef struct shape {
	uint8_t kind;
	uint32_t elem;           /* PTR target, SLICE/ARRAY/CHAN element, HASH bucket */
	uint64_t esize, count;   /* element size; ARRAY: elements */
	uint32_t first, n;       /* STRUCT, HASH: fields with pointers */
	uint64_t o1, o2, o3;     /* HASH: B, buckets, oldbuckets; CHAN: dataqsiz, buf */
} shape;

typedef struct field {
	uint64_t off;
	uint32_t type;
} field;

/* An object typed and not yet read: count elements of type, or one. */
typedef struct work {
	uint64_t addr, count;
	uint32_t type;
} work;

HS_VEC_TYPED(shape_vec, shape)
HS_VEC_TYPED(field_vec, field)
HS_VEC_TYPED(work_vec, work)

typedef struct tw {
	hs_core *c;
	const hs_dwarf *d;
	hs_heapdump *h;
	hs_error *err;
	hs_err rc;
	uint64_t bias;
	hs_idmap memo;           /* DWARF type -> shape */
	shape_vec shapes;
	field_vec fields;
	work_vec work;
	hs_idmap rtypes;         /* link-time runtime type address -> DWARF type */
	/* runtime.itab._type, runtime._type's members, runtime.ptrtype.elem
	 * (internal/abi's Type and PtrType.Elem from Go 1.21, ITab.Type from 1.22),
	 * and the types section runtime type offsets count from */
	uint64_t itab_type, type_kind, type_size, type_tflag, type_str, ptr_elem, types_base;
	/* the kind's bits: the data word is the value, the kind, a pointer;
	 * tflag: the name has an extra leading '*' */
	int64_t kind_direct, kind_mask, kind_ptr, tflag_star;
	bool has_itab, has_rt;
	/* Go 1.22+ allocation headers: slots of more than min_header bytes,
	 * at most max_small, start with header bytes, a *abi.Type into
	 * [types_base, types_end): the value is after it */
	uint64_t header, min_header, max_small, types_end;
	hs_strmap names;         /* type name -> index into h->type_names */
	hs_strvec name_list;
} tw;

static void nomem(tw *w)
{
	if (w->rc == HS_OK)
		w->rc = hs_fail(w->err, HS_E_NOMEM, NULL);
}

static uint64_t rd(const tw *w, uint64_t addr)
{
	uint64_t v;
	return hs_core_read_u64(w->c, addr, &v) ? v : 0;
}

/* The bytes a value of type takes (Go's pointer-shaped types carry no
 * DW_AT_byte_size). */
static uint64_t size_of(const tw *w, uint32_t type)
{
	uint32_t t = hs_dwarf_resolve(w->d, type);
	if (t == HS_DWARF_NONE)
		return 0;
	unsigned tag = hs_dwarf_tag(w->d, t);
	if (tag == TAG_POINTER || tag == TAG_SUBROUTINE)
		return 8;
	return hs_dwarf_size(w->d, t);
}

/* Shape i; none past the end (shape_of out of memory). */
static const shape *shape_at(const tw *w, uint32_t i)
{
	static const shape none = {.kind = S_NONE};
	return i < shape_vec_len(&w->shapes) ? shape_vec_at(&w->shapes, i) : &none;
}

static uint32_t shape_of(tw *w, uint32_t type, int depth);

/* A struct's members that hold pointers, as fields (their shapes first:
 * computing one may push fields of its own). */
static void struct_fields(tw *w, uint32_t t, shape *s, int depth, const char *const *skip)
{
	size_t k = 0;
	const char *name;
	uint64_t off;
	uint32_t mt;
	while (hs_dwarf_member_next(w->d, t, &k, &name, &off, &mt))
		shape_of(w, mt, depth + 1);
	s->first = (uint32_t)field_vec_len(&w->fields);
	for (k = 0; hs_dwarf_member_next(w->d, t, &k, &name, &off, &mt);) {
		bool skipped = false;
		for (int i = 0; skip && skip[i]; i++)
			skipped |= strcmp(name, skip[i]) == 0;
		if (skipped || shape_at(w, shape_of(w, mt, depth + 1))->kind == S_NONE)
			continue;
		field *f = field_vec_push(&w->fields);
		if (!f) {
			nomem(w);
			return;
		}
		*f = (field){off, mt};
		s->n++;
	}
}

static bool member_off(const tw *w, uint32_t t, const char *path, uint64_t *off, uint32_t *mt)
{
	return hs_dwarf_member(w->d, t, path, off, mt);
}

/* hash<K,V>: B, buckets and oldbuckets of bucket<K,V>; its other members
 * as a struct's (extra's overflow list is runtime.bmap, untyped). */
static bool hash_shape(tw *w, uint32_t t, shape *s, int depth)
{
	static const char *const skip[] = {"buckets", "oldbuckets", "extra", NULL};
	core_map m;
	if (!core_map_layout(w->d, t, &m))
		return false;
	s->o1 = m.b;
	s->o2 = m.buckets;
	s->o3 = m.oldbuckets;
	s->elem = m.bucket;
	s->esize = m.bsize;
	s->kind = S_HASH;
	struct_fields(w, t, s, depth, skip);
	return true;
}

/* An array member of bucket<K,V>: its offset, element type and size. */
static bool slot_array(const hs_dwarf *d, uint32_t bucket, const char *name, uint64_t *off,
                       uint32_t *elem, uint64_t *esize, uint64_t *n)
{
	uint32_t at;
	if (!hs_dwarf_member(d, bucket, name, off, &at))
		return false;
	at = hs_dwarf_resolve(d, at);
	*n = at == HS_DWARF_NONE ? 0 : hs_dwarf_count(d, at);
	*elem = at == HS_DWARF_NONE ? HS_DWARF_NONE : hs_dwarf_target(d, at);
	uint32_t et = hs_dwarf_resolve(d, *elem);
	if (et == HS_DWARF_NONE || !*n)
		return false;
	unsigned tag = hs_dwarf_tag(d, et);
	*esize = tag == TAG_POINTER || tag == TAG_SUBROUTINE ? 8 : hs_dwarf_size(d, et);
	return true;
}

bool core_map_layout(const hs_dwarf *d, uint32_t hash, core_map *m)
{
	uint32_t mt, bt, ot;
	uint64_t nk, nv;
	memset(m, 0, sizeof *m);
	hash = hs_dwarf_resolve(d, hash);
	if (hash == HS_DWARF_NONE || !hs_dwarf_member(d, hash, "count", &m->count, &mt) ||
	    !hs_dwarf_member(d, hash, "B", &m->b, &mt) ||
	    !hs_dwarf_member(d, hash, "buckets", &m->buckets, &bt) ||
	    !hs_dwarf_member(d, hash, "oldbuckets", &m->oldbuckets, &ot))
		return false;
	m->bucket = hs_dwarf_target(d, hs_dwarf_resolve(d, bt));
	uint32_t b = hs_dwarf_resolve(d, m->bucket);
	if (b == HS_DWARF_NONE || !(m->bsize = hs_dwarf_size(d, b)))
		return false;
	uint32_t tt;
	uint64_t one;
	if (!slot_array(d, b, "tophash", &m->tophash, &tt, &one, &m->nslots) || one != 1 ||
	    !slot_array(d, b, "keys", &m->keys, &m->ktype, &m->ksize, &nk) ||
	    !slot_array(d, b, "values", &m->values, &m->vtype, &m->vsize, &nv) ||
	    !hs_dwarf_member(d, b, "overflow", &m->overflow, &mt) || nk != m->nslots ||
	    nv != m->nslots || m->overflow > m->bsize - 8 ||
	    m->keys + nk * m->ksize > m->bsize || m->values + nv * m->vsize > m->bsize)
		return false;
	if (!hs_dwarf_const(d, "runtime.minTopHash", &m->min_top_hash))
		m->min_top_hash = -1;
	return true;
}

/* The entries of one bucket and its overflow chain; false: stop. */
static bool bucket_each(const hs_core *c, const core_map *m, uint64_t bucket, uint64_t *budget,
                        core_map_fn fn, void *ctx)
{
	uint8_t top[256];
	if (m->nslots > sizeof top)
		return false;
	for (; bucket && *budget; (*budget)--) {
		uint64_t next;
		if (!hs_core_read(c, bucket + m->tophash, top, (size_t)m->nslots) ||
		    !hs_core_read_u64(c, bucket + m->overflow, &next))
			return true;
		/* below minTopHash: empty, or moved to the new buckets */
		for (uint64_t i = 0; i < m->nslots; i++)
			if (top[i] >= m->min_top_hash &&
			    !fn(ctx, bucket + m->keys + i * m->ksize, bucket + m->values + i * m->vsize))
				return false;
		bucket = next;
	}
	return true;
}

bool core_map_each(const hs_core *c, const core_map *m, uint64_t hmap, uint64_t max_buckets,
                   core_map_fn fn, void *ctx)
{
	uint8_t b;
	uint64_t buckets, old, budget = max_buckets;
	if (m->min_top_hash < 0 || !hs_core_read(c, hmap + m->b, &b, 1) || b > MAX_B ||
	    !hs_core_read_u64(c, hmap + m->buckets, &buckets) ||
	    !hs_core_read_u64(c, hmap + m->oldbuckets, &old))
		return false;
	for (uint64_t i = 0; buckets && i < (uint64_t)1 << b && budget; i++)
		if (!bucket_each(c, m, buckets + i * m->bsize, &budget, fn, ctx))
			return true;
	for (uint64_t i = 0; old && b && i < (uint64_t)1 << (b - 1) && budget; i++)
		if (!bucket_each(c, m, old + i * m->bsize, &budget, fn, ctx))
			return true;
	return true;
}

/* hchan<T>: dataqsiz elements of T at buf. */
static bool chan_shape(tw *w, uint32_t t, shape *s)
{
	uint64_t off;
	uint32_t qt, bt, ft, et;
	if (!member_off(w, t, "dataqsiz", &s->o1, &qt) || !member_off(w, t, "buf", &s->o2, &bt) ||
	    !member_off(w, t, "recvq.first", &off, &ft))
		return false;
	uint32_t sudog = hs_dwarf_target(w->d, hs_dwarf_resolve(w->d, ft));
	if (sudog == HS_DWARF_NONE || !member_off(w, sudog, "elem", &off, &et))
		return false;
	s->elem = hs_dwarf_target(w->d, hs_dwarf_resolve(w->d, et));
	s->esize = size_of(w, s->elem);
	if (s->elem == HS_DWARF_NONE || !s->esize)
		return false;
	s->kind = S_CHAN;
	return true;
}

static void struct_shape(tw *w, uint32_t t, shape *s, int depth)
{
	const char *name = hs_dwarf_name(w->d, t);
	int kind = hs_dwarf_go_kind(w->d, t);
	uint64_t off;
	uint32_t at;
	if (kind == K_STRING) {
		s->kind = S_STRING;
	} else if (kind == K_SLICE) {
		if (!member_off(w, t, "array", &off, &at) || off != 0)
			return;
		s->elem = hs_dwarf_target(w->d, hs_dwarf_resolve(w->d, at));
		s->esize = size_of(w, s->elem);
		if (s->elem != HS_DWARF_NONE && s->esize)
			s->kind = S_SLICE;
	} else if (strcmp(name, "runtime.eface") == 0) {
		s->kind = S_EFACE;
	} else if (strcmp(name, "runtime.iface") == 0) {
		s->kind = w->has_itab ? S_IFACE : S_NONE;
	} else if (strncmp(name, "hash<", 5) == 0 && hash_shape(w, t, s, depth)) {
		return;
	} else if (strncmp(name, "hchan<", 6) == 0 && chan_shape(w, t, s)) {
		return;
	} else {
		struct_fields(w, t, s, depth, NULL);
		s->kind = s->n ? S_STRUCT : S_NONE;
	}
}

/* The shape of a DWARF type (memoised; index into w->shapes). */
static uint32_t shape_of(tw *w, uint32_t type, int depth)
{
	uint32_t t = hs_dwarf_resolve(w->d, type);
	uint64_t key = t == HS_DWARF_NONE ? UINT64_MAX : t;
	uint32_t i = hs_idmap_get(&w->memo, key);
	if (i != UINT32_MAX)
		return i;
	i = (uint32_t)shape_vec_len(&w->shapes);
	shape s = {.kind = S_NONE}, *p = shape_vec_push(&w->shapes);
	if (!p || !hs_idmap_put(&w->memo, key, i, NULL)) {
		nomem(w);
		return UINT32_MAX;
	}
	*p = s;   /* S_NONE while computing: a type holding itself ends here */
	if (t == HS_DWARF_NONE || depth > MAX_DEPTH)
		return i;
	unsigned tag = hs_dwarf_tag(w->d, t);
	if (tag == TAG_POINTER) {
		s.elem = hs_dwarf_target(w->d, t);
		if (s.elem != HS_DWARF_NONE)
			s.kind = S_PTR;
	} else if (tag == TAG_STRUCT) {
		struct_shape(w, t, &s, depth);
	} else if (tag == TAG_ARRAY) {
		s.elem = hs_dwarf_target(w->d, t);
		s.count = hs_dwarf_count(w->d, t);
		s.esize = size_of(w, s.elem);
		if (s.count && s.esize && shape_at(w, shape_of(w, s.elem, depth + 1))->kind != S_NONE)
			s.kind = S_ARRAY;
	}
	*shape_vec_at(&w->shapes, i) = s;
	return i;
}

/* The index of a type name in h->type_names (the name copied once). */
static uint32_t intern(tw *w, const char *name, size_t len)
{
	uint32_t next = (uint32_t)hs_strvec_len(&w->name_list);
	const char *copy = NULL;
	uint32_t i = hs_strmap_get(&w->names, name, len);
	if (i != UINT32_MAX)
		return i;
	const char **slot = hs_strvec_push(&w->name_list);
	if (!slot || !(copy = hs_arena_strndup(&w->h->arena, name, len)) ||
	    hs_strmap_get_or_put(&w->names, copy, len, next) == UINT32_MAX) {
		nomem(w);
		return HS_HD_NONE;
	}
	*slot = copy;
	return next;
}

/* The object whose value starts at p: at its slot's start, or after the
 * slot's allocation header.  Its bytes past the header in *size. */
static uint32_t value_object(const tw *w, uint64_t p, uint64_t *size)
{
	const hs_heapdump *h = w->h;
	uint32_t o = p ? hs_heapdump_find(h, p) : HS_HD_NONE;
	if (o == HS_HD_NONE)
		return HS_HD_NONE;
	uint64_t a = hs_heapdump_addr(h, o), hdr;
	*size = h->size[o];
	if (a == p)
		return o;
	if (!w->header || p - a != w->header || *size <= w->min_header || *size > w->max_small ||
	    (hdr = rd(w, a)) < w->types_base || hdr >= w->types_end)
		return HS_HD_NONE;
	*size -= w->header;
	return o;
}

/* The object starting at p holds count elements of esize bytes (one
 * value when count is 0), named prefix+name: typed when it was not and
 * the elements fit in it. */
static bool claim(tw *w, uint64_t p, uint64_t esize, uint64_t count, const char *prefix,
                  const char *name)
{
	hs_heapdump *h = w->h;
	uint64_t size = 0;
	uint32_t o = value_object(w, p, &size);
	if (o == HS_HD_NONE || h->obj_type[o] != HS_HD_NONE)
		return false;
	if (!esize || esize > size || (count && count > size / esize) || count > UINT32_MAX)
		return false;
	char buf[512];
	size_t len = (size_t)snprintf(buf, sizeof buf, "%s%s", prefix, name);
	uint32_t ti = intern(w, buf, len < sizeof buf ? len : sizeof buf - 1);
	if (ti == HS_HD_NONE)
		return false;
	h->obj_type[o] = ti;
	h->obj_count[o] = (uint32_t)count;
	return true;
}

/* The same for elements of a DWARF type, queued to be read. */
static void object(tw *w, uint64_t p, uint32_t type, uint64_t count, const char *prefix,
                   const char *name)
{
	if (!claim(w, p, size_of(w, type), count, prefix, name))
		return;
	work *k = work_vec_push(&w->work);
	if (!k) {
		nomem(w);
		return;
	}
	*k = (work){p, count, type};
}

/* The name of the runtime type at rt (its nameOff in the types section;
 * tflagExtraStar drops the leading '*'), false when unreadable. */
static bool rt_name(const tw *w, uint64_t rt, char *buf, size_t size)
{
	int32_t off;
	uint8_t tflag, b[6];
	if (!hs_core_read(w->c, rt + w->type_str, &off, 4) ||
	    !hs_core_read(w->c, rt + w->type_tflag, &tflag, 1) ||
	    !hs_core_read(w->c, w->types_base + (uint64_t)(int64_t)off, b, sizeof b))
		return false;
	uint64_t len = 0;
	size_t i = 1;
	for (unsigned shift = 0; i < sizeof b; i++, shift += 7) {
		len |= (uint64_t)(b[i] & 0x7f) << shift;
		if (!(b[i] & 0x80))
			break;
	}
	if (i == sizeof b || !len || len >= size)
		return false;
	uint64_t at = w->types_base + (uint64_t)(int64_t)off + i + 1;
	if (!hs_core_read(w->c, at, buf, (size_t)len))
		return false;
	buf[len] = '\0';
	bool star = tflag & w->tflag_star && buf[0] == '*';
	if (star)
		memmove(buf, buf + 1, (size_t)len);
	return true;
}

/* The object at p holds a value of the runtime type rt: of rt's DWARF
 * type, read further, or, when no DWARF type describes rt (no variable or
 * local of the program has it), named from rt and typed but not read (no
 * layout). */
static void rt_object(tw *w, uint64_t rt, uint64_t p)
{
	char name[256];
	uint32_t t = rt >= w->types_base ? hs_idmap_get(&w->rtypes, rt - w->types_base)
	                                 : HS_DWARF_NONE;
	if (t != HS_DWARF_NONE)
		object(w, p, t, 0, "", hs_dwarf_name(w->d, hs_dwarf_resolve(w->d, t)));
	else if (rt && rt_name(w, rt, name, sizeof name))
		claim(w, p, rd(w, rt + w->type_size), 0, "", name);
}

/* The element type of the pointer type rt, 0 when rt is not one. */
static uint64_t elem_of(const tw *w, uint64_t rt)
{
	uint8_t kind;
	if (!rt || !hs_core_read(w->c, rt + w->type_kind, &kind, 1) ||
	    (kind & w->kind_mask) != w->kind_ptr)
		return 0;
	return rd(w, rt + w->ptr_elem);
}

static void value(tw *w, uint64_t addr, uint32_t type, int depth);

/* An interface's dynamic type (runtime type address rt) and data word. */
static void dynamic(tw *w, uint64_t rt, uint64_t data, int depth)
{
	uint8_t kind;
	if (!rt || !w->has_rt || rt < w->types_base ||
	    !hs_core_read(w->c, rt + w->type_kind, &kind, 1))
		return;
	uint32_t t = hs_idmap_get(&w->rtypes, rt - w->types_base);
	if (!(kind & w->kind_direct))
		rt_object(w, rt, rd(w, data));
	else if (t != HS_DWARF_NONE)
		value(w, data, t, depth + 1);
	else
		rt_object(w, elem_of(w, rt), rd(w, data));
}

static void value(tw *w, uint64_t addr, uint32_t type, int depth)
{
	if (depth > MAX_DEPTH || w->rc != HS_OK)
		return;
	shape s = *shape_at(w, shape_of(w, type, 0));
	const hs_dwarf *d = w->d;
	switch ((shape_kind)s.kind) {
	case S_NONE:
		return;
	case S_PTR:
		object(w, rd(w, addr), s.elem, 0, "", hs_dwarf_name(d, hs_dwarf_resolve(d, s.elem)));
		return;
	case S_SLICE: {
		uint64_t cap = rd(w, addr + 16);
		if (cap)
			object(w, rd(w, addr), s.elem, cap, "",
			       hs_dwarf_name(d, hs_dwarf_resolve(d, type)));
		return;
	}
	case S_STRING: {
		uint64_t len = rd(w, addr + 8);
		uint32_t u8 = hs_dwarf_type(d, "uint8");
		if (len && u8 != HS_DWARF_NONE)
			object(w, rd(w, addr), u8, len, "", "string");
		return;
	}
	case S_EFACE:
		dynamic(w, rd(w, addr), addr + 8, depth);
		return;
	case S_IFACE: {
		uint64_t tab = rd(w, addr);
		if (tab)
			dynamic(w, rd(w, tab + w->itab_type), addr + 8, depth);
		return;
	}
	case S_STRUCT:
		break;
	case S_ARRAY:
		for (uint64_t i = 0; i < s.count && w->rc == HS_OK; i++)
			value(w, addr + i * s.esize, s.elem, depth + 1);
		return;
	case S_HASH: {
		uint8_t b = 0;
		hs_core_read(w->c, addr + s.o1, &b, 1);
		const char *bucket = hs_dwarf_name(d, hs_dwarf_resolve(d, s.elem));
		if (b <= MAX_B) {
			object(w, rd(w, addr + s.o2), s.elem, (uint64_t)1 << b, "[]", bucket);
			if (b)
				object(w, rd(w, addr + s.o3), s.elem, (uint64_t)1 << (b - 1), "[]", bucket);
		}
		break;
	}
	case S_CHAN: {
		uint64_t n = rd(w, addr + s.o1);
		if (n && shape_at(w, shape_of(w, s.elem, 0))->kind != S_NONE)
			object(w, rd(w, addr + s.o2), s.elem, n, "[]",
			       hs_dwarf_name(d, hs_dwarf_resolve(d, s.elem)));
		return;
	}
	}
	for (uint32_t k = 0; k < s.n && w->rc == HS_OK; k++) {
		field f = *field_vec_at(&w->fields, s.first + k);
		value(w, addr + f.off, f.type, depth + 1);
	}
}

/* Objects typed and not yet read, until none is left. */
static void drain(tw *w)
{
	while (work_vec_len(&w->work) && w->rc == HS_OK) {
		work k = *work_vec_at(&w->work, --w->work.v.len);
		if (!k.count) {
			value(w, k.addr, k.type, 0);
			continue;
		}
		uint64_t esize = size_of(w, k.type);
		if (shape_at(w, shape_of(w, k.type, 0))->kind == S_NONE)
			continue;
		for (uint64_t i = 0; i < k.count && w->rc == HS_OK; i++)
			value(w, k.addr + i * esize, k.type, 0);
	}
}

/* Objects with a finalizer (h->finalized, from the heap walk's specials):
 * ot, the *T SetFinalizer was given, says the object is a T (what only
 * the finalizer keeps, its referents, is typed from there).  A span's
 * objects are claimed, then read, before the next span's, in allspans
 * order: which type claims an object first depends on it. */
static void finalized(tw *w)
{
	const hs_vec *f = &w->h->finalized;
	for (size_t i = 0; i < f->len && w->has_rt && w->rc == HS_OK; i++) {
		const hs_hd_finalized *x = &HS_VEC_AT(f, hs_hd_finalized, i);
		rt_object(w, elem_of(w, x->ot), x->obj);
		if (i + 1 == f->len || HS_VEC_AT(f, hs_hd_finalized, i + 1).span != x->span)
			drain(w);
	}
}

static bool in_segment(const hs_hd_segment *s, uint64_t a)
{
	return s->present && a >= s->addr && a - s->addr < s->len;
}

/* A type, member or constant by its runtime name or, failing that, by
 * its internal/abi name (Go 1.21 moved runtime._type there, 1.22 the
 * itab). */
static uint32_t type2(const tw *w, const char *a, const char *b)
{
	uint32_t t = hs_dwarf_type(w->d, a);
	return t != HS_DWARF_NONE ? t : hs_dwarf_type(w->d, b);
}

static bool member2(const tw *w, uint32_t t, const char *a, const char *b, uint64_t *off)
{
	uint32_t mt;
	return member_off(w, t, a, off, &mt) || member_off(w, t, b, off, &mt);
}

static bool const2(const tw *w, const char *a, const char *b, int64_t *v)
{
	return hs_dwarf_const(w->d, a, v) || hs_dwarf_const(w->d, b, v);
}

/* Runtime types to DWARF types (DW_AT_go_runtime_type is the offset of
 * type.T in the types section, runtime.firstmoduledata.types), and the
 * offsets and constants interfaces are read with: the itab's type, the
 * runtime type's kind, size, tflag and str, a pointer type's elem. */
static void runtime_types(tw *w)
{
	const hs_dwarf *d = w->d;
	uint64_t md, off;
	uint32_t mt, mdt, itab = type2(w, "runtime.itab", "internal/abi.ITab"),
	         typ = type2(w, "runtime._type", "internal/abi.Type"),
	         ptr = type2(w, "runtime.ptrtype", "internal/abi.PtrType");
	if (!hs_dwarf_global(d, "runtime.firstmoduledata", &md, &mdt) ||
	    !member_off(w, mdt, "types", &off, &mt) ||
	    !hs_core_read_u64(w->c, md + w->bias + off, &w->types_base))
		return;
	int64_t hb, min, max;
	if (member_off(w, mdt, "etypes", &off, &mt) &&
	    hs_core_read_u64(w->c, md + w->bias + off, &w->types_end) &&
	    hs_dwarf_const(d, "runtime.mallocHeaderSize", &hb) && hb > 0 &&
	    hs_dwarf_const(d, "runtime.minSizeForMallocHeader", &min) && min > 0 &&
	    const2(w, "runtime.maxSmallSize", "runtime._MaxSmallSize", &max) && max > min) {
		w->header = (uint64_t)hb;
		w->min_header = (uint64_t)min;
		w->max_small = (uint64_t)max;
	}
	w->has_itab = member2(w, itab, "_type", "Type", &w->itab_type);
	w->has_rt = member2(w, typ, "kind", "Kind_", &w->type_kind) &&
	            member2(w, typ, "size", "Size_", &w->type_size) &&
	            member2(w, typ, "tflag", "TFlag", &w->type_tflag) &&
	            member2(w, typ, "str", "Str", &w->type_str) &&
	            member2(w, ptr, "elem", "Elem", &w->ptr_elem) &&
	            const2(w, "runtime.kindDirectIface", "internal/abi.KindDirectIface",
	                   &w->kind_direct) &&
	            const2(w, "runtime.kindMask", "internal/abi.KindMask", &w->kind_mask) &&
	            const2(w, "runtime.kindPtr", "internal/abi.Pointer", &w->kind_ptr) &&
	            const2(w, "runtime.tflagExtraStar", "internal/abi.TFlagExtraStar", &w->tflag_star);
	for (size_t i = 0; i < hs_dwarf_ndies(d) && w->rc == HS_OK && w->has_rt; i++) {
		uint64_t rt = hs_dwarf_runtime_type(d, (uint32_t)i);
		if (rt && !hs_idmap_put(&w->rtypes, rt, (uint32_t)i, NULL))
			nomem(w);
	}
}

hs_err hs_core_types(hs_core *c, hs_heapdump *h, hs_error *err)
{
	if (!h->nobjects)
		return HS_OK;
	tw w = {.c = c, .d = c->dwarf, .h = h, .err = err, .bias = hs_core_bias(c)};
	shape_vec_init(&w.shapes);
	field_vec_init(&w.fields);
	work_vec_init(&w.work);
	hs_strvec_init(&w.name_list);
	h->obj_type = malloc(h->nobjects * sizeof *h->obj_type);
	h->obj_count = calloc(h->nobjects, sizeof *h->obj_count);
	if (!h->obj_type || !h->obj_count || !hs_idmap_init(&w.memo, 1024) ||
	    !hs_idmap_init(&w.rtypes, 4096) || !hs_strmap_init(&w.names, 256))
		nomem(&w);
	else
		memset(h->obj_type, 0xff, h->nobjects * sizeof *h->obj_type);
	if (w.rc == HS_OK)
		runtime_types(&w);
	for (size_t i = 0; i < hs_dwarf_ndies(w.d) && w.rc == HS_OK; i++) {
		const char *name;
		uint64_t addr;
		uint32_t type;
		if (!hs_dwarf_variable_at(w.d, i, &name, &addr, &type))
			continue;
		addr += w.bias;
		if (!in_segment(&h->data, addr) && !in_segment(&h->bss, addr))
			continue;
		value(&w, addr, type, 0);
		drain(&w);
	}
	if (w.rc == HS_OK)
		finalized(&w);
	h->type_names = hs_strvec_data(&w.name_list);
	h->ntype_names = hs_strvec_len(&w.name_list);
	hs_idmap_release(&w.memo);
	hs_idmap_release(&w.rtypes);
	hs_strmap_release(&w.names);
	shape_vec_release(&w.shapes);
	field_vec_release(&w.fields);
	work_vec_release(&w.work);
	if (w.rc == HS_OK && !h->ntype_names) {
		free(h->obj_type);
		free(h->obj_count);
		h->obj_type = h->obj_count = NULL;
	}
	return w.rc;
}
