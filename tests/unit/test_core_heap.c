/* The heap of a core (src/formats/core_heap.c) on testdata/coreheap/,
 * written by testdata/gen/generate-coreheap.sh: testdata/gen/coreheap
 * (go1.19.8, amd64, static) wrote a heap dump of itself with
 * debug.WriteHeapDump after one forced GC, the GC then off, and gcore
 * took the core while it slept.  Sources of the expected values:
 *   - heap.dump.zst: the runtime's own dump of the same moment, read by
 *     the heap-dump loader: every object of it must be in the core at the
 *     same address, with the same size and the same pointers (the core
 *     holds a few more: what the program allocated after the dump);
 *   - counts.json: what the program built (main.Store's pages and array,
 *     main.List's nodes, the nodes a parked goroutine's frame keeps, the
 *     finalizers) and its runtime.MemStats read just before the dump.
 * The same for testdata/coreheap122/ (Go 1.22.12, the first with
 * allocation headers) and testdata/coreheap123/: the program built by Go 1.23.5
 * (allocation headers: heap bits at the end of small objects' spans, a
 * type header before larger ones, mspan.largeType for large ones).
 * The same for testdata/coreheap-arm64/ (generate-core-arm64.sh): the
 * Go 1.19 program built for arm64, run under qemu-aarch64 and stopped by
 * SIGQUIT (GOTRACEBACK=crash), qemu's core of the guest: link-register
 * frames, a pc quantum of 4; testdata/coreheap123-arm64/ the same by Go
 * 1.23.5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "heapscope/heapdump.h"
#include "../../src/formats/core_heap_bits.h"
#include "../../src/formats/core_internal.h"
#include "../../src/formats/core_stackmaps.h"
#include "../../src/formats/pclntab.h"
#include "core_poke.h"

#define TD SOURCE_ROOT "/testdata/coreheap/"
#define TD122 SOURCE_ROOT "/testdata/coreheap122/"
#define TD123 SOURCE_ROOT "/testdata/coreheap123/"
/* testdata/gen/generate-coreheap-noarena.sh: core.exe.zst, runtime.heapArena
 * renamed in its DWARF */
#define NOARENA SOURCE_ROOT "/testdata/coreheap-refused/noarena.exe.zst"
/* Objects the program allocates after the dump (counts.json, "ready"). */
#define MAX_AFTER 400
/* Dump objects whose pointers the runtime changed after the dump (2 in
 * each core). */
#define MAX_REPOINTED 4
/* The cgo program went on after its dump (spinners released, Ps handed
 * over, a poll loop): the runtime's g, m and p objects (runtime.g 392,
 * runtime.m 1008, runtime.p 8912 bytes by readelf: the 416, 1024 and 9472
 * byte objects) and a few small ones changed, 12 at GOMAXPROCS=8. */
#define MAX_REPOINTED_CGO 16

typedef struct fixture {
	const char *dir;               /* TD, TD122 or TD123 */
	bool span_bits;                /* Go 1.22+: small objects' heap bits end their span */
	size_t max_repointed;          /* MAX_REPOINTED, or MAX_REPOINTED_CGO */
	hs_core *core;
	hs_heapdump heap, dump;
	hs_symtab syms;
	char counts[4096];
} fixture;

static uint64_t count(const fixture *f, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(f->counts, k);
	assert_non_null(p);
	return strtoull(p + strlen(k), NULL, 10);
}

/* A file of the fixture's directory (one of four rotating buffers). */
static const char *in_dir(const fixture *f, const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s%s", f->dir, name);
	return buf[k];
}

/* The core `core` of dir with the executable exe (a path). */
static int setup_files(void **state, const char *dir, const char *core, const char *exe,
                       bool span_bits)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = dir;
	f->span_bits = span_bits;
	f->max_repointed = strstr(dir, "/core/cgo") ? MAX_REPOINTED_CGO : MAX_REPOINTED;
	hs_error e;
	hs_error_clear(&e);
	hs_input in;
	hs_core_side side;
	assert_int_equal(hs_input_open(&in, in_dir(f, core), 0, &e), HS_OK);
	assert_int_equal(hs_core_open_input(&f->core, &in, exe, &side, &e), HS_OK);
	hs_heapdump_init(&f->heap);
	hs_heapdump_init(&f->dump);
	hs_symtab_init(&f->syms);
	if (hs_core_heapdump(f->core, &f->heap, &e) != HS_OK)
		fail_msg("core heap: %s", e.detail);
	assert_int_equal(hs_core_symtab(f->core, &f->heap, &f->syms, &e), HS_OK);
	assert_int_equal(hs_heapdump_load(&f->dump, in_dir(f, "heap.dump.zst"), &e), HS_OK);
	FILE *c = fopen(in_dir(f, "counts.json"), "r");
	assert_non_null(c);
	f->counts[fread(f->counts, 1, sizeof f->counts - 1, c)] = '\0';
	fclose(c);
	*state = f;
	return 0;
}

