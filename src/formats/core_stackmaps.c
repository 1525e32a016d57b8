/* Precise stack roots (issue 15): the pointer slots of each frame from
 * the runtime's stack maps, as the GC's scanframeworker (runtime/
 * mgcmark.go, getStackMap in stack.go or stkframe.go) and
 * debug.WriteHeapDump's dumpframe (runtime/heapdump.go) read them.
 *
 * At a frame's pc (pc-1 unless at the entry: the return address backs up
 * to the CALL; -1 is taken as 0, the prologue's map) PCDATA_StackMapIndex
 * picks a bitmap of FUNCDATA_LocalsPointerMaps (runtime.stackmap: n
 * int32, nbit int32, n bitmaps of nbit bits each on a byte boundary),
 * whose bits are the words below varp, and one of
 * FUNCDATA_ArgsPointerMaps, whose bits are the words from argp (both
 * from the goroutine walk, core_gframe: on arm64 a frame's bottom word
 * 0(sp) holds the saved LR, and its arguments start at fp + 8).  As the runtime does, a
 * frame is scanned conservatively (every word of it and its arguments)
 * when it has no map at its pc: the innermost frame of a goroutine
 * stopped on a running thread, runtime.asyncPreempt's and
 * debugCallV2's frames and the frame they interrupted; a function
 * without a locals map has its locals scanned whole, as dumpframe does.
 * Stack objects (FUNCDATA_StackObjects: address-taken variables, which
 * the maps leave out and the GC scans when a live slot reaches them) are
 * scanned conservatively over their pointer-holding prefix (ptrdata)
 * once a slot or a scanned object points into them; all of them when the
 * goroutine waits on sudogs (g.waiting: their elem may point into the
 * stack).  Constants and the _func layout come from
 * DWARF. */
#include <stdlib.h>
#include <string.h>

#include "core_stackmaps.h"
#include "pclntab.h"

/* Beyond these a map or a record list from the core is not believed. */
#define MAX_MAP_BITS ((uint64_t)1 << 24)
#define MAX_STACK_OBJECTS 1024

struct core_smaps {
	const hs_core *c;
	uint64_t f_args;              /* runtime._func.args */
	int64_t pcdata_stackmap, fd_locals, fd_args, fd_objects, id_async, id_debugcall;
	int64_t g_running;            /* runtime._Grunning */
	uint64_t g_waiting;           /* runtime.g.waiting, 0: unknown */
};

/* A stack object: scanned once a pointer reaches [base, base + size). */
typedef struct sobj {
	uint64_t base, size, len;     /* len: its pointer-holding prefix */
	bool done;
} sobj;

static bool const2(const hs_dwarf *d, const char *a, const char *b, int64_t *v)
{
	return hs_dwarf_const(d, a, v) || hs_dwarf_const(d, b, v);
}

hs_err core_smaps_open(core_smaps **out, const hs_core *c, hs_error *err)
{
	*out = NULL;
	const hs_dwarf *d = c->dwarf;
	core_smaps *s = calloc(1, sizeof *s);
	if (!s)
		return hs_fail(err, HS_E_NOMEM, NULL);
	s->c = c;
	/* runtime's names to Go 1.20, internal/abi's from Go 1.21 */
	static const char *const names[][2] = {
		{"runtime._PCDATA_StackMapIndex", "internal/abi.PCDATA_StackMapIndex"},
		{"runtime._FUNCDATA_LocalsPointerMaps", "internal/abi.FUNCDATA_LocalsPointerMaps"},
		{"runtime._FUNCDATA_ArgsPointerMaps", "internal/abi.FUNCDATA_ArgsPointerMaps"},
		{"runtime._FUNCDATA_StackObjects", "internal/abi.FUNCDATA_StackObjects"},
		{"runtime.funcID_asyncPreempt", "internal/abi.FuncID_asyncPreempt"},
		{"runtime.funcID_debugCallV2", "internal/abi.FuncID_debugCallV2"},
		{"runtime._Grunning", "runtime._Grunning"}};
	int64_t *v[] = {&s->pcdata_stackmap, &s->fd_locals, &s->fd_args, &s->fd_objects,
	                &s->id_async, &s->id_debugcall, &s->g_running};
	uint32_t mt;
	hs_err rc = HS_OK;
	for (size_t i = 0; i < sizeof names / sizeof names[0] && rc == HS_OK; i++)
		if (!const2(d, names[i][0], names[i][1], v[i]))
			rc = hs_fail(err, HS_E_FORMAT, "unsupported Go version: no %s in DWARF",
			             names[i][0]);
	if (rc == HS_OK && !hs_dwarf_member(d, hs_dwarf_type(d, "runtime._func"), "args", &s->f_args,
	                                    &mt))
		rc = hs_fail(err, HS_E_FORMAT, "unsupported Go version: no runtime._func.args in DWARF");
	uint32_t g = hs_dwarf_type(d, "runtime.g");
	if (rc == HS_OK && !hs_dwarf_member(d, g, "waiting", &s->g_waiting, &mt))
		s->g_waiting = 0;
	if (rc == HS_OK && s->f_args + 4 > hs_dwarf_size(d, hs_dwarf_type(d, "runtime._func")))
		rc = hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime._func.args at %llu",
		             (unsigned long long)s->f_args);
	if (rc != HS_OK) {
		core_smaps_free(s);
		return rc;
	}
	*out = s;
	return HS_OK;
}

