/* The DWARF subset of Go executables (see dwarf.h).  Every DIE of
 * .debug_info is read once into a flat table of the few attributes kept;
 * names are looked up through one hash.  All reads are bounds-checked and
 * a decompressed section grows with the bytes zlib produces, not with the
 * size its header claims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dwarf.h"
#include "core_internal.h"
#include "../core/hashmap.h"

#define MAX_SECTION ((uint64_t)1 << 30)
#define MAX_DEPTH 256

enum {
	TAG_ARRAY = 0x01, TAG_MEMBER = 0x0d, TAG_POINTER = 0x0f, TAG_CU = 0x11, TAG_STRUCT = 0x13,
	TAG_TYPEDEF = 0x16, TAG_SUBRANGE = 0x21, TAG_BASE = 0x24, TAG_CONSTANT = 0x27,
	TAG_VARIABLE = 0x34,
	AT_LOCATION = 0x02, AT_NAME = 0x03, AT_BYTE_SIZE = 0x0b, AT_CONST_VALUE = 0x1c,
	AT_UPPER_BOUND = 0x2f, AT_COUNT = 0x37, AT_MEMBER_LOC = 0x38, AT_TYPE = 0x49,
	AT_GO_KIND = 0x2900, AT_GO_RUNTIME_TYPE = 0x2904,
	DW_OP_ADDR = 0x03,
};

typedef struct die {
	const char *name;        /* NUL-terminated inside its section, or NULL */
	uint64_t type;           /* .debug_info offset of the type, or UINT64_MAX */
	uint64_t size, member_off, addr, count;
	uint64_t rtype;          /* DW_AT_go_runtime_type, 0 when absent */
	int64_t cval;
	uint32_t parent;
	uint16_t tag;
	uint8_t go_kind;
	bool has_addr, has_cval, has_member_off;
} die;

typedef struct attr_spec {
	uint64_t name, form;
	int64_t implicit;
} attr_spec;

typedef struct abbrev {
	uint64_t code, tag;
	bool children;
	size_t first, n;        /* into specs */
} abbrev;

HS_VEC_TYPED(spec_vec, attr_spec)
HS_VEC_TYPED(abbrev_vec, abbrev)

struct hs_dwarf {
	uint8_t *owned[3];       /* decompressed sections */
	const uint8_t *info, *abbr, *str;
	uint64_t info_n, abbr_n, str_n;
	die *dies;
	size_t ndies, cap;
	hs_idmap by_off;         /* .debug_info offset -> die */
	hs_strmap by_name;       /* top-level names -> die */
	spec_vec specs;
	abbrev_vec abbrevs;
};

typedef struct cursor {
	const uint8_t *p;
	uint64_t n, i;
	bool bad;
} cursor;

static uint64_t fixed(cursor *c, unsigned k)
{
	if (c->n - c->i < k) {
		c->bad = true;
		c->i = c->n;
		return 0;
	}
	uint64_t v = hs_le(c->p + c->i, k);
	c->i += k;
	return v;
}

