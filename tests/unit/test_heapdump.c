/* The heap dump loader and analyses: a hand-written dump whose dominator
 * tree is worked out by hand below, every cut and a bit flip at every byte
 * of it, and the dumps testdata/gen/heapdump wrote (counts.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/heapdump.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

typedef struct buf {
	uint8_t b[4096];
	size_t n;
} buf;

/* The pointer size and byte order the synthetic dump is written with. */
static unsigned wsize = 8;
static bool big_endian;

static void word(buf *x, uint64_t w)
{
	for (unsigned k = 0; k < wsize; k++)
		x->b[x->n++] = (uint8_t)(w >> (8 * (big_endian ? wsize - 1 - k : k)));
}

static void u(buf *x, uint64_t v)
{
	while (v >= 0x80) {
		x->b[x->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	x->b[x->n++] = (uint8_t)v;
}

static void str(buf *x, const char *s)
{
	u(x, strlen(s));
	memcpy(x->b + x->n, s, strlen(s));
	x->n += strlen(s);
}

/* A byte range of little-endian words, then a pointer field for every
 * word that is not zero (so the fields follow the contents). */
static void words(buf *x, const uint64_t *w, size_t n)
{
	u(x, n * wsize);
	for (size_t i = 0; i < n; i++)
		word(x, w[i]);
	for (size_t i = 0; i < n; i++)
		if (w[i]) {
			u(x, 1);
			u(x, i * wsize);
		}
	u(x, 0);
}

static void object(buf *x, uint64_t addr, const uint64_t *w, size_t n)
{
	u(x, 1);
	u(x, addr);
	words(x, w, n);
}

enum { A = 0x1000, B = 0x2000, C = 0x3000, D = 0x4000, E = 0x5000, F = 0x6000, G = 0x7000,
       I = 0x9000, J = 0xa000 };

/* data -> A -> B -> D+8 (interior) -> E;  bss -> C -> D;  F <-> F alone;
 * goroutine 7's frame -> G;  finalizer on I keeps J (not I);  D sampled. */
static void synthetic(buf *x)
{
	x->n = 0;
	memcpy(x->b, "go1.7 heap dump\n", 16);
	x->n = 16;
	u(x, 6), u(x, big_endian), u(x, wsize), u(x, 0x1000), u(x, 0x100000), str(x, "amd64"), str(x, "go1.19.8"),
		u(x, 2);
	uint64_t wa[4] = {B, C}, wb[2] = {D + wsize}, wc[2] = {D}, wd[8] = {E}, we[16] = {0}, wf[6] = {F},
		 wg[3] = {0}, wi[2] = {J}, wj[5] = {0};
	object(x, E, we, 16);    /* out of address order on purpose */
	object(x, A, wa, 4);
	object(x, B, wb, 2);
	object(x, C, wc, 2);
	object(x, D, wd, 8);
	object(x, F, wf, 6);
	object(x, G, wg, 3);
	object(x, I, wi, 2);
	object(x, J, wj, 5);
	/* goroutine: addr sp goid gopc status system background waitsince
	 * reason ctxt m defer panic */
	u(x, 4), u(x, 0xc000), u(x, 0), u(x, 7), u(x, 0), u(x, 4), u(x, 0), u(x, 0), u(x, 0),
		str(x, "chan receive"), u(x, 0), u(x, 0), u(x, 0), u(x, 0);
	/* frame: sp depth childsp contents entry pc continpc name fields */
	u(x, 5), u(x, 0x700000), u(x, 0), u(x, 0);
	u(x, 2 * wsize);
	word(x, G);
	word(x, 0);
	u(x, 0x401000), u(x, 0x401010), u(x, 0x401010), str(x, "main.worker"), u(x, 1), u(x, 0), u(x, 0);
	/* data: A, and a heap-range pointer that hits no object */
	uint64_t wdata[2] = {A, 0x12345};
	u(x, 12), u(x, 0x500000), words(x, wdata, 2);
	uint64_t wbss[1] = {C};
	u(x, 13), u(x, 0x600000), words(x, wbss, 1);
	u(x, 7), u(x, I), u(x, 0), u(x, 0), u(x, 0), u(x, 0);   /* finalizer */
	u(x, 16), u(x, 77), u(x, 8 * wsize), u(x, 2), str(x, "runtime.mallocgc"), str(x, "malloc.go"), u(x, 1),
		str(x, "main.alloc"), str(x, "x.go"), u(x, 12), u(x, 1), u(x, 0);
	u(x, 17), u(x, D), u(x, 77);
	u(x, 0);
}

enum { M = 0x1000, ARR = 0x2000, ENT = 0x3000, X = 0x8000, Y = 0x8100, NENT = 12 };

/* A goroutine record (status, system flag, wait reason, creation pc). */
static void goroutine(buf *x, uint64_t goid, uint64_t gopc, uint64_t status, bool system,
                      const char *reason)
{
	u(x, 4), u(x, 0xc000 + goid), u(x, 0), u(x, goid), u(x, gopc), u(x, status), u(x, system),
		u(x, 0), u(x, 0), str(x, reason), u(x, 0), u(x, 0), u(x, 0), u(x, 0);
}

/* A stack frame record of function fn (entry, pc) holding ptr. */
static void frame(buf *x, uint64_t sp, const char *fn, uint64_t entry, uint64_t pc, uint64_t ptr)
{
	u(x, 5), u(x, sp), u(x, 0), u(x, 0);
	u(x, wsize);
	word(x, ptr);
	u(x, entry), u(x, pc), u(x, pc), str(x, fn), u(x, 1), u(x, 0), u(x, 0);
}

static void frame_with(buf *x, uint64_t goid, const char *fn, uint64_t ptr)
{
	goroutine(x, goid, 0, 4, false, "chan receive");
	frame(x, 0x700000 + goid * 0x100, fn, 0x401000, 0x401010, ptr);
}

/* A map-like structure M -> ARR -> NENT entries of 64 B that three roots
 * reach: goroutine 7's frame (M, one pointer away), goroutine 8's frame
 * (through X, two away) and, when `global`, a data slot (through Y, two
 * away: farther than goroutine 7's frame).
 * The frames come first in the dump, as the runtime writes them; with
 * `crowd`, goroutines 9 and 10 run main.serve too, M one pointer away. */
static void owner_graph(buf *x, bool global, bool crowd)
{
	x->n = 0;
	memcpy(x->b, "go1.7 heap dump\n", 16);
	x->n = 16;
	u(x, 6), u(x, 0), u(x, 8), u(x, 0x1000), u(x, 0x100000), str(x, "amd64"), str(x, "go1.19.8"),
		u(x, 2);
	uint64_t wm[6] = {ARR}, warr[NENT], went[8] = {0}, wx[2] = {M}, wy[2] = {M};
	for (int k = 0; k < NENT; k++)
		warr[k] = ENT + (uint64_t)k * 0x100;
	object(x, M, wm, 6);
	object(x, ARR, warr, NENT);
	for (int k = 0; k < NENT; k++)
		object(x, ENT + (uint64_t)k * 0x100, went, 8);
	object(x, X, wx, 2);
	if (global)
		object(x, Y, wy, 2);
	frame_with(x, 7, "main.serve", M);
	frame_with(x, 8, "main.other", X);
	for (uint64_t g = 9; crowd && g <= 10; g++)
		frame_with(x, g, "main.serve", M);
	if (global) {
		uint64_t wdata[1] = {Y};
		u(x, 12), u(x, 0x500000), words(x, wdata, 1);
	}
	u(x, 0);
}

static uint32_t node_of_holder(const hs_hd_analysis *a, const char *name)
{
	for (size_t i = 0; i < a->nholders; i++)
		if (strcmp(a->holders[i].name, name) == 0)
			return (uint32_t)(a->h->nobjects + i);
	fail_msg("no holder %s", name);
	return 0;
}

/* Lengauer-Tarjan (the fallback) finds the same dominator tree. */
static void same_with_lt(const hs_hd_analysis *an, const hs_heapdump *h, hs_hd_opts o)
{
	hs_hd_analysis lt;
	o.max_passes = 0;
	hs_error e;
	hs_error_clear(&e);
	assert_false(an->used_lt);
	assert_int_equal(hs_hd_analyze(&lt, h, &o, &e), HS_OK);
	assert_true(lt.used_lt);
	assert_int_equal(lt.super, an->super);
	for (uint32_t v = 0; v <= an->super; v++) {
		assert_int_equal(lt.idom[v], an->idom[v]);
		assert_int_equal(lt.retained[v], an->retained[v]);
	}
	hs_hd_analysis_release(&lt);
}

static void test_synthetic(void **state)
{
	(void)state;
	buf x;
	synthetic(&x);
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_heapdump_load_buffer(&h, x.b, x.n, 0, &e), HS_OK);
	assert_int_equal(h.nobjects, 9);
	assert_int_equal(h.total_bytes, 32 + 16 + 16 + 64 + 128 + 48 + 24 + 16 + 40);
	assert_int_equal(h.goroutines.len, 1);
	assert_int_equal(h.frames.len, 1);
	assert_int_equal(h.roots.len, 4);    /* the stray data pointer is dropped */
	uint32_t a_ = hs_heapdump_find(&h, A), b_ = hs_heapdump_find(&h, B), c_ = hs_heapdump_find(&h, C);
	uint32_t d_ = hs_heapdump_find(&h, D), e_ = hs_heapdump_find(&h, E);
	assert_int_equal(hs_heapdump_find(&h, D + 63), d_);
	assert_int_equal(hs_heapdump_find(&h, D + 64), HS_HD_NONE);
	assert_int_equal(h.edges[h.edge_start[b_]], d_);     /* the interior pointer */
	hs_hd_analysis an;
	hs_hd_opts o;
	hs_hd_opts_default(&o);
	assert_int_equal(hs_hd_analyze(&an, &h, &o, &e), HS_OK);
	assert_int_equal(an.reachable_bytes, 32 + 16 + 16 + 64 + 128 + 24 + 40);
	assert_int_equal(an.unreachable_objects, 2);    /* F (its own cycle) and I (finalized) */
	assert_int_equal(an.unreachable_bytes, 48 + 16);
	uint32_t data = node_of_holder(&an, "data+0x0"), bss = node_of_holder(&an, "bss+0x0");
	uint32_t frame = node_of_holder(&an, "goroutine 7: main.worker");
	uint32_t fin = node_of_holder(&an, "finalizers");
	assert_int_equal(an.idom[a_], data);
	assert_int_equal(an.idom[b_], a_);
	assert_int_equal(an.idom[c_], an.super);     /* from data via A and from bss */
	assert_int_equal(an.idom[d_], an.super);
	assert_int_equal(an.idom[e_], d_);
	assert_int_equal(an.retained[data], 48);
	assert_int_equal(an.retained[bss], 0);
	assert_int_equal(an.retained[d_], 192);
	assert_int_equal(an.retained[frame], 24);
	assert_int_equal(an.retained[fin], 40);
	/* suspects (>= 32 B): D, then data+0x0 (48), then finalizers (40) */
	assert_int_equal(an.suspects.len, 3);
	const hs_hd_suspect *s = &HS_VEC_AT(&an.suspects, hs_hd_suspect, 0);
	assert_int_equal(s->node, d_);
	assert_int_equal(s->accum, d_);
	assert_int_equal(s->path.len, 3);    /* bss+0x0 -> C -> D, the shortest */
	assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 0), bss);
	assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 1), c_);
	/* two globals reach D together; the closer one owns it */
	assert_int_equal(s->roots.len, 2);
	assert_int_equal(HS_VEC_AT(&s->roots, uint32_t, 0), bss - h.nobjects);
	assert_int_equal(HS_VEC_AT(&s->roots, uint32_t, 1), data - h.nobjects);
	assert_int_equal(s->owner, bss - h.nobjects);
	assert_int_equal(s->structure, d_);
	const hs_hd_site *site = &HS_VEC_AT(&an.sites, hs_hd_site, s->site);
	assert_string_equal(site->func, "main.alloc");
	assert_int_equal(site->line, 12);
	assert_int_equal(HS_VEC_AT(&an.suspects, hs_hd_suspect, 1).node, data);
	assert_int_equal(HS_VEC_AT(&an.suspects, hs_hd_suspect, 2).node, fin);
	same_with_lt(&an, &h, o);
	hs_hd_analysis_release(&an);
	hs_heapdump_release(&h);
}