static int setup_dir(void **state, const char *dir, bool span_bits)
{
	char exe[512];
	snprintf(exe, sizeof exe, "%score.exe.zst", dir);
	return setup_files(state, dir, "core.core.zst", exe, span_bits);
}

static int teardown(void **state)
{
	fixture *f = *state;
	hs_heapdump_release(&f->heap);
	hs_heapdump_release(&f->dump);
	hs_symtab_release(&f->syms);
	hs_core_close(f->core);
	free(f);
	return 0;
}

static uint64_t sym_addr(const hs_symtab *s, const char *name);

static int by_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

/* The addresses object i of h points to, sorted, into out (at most max). */
static size_t targets(const hs_heapdump *h, uint32_t i, uint64_t *out, size_t max)
{
	size_t n = 0;
	for (uint32_t k = h->edge_start[i]; k < h->edge_start[i + 1] && n < max; k++)
		out[n++] = hs_heapdump_addr(h, h->edges[k]);
	qsort(out, n, sizeof *out, by_u64);
	return n;
}

/* Whether the core has an object starting at addr. */
static bool in_core(const fixture *f, uint64_t addr)
{
	uint32_t j = hs_heapdump_find(&f->heap, addr);
	return j != HS_HD_NONE && hs_heapdump_addr(&f->heap, j) == addr;
}

/* Go 1.22+'s WriteHeapDump lists every slot of a span's pages, (npages <<
 * _PageShift) / elemsize of them (heapdump.go, dumpobjs), but a span of
 * objects of at most 512 bytes with pointers keeps its last bytes / 64
 * (128 of a page: all such spans are one page) for heap bits and has
 * fewer objects, (bytes - bytes/64) / elemsize (mheap.go, initSpan): the
 * dump's slots that overlap those bits are no objects.  The dump's
 * objects the core does not have must all be such; that the rest are
 * every object, MemStats.HeapObjects says (test_memstats). */
static bool phantom(const fixture *f, uint32_t i)
{
	uint64_t addr = hs_heapdump_addr(&f->dump, i), size = f->dump.size[i];
	return f->span_bits && size <= 512 && addr % 8192 + size > 8192 - 8192 / 64 &&
	       !in_core(f, addr);
}

static size_t phantoms(const fixture *f)
{
	size_t n = 0;
	for (uint32_t i = 0; i < f->dump.nobjects; i++)
		n += phantom(f, i);
	return n;
}

/* Every object of the dump is in the core: same address, size, pointers. */
static void test_objects_equal_dump(void **state)
{
	fixture *f = *state;
	const hs_heapdump *d = &f->dump, *c = &f->heap;
	size_t nd = d->nobjects - phantoms(f);
	assert_true(nd > 5000);
	assert_true(c->nobjects >= nd);
	assert_true(c->nobjects - nd <= MAX_AFTER);
	size_t missing = 0, resized = 0, repointed = 0;
	static uint64_t a[1 << 14], b[1 << 14];
	for (uint32_t i = 0; i < d->nobjects; i++) {
		uint64_t addr = hs_heapdump_addr(d, i);
		uint32_t j = hs_heapdump_find(c, addr);
		if (phantom(f, i))
			continue;
		if (j == HS_HD_NONE || hs_heapdump_addr(c, j) != addr) {
			missing++;
			continue;
		}
		if (c->size[j] != d->size[i])
			resized++;
		size_t na = targets(d, i, a, 1 << 14), nb = targets(c, j, b, 1 << 14);
		if (na != nb || memcmp(a, b, na * sizeof *a) != 0)
			repointed++;
	}
	/* The runtime's own state the program changed after the dump (its
	 * sleep's timer on the P, the g that slept, allgs): a few objects. */
	if (missing || resized || repointed > f->max_repointed)
		fail_msg("of %zu dump objects: %zu missing from the core, %zu of another size, %zu "
		         "with other pointers", d->nobjects, missing, resized, repointed);
}

