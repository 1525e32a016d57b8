/* The heap profile of a core: the runtime's memory profile buckets
 * (runtime.mbuckets, mprof.go) turned into the profile that
 * runtime/pprof.WriteHeapProfile would have written at that moment.
 *
 * What is read, from the executable's DWARF (no layout is hard-coded):
 * runtime.bucket (allnext, typ, nstk; nstk PCs follow the struct, then
 * a runtime.memRecord: the active cycle and the future ones), the
 * memRecordCycle counters, runtime.MemProfileRate, the profile cycle
 * (runtime.mProfCycle, or runtime.mProf.cycle before Go 1.19), the bound
 * on a bucket's stack (runtime.maxStack to Go 1.22, maxProfStackDepth
 * from Go 1.23) and the funcIDs of wrappers (pcln_funcids).
 *
 * What is reproduced (Go 1.19 to 1.23's runtime.MemProfile, 1.23's
 * memProfileInternal, and runtime/pprof's writeHeapProto, the same in
 * these versions but for what is noted): MemProfile first flushes future[cycle % len(future)]
 * into active; when then no bucket has any activity it adds every future
 * cycle (a program that never finished a GC); every bucket is a record,
 * also those with nothing in use (inuseZero).  Values are scaled by
 * scaleHeapSample with MemProfileRate; a record's leading runtime.* frames
 * are hidden (FuncForPC at the PC itself); PCs are return addresses, and
 * the fake PCs of inlined calls are merged into the location of their
 * physical call as pprof's pcDeck merges them.  To Go 1.22 pprof reads a
 * record's Stack(), its first 32 PCs (MemProfileRecord.Stack0) up to the
 * first 0; Go 1.23's pprof reads the bucket's whole stack (up to
 * debug.profstackdepth PCs, 128 by default).  Go 1.21 on, a function has
 * its start line (runtime_FrameStartLine); the names are the pclntab's in
 * every version (Go 1.19's Frame.Function is that name; from Go 1.21
 * Frame.Function prints type arguments as "[...]", but pprof names and
 * keys functions and tells recursion by the symbol name). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hashmap.h"
#include "pclntab.h"

/* Bounds on what a bucket's stack may grow to: runtime.maxStack PCs (32
 * to Go 1.22), runtime.maxProfStackDepth (1024 from Go 1.23), and the
 * inlined calls of the last one. */
#define MAX_STACK 1024
#define MAX_INLINE 64

typedef struct mp_layout {
	uint64_t head_addr, head_off;  /* runtime.mbuckets, its pointer's offset */
	uint64_t b_allnext, b_typ, b_typ_size, b_nstk, b_size;
	uint64_t b_objsize;            /* bucket.size: the allocation's size */
	uint64_t r_active, r_future, r_nfuture, r_size;
	uint64_t c_size, c_off[4];     /* allocs, frees, alloc_bytes, free_bytes */
	int64_t mem_type, max_stack;
	bool whole_stack;              /* Go 1.23: pprof reads every PC of the bucket */
	uint64_t rate_addr, rate_size;
	uint64_t cycle_addr;
	bool cycle_shifted;            /* mProfCycleHolder: the cycle from bit 1 on */
	int64_t id_wrapper, id_gopanic, id_sigpanic, id_panicwrap;
} mp_layout;

/* One frame as runtime.CallersFrames gives it for one PC. */
typedef struct mp_frame {
	uint64_t pc, entry;           /* entry 0: no Go function */
	bool inlined;                 /* Func == nil */
	const char *name, *file;
	int32_t line, start_line;
} mp_frame;

typedef struct mp_build {
	hs_core *c;
	hs_profile *p;
	hs_heapdump *h;               /* core_memprof_buckets: p is NULL */
	pcln t;
	bool own_t;                   /* t opened here (else the caller's) */
	mp_layout l;
	hs_idmap funcs;               /* name string -> function index */
	hs_idmap locs;                /* first PC -> index into loc_pcs */
	hs_vec loc_pcs;               /* uint32_t: PCs a location stands for */
	uint64_t map_start, map_end;  /* the executable's text mapping (id 1), or 0, 0 */
	uint64_t stk[MAX_STACK + MAX_INLINE];  /* a record's stack, expanded */
	/* pcDeck */
	uint64_t deck_pcs[MAX_INLINE * 2];
	mp_frame deck[MAX_INLINE * 2];
	size_t ndeck;
} mp_build;