/* 4-byte big-endian pointers: the same graph, every size halved. */
static void test_synthetic_be32(void **state)
{
	(void)state;
	wsize = 4;
	big_endian = true;
	buf x;
	synthetic(&x);
	wsize = 8;
	big_endian = false;
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_heapdump_load_buffer(&h, x.b, x.n, 0, &e), HS_OK);
	assert_int_equal(h.nobjects, 9);
	assert_int_equal(h.roots.len, 4);
	hs_hd_analysis an;
	hs_hd_opts o;
	hs_hd_opts_default(&o);
	assert_int_equal(hs_hd_analyze(&an, &h, &o, &e), HS_OK);
	assert_int_equal(an.reachable_bytes, (32 + 16 + 16 + 64 + 128 + 24 + 40) / 2);
	assert_int_equal(an.retained[node_of_holder(&an, "data+0x0")], 24);
	uint32_t d_ = hs_heapdump_find(&h, D), b_ = hs_heapdump_find(&h, B);
	assert_int_equal(h.edges[h.edge_start[b_]], d_);
	assert_int_equal(an.retained[d_], 96);
	assert_int_equal(an.idom[d_], an.super);
	hs_hd_analysis_release(&an);
	hs_heapdump_release(&h);
}

/* Every prefix is an error at or before its end; flipped bytes never crash. */
static void test_hostile(void **state)
{
	(void)state;
	buf x;
	synthetic(&x);
	for (size_t k = 0; k < x.n; k++) {
		hs_heapdump h;
		hs_heapdump_init(&h);
		hs_error e;
		hs_error_clear(&e);
		assert_int_not_equal(hs_heapdump_load_buffer(&h, x.b, k, 0, &e), HS_OK);
		assert_true(e.has_offset);
		assert_true(e.offset <= k);
		hs_heapdump_release(&h);
	}
	for (size_t k = 16; k < x.n; k++)
		for (int bit = 0; bit < 8; bit += 3) {
			buf y = x;
			y.b[k] ^= (uint8_t)(1 << bit);
			hs_heapdump h;
			hs_heapdump_init(&h);
			hs_error e;
			hs_error_clear(&e);
			if (hs_heapdump_load_buffer(&h, y.b, y.n, 0, &e) == HS_OK) {
				hs_hd_analysis an;
				hs_hd_opts o;
				hs_hd_opts_default(&o);
				assert_int_equal(hs_hd_analyze(&an, &h, &o, &e), HS_OK);
				hs_hd_analysis_release(&an);
			} else {
				assert_true(e.has_offset);
			}
			hs_heapdump_release(&h);
		}
}