/* runtime.MemStats read just before the dump, against the span walk. */
static void test_memstats(void **state)
{
	fixture *f = *state;
	assert_int_equal(f->dump.nobjects - phantoms(f), count(f, "heap_objects"));
	uint64_t objects = f->heap.nobjects, bytes = f->heap.total_bytes;
	uint64_t want_objects = count(f, "heap_objects"), want_bytes = count(f, "heap_alloc");
	assert_true(objects >= want_objects && objects - want_objects <= MAX_AFTER);
	assert_true(bytes >= want_bytes && bytes - want_bytes <= 64 << 10);
	/* the objects that were there at the dump: exactly HeapAlloc */
	uint64_t at_dump = 0;
	for (uint32_t i = 0; i < f->dump.nobjects; i++) {
		uint32_t j = hs_heapdump_find(&f->heap, hs_heapdump_addr(&f->dump, i));
		at_dump += j == HS_HD_NONE ? 0 : f->heap.size[j];
	}
	assert_int_equal(at_dump, want_bytes);
}

static const hs_hd_holder *holder(const hs_hd_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nholders; i++)
		if (strstr(a->holders[i].name, name))
			return &a->holders[i];
	return NULL;
}

/* What the program built, retained by the globals (named from DWARF) and
 * the parked goroutine's frame; the finalizers' objects. */
static void test_retained_counts(void **state)
{
	fixture *f = *state;
	hs_hd_opts o;
	hs_hd_opts_default(&o);
	o.syms = &f->syms;
	hs_hd_analysis a;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_hd_analyze(&a, &f->heap, &o, &e), HS_OK);
	const hs_hd_holder *store = holder(&a, "main.Store"), *list = holder(&a, "main.List"),
	                   *frame = holder(&a, ": main.holder");
	assert_non_null(store);
	assert_non_null(list);
	assert_non_null(frame);
	assert_int_equal(store->retained, count(f, "store_retained"));
	assert_int_equal(list->retained, count(f, "list_retained"));
	/* main.Registry, in the data segment */
	const hs_hd_holder *reg = holder(&a, "main.Registry");
	assert_non_null(reg);
	assert_int_equal(reg->kind, HS_HD_ROOT_DATA);
	assert_int_equal(reg->retained, count(f, "registry_pages") * count(f, "page_bytes"));
	/* main.After: nodes allocated after the last GC (below their spans'
	 * freeindex, allocation bits unset) and its array of after_gc
	 * pointers, as big as the dump's object there says (Go 1.19: 1024
	 * bytes; Go 1.23: 1024 and a type header in a 1152-byte slot) */
	const hs_hd_holder *after = holder(&a, "main.After");
	assert_non_null(after);
	uint64_t arr;
	assert_true(hs_core_read_u64(f->core, sym_addr(&f->syms, "main.After"), &arr));
	uint32_t ai = hs_heapdump_find(&f->dump, arr);
	/* (the slice points past Go 1.23's header, into the object) */
	assert_true(ai != HS_HD_NONE && arr - hs_heapdump_addr(&f->dump, ai) < f->dump.size[ai]);
	assert_true(f->dump.size[ai] >= count(f, "after_gc") * 8);
	assert_int_equal(after->retained,
	                 count(f, "after_gc") * count(f, "node_bytes") + f->dump.size[ai]);
	assert_int_equal(frame->kind, HS_HD_ROOT_FRAME);
	assert_true(frame->retained >= count(f, "stack_objects") * count(f, "node_bytes"));
	hs_hd_analysis_release(&a);
	/* the program's finalizers and os.Stdin/Stdout/Stderr's: each one
	 * the dump lists too, which also has the dump file's own (closed
	 * after it) */
	size_t fin[2] = {0, 0};
	const hs_heapdump *h[2] = {&f->heap, &f->dump};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < h[k]->roots.len; i++) {
			const hs_hd_root *r = &HS_VEC_AT(&h[k]->roots, hs_hd_root, i);
			if (r->kind != HS_HD_ROOT_FINALIZER || !r->referents_only)
				continue;
			fin[k]++;
			bool seen = k == 1;
			for (size_t j = 0; !seen && j < f->dump.roots.len; j++) {
				const hs_hd_root *q = &HS_VEC_AT(&f->dump.roots, hs_hd_root, j);
				seen = q->kind == HS_HD_ROOT_FINALIZER && q->referents_only &&
				       q->ptr == r->ptr;
			}
			assert_true(seen);
		}
	assert_true(fin[1] - fin[0] <= 1);
	assert_true(fin[0] >= count(f, "finalizers"));
}