static hs_err need(hs_error *err, const char *what)
{
	return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no %s in DWARF", what);
}

static bool member(const hs_dwarf *d, uint32_t type, const char *path, uint64_t *off)
{
	uint32_t mt;
	return type != HS_DWARF_NONE && hs_dwarf_member(d, type, path, off, &mt);
}

static hs_err layout_buckets(const hs_core *c, const hs_dwarf *d, mp_layout *l, hs_error *err)
{
	uint32_t type, mt;
	if (!hs_dwarf_global(d, "runtime.mbuckets", &l->head_addr, &type))
		return need(err, "runtime.mbuckets");
	l->head_addr += hs_core_bias(c);
	/* Go 1.19: atomic.UnsafePointer; before, a plain *bucket */
	if (!member(d, type, "value", &l->head_off))
		l->head_off = 0;
	uint32_t b = hs_dwarf_type(d, "runtime.bucket");
	if (!member(d, b, "allnext", &l->b_allnext) || !member(d, b, "nstk", &l->b_nstk) ||
	    !hs_dwarf_member(d, b, "typ", &l->b_typ, &mt))
		return need(err, "runtime.bucket");
	l->b_typ_size = hs_dwarf_size(d, mt);
	l->b_size = hs_dwarf_size(d, b);
	if (!member(d, b, "size", &l->b_objsize))
		return need(err, "runtime.bucket");
	uint32_t r = hs_dwarf_type(d, "runtime.memRecord"), fut;
	if (!member(d, r, "active", &l->r_active) ||
	    !hs_dwarf_member(d, r, "future", &l->r_future, &fut))
		return need(err, "runtime.memRecord");
	l->r_nfuture = hs_dwarf_count(d, hs_dwarf_target(d, fut) != HS_DWARF_NONE &&
	                                         hs_dwarf_count(d, fut) == 0
	                                     ? hs_dwarf_target(d, fut)
	                                     : fut);
	l->r_size = hs_dwarf_size(d, r);
	uint32_t cy = hs_dwarf_type(d, "runtime.memRecordCycle");
	static const char *const counters[4] = {"allocs", "frees", "alloc_bytes", "free_bytes"};
	for (int i = 0; i < 4; i++)
		if (!member(d, cy, counters[i], &l->c_off[i]))
			return need(err, "runtime.memRecordCycle");
	l->c_size = hs_dwarf_size(d, cy);
	if (l->b_size == 0 || l->b_size > 4096 || l->b_typ_size == 0 || l->b_typ_size > 8 ||
	    l->r_nfuture == 0 || l->r_nfuture > 64 || l->c_size < 32 ||
	    l->r_future + l->r_nfuture * l->c_size > l->r_size || l->r_size > 4096)
		return need(err, "runtime.bucket and runtime.memRecord of a known shape");
	if (!hs_dwarf_const(d, "runtime.memProfile", &l->mem_type))
		return need(err, "runtime.memProfile");
	/* Go 1.23: stacks of debug.profstackdepth PCs, at most maxProfStackDepth */
	l->whole_stack = !hs_dwarf_const(d, "runtime.maxStack", &l->max_stack);
	if (l->whole_stack && !hs_dwarf_const(d, "runtime.maxProfStackDepth", &l->max_stack))
		return need(err, "runtime.maxStack or runtime.maxProfStackDepth");
	if (l->max_stack <= 0 || l->max_stack > MAX_STACK)
		return need(err, "runtime.maxStack of a known size");
	return HS_OK;
}

static hs_err layout(const hs_core *c, const hs_dwarf *d, mp_layout *l, hs_error *err)
{
	hs_err rc = layout_buckets(c, d, l, err);
	if (rc)
		return rc;
	uint32_t type, mt;
	uint64_t off;
	if (!hs_dwarf_global(d, "runtime.MemProfileRate", &l->rate_addr, &type))
		return need(err, "runtime.MemProfileRate");
	l->rate_addr += hs_core_bias(c);
	l->rate_size = hs_dwarf_size(d, type);
	if (l->rate_size == 0 || l->rate_size > 8)
		return need(err, "runtime.MemProfileRate of a known size");
	if (hs_dwarf_global(d, "runtime.mProfCycle", &l->cycle_addr, &type) &&
	    hs_dwarf_member(d, type, "value.value", &off, &mt)) {
		l->cycle_shifted = true;  /* Go 1.19: value >> 1, bit 0 the flushed flag */
	} else if (hs_dwarf_global(d, "runtime.mProf", &l->cycle_addr, &type) &&
	           hs_dwarf_member(d, type, "cycle", &off, &mt)) {
		l->cycle_shifted = false;
	} else {
		return need(err, "runtime.mProfCycle");
	}
	l->cycle_addr += hs_core_bias(c) + off;
	int64_t *const iv[] = {&l->id_wrapper, &l->id_gopanic, &l->id_sigpanic, &l->id_panicwrap};
	const char *missing;
	if (!pcln_funcids(d, iv, &missing))
		return need(err, missing);
	return HS_OK;
}