static long count_of(const char *json, const char *key)
{
	const char *p = strstr(json, key);
	assert_non_null(p);
	return strtol(strchr(p, ':') + 1, NULL, 10);
}

/* testdata/heapdump/graph.dump.gz against what the program built. */
static void test_generated(void **state)
{
	(void)state;
	char json[512] = {0};
	FILE *f = fopen(SOURCE_ROOT "/testdata/heapdump/graph.counts.json", "r");
	assert_non_null(f);
	assert_true(fread(json, 1, sizeof json - 1, f) > 0);
	fclose(f);
	long n = count_of(json, "\"map_entries\""), sz = count_of(json, "\"map_value_bytes\"");
	long chain = count_of(json, "\"chain_len\""), ring = count_of(json, "\"ring_len\"");
	long node = count_of(json, "\"node_bytes\""), stack = count_of(json, "\"stack_slice_bytes\"");
	long goid = count_of(json, "\"stack_goid\""), fin = count_of(json, "\"finalizer_bytes\"");
	hs_symtab syms;
	hs_symtab_init(&syms);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_symtab_load(&syms, SOURCE_ROOT "/testdata/heapdump/graph.sym", &e), HS_OK);
	uint64_t off;
	const hs_elf_sym *cache = NULL;
	for (size_t i = 0; i < syms.n && !cache; i++)
		if (strcmp(syms.syms[i].name, "main.cache") == 0)
			cache = &syms.syms[i];
	assert_non_null(cache);
	assert_ptr_equal(hs_symtab_lookup(&syms, cache->addr + 4, &off), cache);
	assert_int_equal(off, 4);
	const char *dumps[] = {"/testdata/heapdump/graph.dump.gz", "/testdata/heapdump/graph.dump.zst"};
	for (int d = 0; d < 2; d++) {
		char path[512];
		snprintf(path, sizeof path, "%s%s", SOURCE_ROOT, dumps[d]);
		hs_heapdump h;
		hs_heapdump_init(&h);
		assert_int_equal(hs_heapdump_load(&h, path, &e), HS_OK);
		assert_true(hs_symtab_matches(&syms, &h));
		h.bss.addr += 64;
		assert_false(hs_symtab_matches(&syms, &h));
		h.bss.addr -= 64;
		hs_hd_analysis an;
		hs_hd_opts o;
		hs_hd_opts_default(&o);
		o.syms = &syms;
		assert_int_equal(hs_hd_analyze(&an, &h, &o, &e), HS_OK);
		long values = 0, nodes = 0;
		for (size_t i = 0; i < h.nobjects; i++) {
			values += h.size[i] == (uint64_t)sz;
			nodes += h.size[i] == (uint64_t)node;
		}
		assert_true(values >= n);            /* the map's values, and a few of the runtime's */
		assert_true(nodes >= chain + ring);
		uint64_t cache_ret = an.retained[node_of_holder(&an, "main.cache")];
		assert_true(cache_ret >= (uint64_t)(n * sz));
		assert_true(cache_ret < (uint64_t)(n * sz) * 2);
		assert_int_equal(an.retained[node_of_holder(&an, "main.chain")], chain * node);
		assert_int_equal(an.retained[node_of_holder(&an, "main.ring")], ring * node);
		char frame[64];
		snprintf(frame, sizeof frame, "goroutine %ld: main.holdOnStack", goid);
		assert_int_equal(an.retained[node_of_holder(&an, frame)], stack);
		/* The finalized object's payload is kept by main.finHolder (through
		 * the object) and by the finalizer (its referents): neither alone. */
		uint32_t fh = node_of_holder(&an, "main.finHolder");
		size_t nk;
		const uint32_t *kids = hs_hd_children(&an, fh, &nk);
		assert_int_equal(nk, 1);
		assert_true(an.retained[fh] < (uint64_t)fin);
		uint32_t payload = HS_HD_NONE;
		for (uint32_t k = h.edge_start[kids[0]]; k < h.edge_start[kids[0] + 1]; k++)
			if (h.size[h.edges[k]] == (uint32_t)fin)
				payload = h.edges[k];
		assert_int_not_equal(payload, HS_HD_NONE);
		assert_int_equal(an.idom[payload], an.super);
		assert_true(an.retained[node_of_holder(&an, "finalizers")] < (uint64_t)fin);
		/* suspects: the stack slice (> half the heap), then main.cache */
		assert_int_equal(an.suspects.len, 2);
		const hs_hd_suspect *s = &HS_VEC_AT(&an.suspects, hs_hd_suspect, 1);
		assert_string_equal(an.holders[s->holder].name, "main.cache");
		assert_int_equal(s->group_count, n);
		assert_int_equal(s->group_size, sz);
		assert_string_equal(HS_VEC_AT(&an.sites, hs_hd_site, s->site).func, "main.fillCache");
		same_with_lt(&an, &h, o);
		hs_hd_analysis_release(&an);
		hs_heapdump_release(&h);
	}
	hs_symtab_release(&syms);
}