void core_smaps_free(core_smaps *s)
{
	if (!s)
		return;
	free(s);
}

typedef struct slots {
	const core_smaps *s;
	const pcln *t;                /* the goroutine walk's */
	uint64_t lo, hi;
	size_t first, max;            /* out's first slot of the goroutine; at most max */
	hs_vec objs;                  /* sobj */
	hs_vec *out;
	hs_error *err;
} slots;

static hs_err add(slots *w, uint64_t where, uint8_t how)
{
	if (where < w->lo || where >= w->hi || where % 8 || w->out->len - w->first >= w->max)
		return HS_OK;
	core_slot *p = hs_vec_push(w->out, 1);
	if (!p)
		return hs_fail(w->err, HS_E_NOMEM, NULL);
	*p = (core_slot){.where = where, .how = how};
	return HS_OK;
}

static hs_err range(slots *w, uint64_t from, uint64_t to, uint8_t how)
{
	if (to > w->hi)
		to = w->hi;
	if (from < w->lo)
		from = w->lo;
	for (uint64_t a = (from + 7) & ~(uint64_t)7; a + 8 <= to && w->out->len - w->first < w->max;
	     a += 8) {
		hs_err rc = add(w, a, how);
		if (rc != HS_OK)
			return rc;
	}
	return HS_OK;
}

/* Bitmap idx of the runtime.stackmap at m (0: none): its nbit, and the
 * address of its bytes.  false when there is none or it is not believed. */
static bool stackmap(const slots *w, uint64_t m, int32_t idx, int32_t *n, uint64_t *nbit,
                     uint64_t *bytes)
{
	uint8_t h[8];
	if (!m || !hs_core_read(w->s->c, m, h, 8))
		return false;
	*n = (int32_t)hs_le(h, 4);
	int32_t nb = (int32_t)hs_le(h + 4, 4);
	if (*n <= 0 || idx < 0 || idx >= *n || nb < 0 || (uint64_t)nb > MAX_MAP_BITS)
		return false;
	*nbit = (uint64_t)nb;
	*bytes = m + 8 + (uint64_t)idx * ((*nbit + 7) / 8);
	return true;
}

/* The words of [base, base + 8 nbit) whose bits are set. */
static hs_err bits(slots *w, uint64_t base, uint64_t nbit, uint64_t bytes)
{
	uint8_t b[256];
	for (uint64_t i = 0; i < nbit && w->out->len - w->first < w->max; i++) {
		if (i % (8 * sizeof b) == 0) {
			uint64_t left = (nbit - i + 7) / 8;
			if (!hs_core_read(w->s->c, bytes + i / 8, b, left < sizeof b ? (size_t)left : sizeof b))
				return HS_OK;
		}
		uint64_t k = i % (8 * sizeof b);
		if (b[k / 8] >> (k % 8) & 1) {
			hs_err rc = add(w, base + i * 8, CORE_SLOT_MAP);
			if (rc != HS_OK)
				return rc;
		}
	}
	return HS_OK;
}