static hs_err nomem(hs_error *err) { return hs_fail(err, HS_E_NOMEM, NULL); }

static uint64_t rd_n(const hs_core *c, uint64_t addr, uint64_t size, bool *ok)
{
	uint8_t b[8] = {0};
	if (size > 8 || !hs_core_read(c, addr, b, (size_t)size)) {
		*ok = false;
		return 0;
	}
	return hs_le(b, 8);
}

/* ---- the records ---------------------------------------------------------- */

typedef struct mp_record {
	uint64_t addr;                /* the bucket */
	uint64_t size;                /* its allocation size */
	uint64_t stk[MAX_STACK];
	size_t nstk;
	uint64_t v[4];                /* allocs, frees, alloc_bytes, free_bytes */
	uint64_t future[64][4];
} mp_record;

/* The counters of a memRecordCycle at addr, added to v. */
static bool add_cycle(const hs_core *c, const mp_layout *l, uint64_t addr, uint64_t v[4])
{
	bool ok = true;
	for (int i = 0; i < 4; i++)
		v[i] += rd_n(c, addr + l->c_off[i], 8, &ok);
	return ok;
}

static hs_err bad_bucket(hs_error *err, uint64_t i, uint64_t addr, const char *what)
{
	return hs_fail(err, HS_E_CORRUPT, "memory profile bucket %llu of runtime.mbuckets "
	               "(0x%llx) %s", (unsigned long long)i, (unsigned long long)addr, what);
}

/* Bucket number i at addr: its stack and counters (active, and future
 * cycle k flushed into active when flush[k]). */
static hs_err read_bucket(const hs_core *c, const mp_layout *l, uint64_t i, uint64_t addr,
                          mp_record *r, uint64_t *next, hs_error *err)
{
	bool ok = true;
	uint64_t typ = rd_n(c, addr + l->b_typ, l->b_typ_size, &ok);
	uint64_t nstk = rd_n(c, addr + l->b_nstk, 8, &ok);
	*next = rd_n(c, addr + l->b_allnext, 8, &ok);
	if (!ok || !hs_core_holds(c, addr, l->b_size))
		return bad_bucket(err, i, addr, "is not in the core");
	if ((int64_t)typ != l->mem_type)
		return bad_bucket(err, i, addr, "is not a memory profile bucket (typ differs)");
	if (nstk > (uint64_t)l->max_stack) {
		char what[96];
		snprintf(what, sizeof what, "claims %llu PCs, more than runtime.%s (%lld)",
		         (unsigned long long)nstk, l->whole_stack ? "maxProfStackDepth" : "maxStack",
		         (long long)l->max_stack);
		return bad_bucket(err, i, addr, what);
	}
	uint64_t rec = addr + l->b_size + nstk * 8;
	r->addr = addr;
	r->size = rd_n(c, addr + l->b_objsize, 8, &ok);
	r->nstk = 0;
	for (uint64_t k = 0; k < nstk; k++) {
		uint64_t pc = rd_n(c, addr + l->b_size + k * 8, 8, &ok);
		if (pc == 0 && !l->whole_stack)
			break;        /* MemProfileRecord.Stack stops at the first 0 */
		r->stk[r->nstk++] = pc;
	}
	memset(r->v, 0, sizeof r->v);
	ok = ok && add_cycle(c, l, rec + l->r_active, r->v);
	for (uint64_t k = 0; k < l->r_nfuture; k++) {
		memset(r->future[k], 0, sizeof r->future[k]);
		ok = ok && add_cycle(c, l, rec + l->r_future + k * l->c_size, r->future[k]);
	}
	if (!ok)
		return bad_bucket(err, i, addr, "has its stack or record outside the core");
	return HS_OK;
}

typedef hs_err (*mp_record_fn)(mp_build *b, const mp_record *r, hs_error *err);