static const char *holder_at(const hs_hd_analysis *a, const hs_hd_suspect *s, size_t k)
{
	return a->holders[HS_VEC_AT(&s->roots, uint32_t, k)].name;
}

/* owner_graph(global, crowd) loaded into h and analyzed into an. */
static void analyze_owner_graph(hs_heapdump *h, hs_hd_analysis *an, bool global, bool crowd)
{
	static buf x;
	owner_graph(&x, global, crowd);
	hs_heapdump_init(h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_heapdump_load_buffer(h, x.b, x.n, 0, &e), HS_OK);
	hs_hd_opts o;
	hs_hd_opts_default(&o);
	assert_int_equal(hs_hd_analyze(an, h, &o, &e), HS_OK);
}

/* The crowd rule (heapdump.h): goroutines 7, 9 and 10 of main.serve
 * reach M one pointer away, goroutine 8 of main.other two away: of one
 * rank, the root whose function fewest roots share comes first, so 8;
 * no global holds M, so M itself owns it, reached first from 8. */
static void test_owner_crowd(void **state)
{
	(void)state;
	hs_heapdump h;
	hs_hd_analysis an;
	analyze_owner_graph(&h, &an, false, true);
	assert_int_equal(an.suspects.len, 1);
	const hs_hd_suspect *s = &HS_VEC_AT(&an.suspects, hs_hd_suspect, 0);
	assert_int_equal(s->node, hs_heapdump_find(&h, M));
	assert_int_equal(s->roots.len, 4);
	assert_string_equal(holder_at(&an, s, 0), "goroutine 8: main.other");
	assert_string_equal(holder_at(&an, s, 1), "goroutine 10: main.serve");
	assert_string_equal(an.holders[s->owner].name, "goroutine 8: main.other");
	assert_true(hs_hd_owned_by_structure(&an, s));
	hs_hd_analysis_release(&an);
	hs_heapdump_release(&h);
}