/* The pointer-holding words of the frame's stack objects: in its locals
 * [sp, varp) or its arguments [argp, argp + arglen). */
static hs_err objects(slots *w, const pcln_func *f, uint64_t sp, uint64_t varp, uint64_t argp,
                      uint64_t arglen)
{
	uint64_t m = pcln_funcdata(w->t, f, (uint32_t)w->s->fd_objects), cnt;
	if (!m || !hs_core_read_u64(w->s->c, m, &cnt) || cnt > MAX_STACK_OBJECTS)
		return HS_OK;
	for (uint64_t i = 0; i < cnt; i++) {
		uint8_t r[16];
		if (!hs_core_read(w->s->c, m + 8 + i * 16, r, sizeof r))
			return HS_OK;
		int32_t off = (int32_t)hs_le(r, 4), size = (int32_t)hs_le(r + 4, 4),
		        ptrdata = (int32_t)hs_le(r + 8, 4);
		if (size <= 0)
			continue;
		/* a negative ptrdata: the type has a GC program, -ptrdata long */
		int64_t pd = ptrdata < 0 ? -(int64_t)ptrdata : ptrdata;
		int64_t len = pd < size ? pd : size;
		uint64_t from = off < 0 ? sp : argp, to = off < 0 ? varp : argp + arglen;
		uint64_t base = off < 0 ? varp - (uint64_t)(-(int64_t)off) : argp + (uint64_t)off;
		if (base < from || base > to || (uint64_t)size > to - base)
			continue;   /* not in the frame */
		sobj *o = hs_vec_push(&w->objs, 1);
		if (!o)
			return hs_fail(w->err, HS_E_NOMEM, NULL);
		*o = (sobj){.base = base, .size = (uint64_t)size, .len = (uint64_t)len};
	}
	return HS_OK;
}

/* Whether a slot of out from index `from` holds a pointer into o. */
static bool reached(const slots *w, const sobj *o, size_t from)
{
	for (size_t i = from; i < w->out->len; i++) {
		uint64_t v;
		if (hs_core_read_u64(w->s->c, HS_VEC_AT(w->out, core_slot, i).where, &v) &&
		    v >= o->base && v - o->base < o->size)
			return true;
	}
	return false;
}

/* The stack objects a slot reaches, and those they reach, as the GC
 * scans them (every one when all: a goroutine waiting on sudogs, whose
 * elem may point into its stack, runtime.g.waiting). */
static hs_err reach_objects(slots *w, bool all)
{
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < w->objs.len; i++) {
			sobj *o = &HS_VEC_AT(&w->objs, sobj, i);
			if (o->done || !(all || reached(w, o, w->first)))
				continue;
			o->done = more = true;
			hs_err rc = range(w, o->base, o->base + o->len, CORE_SLOT_OBJECT);
			if (rc != HS_OK)
				return rc;
		}
	}
	return HS_OK;
}

/* A frame with maps: its locals (below varp), its arguments (from
 * argp), its stack objects.  child_arglen: the argument bytes of the
 * frame below, which lie at this frame's bottom. */
static hs_err precise(slots *w, const pcln_func *f, const core_gframe *fr, uint64_t varp,
                      uint64_t argp, uint64_t arglen, uint64_t child_arglen)
{
	const core_smaps *s = w->s;
	int32_t pcdata = -1, n;
	if (fr->pc != f->entry)
		pcdata = pcln_pcdata(w->t, f, (uint32_t)s->pcdata_stackmap, fr->pc - 1);
	if (pcdata == -1)
		pcdata = 0;   /* the prologue's, as the runtime assumes */
	uint64_t nbit, bytes, m;
	hs_err rc = HS_OK;
	if (varp > fr->sp) {
		m = pcln_funcdata(w->t, f, (uint32_t)s->fd_locals);
		int32_t mn = 0;
		if (m && !hs_core_read(s->c, m, &mn, 4))
			m = 0;
		if (!m)    /* no locals information: all of them, above the callee's
		            * arguments (at sp, past arm64's saved LR: argp - fp) */
			rc = range(w, fr->sp + (fr->argp - fr->fp) + child_arglen, varp,
			           CORE_SLOT_CONSERVATIVE);
		else if (mn < 0)   /* their size only */
			rc = range(w, varp - (uint64_t)(-(int64_t)mn), varp, CORE_SLOT_CONSERVATIVE);
		else if (stackmap(w, m, pcdata, &n, &nbit, &bytes) && nbit * 8 <= varp - fr->sp)
			rc = bits(w, varp - nbit * 8, nbit, bytes);
		else if (mn > 0)   /* a map that does not fit: don't know where we are */
			rc = range(w, fr->sp, varp, CORE_SLOT_CONSERVATIVE);
	}
	if (rc != HS_OK)
		return rc;
	m = pcln_funcdata(w->t, f, (uint32_t)s->fd_args);
	if (stackmap(w, m, pcdata, &n, &nbit, &bytes) && argp <= w->hi &&
	    nbit <= (w->hi - argp) / 8)
		rc = bits(w, argp, nbit, bytes);
	else if (!m && arglen)
		rc = range(w, argp, argp + arglen, CORE_SLOT_CONSERVATIVE);
	if (rc == HS_OK)
		rc = objects(w, f, fr->sp, varp, argp, arglen);
	return rc;
}