static bool has_root(const hs_heapdump *h, uint8_t kind, uint64_t where, uint64_t ptr)
{
	for (size_t i = 0; i < h->roots.len; i++) {
		const hs_hd_root *r = &HS_VEC_AT(&h->roots, hs_hd_root, i);
		if (r->kind == kind && r->where == where && r->ptr == ptr)
			return true;
	}
	return false;
}

/* A frame root of goroutine goid of h whose pointer is to an object of
 * the core (the dump lists its frames' pointer slots whatever they hold),
 * not a stack object's word (the dump has none), at where with ptr. */
static bool frame_root(const fixture *f, const hs_heapdump *h, const hs_hd_root *r, uint64_t goid)
{
	return r->kind == HS_HD_ROOT_FRAME && !(r->desc && strcmp(r->desc, "stack object") == 0) &&
	       HS_VEC_AT(&h->goroutines, hs_hd_goroutine, r->goroutine).goid == goid &&
	       hs_heapdump_find(&f->heap, r->ptr) != HS_HD_NONE;
}

/* The frame roots of goroutine goid in h matched by one in o (same slot,
 * same pointer); *all: how many h has. */
static size_t matched_frame_roots(const fixture *f, const hs_heapdump *h, const hs_heapdump *o,
                                  uint64_t goid, size_t *all)
{
	size_t n = 0;
	*all = 0;
	for (size_t i = 0; i < h->roots.len; i++) {
		const hs_hd_root *r = &HS_VEC_AT(&h->roots, hs_hd_root, i);
		if (!frame_root(f, h, r, goid))
			continue;
		++*all;
		bool seen = false;
		for (size_t j = 0; !seen && j < o->roots.len; j++) {
			const hs_hd_root *q = &HS_VEC_AT(&o->roots, hs_hd_root, j);
			seen = q->where == r->where && q->ptr == r->ptr && frame_root(f, o, q, goid);
		}
		n += seen;
	}
	return n;
}

/* Whether goroutine goid has the same frames (pc and sp) in h and o: it
 * has not run between the dump and the core. */
static bool same_frames(const hs_heapdump *h, const hs_heapdump *o, uint64_t goid)
{
	const hs_hd_goroutine *g[2] = {NULL, NULL};
	const hs_heapdump *x[2] = {h, o};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < x[k]->goroutines.len; i++)
			if (HS_VEC_AT(&x[k]->goroutines, hs_hd_goroutine, i).goid == goid)
				g[k] = &HS_VEC_AT(&x[k]->goroutines, hs_hd_goroutine, i);
	if (!g[0] || !g[1] || g[0]->nframes != g[1]->nframes)
		return false;
	for (uint32_t j = 0; j < g[0]->nframes; j++) {
		const hs_hd_frame *a = &HS_VEC_AT(&h->frames, hs_hd_frame, g[0]->first_frame + j),
		                  *b = &HS_VEC_AT(&o->frames, hs_hd_frame, g[1]->first_frame + j);
		if (a->sp != b->sp || a->pc != b->pc)
			return false;
	}
	return true;
}

/* The data and bss slots the modules' pointer masks give are the dump's;
 * the frame roots of goroutines parked since the dump (all but main's
 * and one or two of the runtime's, which ran after it: other frames) are
 * the dump's, slot for slot (the stack maps, core_stackmaps.c). */
static void test_roots(void **state)
{
	fixture *f = *state;
	const hs_heapdump *d = &f->dump, *c = &f->heap;
	size_t globals[2] = {0, 0}, unmatched[2] = {0, 0}, frames = 0, lost = 0, extra = 0,
	       compared = 0, moved = 0;
	const hs_heapdump *h[2] = {c, d};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < h[k]->roots.len; i++) {
			const hs_hd_root *r = &HS_VEC_AT(&h[k]->roots, hs_hd_root, i);
			if (r->kind == HS_HD_ROOT_DATA || r->kind == HS_HD_ROOT_BSS) {
				globals[k]++;
				unmatched[k] += !has_root(h[1 - k], r->kind, r->where, r->ptr);
			}
		}
	for (size_t i = 0; i < d->goroutines.len; i++) {
		uint64_t goid = HS_VEC_AT(&d->goroutines, hs_hd_goroutine, i).goid;
		if (goid == 1)
			continue;
		if (!same_frames(d, c, goid)) {
			moved++;
			continue;
		}
		compared++;
		size_t nd, nc, md = matched_frame_roots(f, d, c, goid, &nd),
		                mc = matched_frame_roots(f, c, d, goid, &nc);
		frames += nd;
		lost += nd - md;
		extra += nc - mc;
		if (nd != md || nc != mc)
			print_message("goroutine %llu: %zu of the dump's %zu frame roots not in the core, "
			              "%zu of the core's %zu not in the dump\n", (unsigned long long)goid,
			              nd - md, nd, nc - mc, nc);
	}
	assert_true(globals[1] > 40);   /* 101 in Go 1.19's dump, 50 in Go 1.21's */
	assert_true(globals[0] >= count(f, "registry_pages"));
	assert_true(frames > 0);
	/* main.holder's goroutine among them; goroutines 1 and 22 of Go
	 * 1.23's core (a GC worker) ran after the dump */
	assert_true(compared >= 2 && moved <= 1);
	/* a global or two the runtime set after the dump (runtime.m0.curg...) */
	if (unmatched[0] > 2 || unmatched[1] > 2 || lost || extra)
		fail_msg("data/bss roots: %zu of the core's not in the dump, %zu of the dump's (%zu) "
		         "not in the core; %zu of %zu frame roots lost, %zu extra", unmatched[0],
		         unmatched[1], globals[1], lost, frames, extra);
}