static uint64_t uleb(cursor *c)
{
	uint64_t v = 0;
	for (unsigned shift = 0; c->i < c->n; shift += 7) {
		uint8_t b = c->p[c->i++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

static int64_t sleb(cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;
	do {
		if (c->i >= c->n) {
			c->bad = true;
			return 0;
		}
		b = c->p[c->i++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

static void skip(cursor *c, uint64_t k)
{
	if (c->n - c->i < k) {
		c->bad = true;
		c->i = c->n;
	} else {
		c->i += k;
	}
}

/* ---- sections ------------------------------------------------------------ */

/* Inflate a zlib stream, growing the output to at most `cap` bytes. */
static hs_err inflate_all(const uint8_t *src, uint64_t n, uint64_t cap, uint8_t **out,
                          uint64_t *outn, const char *name, hs_error *err)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return hs_fail(err, HS_E_NOMEM, NULL);
	size_t size = n < 4096 ? 16384 : (size_t)(n * 4 < cap ? n * 4 : cap);
	uint8_t *buf = malloc(size);
	int zr = Z_OK;
	uint64_t used = 0;
	z.next_in = (uint8_t *)src;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (buf && zr == Z_OK) {
		if (used == size) {
			if (size >= cap)
				break;
			size = size * 2 < cap ? size * 2 : (size_t)cap;
			uint8_t *nb = realloc(buf, size);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		z.next_out = buf + used;
		z.avail_out = (uInt)(size - used > UINT32_MAX ? UINT32_MAX : size - used);
		zr = inflate(&z, Z_NO_FLUSH);
		used = (uint64_t)(z.next_out - buf);
	}
	inflateEnd(&z);
	if (!buf)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (zr != Z_STREAM_END) {
		free(buf);
		return hs_fail(err, HS_E_CORRUPT, "%s: corrupt or oversized zlib data", name);
	}
	*out = buf;
	*outn = used;
	return HS_OK;
}

/* A zlib stream that must inflate to `claimed` bytes, kept in slot. */
static hs_err inflate_section(hs_dwarf *d, int slot, const uint8_t *src, uint64_t n,
                              uint64_t claimed, const char *name, const uint8_t **data,
                              uint64_t *size, hs_error *err)
{
	uint8_t *buf = NULL;
	uint64_t got = 0;
	hs_err rc = inflate_all(src, n, claimed < MAX_SECTION ? claimed : MAX_SECTION, &buf, &got,
	                        name, err);
	if (rc)
		return rc;
	d->owned[slot] = buf;
	*data = buf;
	*size = got;
	if (got != claimed)
		return hs_fail(err, HS_E_CORRUPT, "%s: %llu bytes, its header says %llu", name,
		               (unsigned long long)got, (unsigned long long)claimed);
	return HS_OK;
}

/* A DWARF section, decompressed when the ELF says so: SHF_COMPRESSED
 * (Elf64_Chdr, little-endian size) or a .zdebug_ twin ("ZLIB", big-endian
 * size). */
static hs_err get_section(hs_dwarf *d, hs_dwarf_section_fn fn, void *ctx, const char *name,
                          int slot, const uint8_t **data, uint64_t *size, hs_error *err)
{
	uint64_t flags = 0, n = 0, claimed = 0;
	const uint8_t *p = fn(ctx, name, &n, &flags);
	*data = NULL;
	*size = 0;
	if (p && (flags & 0x800)) {                                 /* SHF_COMPRESSED */
		if (n < 24 || p[0] != 1 || p[1] || p[2] || p[3])       /* ELFCOMPRESS_ZLIB */
			return hs_fail(err, HS_E_CORRUPT, "%s: unsupported compression", name);
		for (int i = 7; i >= 0; i--)
			claimed = claimed << 8 | p[8 + i];
		return inflate_section(d, slot, p + 24, n - 24, claimed, name, data, size, err);
	}
	if (p) {
		*data = p;
		*size = n;
		return HS_OK;
	}
	char z[32];
	snprintf(z, sizeof z, ".z%s", name + 1);
	if (!(p = fn(ctx, z, &n, &flags)))
		return HS_OK;
	if (n < 12 || memcmp(p, "ZLIB", 4) != 0)
		return hs_fail(err, HS_E_CORRUPT, "%s: no ZLIB header", z);
	for (int i = 0; i < 8; i++)
		claimed = claimed << 8 | p[4 + i];
	return inflate_section(d, slot, p + 12, n - 12, claimed, z, data, size, err);
}

/* ---- abbreviations ----------------------------------------------------- */

static hs_err read_abbrevs(hs_dwarf *d, uint64_t at, size_t *first, size_t *count, hs_error *err)
{
	cursor c = {d->abbr, d->abbr_n, at, at > d->abbr_n};
	*first = abbrev_vec_len(&d->abbrevs);
	for (;;) {
		uint64_t code = uleb(&c);
		if (c.bad)
			return hs_fail(err, HS_E_CORRUPT, ".debug_abbrev: truncated at byte %llu",
			               (unsigned long long)c.i);
		if (code == 0)
			break;
		abbrev a = {code, uleb(&c), false, spec_vec_len(&d->specs), 0};
		a.children = fixed(&c, 1) != 0;
		for (;;) {
			uint64_t name = uleb(&c), form = uleb(&c);
			int64_t implicit = form == 0x21 ? sleb(&c) : 0;
			if (c.bad)
				return hs_fail(err, HS_E_CORRUPT, ".debug_abbrev: truncated at byte %llu",
				               (unsigned long long)c.i);
			if (name == 0 && form == 0)
				break;
			attr_spec *sp = spec_vec_push(&d->specs);
			if (!sp)
				return hs_fail(err, HS_E_NOMEM, NULL);
			*sp = (attr_spec){name, form, implicit};
			a.n++;
		}
		abbrev *na = abbrev_vec_push(&d->abbrevs);
		if (!na)
			return hs_fail(err, HS_E_NOMEM, NULL);
		*na = a;
	}
	*count = abbrev_vec_len(&d->abbrevs) - *first;
	return HS_OK;
}

/* ---- DIEs -------------------------------------------------------------- */

typedef struct unit {
	uint64_t start, end;     /* the unit's header start and end in .debug_info */
	unsigned version, addr_size, off_size;
	size_t abbr_first, abbr_n;
} unit;

/* Read one attribute value: numbers in *v, strings in *s, blocks in
 * *blk and *blk_n.  False on a form this reader does not know. */
static bool read_form(hs_dwarf *d, cursor *c, const unit *u, uint64_t form, int64_t implicit,
                      uint64_t *v, const char **s, const uint8_t **blk, uint64_t *blk_n)
{
	*s = NULL;
	*blk = NULL;
	switch (form) {
	case 0x01: *v = fixed(c, u->addr_size); return true;
	case 0x03: *blk_n = fixed(c, 2); break;
	case 0x04: *blk_n = fixed(c, 4); break;
	case 0x09: case 0x18: *blk_n = uleb(c); break;
	case 0x0a: *blk_n = fixed(c, 1); break;
	case 0x05: *v = fixed(c, 2); return true;
	case 0x06: *v = fixed(c, 4); return true;
	case 0x07: *v = fixed(c, 8); return true;
	case 0x0b: case 0x0c: *v = fixed(c, 1); return true;
	case 0x0d: *v = (uint64_t)sleb(c); return true;
	case 0x0f: case 0x15: *v = uleb(c); return true;
	case 0x08: {
		size_t rest = (size_t)(c->n - c->i);
		const char *p = (const char *)c->p + c->i;
		size_t len = strnlen(p, rest);
		if (len == rest) {
			c->bad = true;
			return true;
		}
		*s = p;
		c->i += len + 1;
		return true;
	}
	case 0x0e: case 0x1f: {
		uint64_t off = fixed(c, u->off_size);
		if (form == 0x0e && off < d->str_n &&
		    memchr(d->str + off, 0, (size_t)(d->str_n - off)))
			*s = (const char *)d->str + off;
		return true;
	}
	case 0x10: *v = fixed(c, u->version <= 2 ? u->addr_size : u->off_size); return true;
	case 0x11: *v = u->start + fixed(c, 1); return true;
	case 0x12: *v = u->start + fixed(c, 2); return true;
	case 0x13: *v = u->start + fixed(c, 4); return true;
	case 0x14: *v = u->start + fixed(c, 8); return true;
	case 0x17: case 0x1d: *v = fixed(c, u->off_size); return true;
	case 0x19: *v = 1; return true;
	case 0x1a: case 0x1b: case 0x22: case 0x23: *v = uleb(c); return true;
	case 0x1c: *v = fixed(c, 4); return true;
	case 0x1e: skip(c, 16); return true;
	case 0x20: case 0x24: *v = fixed(c, 8); return true;
	case 0x21: *v = (uint64_t)implicit; return true;
	case 0x25: case 0x29: *v = fixed(c, 1); return true;
	case 0x26: case 0x2a: *v = fixed(c, 2); return true;
	case 0x27: case 0x2b: *v = fixed(c, 3); return true;
	case 0x28: case 0x2c: *v = fixed(c, 4); return true;
	default: return false;
	}
	if (*blk_n > c->n - c->i) {
		c->bad = true;
		c->i = c->n;
		return true;
	}
	*blk = c->p + c->i;
	c->i += *blk_n;
	return true;
}

static void keep_attr(die *x, uint64_t name, uint64_t form, uint64_t v, const char *s,
                      const uint8_t *blk, uint64_t blk_n)
{
	switch (name) {
	case AT_NAME: x->name = s; break;
	case AT_TYPE: x->type = v; break;
	case AT_BYTE_SIZE: x->size = v; break;
	case AT_COUNT: x->count = v; break;
	case AT_UPPER_BOUND: if (!x->count) x->count = v + 1; break;
	case AT_GO_KIND: x->go_kind = (uint8_t)v; break;
	case AT_GO_RUNTIME_TYPE: x->rtype = v; break;
	case AT_MEMBER_LOC:
		/* a constant, or DW_OP_plus_uconst N in old DWARF */
		if (blk && blk_n >= 2 && blk[0] == 0x23) {
			cursor c = {blk, blk_n, 1, false};
			v = uleb(&c);
		} else if (blk) {
			break;
		}
		x->member_off = v;
		x->has_member_off = true;
		break;
	case AT_LOCATION:
		if (blk && blk_n == 9 && blk[0] == DW_OP_ADDR) {
			cursor c = {blk, blk_n, 1, false};
			x->addr = fixed(&c, 8);
			x->has_addr = true;
		}
		break;
	case AT_CONST_VALUE:
		if (!blk && !s) {
			/* data forms of one to eight bytes are sign-extended */
			unsigned bits = form == 0x0b ? 8 : form == 0x05 ? 16 : form == 0x06 ? 32 : 64;
			x->cval = bits < 64 && (v >> (bits - 1) & 1) ? (int64_t)(v | ~(uint64_t)0 << bits)
			                                             : (int64_t)v;
			if (form == 0x0f)
				x->cval = (int64_t)v;
			x->has_cval = true;
		}
		break;
	default: break;
	}
}

static hs_err push_die(hs_dwarf *d, const die *x, uint64_t off, hs_error *err)
{
	if (d->ndies == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4096;
		die *nd = realloc(d->dies, d->cap * sizeof *nd);
		if (!nd)
			return hs_fail(err, HS_E_NOMEM, NULL);
		d->dies = nd;
	}
	if (d->ndies >= UINT32_MAX - 1)
		return hs_fail(err, HS_E_LIMIT, "too many DWARF entries");
	d->dies[d->ndies] = *x;
	if (!hs_idmap_put(&d->by_off, off, (uint32_t)d->ndies, NULL))
		return hs_fail(err, HS_E_NOMEM, NULL);
	d->ndies++;
	return HS_OK;
}

static const abbrev *find_abbrev(const hs_dwarf *d, const unit *u, uint64_t code)
{
	if (u->abbr_n == 0)
		return NULL;   /* an empty table (and maybe no vector at all) */
	const abbrev *a = abbrev_vec_at(&d->abbrevs, u->abbr_first);
	if (code >= 1 && code <= u->abbr_n && a[code - 1].code == code)
		return &a[code - 1];
	for (size_t i = 0; i < u->abbr_n; i++)
		if (a[i].code == code)
			return &a[i];
	return NULL;
}

static hs_err read_unit_dies(hs_dwarf *d, const unit *u, uint64_t at, hs_error *err)
{
	cursor c = {d->info, u->end, at, false};
	uint32_t stack[MAX_DEPTH];
	int depth = 0;
	while (c.i < u->end) {
		uint64_t off = c.i, code = uleb(&c);
		if (c.bad)
			break;
		if (code == 0) {
			if (depth > 0)
				depth--;
			continue;
		}
		const abbrev *a = find_abbrev(d, u, code);
		if (!a)
			return hs_fail(err, HS_E_CORRUPT, ".debug_info: unknown abbreviation %llu at byte %llu",
			               (unsigned long long)code, (unsigned long long)off);
		die x = {.type = UINT64_MAX, .tag = (uint16_t)a->tag,
		         .parent = depth ? stack[depth - 1] : HS_DWARF_NONE};
		for (size_t k = 0; k < a->n && !c.bad; k++) {
			const attr_spec *sp = spec_vec_at(&d->specs, a->first + k);
			uint64_t form = sp->form, v = 0, blk_n = 0;
			if (form == 0x16)
				form = uleb(&c);
			const char *s;
			const uint8_t *blk;
			if (!read_form(d, &c, u, form, sp->implicit, &v, &s, &blk, &blk_n))
				return hs_fail(err, HS_E_CORRUPT, ".debug_info: unknown form 0x%llx at byte %llu",
				               (unsigned long long)form, (unsigned long long)c.i);
			keep_attr(&x, sp->name, form, v, s, blk, blk_n);
		}
		if (c.bad)
			break;
		hs_err rc = push_die(d, &x, off, err);
		if (rc)
			return rc;
		if (a->children) {
			if (depth == MAX_DEPTH)
				return hs_fail(err, HS_E_LIMIT, ".debug_info: entries nested deeper than %d "
				               "at byte %llu", MAX_DEPTH, (unsigned long long)off);
			stack[depth++] = (uint32_t)(d->ndies - 1);
		}
	}
	if (c.bad)
		return hs_fail(err, HS_E_TRUNCATED, ".debug_info: truncated entry at byte %llu",
		               (unsigned long long)c.i);
	return HS_OK;
}

static hs_err read_units(hs_dwarf *d, hs_error *err)
{
	uint64_t last_abbr = UINT64_MAX;
	size_t first = 0, count = 0;
	for (uint64_t at = 0; at < d->info_n;) {
		cursor c = {d->info, d->info_n, at, false};
		unit u = {.start = at, .off_size = 4};
		uint64_t len = fixed(&c, 4);
		if (len == 0xffffffff) {
			len = fixed(&c, 8);
			u.off_size = 8;
		}
		if (c.bad || len > d->info_n - c.i)
			return hs_fail(err, HS_E_TRUNCATED, ".debug_info: unit at byte %llu runs past the "
			               "section", (unsigned long long)at);
		u.end = c.i + len;
		u.version = (unsigned)fixed(&c, 2);
		uint64_t abbr_off;
		if (u.version >= 5) {
			fixed(&c, 1);   /* unit type */
			u.addr_size = (unsigned)fixed(&c, 1);
			abbr_off = fixed(&c, u.off_size);
		} else {
			abbr_off = fixed(&c, u.off_size);
			u.addr_size = (unsigned)fixed(&c, 1);
		}
		if (c.bad || u.version < 2 || u.version > 5 || (u.addr_size != 4 && u.addr_size != 8))
			return hs_fail(err, HS_E_CORRUPT, ".debug_info: unit at byte %llu: version %u, "
			               "address size %u", (unsigned long long)at, u.version, u.addr_size);
		if (abbr_off != last_abbr) {
			hs_err rc = read_abbrevs(d, abbr_off, &first, &count, err);
			if (rc)
				return rc;
			last_abbr = abbr_off;
		}
		u.abbr_first = first;
		u.abbr_n = count;
		hs_err rc = read_unit_dies(d, &u, c.i, err);
		if (rc)
			return rc;
		at = u.end;
	}
	return HS_OK;
}

/* Named entries at the top of a unit (types, globals, constants), and the
 * members of structures through their parent. */
static hs_err index_names(hs_dwarf *d, hs_error *err)
{
	for (size_t i = 0; i < d->ndies; i++) {
		const die *x = &d->dies[i];
		if (!x->name || x->parent == HS_DWARF_NONE || d->dies[x->parent].tag != TAG_CU)
			continue;
		if (hs_strmap_get_or_put(&d->by_name, x->name, strlen(x->name), (uint32_t)i) ==
		    UINT32_MAX)
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	return HS_OK;
}

hs_err hs_dwarf_load(hs_dwarf **out, hs_dwarf_section_fn fn, void *ctx, hs_error *err)
{
	*out = NULL;
	hs_dwarf *d = calloc(1, sizeof *d);
	if (d) {
		spec_vec_init(&d->specs);
		abbrev_vec_init(&d->abbrevs);
	}
	if (!d || !hs_idmap_init(&d->by_off, 4096) || !hs_strmap_init(&d->by_name, 4096)) {
		hs_dwarf_free(d);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	hs_err rc = get_section(d, fn, ctx, ".debug_info", 0, &d->info, &d->info_n, err);
	if (rc == HS_OK && !d->info)
		rc = hs_fail(err, HS_E_FORMAT, HS_DWARF_STRIPPED);
	if (rc == HS_OK)
		rc = get_section(d, fn, ctx, ".debug_abbrev", 1, &d->abbr, &d->abbr_n, err);
	if (rc == HS_OK && !d->abbr)
		rc = hs_fail(err, HS_E_FORMAT, "no .debug_abbrev section");
	if (rc == HS_OK)
		rc = get_section(d, fn, ctx, ".debug_str", 2, &d->str, &d->str_n, err);
	if (rc == HS_OK)
		rc = read_units(d, err);
	if (rc == HS_OK)
		rc = index_names(d, err);
	if (rc != HS_OK) {
		hs_dwarf_free(d);
		return rc;
	}
	*out = d;
	return HS_OK;
}

static const uint8_t *core_section(void *ctx, const char *name, uint64_t *size, uint64_t *flags)
{
	return hs_core_exe_section(ctx, name, size, flags);
}

hs_err hs_dwarf_open(hs_dwarf **out, const struct hs_core *c, hs_error *err)
{
	return hs_dwarf_load(out, core_section, (void *)c, err);
}

void hs_dwarf_free(hs_dwarf *d)
{
	if (!d)
		return;
	for (int i = 0; i < 3; i++)
		free(d->owned[i]);
	free(d->dies);
	spec_vec_release(&d->specs);
	abbrev_vec_release(&d->abbrevs);
	hs_idmap_release(&d->by_off);
	hs_strmap_release(&d->by_name);
	free(d);
}

/* ---- queries ----------------------------------------------------------- */

size_t hs_dwarf_ndies(const hs_dwarf *d) { return d->ndies; }

uint32_t hs_dwarf_type(const hs_dwarf *d, const char *name)
{
	return hs_strmap_get(&d->by_name, name, strlen(name));
}

const char *hs_dwarf_name(const hs_dwarf *d, uint32_t i)
{
	return i < d->ndies && d->dies[i].name ? d->dies[i].name : "";
}

uint32_t hs_dwarf_target(const hs_dwarf *d, uint32_t i)
{
	if (i >= d->ndies || d->dies[i].type == UINT64_MAX)
		return HS_DWARF_NONE;
	return hs_idmap_get(&d->by_off, d->dies[i].type);
}

/* Through typedefs to the type itself (a bounded walk: cycles end). */
static uint32_t resolve(const hs_dwarf *d, uint32_t i)
{
	for (int k = 0; k < 16 && i < d->ndies && d->dies[i].tag == TAG_TYPEDEF; k++)
		i = hs_dwarf_target(d, i);
	return i;
}

uint32_t hs_dwarf_resolve(const hs_dwarf *d, uint32_t type)
{
	type = resolve(d, type);
	return type < d->ndies ? type : HS_DWARF_NONE;
}

unsigned hs_dwarf_tag(const hs_dwarf *d, uint32_t i)
{
	return i < d->ndies ? d->dies[i].tag : 0;
}

uint64_t hs_dwarf_runtime_type(const hs_dwarf *d, uint32_t i)
{
	return i < d->ndies ? d->dies[i].rtype : 0;
}

uint64_t hs_dwarf_size(const hs_dwarf *d, uint32_t i)
{
	i = resolve(d, i);
	return i < d->ndies ? d->dies[i].size : 0;
}

uint64_t hs_dwarf_count(const hs_dwarf *d, uint32_t i)
{
	i = resolve(d, i);
	if (i >= d->ndies || d->dies[i].tag != TAG_ARRAY)
		return 0;
	for (size_t k = i + 1; k < d->ndies && d->dies[k].parent == i; k++)
		if (d->dies[k].tag == TAG_SUBRANGE)
			return d->dies[k].count;
	return 0;
}

int hs_dwarf_go_kind(const hs_dwarf *d, uint32_t i)
{
	return i < d->ndies ? d->dies[i].go_kind : 0;
}

static bool one_member(const hs_dwarf *d, uint32_t type, const char *name, size_t len,
                       uint64_t *off, uint32_t *mtype)
{
	type = resolve(d, type);
	if (type >= d->ndies || d->dies[type].tag != TAG_STRUCT)
		return false;
	/* a struct's members follow it; their parent is the struct */
	for (size_t k = type + 1; k < d->ndies && d->dies[k].parent != d->dies[type].parent; k++) {
		const die *m = &d->dies[k];
		if (m->parent != type || m->tag != TAG_MEMBER || !m->name || !m->has_member_off)
			continue;
		if (strlen(m->name) == len && memcmp(m->name, name, len) == 0) {
			*off = m->member_off;
			*mtype = hs_dwarf_target(d, (uint32_t)k);
			return true;
		}
	}
	return false;
}

bool hs_dwarf_member_next(const hs_dwarf *d, uint32_t type, size_t *k, const char **name,
                          uint64_t *off, uint32_t *mtype)
{
	type = resolve(d, type);
	if (type >= d->ndies || d->dies[type].tag != TAG_STRUCT)
		return false;
	if (*k <= type)
		*k = type + 1;
	for (; *k < d->ndies && d->dies[*k].parent != d->dies[type].parent; (*k)++) {
		const die *m = &d->dies[*k];
		if (m->parent != type || m->tag != TAG_MEMBER || !m->has_member_off)
			continue;
		*name = m->name ? m->name : "";
		*off = m->member_off;
		*mtype = hs_dwarf_target(d, (uint32_t)*k);
		(*k)++;
		return true;
	}
	return false;
}

bool hs_dwarf_member(const hs_dwarf *d, uint32_t type, const char *path, uint64_t *off,
                     uint32_t *mtype)
{
	*off = 0;
	while (*path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		uint64_t o;
		if (!one_member(d, type, path, len, &o, &type))
			return false;
		*off += o;
		path += len + (dot != NULL);
	}
	*mtype = type;
	return true;
}

bool hs_dwarf_global(const hs_dwarf *d, const char *name, uint64_t *addr, uint32_t *type)
{
	uint32_t i = hs_dwarf_type(d, name);
	if (i >= d->ndies || d->dies[i].tag != TAG_VARIABLE || !d->dies[i].has_addr)
		return false;
	*addr = d->dies[i].addr;
	*type = hs_dwarf_target(d, i);
	return true;
}

bool hs_dwarf_const(const hs_dwarf *d, const char *name, int64_t *value)
{
	uint32_t i = hs_dwarf_type(d, name);
	if (i >= d->ndies || d->dies[i].tag != TAG_CONSTANT || !d->dies[i].has_cval)
		return false;
	*value = d->dies[i].cval;
	return true;
}

bool hs_dwarf_variable_at(const hs_dwarf *d, size_t i, const char **name, uint64_t *addr,
                          uint32_t *type)
{
	if (i >= d->ndies || d->dies[i].tag != TAG_VARIABLE || !d->dies[i].has_addr ||
	    !d->dies[i].name)
		return false;
	*name = d->dies[i].name;
	*addr = d->dies[i].addr;
	*type = hs_dwarf_target(d, (uint32_t)i);
	return true;
}