/* The owner rule (heapdump.h): the global owns the structure two frames
 * also reach, though a frame comes first in the dump and is closer;
 * without the global the closest frame owns it.  The retainer table's
 * first row is the three roots together, holding what the suspect holds. */
static void test_owner(void **state)
{
	(void)state;
	for (int global = 1; global >= 0; global--) {
		hs_heapdump h;
		hs_hd_analysis an;
		analyze_owner_graph(&h, &an, global, false);
		hs_error e;
		hs_error_clear(&e);
		hs_hd_opts o;
		hs_hd_opts_default(&o);
		uint64_t held = 48 + NENT * 8 + NENT * 64;
		assert_int_equal(an.reachable_bytes, held + 16 + 16 * global);
		assert_int_equal(an.suspects.len, 1);
		const hs_hd_suspect *s = &HS_VEC_AT(&an.suspects, hs_hd_suspect, 0);
		uint32_t m = hs_heapdump_find(&h, M), arr = hs_heapdump_find(&h, ARR);
		assert_int_equal(s->node, m);
		assert_int_equal(s->retained, held);
		assert_int_equal(s->structure, m);
		assert_int_equal(s->accum, arr);
		assert_int_equal(s->group_count, NENT);
		assert_int_equal(s->group_size, 64);
		assert_int_equal(s->roots.len, 2 + global);
		if (global) {
			assert_string_equal(holder_at(&an, s, 0), "data+0x0");
			assert_string_equal(an.holders[s->owner].name, "data+0x0");
		}
		assert_string_equal(holder_at(&an, s, global), "goroutine 7: main.serve");
		assert_string_equal(holder_at(&an, s, global + 1), "goroutine 8: main.other");
		assert_int_equal(s->owner, HS_VEC_AT(&s->roots, uint32_t, 0));
		assert_int_equal(s->holder, s->owner);
		assert_int_equal(s->path.len, 3 + global);   /* owner [-> Y] -> M -> ARR */
		assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 0), h.nobjects + s->owner);
		if (global)
			assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 1), hs_heapdump_find(&h, Y));
		assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 1 + global), m);
		assert_int_equal(HS_VEC_AT(&s->path, uint32_t, 2 + global), arr);
		hs_vec rows;
		assert_int_equal(hs_hd_retainer_rows(&an, &rows, &e), HS_OK);
		assert_int_equal(rows.len, an.nholders + 1);
		const hs_hd_retainer_row *r = rows.data;
		assert_int_equal(r[0].holder, HS_HD_NONE);
		assert_int_equal(r[0].suspect, 0);
		assert_int_equal(r[0].retained, held);
		assert_int_equal(r[0].pointers, 2 + global);
		assert_int_equal(r[1].retained, 16);   /* X (or Y) alone */
		assert_int_equal(r[1 + global].retained, 16);
		hs_vec_release(&rows);
		same_with_lt(&an, &h, o);
		hs_hd_analysis_release(&an);
		hs_heapdump_release(&h);
	}
}