/* Walk runtime.mbuckets twice (MemProfile's two passes: is anything
 * published, then the records), bounded: the first pass remembers every
 * bucket, and a list that comes back to one, or is longer than the core
 * could hold, is an error. */
static hs_err walk(mp_build *b, mp_record_fn fn, hs_error *err)
{
	const mp_layout *l = &b->l;
	uint64_t head, cycle;
	bool ok = true;
	head = rd_n(b->c, l->head_addr + l->head_off, 8, &ok);
	cycle = rd_n(b->c, l->cycle_addr, 4, &ok);
	if (!ok)
		return hs_fail(err, HS_E_CORRUPT, "runtime.mbuckets (0x%llx) is not in the core",
		               (unsigned long long)l->head_addr);
	if (l->cycle_shifted)
		cycle >>= 1;
	uint64_t flush = cycle % l->r_nfuture;
	/* every bucket takes its header and record in the core */
	uint64_t max = hs_core_data_bytes(b->c) / (l->b_size + l->r_size) + 1;
	hs_idmap seen = {0};
	mp_record *r = malloc(sizeof *r);
	if (!r || !hs_idmap_init(&seen, 1024)) {
		free(r);
		return nomem(err);
	}
	hs_err rc = HS_OK;
	bool clear = true;
	for (int pass = 0; pass < 2 && rc == HS_OK; pass++) {
		uint64_t i = 0, next;
		for (uint64_t a = head; a && rc == HS_OK; a = next, i++) {
			uint32_t before = pass == 0 ? hs_idmap_get(&seen, a) : UINT32_MAX;
			bool dup;
			if (before != UINT32_MAX) {
				rc = hs_fail(err, HS_E_CORRUPT, "runtime.mbuckets loops: bucket %llu points "
				             "back to bucket %u (0x%llx)", (unsigned long long)i - 1, before,
				             (unsigned long long)a);
				break;
			}
			if (i >= max || i >= UINT32_MAX - 1) {
				rc = hs_fail(err, HS_E_CORRUPT, "runtime.mbuckets holds more than %llu "
				             "buckets, more than the core can hold", (unsigned long long)max);
				break;
			}
			if (pass == 0 && !hs_idmap_put(&seen, a, (uint32_t)i, &dup)) {
				rc = nomem(err);
				break;
			}
			if ((rc = read_bucket(b->c, l, i, a, r, &next, err)))
				break;
			for (int k = 0; k < 4; k++)
				r->v[k] += r->future[flush][k];
			if (pass == 0) {
				clear = clear && r->v[0] == 0 && r->v[1] == 0;
				continue;
			}
			if (clear)   /* no GC cycle published anything: every cycle */
				for (uint64_t f = 0; f < l->r_nfuture; f++)
					for (int k = 0; k < 4; k++)
						r->v[k] += f == flush ? 0 : r->future[f][k];
			rc = fn(b, r, err);
		}
	}
	hs_idmap_release(&seen);
	free(r);
	return rc;
}

/* ---- symbols: runtime.CallersFrames, FuncForPC ---------------------------- */

/* The inlined call at pc of f, false when pc is in f's own code. */
static bool inlined_at(const mp_build *b, const pcln_func *f, uint64_t pc, uint64_t *nameoff,
                       uint64_t *parent, uint8_t *funcid, int32_t *start_line)
{
	uint64_t inl = pcln_funcdata(&b->t, f, (uint32_t)b->t.funcdata_inl);
	if (!inl)
		return false;
	int32_t ix = pcln_pcdata(&b->t, f, (uint32_t)b->t.pcdata_inl, pc);
	uint8_t call[256];
	if (ix < 0 || b->t.i_size > sizeof call ||
	    !hs_core_read(b->c, inl + (uint64_t)ix * b->t.i_size, call, b->t.i_size))
		return false;
	*nameoff = hs_le(call + b->t.i_func, 4);
	*parent = hs_le(call + b->t.i_parentpc, 4);
	*funcid = call[b->t.i_funcid];
	*start_line = b->t.i_startline == UINT64_MAX ? 0
	                                              : (int32_t)hs_le(call + b->t.i_startline, 4);
	return true;
}

/* runtime.CallersFrames([]uintptr{pc}): one frame, looked up at pc - 1
 * unless pc is a function's entry. */