static uint64_t sym_addr(const hs_symtab *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->syms[i].name, name) == 0)
			return s->syms[i].addr;
	fail_msg("no symbol %s", name);
	return 0;
}

/* Each data and bss root slot that an ELF symbol of the executable
 * (.symtab, as nm lists it) covers is named the same from DWARF, in the
 * static core and in testdata/core/pie/'s (loaded at a random base: the
 * globals are moved by the bias). */
static void test_globals_named(void **state)
{
	fixture *f = *state;
	hs_error e;
	hs_error_clear(&e);
	hs_heapdump pie;
	hs_symtab psyms, elf[2];
	hs_core_side side;
	hs_heapdump_init(&pie);
	hs_symtab_init(&psyms);
	if (hs_core_load_heapdump(&pie, &psyms, NULL, SOURCE_ROOT "/testdata/core/pie/core.core.zst",
	                          SOURCE_ROOT "/testdata/core/pie/core.exe.zst", &side, NULL,
	                          &e) != HS_OK)
		fail_msg("pie: %s", e.detail);
	static const char *const exes[2] = {TD "core.exe.zst",
	                                    SOURCE_ROOT "/testdata/core/pie/core.exe.zst"};
	const hs_heapdump *h[2] = {&f->heap, &pie};
	const hs_symtab *y[2] = {&f->syms, &psyms};
	for (int k = 0; k < 2; k++) {
		hs_symtab_init(&elf[k]);
		assert_int_equal(hs_symtab_load(&elf[k], exes[k], &e), HS_OK);
		uint64_t bias = sym_addr(y[k], "runtime.firstmoduledata") -
		                sym_addr(&elf[k], "runtime.firstmoduledata");
		assert_true(k == 1 ? bias != 0 : bias == 0);
		size_t globals = 0, covered = 0, same = 0;
		for (size_t i = 0; i < h[k]->roots.len; i++) {
			const hs_hd_root *r = &HS_VEC_AT(&h[k]->roots, hs_hd_root, i);
			uint64_t off, off2;
			if (r->kind != HS_HD_ROOT_DATA && r->kind != HS_HD_ROOT_BSS)
				continue;
			globals++;
			const hs_elf_sym *es = hs_symtab_lookup(&elf[k], r->where - bias, &off);
			const hs_elf_sym *ds = hs_symtab_lookup(y[k], r->where, &off2);
			if (!es)
				continue;
			covered++;
			same += ds && strcmp(es->name, ds->name) == 0 && off == off2;
		}
		assert_true(globals > 20);
		assert_true(covered + 2 >= globals);   /* a static temporary has no symbol */
		assert_int_equal(same, covered);
		hs_symtab_release(&elf[k]);
	}
	assert_true(hs_core_sniff_file(SOURCE_ROOT "/testdata/core/pie/core.core.zst"));
	assert_false(hs_core_sniff_file(TD "heap.dump.zst"));
	hs_heapdump_release(&pie);
	hs_symtab_release(&psyms);
}

/* Overwrite n bytes of the process's memory in the core (its sparse
 * blocks); the old bytes go to old. */
/* One opening for leaks and triage: hs_core_load_heapdump gives the heap
 * hs_core_heapdump gives and the goroutines the profile loader gives the
 * same core with its executable: one each of the dump's goroutines that
 * are not the runtime's (the dump's own system flag), from_core set. */