/* Label `key` of sample i, "" when absent. */
static const char *label_of(const hs_profile *p, size_t i, const char *key)
{
	uint32_t n;
	const hs_label *l = hs_sample_labels(p, i, &n);
	for (uint32_t k = 0; k < n; k++)
		if (strcmp(hs_s(p, l[k].key), key) == 0)
			return hs_s(p, l[k].str);
	return "";
}

static const char *frame_of(const hs_profile *p, size_t i, uint32_t k)
{
	uint32_t n;
	const uint32_t *st = hs_sample_stack(p, i, &n);
	if (k >= n)
		return NULL;
	const hs_location *l = hs_location_at(p, st[k]);
	return hs_s(p, hs_function_at(p, hs_line_at(p, l->line_start)->function)->name);
}

/* The dump's goroutines as a goroutine dump (heapdump.h): the waiting
 * one with its reason and creator (from main.main's frame, which encloses
 * its creation pc), the one calling WriteHeapDump running despite its
 * stale reason, a runnable one, the system one left out, runtime frames
 * hidden. */
static void test_goroutines(void **state)
{
	(void)state;
	buf x;
	x.n = 0;
	memcpy(x.b, "go1.7 heap dump\n", 16);
	x.n = 16;
	u(&x, 6), u(&x, 0), u(&x, 8), u(&x, 0x1000), u(&x, 0x100000), str(&x, "amd64"), str(&x, "go1.19.8"),
		u(&x, 2);
	goroutine(&x, 1, 0, 4, false, "wait for GC cycle");
	frame(&x, 0x700000, "runtime.systemstack_switch", 0x402000, 0x402010, 0);
	frame(&x, 0x700100, "runtime/debug.WriteHeapDump", 0x403000, 0x403010, 0);
	frame(&x, 0x700200, "main.main", 0x404000, 0x404400, 0);
	goroutine(&x, 7, 0x404100, 4 | 0x1000, false, "chan send");
	frame(&x, 0x710000, "runtime.gopark", 0x405000, 0x405010, 0);
	frame(&x, 0x710100, "runtime.chansend1", 0x406000, 0x406010, 0);
	frame(&x, 0x710200, "main.produce", 0x407000, 0x407010, 0);
	frame(&x, 0x710300, "runtime.goexit", 0x408000, 0x408001, 0);
	goroutine(&x, 8, 0x499999, 1, false, "");
	frame(&x, 0x720000, "main.produce", 0x407000, 0x407020, 0);
	goroutine(&x, 9, 0x404100, 4, true, "GC worker (idle)");
	frame(&x, 0x730000, "runtime.gcBgMarkWorker", 0x409000, 0x409010, 0);
	u(&x, 0);
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_heapdump_load_buffer(&h, x.b, x.n, 0, &e), HS_OK);
	hs_profile p;
	hs_profile_init(&p);
	assert_int_equal(hs_heapdump_goroutine_profile(&p, &h, NULL, &e), HS_OK);
	assert_int_equal(p.format, HS_FMT_GOROUTINE_DUMP);
	assert_int_equal(p.nsamples, 3);    /* goroutine 9 is a system one */
	assert_string_equal(label_of(&p, 0, "state"), "running");
	assert_string_equal(frame_of(&p, 0, 0), "runtime/debug.WriteHeapDump");
	assert_string_equal(frame_of(&p, 0, 1), "main.main");
	assert_null(frame_of(&p, 0, 2));
	assert_string_equal(label_of(&p, 1, "state"), "chan send");
	assert_string_equal(label_of(&p, 1, "created_by"), "main.main");
	assert_string_equal(frame_of(&p, 1, 0), "main.produce");
	assert_null(frame_of(&p, 1, 1));
	assert_string_equal(label_of(&p, 2, "state"), "runnable");
	assert_string_equal(label_of(&p, 2, "created_by"), "");   /* no frame encloses its pc */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(hs_sample_values(&p, i)[0], 1);
	hs_profile_release(&p);
	hs_heapdump_release(&h);
}