static void frame_at(const mp_build *b, uint64_t pc, mp_frame *fr)
{
	pcln_func f;
	memset(fr, 0, sizeof *fr);
	fr->pc = pc - 1;
	fr->name = fr->file = "";
	if (!pcln_find(&b->t, pc, &f))
		return;
	if (pc > f.entry)
		pc--;
	fr->pc = pc;
	fr->entry = f.entry;
	fr->name = pcln_name(&b->t, &f);
	fr->start_line = pcln_start_line(&b->t, &f);
	uint64_t nameoff, parent;
	uint8_t id;
	if (inlined_at(b, &f, pc, &nameoff, &parent, &id, &fr->start_line)) {
		fr->inlined = true;
		fr->name = pcln_nameoff(&b->t, nameoff);
	}
	pcln_line(&b->t, &f, pc, &fr->file, &fr->line);
	fr->name = fr->name ? fr->name : "";
	fr->file = fr->file ? fr->file : "";
}

/* runtime.FuncForPC(pc).Name() starts "runtime.": looked up at pc. */
static bool runtime_func(const mp_build *b, uint64_t pc)
{
	pcln_func f;
	if (!pcln_find(&b->t, pc, &f))
		return false;
	const char *name = pcln_name(&b->t, &f);
	uint64_t nameoff, parent;
	uint8_t id;
	int32_t start;
	if (inlined_at(b, &f, pc, &nameoff, &parent, &id, &start))
		name = pcln_nameoff(&b->t, nameoff);
	return name && strncmp(name, "runtime.", 8) == 0;
}

/* runtime_expandFinalInlineFrame: a stack cut inside inlined calls gets
 * the fake PCs of the calls that inlined them. */
static void expand_final(const mp_build *b, uint64_t *stk, size_t *n, size_t cap)
{
	if (*n == 0)
		return;
	uint64_t pc = stk[*n - 1], tracepc = pc - 1;
	pcln_func f;
	if (!pcln_find(&b->t, tracepc, &f) || !pcln_funcdata(&b->t, &f, (uint32_t)b->t.funcdata_inl))
		return;
	(*n)--;
	int64_t last = -1;   /* funcID_normal is 0; -1: none yet, nothing elided */
	uint64_t nameoff, parent;
	uint8_t id;
	int32_t start;
	for (int k = 0; k < MAX_INLINE && inlined_at(b, &f, tracepc, &nameoff, &parent, &id, &start);
	     k++) {
		bool elide = id == b->l.id_wrapper && last != b->l.id_gopanic &&
		             last != b->l.id_sigpanic && last != b->l.id_panicwrap;
		if (!elide && *n < cap)
			stk[(*n)++] = pc;
		last = id;
		tracepc = f.entry + parent;
		pc = tracepc + 1;
	}
	if (*n < cap)
		stk[(*n)++] = pc;
}

/* ---- the profile: pprof's profileBuilder ---------------------------------- */

/* The function id (index + 1) of a name; the first file seen is its file,
 * as profileBuilder keys functions by name. */
static hs_err func_id(mp_build *b, const mp_frame *fr, uint32_t *id, hs_error *err)
{
	hs_profile *p = b->p;
	hs_str name = hs_profile_intern(p, fr->name, strlen(fr->name));
	if (name == HS_NONE)
		return nomem(err);
	uint32_t fi = hs_idmap_get(&b->funcs, name);
	if (fi == UINT32_MAX) {
		hs_str file = hs_profile_intern(p, fr->file, strlen(fr->file));
		hs_function *f = file == HS_NONE ? NULL : hs_vec_push(&p->functions, 1);
		if (!f)
			return nomem(err);
		fi = (uint32_t)(p->functions.len - 1);
		*f = (hs_function){.id = fi + 1, .name = name, .system_name = name, .filename = file,
		                   .start_line = fr->start_line};
		bool dup;
		if (!hs_idmap_put(&b->funcs, name, fi, &dup))
			return nomem(err);
	}
	*id = fi + 1;
	return HS_OK;
}