static void test_heap_and_goroutines(void **state)
{
	fixture *f = *state;
	hs_error e;
	hs_error_clear(&e);
	hs_heapdump h;
	hs_symtab syms;
	hs_profile both, alone;
	hs_core_side side;
	hs_error refused;
	hs_heapdump_init(&h);
	hs_symtab_init(&syms);
	hs_profile_init(&both);
	hs_profile_init(&alone);
	if (hs_core_load_heapdump(&h, &syms, &both, in_dir(f, "core.core.zst"),
	                          in_dir(f, "core.exe.zst"), &side, &refused, &e) != HS_OK)
		fail_msg("core: %s", e.detail);
	assert_int_equal(refused.code, HS_OK);
	assert_int_equal(h.nobjects, f->heap.nobjects);
	assert_int_equal(syms.n, f->syms.n);
	alone.exe_path = in_dir(f, "core.exe.zst");
	assert_int_equal(hs_load_profile(&alone, in_dir(f, "core.core.zst"), &e), HS_OK);
	size_t user = 0;
	for (size_t i = 0; i < f->dump.goroutines.len; i++)
		user += !HS_VEC_AT(&f->dump.goroutines, hs_hd_goroutine, i).system;
	assert_true(user > 0);
	assert_int_equal(both.nsamples, user);
	assert_int_equal(alone.nsamples, user);
	assert_true(both.from_core && alone.from_core);
	assert_true(both.zstd);
	hs_profile_release(&both);
	hs_profile_release(&alone);
	hs_heapdump_release(&h);
	hs_symtab_release(&syms);
}

/* A heap layout the reader refuses (noarena.exe.zst: the same executable,
 * runtime.heapArena renamed in its DWARF) costs the heap only: with a
 * goroutine profile and a refusal to fill, hs_core_load_heapdump reads the
 * goroutines (one each of the dump's own), leaves the heap empty and says
 * why; without them the refusal is the error, as heapdump CORE reports. */
static void test_refused_layout_keeps_goroutines(void **state)
{
	fixture *f = *state;
	hs_error e, refused;
	hs_error_clear(&e);
	hs_heapdump h;
	hs_symtab syms;
	hs_profile gs;
	hs_core_side side;
	hs_heapdump_init(&h);
	hs_symtab_init(&syms);
	hs_profile_init(&gs);
	if (hs_core_load_heapdump(&h, &syms, &gs, TD "core.core.zst", NOARENA, &side, &refused,
	                          &e) != HS_OK)
		fail_msg("core: %s", e.detail);
	assert_int_equal(refused.code, HS_E_FORMAT);
	assert_non_null(strstr(refused.detail, "runtime.heapArena"));
	assert_int_equal(h.nobjects, 0);
	assert_int_equal(syms.n, 0);
	size_t user = 0;
	for (size_t i = 0; i < f->dump.goroutines.len; i++)
		user += !HS_VEC_AT(&f->dump.goroutines, hs_hd_goroutine, i).system;
	assert_int_equal(gs.nsamples, user);
	assert_true(gs.from_core);
	hs_profile_release(&gs);
	hs_heapdump_release(&h);
	hs_symtab_release(&syms);
	hs_heapdump_init(&h);
	hs_symtab_init(&syms);
	hs_error_clear(&e);
	assert_int_equal(hs_core_load_heapdump(&h, &syms, NULL, TD "core.core.zst", NOARENA, &side,
	                                       &refused, &e), HS_E_FORMAT);
	assert_non_null(strstr(e.detail, "no runtime.heapArena in DWARF"));
	hs_heapdump_release(&h);
	hs_symtab_release(&syms);
}

/* Go 1.21's runtime.heapArena is the one-bit layout, Go 1.19's not; its
 * arrays must cover an arena of runtime.heapArenaBytes one bit a word
 * (readelf: bitmap [131072]uintptr at 0, noMorePtrs [16384]uint8 at
 * 1048576, 64 MiB arenas), else the layout is refused. */
static void test_bits1_layout(void **state)
{
	fixture *f = *state;
	const hs_dwarf *d = f->core->dwarf;
	uint32_t ha = hs_dwarf_type(d, "runtime.heapArena");
	assert_true(core_bits1_is(d, ha));
	static core_bits1 b;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(core_bits1_layout(&b, d, ha, (uint64_t)64 << 20, &e), HS_OK);
	assert_int_equal(b.bitmap_off, 0);
	assert_int_equal(b.nwords, 131072);
	assert_int_equal(b.nomore_off, 1048576);
	assert_int_equal(core_bits1_layout(&b, d, ha, (uint64_t)128 << 20, &e), HS_E_FORMAT);
	assert_non_null(strstr(e.detail, "not one bit a word"));
	hs_core *old = NULL;
	hs_input in;
	hs_core_side side;
	assert_int_equal(hs_input_open(&in, TD "core.core.zst", 0, &e), HS_OK);
	assert_int_equal(hs_core_open_input(&old, &in, TD "core.exe.zst", &side, &e), HS_OK);
	assert_false(core_bits1_is(old->dwarf, hs_dwarf_type(old->dwarf, "runtime.heapArena")));
	hs_core_close(old);
}