/* The retaining structure's site (hs_hd_retainer_of, heapdump.h): on the
 * dominator chain from a suspect's node to its accumulation point, the
 * outermost object the memory profile sampled, no sampled object above it
 * on that chain, none at all when it names none; likewise the outermost
 * typed object.  The dumps: graph.dump.gz (main.cache's map sampled at
 * its struct and at its buckets, so outermost and innermost differ) and
 * the bundle's last (MemProfileRate 1024: its server map's 80 KiB bucket
 * array is sampled, its 48-byte server struct and map header need not
 * be). */
static void check_retainers(const char *file, size_t *named, size_t *below)
{
	hs_error e;
	hs_error_clear(&e);
	hs_heapdump h;
	hs_heapdump_init(&h);
	assert_int_equal(hs_heapdump_load(&h, file, &e), HS_OK);
	hs_hd_analysis an;
	hs_hd_opts o;
	hs_hd_opts_default(&o);
	assert_int_equal(hs_hd_analyze(&an, &h, &o, &e), HS_OK);
	char tname[64];
	for (size_t k = 0; k < an.suspects.len; k++) {
		const hs_hd_suspect *s = &HS_VEC_AT(&an.suspects, hs_hd_suspect, k);
		hs_hd_retainer r;
		hs_hd_retainer_of(&an, s, &r);
		/* up the chain: the last sampled (typed) object seen is the one */
		uint32_t site = HS_HD_NONE, typed = HS_HD_NONE, sampled = 0;
		for (uint32_t v = s->accum;; v = an.idom[v]) {
			assert_true(v != HS_HD_NONE && v != an.super);
			if (v < h.nobjects && hs_hd_object_origin(&an, v) != HS_HD_NONE) {
				site = v;
				sampled++;
			}
			if (v < h.nobjects && hs_hd_object_type(&h, v, tname, sizeof tname))
				typed = v;
			if (v == s->node)
				break;
		}
		assert_int_equal(r.site_obj, site);
		assert_int_equal(r.typed_obj, typed);
		assert_int_equal(r.origin, site == HS_HD_NONE ? HS_HD_NONE : hs_hd_object_origin(&an, site));
		*named += site != HS_HD_NONE;
		*below += sampled > 1;
	}
	hs_hd_analysis_release(&an);
	hs_heapdump_release(&h);
}

static void test_retainer(void **state)
{
	(void)state;
	size_t named = 0, below = 0;
	check_retainers(SOURCE_ROOT "/testdata/heapdump/graph.dump.gz", &named, &below);
	assert_true(named >= 1 && below >= 1);   /* outermost != innermost there */
	named = below = 0;
	check_retainers(SOURCE_ROOT "/testdata/bundle/dumps/heapdump-20261122T034300.dump.gz", &named,
	                &below);
	assert_int_equal(named, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_synthetic_be32),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_owner_crowd),
		cmocka_unit_test(test_goroutines),
		cmocka_unit_test(test_retainer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