/* emitLocation: the deck becomes one location (id *loc, 0 when empty). */
static hs_err emit(mp_build *b, uint32_t *loc, hs_error *err)
{
	hs_profile *p = b->p;
	*loc = 0;
	if (b->ndeck == 0)
		return HS_OK;
	if (p->locations.len >= HS_NONE - 2)
		return hs_fail(err, HS_E_LIMIT, "too many locations");
	uint32_t li = (uint32_t)p->locations.len;
	hs_location *l = hs_vec_push(&p->locations, 1);
	uint32_t *npcs = l ? hs_vec_push(&b->loc_pcs, 1) : NULL;
	bool dup;
	if (!npcs || !hs_idmap_put(&b->locs, b->deck_pcs[0], li, &dup))
		return nomem(err);
	*npcs = (uint32_t)b->ndeck;
	bool mapped = b->deck_pcs[0] >= b->map_start && b->deck_pcs[0] < b->map_end;
	*l = (hs_location){.id = li + 1, .address = b->deck[0].pc, .mapping = mapped ? 1 : 0,
	                   .line_start = (uint32_t)p->lines.len, .nlines = (uint32_t)b->ndeck};
	for (size_t i = 0; i < b->ndeck; i++) {
		uint32_t fid = 0;
		hs_err rc = func_id(b, &b->deck[i], &fid, err);
		hs_line *ln = rc == HS_OK ? hs_vec_push(&p->lines, 1) : NULL;
		if (!ln)
			return rc ? rc : nomem(err);
		*ln = (hs_line){.function = fid, .line = b->deck[i].line};
	}
	b->ndeck = 0;
	*loc = li + 1;
	return HS_OK;
}

/* pcDeck.tryAdd: fr joins the deck when the frame before it is inlined
 * into the same function (and is no recursion). */
static bool try_add(mp_build *b, uint64_t pc, const mp_frame *fr)
{
	if (b->ndeck) {
		const mp_frame *last = &b->deck[b->ndeck - 1];
		if (!last->inlined || last->entry == 0 || fr->entry == 0 || last->entry != fr->entry ||
		    strcmp(last->name, fr->name) == 0)
			return false;
	}
	if (b->ndeck == sizeof b->deck / sizeof b->deck[0])
		return false;
	b->deck_pcs[b->ndeck] = pc;
	b->deck[b->ndeck++] = *fr;
	return true;
}

static hs_err push_loc(hs_profile *p, uint32_t loc, size_t *n)
{
	if (!loc)
		return HS_OK;
	(*n)++;
	return hs_profile_push_location(p, loc);
}

/* appendLocsForStack: the locations of a stack of return PCs; *n: how many. */
static hs_err append_locs(mp_build *b, const uint64_t *in, size_t nin, size_t *n, hs_error *err)
{
	uint64_t *stk = b->stk;
	size_t ns = nin, i = 0;
	memcpy(stk, in, nin * sizeof *stk);
	expand_final(b, stk, &ns, sizeof b->stk / sizeof b->stk[0]);
	b->ndeck = 0;
	*n = 0;
	hs_err rc = HS_OK;
	uint32_t loc;
	while (i < ns && rc == HS_OK) {
		uint64_t addr = stk[i];
		mp_frame fr;
		frame_at(b, addr, &fr);
		uint32_t known = hs_idmap_get(&b->locs, addr);
		if (known != UINT32_MAX) {
			if (b->ndeck && try_add(b, addr, &fr)) {
				i++;
				continue;
			}
			if ((rc = emit(b, &loc, err)) || (rc = push_loc(b->p, loc, n)) ||
			    (rc = push_loc(b->p, known + 1, n)))
				break;
			i += ((uint32_t *)b->loc_pcs.data)[known];
			continue;
		}
		if (fr.entry && strcmp(fr.name, "runtime.goexit") == 0) {
			if ((rc = emit(b, &loc, err)) || (rc = push_loc(b->p, loc, n)))
				break;
			i++;
			continue;
		}
		if (try_add(b, addr, &fr)) {
			i++;
			continue;
		}
		if ((rc = emit(b, &loc, err)) || (rc = push_loc(b->p, loc, n)))
			break;
		known = hs_idmap_get(&b->locs, addr);
		if (known != UINT32_MAX) {
			rc = push_loc(b->p, known + 1, n);
			i += ((uint32_t *)b->loc_pcs.data)[known];
		} else {
			try_add(b, addr, &fr);
			i++;
		}
	}
	if (rc == HS_OK && (rc = emit(b, &loc, err)) == HS_OK)
		rc = push_loc(b->p, loc, n);
	return rc;
}

/* scaleHeapSample */
static void scale(uint64_t count, uint64_t size, int64_t rate, int64_t *c, int64_t *s)
{
	*c = *s = 0;
	if (count == 0 || size == 0)
		return;
	if (rate <= 1) {
		*c = (int64_t)count;
		*s = (int64_t)size;
		return;
	}
	double avg = (double)(int64_t)size / (double)(int64_t)count;
	double k = 1 / (1 - exp(-avg / (double)rate));
	*c = (int64_t)((double)(int64_t)count * k);
	*s = (int64_t)((double)(int64_t)size * k);
}