/* The first span of runtime.mheap_.allspans that is in use. */
static uint64_t first_span(const hs_core *c)
{
	uint64_t addr, off, arr, span, soff;
	uint32_t t, mt;
	int64_t in_use;
	uint8_t state = 0;
	assert_true(hs_dwarf_global(c->dwarf, "runtime.mheap_", &addr, &t));
	assert_true(hs_dwarf_member(c->dwarf, t, "allspans.array", &off, &mt));
	assert_true(hs_dwarf_member(c->dwarf, hs_dwarf_type(c->dwarf, "runtime.mspan"), "state.s",
	                            &soff, &mt));
	assert_true(hs_dwarf_const(c->dwarf, "runtime.mSpanInUse", &in_use));
	assert_true(hs_core_read_u64(c, addr + off, &arr));
	for (int i = 0; state != in_use; i++) {
		assert_true(i < 1000);
		assert_true(hs_core_read_u64(c, arr + 8 * (uint64_t)i, &span));
		assert_true(hs_core_read(c, span + soff, &state, 1));
	}
	return span;
}

static void expect_refused(hs_core *c, const char *member, uint64_t value, const char *words)
{
	uint64_t off, old;
	uint32_t mt;
	assert_true(hs_dwarf_member(c->dwarf, hs_dwarf_type(c->dwarf, "runtime.mspan"), member,
	                            &off, &mt));
	uint64_t at = first_span(c) + off;
	poke(c, at, &value, &old, 8);
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = hs_core_heapdump(c, &h, &e);
	hs_heapdump_release(&h);
	poke(c, at, &old, &value, 8);
	assert_int_equal(rc, HS_E_CORRUPT);
	if (!strstr(e.detail, words))
		fail_msg("%s: %s", member, e.detail);
}

/* Garbled spans: one error saying what, no allocation by the claim. */
static void test_garbled_spans(void **state)
{
	fixture *f = *state;
	expect_refused(f->core, "npages", (uint64_t)1 << 62, "garbled: its pages");
	expect_refused(f->core, "nelems", (uint64_t)1 << 40, "garbled: its objects");
	expect_refused(f->core, "startAddr", 0x123, "garbled: its pages");
	expect_refused(f->core, "allocBits", 0x10, "allocation bits");
	/* the core is whole again */
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_core_heapdump(f->core, &h, &e), HS_OK);
	assert_int_equal(h.nobjects, f->heap.nobjects);
	hs_heapdump_release(&h);
}

/* Go 1.23: a garbled malloc header (main.After's array's) is one error
 * naming the object, not a read of whatever it points to. */
static void test_garbled_header(void **state)
{
	fixture *f = *state;
	uint64_t arr, bogus = 0x10, old;
	assert_true(hs_core_read_u64(f->core, sym_addr(&f->syms, "main.After"), &arr));
	uint32_t i = hs_heapdump_find(&f->dump, arr);
	assert_true(i != HS_HD_NONE);
	uint64_t slot = hs_heapdump_addr(&f->dump, i);
	assert_int_equal(arr - slot, 8);   /* the header: one word */
	poke(f->core, slot, &bogus, &old, 8);
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = hs_core_heapdump(f->core, &h, &e);
	hs_heapdump_release(&h);
	poke(f->core, slot, &old, &bogus, 8);
	assert_int_equal(rc, HS_E_CORRUPT);
	if (!strstr(e.detail, "garbled type (0x10)"))
		fail_msg("%s", e.detail);
}

/* A goroutine without frames adds no slot to a vector that has none yet
 * (found by fuzz_core under UBSan: the sort of no slots was handed a NULL
 * base; red under the sanitizer build without the early return). */
static void test_stack_slots_none(void **state)
{
	fixture *f = *state;
	hs_error e;
	hs_error_clear(&e);
	core_smaps *s;
	pcln t;
	assert_int_equal(core_smaps_open(&s, f->core, &e), HS_OK);
	assert_int_equal(pcln_open(&t, f->core, f->core->dwarf, &e), HS_OK);
	hs_vec out;
	hs_vec_init(&out, sizeof(core_slot));
	assert_int_equal(core_stack_slots(s, &t, 0, NULL, 0, 0, 0, 0, &out, &e), HS_OK);
	assert_int_equal(out.len, 0);
	hs_vec_release(&out);
	pcln_release(&t);
	core_smaps_free(s);
}