static int by_where(const void *a, const void *b)
{
	const core_slot *x = a, *y = b;
	if (x->where != y->where)
		return x->where < y->where ? -1 : 1;
	return (x->how > y->how) - (x->how < y->how);
}

hs_err core_stack_slots(const core_smaps *s, const pcln *t, uint64_t gaddr, const core_gframe *fr,
                        size_t n, uint64_t status, uint64_t lo, uint64_t hi, hs_vec *out,
                        hs_error *err)
{
	bool running = status == (uint64_t)s->g_running;
	/* a slot per word of the stack at most, twice over (the callee's
	 * arguments are its caller's words too) */
	slots w = {.s = s, .t = t, .lo = lo, .hi = hi, .out = out, .err = err, .first = out->len,
	           .max = hi > lo ? (size_t)((hi - lo) / 4) : 0};
	size_t first = out->len;
	hs_vec_init(&w.objs, sizeof(sobj));
	bool conservative = false;
	uint64_t child_arglen = 0;
	hs_err rc = HS_OK;
	for (size_t i = 0; i < n && rc == HS_OK; i++) {
		pcln_func f;
		if (fr[i].fp <= fr[i].sp || !pcln_find(t, fr[i].pc, &f)) {
			rc = range(&w, fr[i].sp, fr[i].fp, CORE_SLOT_CONSERVATIVE);
			child_arglen = 0;
			continue;
		}
		uint64_t varp = fr[i].varp, argp = fr[i].argp;
		int32_t args = (int32_t)hs_le(t->funcs.data + f.off + s->f_args, 4);
		/* (_ArgsSizeUnknown, negative: reflect's stubs, whose
		 * argument maps come from their closure, are left out) */
		uint64_t arglen = args > 0 ? (uint64_t)args : 0;
		int64_t id = pcln_funcid(t, &f);
		bool preempt = id == s->id_async || id == s->id_debugcall;
		if ((i == 0 && running) || conservative || preempt) {
			rc = range(&w, fr[i].sp, varp, CORE_SLOT_CONSERVATIVE);
			if (rc == HS_OK)
				rc = range(&w, argp, argp + arglen, CORE_SLOT_CONSERVATIVE);
			/* asyncPreempt's frame holds the registers of the one it stopped */
			conservative = preempt;
		} else
			rc = precise(&w, &f, &fr[i], varp, argp, arglen, child_arglen);
		child_arglen = arglen;
	}
	uint64_t waiting = 0;
	if (rc == HS_OK)
		rc = reach_objects(&w, !s->g_waiting || !hs_core_read_u64(s->c, gaddr + s->g_waiting,
		                                                           &waiting) || waiting);
	hs_vec_release(&w.objs);
	if (rc != HS_OK || out->len == first)
		return rc;   /* no slot: out may have no storage yet */
	/* one slot per address, the most precise reason first */
	core_slot *v = (core_slot *)out->data + first;
	size_t k = out->len - first, u = 0;
	qsort(v, k, sizeof *v, by_where);
	for (size_t i = 0; i < k; i++)
		if (u == 0 || v[u - 1].where != v[i].where)
			v[u++] = v[i];
	out->len = first + u;
	return HS_OK;
}