static hs_err sample(mp_build *b, const mp_record *r, hs_error *err)
{
	hs_profile *p = b->p;
	size_t from = 0, n = 0;
	/* leading runtime frames hidden; all of them kept when all are */
	while (from < r->nstk && runtime_func(b, r->stk[from]))
		from++;
	if (from == r->nstk)
		from = 0;
	int64_t *v = hs_profile_begin_sample(p);
	if (!v)
		return nomem(err);
	hs_err rc = append_locs(b, r->stk + from, r->nstk - from, &n, err);
	if (rc == HS_OK && n == 0 && from > 0) {
		/* nothing left: the stack again, every frame shown */
		rc = append_locs(b, r->stk, r->nstk, &n, err);
	}
	if (rc)
		return rc;
	/* MemProfileRecord: int64 counters */
	int64_t allocs = (int64_t)r->v[0], frees = (int64_t)r->v[1];
	int64_t abytes = (int64_t)r->v[2], fbytes = (int64_t)r->v[3];
	int64_t rate = p->period;
	scale((uint64_t)allocs, (uint64_t)abytes, rate, &v[0], &v[1]);
	scale((uint64_t)(allocs - frees), (uint64_t)(abytes - fbytes), rate, &v[2], &v[3]);
	if (allocs > 0 && abytes / allocs != 0) {
		hs_label lb = {.key = hs_profile_intern(p, "bytes", 5), .num = abytes / allocs};
		if (lb.key == HS_NONE || hs_profile_push_label(p, &lb) != HS_OK)
			return nomem(err);
	}
	return hs_profile_end_sample(p) == HS_OK ? HS_OK : nomem(err);
}

static hs_err types(hs_profile *p, int64_t rate, hs_error *err)
{
	static const char *const t[5][2] = {{"space", "bytes"}, {"alloc_objects", "count"},
	                                    {"alloc_space", "bytes"}, {"inuse_objects", "count"},
	                                    {"inuse_space", "bytes"}};
	if (hs_profile_add_string(p, "", 0) == HS_NONE)
		return nomem(err);
	for (int i = 0; i < 5; i++) {
		hs_value_type vt = {hs_profile_intern(p, t[i][0], strlen(t[i][0])),
		                    hs_profile_intern(p, t[i][1], strlen(t[i][1]))};
		if (vt.type == HS_NONE || vt.unit == HS_NONE)
			return nomem(err);
		hs_value_type *slot = i == 0 ? &p->period_type : hs_vec_push(&p->sample_types, 1);
		if (!slot)
			return nomem(err);
		*slot = vt;
	}
	p->period = rate;
	p->default_sample_type = -1;
	return HS_OK;
}

/* The executable's mapping that holds the entry point (NT_FILE), as
 * runtime/pprof lists the text of /proc/self/maps, which marks only
 * HasFunctions (proto.go's pbMapping leaves the other three unset). */
static hs_err exe_mapping(mp_build *b, hs_error *err)
{
	const hs_core *c = b->c;
	for (size_t i = 0; i < c->nfiles; i++) {
		const core_file *f = &c->files[i];
		if (c->at_entry < f->start || c->at_entry >= f->end)
			continue;
		hs_mapping *m = hs_vec_push(&b->p->mappings, 1);
		hs_str file = m ? hs_profile_intern(b->p, f->name, strlen(f->name)) : HS_NONE;
		if (file == HS_NONE)
			return nomem(err);
		*m = (hs_mapping){.id = 1, .start = f->start, .limit = f->end, .offset = f->offset,
		                  .file = file, .has_functions = true};
		b->map_start = f->start;
		b->map_end = f->end;
		return HS_OK;
	}
	return HS_OK;
}

/* The layout, runtime.MemProfileRate and the pclntab (t's when not NULL,
 * shared, else opened): what both readers of the buckets start with. */