static int setup(void **state)
{
	return setup_dir(state, TD, false);
}

static int setup121(void **state)
{
	return setup_dir(state, SOURCE_ROOT "/testdata/coreheap121/", false);
}

static int setup122(void **state)
{
	return setup_dir(state, TD122, true);
}

static int setup123(void **state)
{
	return setup_dir(state, TD123, true);
}

static int setup_arm64(void **state)
{
	return setup_dir(state, SOURCE_ROOT "/testdata/coreheap-arm64/", false);
}

static int setup123_arm64(void **state)
{
	return setup_dir(state, SOURCE_ROOT "/testdata/coreheap123-arm64/", true);
}

/* testdata/core/cgo/ and cgo1/ (generate-corecgo.sh): a cgo build, at
 * GOMAXPROCS=8 and 1, its gcore and its kernel core (GOTRACEBACK=crash) */
#define CGO SOURCE_ROOT "/testdata/core/cgo/"
#define CGO1 SOURCE_ROOT "/testdata/core/cgo1/"

static int setup_cgo(void **state)
{
	return setup_files(state, CGO, "core.core.zst", CGO "core.exe.zst", false);
}

static int setup_cgo_kernel(void **state)
{
	return setup_files(state, CGO, "kernel.core.zst", CGO "core.exe.zst", false);
}

static int setup_cgo1(void **state)
{
	return setup_files(state, CGO1, "core.core.zst", CGO "core.exe.zst", false);
}

static int setup_cgo1_kernel(void **state)
{
	return setup_files(state, CGO1, "kernel.core.zst", CGO "core.exe.zst", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objects_equal_dump),
		cmocka_unit_test(test_memstats),
		cmocka_unit_test(test_retained_counts),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_globals_named),
		cmocka_unit_test(test_heap_and_goroutines),
		cmocka_unit_test(test_refused_layout_keeps_goroutines),
		cmocka_unit_test(test_garbled_spans),
		cmocka_unit_test(test_stack_slots_none),
	};
	/* allocation headers: Go 1.22 (the first) and 1.23 */
	const struct CMUnitTest headers[] = {
		cmocka_unit_test(test_objects_equal_dump),
		cmocka_unit_test(test_memstats),
		cmocka_unit_test(test_retained_counts),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_heap_and_goroutines),
		cmocka_unit_test(test_garbled_spans),
		cmocka_unit_test(test_garbled_header),
	};
	/* the oracle of the dump written just before the core, Go 1.21 */
	const struct CMUnitTest go121[] = {
		cmocka_unit_test(test_objects_equal_dump),
		cmocka_unit_test(test_memstats),
		cmocka_unit_test(test_retained_counts),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_bits1_layout),
	};
	/* Go 1.19 on arm64 (qemu-aarch64's core) */
	const struct CMUnitTest arm64[] = {
		cmocka_unit_test(test_objects_equal_dump),
		cmocka_unit_test(test_memstats),
		cmocka_unit_test(test_retained_counts),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_heap_and_goroutines),
	};
	/* the dump's oracle on cgo builds */
	const struct CMUnitTest cgo[] = {
		cmocka_unit_test(test_objects_equal_dump),
		cmocka_unit_test(test_memstats),
	};
	int rc = cmocka_run_group_tests_name("go1.19", tests, setup, teardown);
	rc += cmocka_run_group_tests_name("go1.19 arm64", arm64, setup_arm64, teardown);
	rc += cmocka_run_group_tests_name("go1.23 arm64", arm64, setup123_arm64, teardown);
	rc += cmocka_run_group_tests_name("cgo gcore", cgo, setup_cgo, teardown);
	rc += cmocka_run_group_tests_name("cgo kernel", cgo, setup_cgo_kernel, teardown);
	rc += cmocka_run_group_tests_name("cgo GOMAXPROCS=1 gcore", cgo, setup_cgo1, teardown);
	rc += cmocka_run_group_tests_name("cgo GOMAXPROCS=1 kernel", cgo, setup_cgo1_kernel, teardown);
	rc += cmocka_run_group_tests_name("go1.21", go121, setup121, teardown);
	rc += cmocka_run_group_tests_name("go1.22", headers, setup122, teardown);
	return rc + cmocka_run_group_tests_name("go1.23", headers, setup123, teardown);
}