static hs_err open_build(mp_build *b, hs_core *c, const pcln *t, int64_t *rate, hs_error *err)
{
	memset(b, 0, sizeof *b);
	b->c = c;
	hs_vec_init(&b->loc_pcs, sizeof(uint32_t));
	hs_err rc = layout(c, c->dwarf, &b->l, err);
	if (rc != HS_OK)
		return rc;
	bool ok = true;
	uint64_t raw = rd_n(c, b->l.rate_addr, b->l.rate_size, &ok);
	/* a Go int: sign-extended from its size */
	*rate = b->l.rate_size == 8 ? (int64_t)raw : (int64_t)(int32_t)raw;
	if (!ok)
		return hs_fail(err, HS_E_CORRUPT, "runtime.MemProfileRate (0x%llx) is not in the core",
		               (unsigned long long)b->l.rate_addr);
	if (t) {
		b->t = *t;            /* a shallow copy: the tables stay the caller's */
		return HS_OK;
	}
	b->own_t = true;
	return pcln_open(&b->t, c, c->dwarf, err);
}

static void close_build(mp_build *b)
{
	if (b->own_t)
		pcln_release(&b->t);
	hs_vec_release(&b->loc_pcs);
}

hs_err hs_core_heap_profile(hs_core *c, hs_profile *p, hs_error *err)
{
	mp_build b;
	int64_t rate = 0;
	hs_err rc = open_build(&b, c, NULL, &rate, err);
	b.p = p;
	if (rc == HS_OK && (!hs_idmap_init(&b.funcs, 256) || !hs_idmap_init(&b.locs, 256)))
		rc = nomem(err);
	if (rc == HS_OK)
		rc = types(p, rate, err);
	if (rc == HS_OK)
		rc = exe_mapping(&b, err);
	if (rc == HS_OK)
		rc = walk(&b, sample, err);
	if (rc == HS_OK)
		rc = hs_profile_finish(p, err);
	hs_idmap_release(&b.funcs);
	hs_idmap_release(&b.locs);
	close_build(&b);
	return rc;
}

/* ---- the buckets as a heap dump's memprof records ------------------------- */

static const char *hd_str(hs_heapdump *h, const char *s)
{
	return hs_arena_strndup(&h->arena, s, strlen(s));
}

/* One bucket: its stack as runtime.CallersFrames gives it, a frame per PC
 * (the final inlined frames expanded), leaf first. */
static hs_err hd_bucket(mp_build *b, const mp_record *r, hs_error *err)
{
	hs_heapdump *h = b->h;
	size_t n = r->nstk, first = h->site_frames.len;
	memcpy(b->stk, r->stk, n * sizeof *b->stk);
	expand_final(b, b->stk, &n, sizeof b->stk / sizeof b->stk[0]);
	for (size_t i = 0; i < n; i++) {
		mp_frame fr;
		frame_at(b, b->stk[i], &fr);
		hs_hd_site_frame *f = hs_vec_push(&h->site_frames, 1);
		if (!f)
			return nomem(err);
		*f = (hs_hd_site_frame){.func = hd_str(h, fr.name), .file = hd_str(h, fr.file),
		                        .line = fr.line > 0 ? (uint64_t)fr.line : 0};
		if (!f->func || !f->file)
			return nomem(err);
	}
	if (h->site_frames.len - first > UINT32_MAX || h->buckets.len >= UINT32_MAX - 1)
		return hs_fail(err, HS_E_LIMIT, "too many memory profile frames");
	hs_hd_bucket *d = hs_vec_push(&h->buckets, 1);
	if (!d)
		return nomem(err);
	*d = (hs_hd_bucket){.id = r->addr, .size = r->size, .allocs = r->v[0], .frees = r->v[1],
	                    .first = (uint32_t)first, .nframes = (uint32_t)(h->site_frames.len - first)};
	return HS_OK;
}

hs_err core_memprof_buckets(hs_core *c, const pcln *t, hs_heapdump *h, hs_error *err)
{
	mp_build b;
	hs_error e;
	hs_error_clear(&e);
	int64_t rate = 0;
	hs_err rc = open_build(&b, c, t, &rate, &e);
	b.h = h;
	if (rc == HS_OK) {
		h->memprof_rate = rate;
		h->has_memprof_rate = true;
		rc = walk(&b, hd_bucket, &e);
	}
	close_build(&b);
	if (rc == HS_E_NOMEM || rc == HS_E_LIMIT) {
		*err = e;
		return rc;
	}
	if (rc != HS_OK) {
		/* no sites, but the heap: say the list was unreadable when this
		 * Go has one */
		h->memprof_broken = rc == HS_E_CORRUPT;
		h->buckets.len = 0;
		h->site_frames.len = 0;
	}
	return HS_OK;
}
