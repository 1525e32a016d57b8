/* The core reader (src/formats/core.c, dwarf.c, pclntab.c,
 * core_goroutines.c) on testdata/core/, written by
 * testdata/gen/generate-core.sh: a gcore of testdata/gen/core (go1.19.8,
 * amd64) with its executable.  Sources of the expected values:
 *   - stack.txt: the program's own runtime.Stack(buf, true), printed by a
 *     goroutine that exited before the core; parsed by heapscope's
 *     goroutine-dump loader (the reference model here) and compared as text;
 *   - counts.json: the goroutines the program built;
 *   - gdb-goroutines.txt: gdb's `info goroutines` (runtime-gdb.py) of the core;
 *   - the same for testdata/core/pie/: -buildmode=pie, loaded at a random
 *     base (readelf -h: ET_DYN, entry 0x4630c0), GOMAXPROCS=1;
 *   - the same for testdata/core/kernel/: the kernel's core of the static
 *     executable (SIGQUIT, GOTRACEBACK=crash); `readelf -lW`: its text
 *     segment at 0x400000 has p_filesz 0x1000 of p_memsz 0xa5000;
 *   - the same for testdata/core/go121/: the static build by Go 1.21.13
 *     (GO=/usr/lib/go-1.21/bin/go), the first with internal/abi's funcIDs
 *     and PCDATA/FUNCDATA constants and g.parentGoid;
 *   - the same for testdata/core/go122/: the static build by Go 1.22.12
 *     (GO=/usr/lib/go-1.22/bin/go), and testdata/coreheap122/'s core;
 *   - the same for testdata/core/go123/: the static build by Go 1.23.5
 *     (GO=/usr/lib/go-1.23/bin/go): pclntab magic 0xfffffff1, _func's
 *     entryOff/nameOff, internal/abi's funcIDs, "created by F in goroutine N"
 *     (g.parentGoid);
 *   - the same for testdata/core/arm64/ (generate-core-arm64.sh): the
 *     program built for arm64, run under qemu-aarch64 and stopped by SIGQUIT
 *     under GOTRACEBACK=crash; crash.txt is the runtime's own traceback of
 *     every goroutine with each frame's fp, sp and pc; `readelf -n` of the
 *     core: 4 NT_PRSTATUS notes, as many as crash.txt's "SIGQUIT: quit";
 *     `go tool addr2line` names the functions of the threads' pc and lr;
 *     gdb-goroutines.txt is gdb-multiarch's `info goroutines`; arm64/go123/
 *     the same by Go 1.23.5 (GO=/usr/lib/go-1.23/bin/go);
 *   - testdata/corelabels/ (and go123/: Go 1.23.5), written by
 *     testdata/gen/generate-corelabels.sh: goroutines under pprof labels
 *     beside goroutines without; the program's own goroutine profile
 *     (goroutine.pb.gz, debug=0, loaded by the proto loader) gives each
 *     goroutine's labels;
 *   - readelf (binutils 2.40) of the executable and the core:
 *     `readelf --debug-dump=info` for DWARF offsets, constants, array
 *     counts and the number of entries (30591 DIEs); `readelf -lW` for the
 *     rodata segment (0x4a5000, file offset 0xa5000, absent from the core:
 *     gcore leaves it out); `readelf -n` of the core: 5 NT_PRSTATUS notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapscope/core.h"
#include "../../src/formats/core_internal.h"
#include "../../src/formats/dwarf.h"
#include "core_poke.h"

#define TD SOURCE_ROOT "/testdata/core/"

/* Opened once for the tests (decompressing the 728 MB core takes a
 * second): the core, its model, the model of stack.txt, and the core
 * decompressed to a sparse plain file. */
typedef struct fixture {
	hs_core *core, *pie, *kernel, *go121, *go122, *go123, *arm64, *arm64_123;
	hs_profile model, dump;
	char *plain;
} fixture;

static hs_core *open_core(const char *core, const char *exe);
static void load(hs_profile *p, const char *path, const char *exe);
static char *plain_copy(const hs_core *c);
static void gdb_goroutines(hs_core *c, const char *list, int want_count);

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t cap = 0, len = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		size_t k = fread(buf + len, 1, 4096, f);
		len += k;
		if (k == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	*n = len;
	return buf;
}

static hs_core *open_core(const char *core, const char *exe)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	hs_core *c = NULL;
	hs_core_side side;
	assert_int_equal(hs_input_open(&in, core, 0, &e), HS_OK);
	if (hs_core_open_input(&c, &in, exe, &side, &e) != HS_OK)
		fail_msg("%s", e.detail);
	return c;
}

/* runtime.Stack prints argument values, the core reader "(...)". */
static char *without_args(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *o = out;
	assert_non_null(out);
	for (const char *l = text; *l;) {
		const char *end = strchr(l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		const char *open = NULL;
		if (len && l[0] != '\t' && strncmp(l, "goroutine ", 10) != 0 &&
		    strncmp(l, "created by ", 11) != 0 && l[len - 1] == ')')
			for (const char *p = l + len - 1; p > l && !open; p--)
				if (*p == '(')
					open = p;
		if (open) {
			memcpy(o, l, (size_t)(open - l));
			o += open - l;
			memcpy(o, "(...)", 5);
			o += 5;
		} else {
			memcpy(o, l, len);
			o += len;
		}
		if (end)
			*o++ = '\n';
		l += len + (end != NULL);
	}
	*o = '\0';
	return out;
}

/* Ids, states, frames, lines and pc offsets equal the program's own
 * text, but for the goroutine that printed it (the first, gone since). */
static void text_equals(hs_core *c, const char *stack_txt)
{
	size_t n;
	char *stack = slurp(stack_txt, &n);
	char *want = without_args(strstr(stack, "\n\n") + 2);
	char *got;
	size_t len;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_core_goroutine_text(c, false, &got, &len, &e), HS_OK);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(stack);
}

static void test_text_equals_runtime_stack(void **state)
{
	text_equals(((fixture *)*state)->core, TD "stack.txt");
}

/* The same through a load bias: a PIE's globals, pclntab and build id
 * note are where DWARF says plus AT_ENTRY - e_entry. */
static void test_pie(void **state)
{
	hs_core *c = ((fixture *)*state)->pie;
	assert_true(hs_core_bias(c) != 0);
	assert_int_equal(hs_core_bias(c) % 4096, 0);
	assert_int_equal(hs_core_nthreads(c), 3);
	text_equals(c, TD "pie/stack.txt");
}

/* A kernel core keeps the first page of the text only: the rest, and
 * rodata, read from the executable, not as the zeros past p_filesz. */
static void test_kernel(void **state)
{
	hs_core *c = ((fixture *)*state)->kernel;
	assert_int_equal(c->segs[0].vaddr, 0x400000);
	assert_int_equal(c->segs[0].filesz, 0x1000);
	assert_int_equal(c->segs[0].memsz, 0xa5000);
	uint8_t got[16];
	assert_true(hs_core_read(c, 0x401000, got, 16));
	assert_memory_equal(got, c->exe + 0x1000, 16);
	text_equals(c, TD "kernel/stack.txt");
}

/* Go 1.21's runtime: the same text as its runtime.Stack, gdb's list with
 * Go 1.21's runtime-gdb.py. */
static void test_go121(void **state)
{
	hs_core *c = ((fixture *)*state)->go121;
	text_equals(c, TD "go121/stack.txt");
	gdb_goroutines(c, TD "go121/gdb-goroutines.txt", 20);
}

/* A core of Go 1.22 or later (testdata/core/goNNN/): the same text as
 * its runtime.Stack, gdb's list with that Go's runtime-gdb.py; and
 * testdata/coreheapNNN/'s (generate-coreheap.sh with GO=). */
static void allocheaders_go(hs_core *c, const char *nnn)
{
	char path[512];
	snprintf(path, sizeof path, TD "go%s/stack.txt", nnn);
	text_equals(c, path);
	snprintf(path, sizeof path, TD "go%s/gdb-goroutines.txt", nnn);
	gdb_goroutines(c, path, 20);
	char core[512], exe[512];
	snprintf(core, sizeof core, SOURCE_ROOT "/testdata/coreheap%s/core.core.zst", nnn);
	snprintf(exe, sizeof exe, SOURCE_ROOT "/testdata/coreheap%s/core.exe.zst", nnn);
	hs_core *h = open_core(core, exe);
	snprintf(path, sizeof path, SOURCE_ROOT "/testdata/coreheap%s/gdb-goroutines.txt", nnn);
	gdb_goroutines(h, path, 8);
	hs_core_close(h);
}

/* Go 1.22's runtime (the first with allocation headers). */
static void test_go122(void **state)
{
	allocheaders_go(((fixture *)*state)->go122, "122");
}

/* Go 1.23's runtime: pclntab magic 0xfffffff1, whole-bucket stacks. */
static void test_go123(void **state)
{
	allocheaders_go(((fixture *)*state)->go123, "123");
}

/* One line per sample: count, labels that a dump carries, the frames. */
static char *signature(const hs_profile *p, size_t s)
{
	char *buf = malloc(8192);
	assert_non_null(buf);
	int k = snprintf(buf, 8192, "%lld", (long long)hs_sample_values(p, s)[0]);
	uint32_t nl, nf;
	const hs_label *l = hs_sample_labels(p, s, &nl);
	for (uint32_t i = 0; i < nl; i++)
		k += snprintf(buf + k, 8192 - (size_t)k, " %s=%s/%lld", hs_s(p, l[i].key),
		              hs_s(p, l[i].str), (long long)l[i].num);
	const uint32_t *st = hs_sample_stack(p, s, &nf);
	for (uint32_t i = 0; i < nf; i++) {
		const hs_location *loc = hs_location_at(p, st[i]);
		for (uint32_t j = 0; j < loc->nlines; j++) {
			const hs_line *ln = hs_line_at(p, loc->line_start + j);
			const hs_function *f = hs_function_at(p, ln->function);
			k += snprintf(buf + k, 8192 - (size_t)k, " %s@%s:%lld", hs_s(p, f->name),
			              hs_s(p, f->filename), (long long)ln->line);
		}
	}
	return buf;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Signatures of every sample but those in state `skip`, sorted. */
static size_t signatures(const hs_profile *p, const char *skip, char **out)
{
	size_t n = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		char *sig = signature(p, s);
		if (skip && strstr(sig, skip)) {
			free(sig);
			continue;
		}
		out[n++] = sig;
	}
	qsort(out, n, sizeof *out, by_str);
	return n;
}

static void load(hs_profile *p, const char *path, const char *exe)
{
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(p);
	p->exe_path = exe;
	if (hs_load_profile(p, path, &e) != HS_OK)
		fail_msg("%s: %s", path, e.detail);
}

/* The model of the core is the model the goroutine-dump loader makes of
 * the program's own text: every analysis sees the same goroutines. */
static void test_model_equals_dump(void **state)
{
	fixture *f = *state;
	char *a[64], *b[64];
	assert_true(f->model.nsamples < 64 && f->dump.nsamples < 64);
	size_t na = signatures(&f->model, NULL, a);
	size_t nb = signatures(&f->dump, " state=running/", b);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i], b[i]);
		free(a[i]);
		free(b[i]);
	}
}

/* The keys of a dump's own labels (hs_goroutine_text_decode). */
static bool dump_key(const char *k)
{
	static const char *const keys[] = {"state", "created_by", "created_by_loc", "ancestors",
	                                   "locked", "elided", "truncated", "wait_minutes", "dump"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

/* "count main.f k=v k=v" for each sample whose innermost main.* frame is
 * the program's blocked goroutines (not main, which wrote the profile
 * and then slept), its string labels but a dump's own in key order;
 * sorted, into out; the goroutines counted into *total. */
static size_t label_lines(const hs_profile *p, char **out, long *total)
{
	size_t n = 0;
	*total = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		uint32_t nl, nf;
		const uint32_t *st = hs_sample_stack(p, s, &nf);
		const char *fn = NULL;
		for (uint32_t i = 0; i < nf && !fn; i++) {
			const hs_location *loc = hs_location_at(p, st[i]);
			for (uint32_t j = 0; j < loc->nlines && !fn; j++) {
				const char *name = hs_s(p, hs_function_at(p, hs_line_at(p, loc->line_start + j)->function)->name);
				if (strncmp(name, "main.", 5) == 0)
					fn = name;
			}
		}
		static const char *const blocked[] = {"main.labeledWorker", "main.plainWorker",
		                                      "main.selfLabeled", "main.inheritedChild",
		                                      "main.parent"};
		bool keep = false;
		for (size_t i = 0; fn && i < 5; i++)
			keep |= strcmp(fn, blocked[i]) == 0;
		if (!keep)
			continue;
		const hs_label *l = hs_sample_labels(p, s, &nl);
		const char *keys[64];
		const hs_label *ls[64];
		uint32_t m = 0;
		for (uint32_t i = 0; i < nl && m < 64; i++)
			if (l[i].str && !dump_key(hs_s(p, l[i].key))) {
				uint32_t at = m++;
				for (; at && strcmp(keys[at - 1], hs_s(p, l[i].key)) > 0; at--) {
					keys[at] = keys[at - 1];
					ls[at] = ls[at - 1];
				}
				keys[at] = hs_s(p, l[i].key);
				ls[at] = &l[i];
			}
		char *line = malloc(4096);
		assert_non_null(line);
		int64_t v = hs_sample_values(p, s)[0];
		int k = snprintf(line, 4096, "%lld %s", (long long)v, fn);
		for (uint32_t i = 0; i < m; i++)
			k += snprintf(line + k, 4096 - (size_t)k, " %s=%s", keys[i], hs_s(p, ls[i]->str));
		*total += (long)v;
		out[n++] = line;
	}
	qsort(out, n, sizeof *out, by_str);
	return n;
}

/* Each goroutine of the core carries the pprof labels the program's own
 * goroutine profile gives it, and no others. */
static void labels_equal_profile(const char *dir)
{
	char core[512], exe[512], pb[512];
	snprintf(core, sizeof core, "%s/core.core.zst", dir);
	snprintf(exe, sizeof exe, "%s/core.exe.zst", dir);
	snprintf(pb, sizeof pb, "%s/goroutine.pb.gz", dir);
	hs_core *c = open_core(core, exe);
	hs_profile model, want;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&model);
	if (hs_core_goroutines(c, &model, &e) != HS_OK)
		fail_msg("%s", e.detail);
	load(&want, pb, NULL);
	char *a[64], *b[64];
	long ta, tb;
	assert_true(model.nsamples < 64 && want.nsamples < 64);
	size_t na = label_lines(&model, a, &ta), nb = label_lines(&want, b, &tb);
	/* counts.json: 2 tenants x 3 + 4 plain + 2 self-labeled + parent + child */
	assert_int_equal(tb, 14);
	assert_int_equal(ta, tb);
	assert_int_equal(na, nb);
	size_t labeled = 0;
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i], b[i]);
		labeled += strchr(b[i], '=') != NULL;
		free(a[i]);
		free(b[i]);
	}
	assert_int_equal(labeled, 5);   /* acme, globex, self, parent, child */
	hs_profile_release(&model);
	hs_profile_release(&want);
	hs_core_close(c);
}

static void test_labels(void **state)
{
	(void)state;
	labels_equal_profile(SOURCE_ROOT "/testdata/corelabels");
}

static void test_labels_go123(void **state)
{
	(void)state;
	labels_equal_profile(SOURCE_ROOT "/testdata/corelabels/go123");
}

/* The label maps' headers (hash<string,string>) of the goroutines of c,
 * through runtime.allgs and g.labels; their count. */
static size_t label_maps(hs_core *c, uint64_t *out, size_t max)
{
	const hs_dwarf *d = c->dwarf;
	uint64_t allgs, arr, n, off, lp, hmap, g;
	uint32_t t, mt;
	size_t k = 0;
	assert_true(hs_dwarf_global(d, "runtime.allgs", &allgs, &t));
	assert_true(hs_dwarf_member(d, hs_dwarf_type(d, "runtime.g"), "labels", &off, &mt));
	assert_true(hs_core_read_u64(c, allgs + hs_core_bias(c), &arr));
	assert_true(hs_core_read_u64(c, allgs + hs_core_bias(c) + 8, &n));
	for (uint64_t i = 0; i < n && k < max; i++)
		if (hs_core_read_u64(c, arr + 8 * i, &g) && hs_core_read_u64(c, g + off, &lp) && lp &&
		    hs_core_read_u64(c, lp, &hmap) && hmap)
			out[k++] = hmap;
	return k;
}

/* A garbled label map costs a bounded walk: B of 40 (2^40 buckets) in
 * one, an overflow bucket pointing back at itself in another; the
 * goroutines still load, each label map read at most MAX_LABEL_BUCKETS
 * buckets (a hang without the bound: the test times out). */
static void test_labels_garbled(void **state)
{
	(void)state;
	hs_core *c = open_core(SOURCE_ROOT "/testdata/corelabels/core.core.zst",
	                       SOURCE_ROOT "/testdata/corelabels/core.exe.zst");
	uint64_t maps[16], bucket, old8;
	uint8_t b40 = 40, oldb;
	/* 6 tenant workers, 2 self-labeled, parent and child (counts.json) */
	assert_int_equal(label_maps(c, maps, 16), 10);
	/* hash<string,string>: B at 9, buckets at 16; bucket<string,string>:
	 * overflow at 264 (readelf --debug-dump=info of core.exe) */
	poke(c, maps[0] + 9, &b40, &oldb, 1);
	assert_int_equal(oldb, 0);
	assert_true(hs_core_read_u64(c, maps[1] + 16, &bucket));
	poke(c, bucket + 264, &bucket, &old8, 8);
	assert_int_equal(old8, 0);
	hs_profile p;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&p);
	assert_int_equal(hs_core_goroutines(c, &p, &e), HS_OK);
	int64_t total = 0;
	for (size_t s = 0; s < p.nsamples; s++)
		total += hs_sample_values(&p, s)[0];
	assert_int_equal(total, 15);
	hs_profile_release(&p);
	hs_core_close(c);
}

static long count_of(const char *json, const char *key)
{
	const char *p = strstr(json, key);
	assert_non_null(p);
	return strtol(strchr(p, ':') + 1, NULL, 10);
}

/* Goroutines by state equal what the program built (counts.json). */
static void test_counts(void **state)
{
	size_t n;
	char *js = slurp(TD "counts.json", &n);
	hs_profile *pp = &((fixture *)*state)->model, p = *pp;
	long send = 0, sel = 0, sema = 0, total = 0;
	hs_str key = hs_profile_intern(pp, "state", 5);
	p = *pp;
	for (size_t s = 0; s < p.nsamples; s++) {
		uint32_t nl;
		const hs_label *l = hs_sample_labels(&p, s, &nl);
		int64_t v = hs_sample_values(&p, s)[0];
		total += v;
		for (uint32_t i = 0; i < nl; i++) {
			if (l[i].key != key)
				continue;
			const char *st = hs_s(&p, l[i].str);
			send += strcmp(st, "chan send") == 0 ? v : 0;
			sel += strcmp(st, "select") == 0 ? v : 0;
			sema += strcmp(st, "semacquire") == 0 ? v : 0;
		}
	}
	assert_int_equal(send, count_of(js, "\"chan_send\""));
	assert_int_equal(sel, count_of(js, "\"select\""));
	assert_int_equal(sema, count_of(js, "\"mutex_wait\""));
	assert_int_equal(total, count_of(js, "\"goroutines\""));
	free(js);
}

/* With the runtime's goroutines: gdb's list, ids in the same order. */
static void gdb_goroutines(hs_core *c, const char *list, int want_count)
{
	size_t n;
	char *gdb = slurp(list, &n);
	char *got;
	size_t len;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_core_goroutine_text(c, true, &got, &len, &e), HS_OK);
	const char *g = got, *line = gdb;
	int count = 0;
	while ((g = strstr(g, "goroutine ")) != NULL) {
		if (g != got && g[-1] != '\n') {
			g++;
			continue;
		}
		long id = strtol(g + 10, NULL, 10);
		char *end;
		long want = strtol(line + 1, &end, 10);   /* "* 1 running ..." or "  1 waiting ..." */
		assert_int_equal(id, want);
		line = strchr(end, '\n');
		assert_non_null(line);
		line++;
		count++;
		g++;
	}
	assert_int_equal(*line, '\0');
	assert_int_equal(count, want_count);
	free(got);
	free(gdb);
}

static void test_gdb_goroutines(void **state)
{
	gdb_goroutines(((fixture *)*state)->core, TD "gdb-goroutines.txt", 20);
	gdb_goroutines(((fixture *)*state)->pie, TD "pie/gdb-goroutines.txt", 19);
	gdb_goroutines(((fixture *)*state)->kernel, TD "kernel/gdb-goroutines.txt", 20);
}

/* The layout the reader found equals readelf's. */
static void test_dwarf(void **state)
{
	hs_core *c = ((fixture *)*state)->core;
	const hs_dwarf *d = c->dwarf;
	assert_int_equal(hs_dwarf_ndies(d), 30591);
	static const struct { const char *type, *member; uint64_t off; } want[] = {
		{"runtime.g", "goid", 152}, {"runtime.g", "atomicstatus", 144},
		{"runtime.g", "sched.sp", 56}, {"runtime.g", "sched.pc", 64},
		{"runtime.g", "waitsince", 168}, {"runtime.g", "waitreason", 176},
		{"runtime.g", "gopc", 296}, {"runtime.g", "startpc", 312},
		{"runtime.g", "stack.hi", 8}, {"runtime.m", "procid", 72},
		{"runtime._func", "nfuncdata", 39}, {"runtime.inlinedCall", "parentPc", 16},
		{"runtime.moduledata", "ftab", 128}, {"runtime.moduledata", "text", 176},
		{"runtime.mspan", "startAddr", 24}, {"runtime.mspan", "elemsize", 104},
		{"runtime.mspan", "allocBits", 72}, {"runtime.mheap", "allspans", 65856},
		{"runtime.heapArena", "spans", 2097152},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		uint64_t off;
		uint32_t t;
		assert_true(hs_dwarf_member(d, hs_dwarf_type(d, want[i].type), want[i].member, &off, &t));
		assert_int_equal(off, want[i].off);
	}
	assert_int_equal(hs_dwarf_size(d, hs_dwarf_type(d, "runtime.g")), 392);
	assert_int_equal(hs_dwarf_size(d, hs_dwarf_type(d, "runtime._func")), 40);
	int64_t v;
	assert_true(hs_dwarf_const(d, "runtime._Gwaiting", &v));
	assert_int_equal(v, 4);
	assert_true(hs_dwarf_const(d, "runtime._Gscan", &v));
	assert_int_equal(v, 4096);
	uint64_t addr;
	uint32_t t;
	assert_true(hs_dwarf_global(d, "runtime.waitReasonStrings", &addr, &t));
	assert_int_equal(addr, 0x56b5e0);
	assert_int_equal(hs_dwarf_count(d, t), 27);
	assert_true(hs_dwarf_global(d, "runtime.gStatusStrings", &addr, &t));
	assert_int_equal(hs_dwarf_count(d, t), 10);
	assert_false(hs_dwarf_member(d, hs_dwarf_type(d, "runtime.g"), "nosuchfield", &addr, &t));
}

/* Threads from NT_PRSTATUS; the main thread's id is the process id. */
static void test_threads(void **state)
{
	hs_core *c = ((fixture *)*state)->core;
	size_t n;
	char *js = slurp(TD "counts.json", &n);
	assert_int_equal(hs_core_nthreads(c), 5);
	assert_int_equal(hs_core_thread_at(c, 0)->tid, count_of(js, "\"pid\""));
	/* NT_FILE: generate-core.sh ran it as $TMP/static/core.exe */
	const char *ran = hs_core_exe_name(c);
	assert_non_null(ran);
	assert_non_null(strstr(ran, "/static/core.exe"));
	assert_string_equal(strstr(ran, "/static/core.exe"), "/static/core.exe");
	for (size_t i = 0; i < 5; i++)
		assert_true(hs_core_thread_at(c, i)->sp != 0);
	free(js);
}

/* The compressed core's kept blocks written to a sparse plain file (the
 * zstd CLI's output, but for the holes); the path (unlink it). */
static char *plain_copy(const hs_core *c)
{
	static char path[] = "/tmp/hs-test-core-XXXXXX";
	char *out = strdup(path);
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	for (size_t i = 0; i < c->nblocks; i++) {
		uint64_t k = c->file_len - c->blocks[i].off < CORE_BLOCK ? c->file_len - c->blocks[i].off
		                                                          : CORE_BLOCK;
		assert_int_equal(pwrite(fd, c->blocks[i].data, k, (off_t)c->blocks[i].off), (ssize_t)k);
	}
	assert_int_equal(ftruncate(fd, (off_t)c->file_len), 0);
	close(fd);
	return out;
}

/* A plain core is mapped and reads as the compressed one; the compressed
 * one keeps only its non-zero blocks. */
static void test_plain_and_compressed(void **state)
{
	fixture *f = *state;
	hs_core *z = f->core;
	hs_core *p = open_core(f->plain, TD "core.exe.zst");
	char *a, *b;
	size_t na, nb;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_core_goroutine_text(z, false, &a, &na, &e), HS_OK);
	assert_int_equal(hs_core_goroutine_text(p, false, &b, &nb, &e), HS_OK);
	assert_string_equal(a, b);
	/* 728 MB of core, 3.3 MB of it not zeros */
	assert_true(p->file_len > 700000000);
	assert_true(hs_core_data_bytes(z) < (8u << 20));
	free(a);
	free(b);
	hs_core_close(p);
}

/* Text and rodata the core does not hold come from the executable. */
static void test_exe_under_core(void **state)
{
	hs_core *c = ((fixture *)*state)->core;
	uint8_t got[16];
	assert_true(hs_core_read(c, 0x4a5000, got, 16));
	assert_memory_equal(got, c->exe + 0xa5000, 16);
	/* past the executable's last segment and below the heap: nothing */
	assert_false(hs_core_read(c, 0x5a5000, got, 16));
}

/* Which program header is the heap's first segment (0xc000000000), and
 * the offset of its first non-zero word past 64 KiB, in the original. */
static uint64_t heap_phdr(const uint8_t *h)
{
	uint64_t phoff, phnum = 0;
	memcpy(&phoff, h + 0x20, 8);
	memcpy(&phnum, h + 0x38, 2);
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t vaddr;
		memcpy(&vaddr, h + phoff + i * 56 + 0x10, 8);
		if (vaddr == 0xc000000000)
			return phoff + i * 56;
	}
	fail_msg("no heap segment");
	return 0;
}

/* Past p_filesz a segment reads as zeros, not as the file's next bytes
 * (the plain copy's heap segment shrunk to 64 KiB of file; it runs last). */
static void test_zero_fill(void **state)
{
	fixture *f = *state;
	hs_core *orig = f->core;
	uint64_t at = 0, w = 0;
	for (uint64_t a = 0xc000010000; a < 0xc000400000 && !w; a += 8)
		if (hs_core_read_u64(orig, a, &w) && w)
			at = a;
	assert_true(w != 0);
	int fd = open(f->plain, O_RDWR);
	assert_true(fd >= 0);
	uint8_t head[4096];
	assert_int_equal(pread(fd, head, sizeof head, 0), (ssize_t)sizeof head);
	uint64_t filesz = 0x10000;
	assert_int_equal(pwrite(fd, &filesz, 8, (off_t)(heap_phdr(head) + 0x20)), 8);   /* p_filesz */
	close(fd);
	hs_core *c = open_core(f->plain, TD "core.exe.zst");
	uint64_t got = 1, before;
	assert_true(hs_core_read_u64(c, at, &got));
	assert_int_equal(got, 0);
	assert_true(hs_core_read_u64(c, 0xc000000000, &got));
	assert_true(hs_core_read_u64(orig, 0xc000000000, &before));
	assert_int_equal(got, before);
	hs_core_close(c);
}

static hs_err open_err(const char *core, const char *exe, hs_core_side *side, hs_error *e)
{
	hs_input in;
	hs_core *c = NULL;
	hs_error_clear(e);
	assert_int_equal(hs_input_open(&in, core, 0, e), HS_OK);
	hs_err rc = hs_core_open_input(&c, &in, exe, side, e);
	assert_null(c);
	return rc;
}

/* Another build, a stripped executable, a cut core: refused, the side
 * named, never a crash. */
static void test_refused(void **state)
{
	(void)state;
	hs_core_side side;
	hs_error e;
	assert_int_equal(open_err(TD "core.core.zst", TD "wrong.exe.zst", &side, &e), HS_E_FORMAT);
	assert_int_equal(side, HS_CORE_SIDE_EXE);
	assert_non_null(strstr(e.detail, "build ids differ"));
	assert_int_equal(open_err(TD "core.core.zst", TD "stripped.exe.zst", &side, &e), HS_E_FORMAT);
	assert_int_equal(side, HS_CORE_SIDE_EXE);
	assert_non_null(strstr(e.detail, "no DWARF"));
	assert_int_equal(open_err(TD "bad-cut.core.zst", TD "core.exe.zst", &side, &e),
	                 HS_E_TRUNCATED);
	assert_int_equal(side, HS_CORE_SIDE_CORE);
}

/* Every cut of the core's headers fails with an error, whatever the
 * length. */
static void test_every_header_cut(void **state)
{
	(void)state;
	hs_input core, exe;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_input_read(&exe, TD "core.exe.zst", 0, &e), HS_OK);
	assert_int_equal(hs_input_open(&core, TD "core.core.zst", 0, &e), HS_OK);
	size_t n = hs_input_wait(&core, 4096);
	assert_true(n >= 4096);
	for (size_t cut = 0; cut <= 4096; cut += cut < 1600 ? 1 : 97) {
		hs_core *c = NULL;
		hs_core_side side;
		hs_error_clear(&e);
		assert_int_not_equal(hs_core_open_buffers(&c, core.data, cut, exe.data, exe.len, 0,
		                                          &side, &e), HS_OK);
		assert_null(c);
		assert_int_equal(side, HS_CORE_SIDE_CORE);
	}
	hs_input_release(&core);
	hs_input_release(&exe);
}

/* A seed of tests/fuzz/corpus/core/ (make_core_seeds.py, which says
 * what it holds): its bytes after the mode byte. */
static uint8_t *seed(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fuzz/corpus/core/%s", SOURCE_ROOT, name);
	uint8_t *d = (uint8_t *)slurp(path, n);
	memmove(d, d + 1, --*n);
	return d;
}

typedef struct three {
	const uint8_t *p[3];
	uint64_t n[3], flags;
} three;

static const uint8_t *three_section(void *ctx, const char *name, uint64_t *size, uint64_t *flags)
{
	three *t = ctx;
	int i = strcmp(name, ".debug_info") == 0 ? 0 : strcmp(name, ".debug_abbrev") == 0 ? 1
	        : strcmp(name, ".debug_str") == 0 ? 2 : -1;
	if (i < 0)
		return NULL;
	*size = t->n[i];
	*flags = i == 0 ? t->flags : 0;
	return t->p[i];
}

/* The synthetic DWARF of the seeds, as make_core_seeds.py wrote it: Go's
 * forms in DWARF 4, zlib-compressed, and DWARF 5 with strp names. */
static void test_dwarf_synthetic(void **state)
{
	(void)state;
	static const char *const names[] = {"dwarf-go", "dwarf-go-zlib", "dwarf-v5"};
	for (int k = 0; k < 3; k++) {
		size_t n;
		uint8_t *d = seed(names[k], &n);
		uint32_t li, la;
		memcpy(&li, d, 4);
		memcpy(&la, d + 4, 4);
		three t = {{d + 8, d + 8 + li, d + 8 + li + la}, {li, la, n - 8 - li - la},
		           k == 1 ? 0x800 : 0};
		hs_dwarf *dw;
		hs_error e;
		hs_error_clear(&e);
		if (hs_dwarf_load(&dw, three_section, &t, &e) != HS_OK)
			fail_msg("%s: %s", names[k], e.detail);
		uint64_t off, addr;
		uint32_t ty;
		int64_t v;
		uint32_t g = hs_dwarf_type(dw, "runtime.g");
		assert_int_equal(hs_dwarf_size(dw, g), 392);
		assert_int_equal(hs_dwarf_go_kind(dw, g), 25);
		assert_true(hs_dwarf_member(dw, g, "sched.pc", &off, &ty));
		assert_int_equal(off, 64);
		assert_string_equal(hs_dwarf_name(dw, ty), "uintptr");
		assert_true(hs_dwarf_global(dw, "runtime.allgs", &addr, &ty));
		assert_int_equal(addr, 0x56e730);
		assert_true(hs_dwarf_member(dw, ty, "len", &off, &ty));
		assert_int_equal(off, 8);
		assert_true(hs_dwarf_global(dw, "runtime.waitReasonStrings", &addr, &ty));
		assert_int_equal(hs_dwarf_count(dw, ty), 3);
		assert_true(hs_dwarf_const(dw, "runtime.negative", &v));
		assert_int_equal(v, -5);
		assert_false(hs_dwarf_const(dw, "runtime.allgs", &v));
		hs_dwarf_free(dw);
		free(d);
	}
}

/* The seed core: threads, bias, zeros past p_filesz, the executable's
 * page under the core's; the goroutine reader names what it misses. */
static void test_core_synthetic(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = seed("core-mini", &n);
	uint32_t lc;
	memcpy(&lc, d, 4);
	hs_core *c;
	hs_core_side side;
	hs_error e;
	hs_error_clear(&e);
	if (hs_core_open_buffers(&c, d + 4, lc, d + 4 + lc, n - 4 - lc, 0, &side, &e) != HS_OK)
		fail_msg("%s", e.detail);
	assert_int_equal(hs_core_nthreads(c), 1);
	assert_int_equal(hs_core_thread_at(c, 0)->tid, 4242);
	assert_int_equal(hs_core_thread_at(c, 0)->pc, 0x401234);
	assert_int_equal(hs_core_bias(c), 0);
	assert_string_equal(hs_core_exe_name(c), "/fuzz/exe");
	uint8_t b[4];
	assert_true(hs_core_read(c, 0xc000000000 + 0xfe, b, 4));   /* file bytes, then zeros */
	assert_int_equal(b[0], 0xfe);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0);
	assert_int_equal(b[3], 0);
	assert_false(hs_core_read(c, 0xc000010000 - 2, b, 4));      /* past memsz */
	char *text;
	size_t len;
	assert_int_equal(hs_core_goroutine_text(c, false, &text, &len, &e), HS_E_FORMAT);
	assert_non_null(strstr(e.detail, "unsupported Go version"));
	/* its DWARF's runtime.heapArena has no bitmap, nor runtime.mspan a
	 * largeType (allocation headers): no layout known, refused */
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error_clear(&e);
	assert_int_equal(hs_core_heapdump(c, &h, &e), HS_E_FORMAT);
	assert_non_null(strstr(e.detail, "unsupported Go version: runtime.heapArena has no bitmap"));
	hs_heapdump_release(&h);
	assert_true(hs_core_holds(c, 0xc000000000, 0x10000));
	assert_false(hs_core_holds(c, 0xc000000000, 0x10001));
	hs_core_close(c);
	free(d);
	/* the same core gzipped: inflated, its non-zero blocks kept */
	d = seed("core-mini-gz", &n);
	memcpy(&lc, d, 4);
	hs_error_clear(&e);
	if (hs_core_open_buffers(&c, d + 4, lc, d + 4 + lc, n - 4 - lc, 0, &side, &e) != HS_OK)
		fail_msg("%s", e.detail);
	assert_true(hs_core_read(c, 0xc000000000 + 0xfe, b, 4));
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0);
	hs_core_close(c);
	free(d);
}

/* arm64 (qemu-aarch64's core): the same text as the program's
 * runtime.Stack, through link-register frames and a pc quantum of 4. */
static void test_arm64_text(void **state)
{
	hs_core *c = ((fixture *)*state)->arm64;
	assert_string_equal(hs_core_arch(c), "arm64");
	assert_string_equal(hs_core_arch(((fixture *)*state)->core), "amd64");
	text_equals(c, TD "arm64/stack.txt");
	gdb_goroutines(c, TD "arm64/gdb-goroutines.txt", 20);
	/* Go 1.23.5's (GO=/usr/lib/go-1.23/bin/go) */
	c = ((fixture *)*state)->arm64_123;
	text_equals(c, TD "arm64/go123/stack.txt");
	gdb_goroutines(c, TD "arm64/go123/gdb-goroutines.txt", 20);
}

/* A goroutine's physical frames: pc, sp, fp each. */
typedef struct gframes {
	uint64_t goid;
	size_t n;
	uint64_t v[64][4];
} gframes;

typedef struct allframes {
	gframes g[64];
	size_t n;
} allframes;

static hs_err collect(void *ctx, const core_ginfo *g, const core_gframe *fr, size_t n,
                      hs_error *err)
{
	(void)err;
	allframes *a = ctx;
	assert_true(a->n < 64 && n < 64);
	gframes *o = &a->g[a->n++];
	o->goid = g->goid;
	o->n = n;
	for (size_t i = 0; i < n; i++) {
		o->v[i][0] = fr[i].pc;
		o->v[i][1] = fr[i].sp;
		o->v[i][2] = fr[i].fp;
		o->v[i][3] = fr[i].argp;
	}
	return HS_OK;
}

/* The first argument the runtime printed of a frame (the line before
 * f, "name(0x1b93c8, ...)"): true when it is a sure value (no "?") whose
 * low bytes (as many as its digits take) the word w holds. */
static bool first_arg(const char *crash, const char *f, uint64_t w, bool *sure)
{
	const char *line = f;
	while (line > crash && line[-1] != '\n')
		line--;                   /* the file:line line */
	const char *call = line - 1;
	while (call > crash && call[-1] != '\n')
		call--;
	const char *open = memchr(call, '(', (size_t)(line - call));
	*sure = false;
	if (!open || strncmp(open + 1, "0x", 2) != 0)
		return true;
	char *end;
	uint64_t v = strtoull(open + 3, &end, 16);
	if (*end != ',' && *end != ')')
		return true;             /* "0x0?": maybe not live */
	*sure = true;
	int digits = (int)(end - open - 3), bytes = 1;
	while (bytes * 2 < digits)
		bytes *= 2;
	return bytes >= 8 ? w == v : (w & (((uint64_t)1 << (8 * bytes)) - 1)) == v;
}

/* Every frame of every goroutine (but the Ms' goroutine 0) has the pc, sp
 * and fp the runtime printed of it when it crashed (crash.txt: "fp=0x..
 * sp=0x.. pc=0x.." on the line of each physical frame), and its argp is
 * where the runtime read the arguments it printed: the word at argp ends
 * with the first one's bytes. */
static void crash_frames_equal(hs_core *c, const char *crash_txt)
{
	static allframes got;
	memset(&got, 0, sizeof got);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(core_each_goroutine(c, NULL, collect, &got, &e), HS_OK);
	size_t n;
	char *crash = slurp(crash_txt, &n);
	size_t compared = 0, frames = 0, args = 0;
	for (const char *g = crash; (g = strstr(g, "\ngoroutine ")) != NULL; g++) {
		uint64_t goid = strtoull(g + 11, NULL, 10);
		if (goid == 0)
			continue;
		const gframes *o = NULL;
		for (size_t i = 0; i < got.n; i++)
			if (got.g[i].goid == goid)
				o = &got.g[i];
		if (!o)
			fail_msg("goroutine %llu of crash.txt is not in the core", (unsigned long long)goid);
		const char *end = strstr(g + 1, "\n\n");
		size_t k = 0;
		for (const char *f = g; (f = strstr(f, " fp=0x")) != NULL && (!end || f < end); f++, k++) {
			unsigned long long fp, sp, pc;
			assert_int_equal(sscanf(f, " fp=0x%llx sp=0x%llx pc=0x%llx", &fp, &sp, &pc), 3);
			assert_true(k < o->n);
			if (o->v[k][0] != pc || o->v[k][1] != sp || o->v[k][2] != fp)
				fail_msg("goroutine %llu frame %zu: pc 0x%llx sp 0x%llx fp 0x%llx, the runtime's "
				         "0x%llx 0x%llx 0x%llx", (unsigned long long)goid, k,
				         (unsigned long long)o->v[k][0], (unsigned long long)o->v[k][1],
				         (unsigned long long)o->v[k][2], pc, sp, fp);
		}
		assert_int_equal(k, o->n);
		k = 0;
		for (const char *f = g; (f = strstr(f, " fp=0x")) != NULL && (!end || f < end); f++, k++) {
			uint64_t w = 0;
			bool sure;
			assert_true(hs_core_read_u64(c, o->v[k][3], &w));
			if (!first_arg(crash, f, w, &sure))
				fail_msg("goroutine %llu frame %zu: the word at argp 0x%llx is 0x%llx, not "
				         "the first argument the runtime printed", (unsigned long long)goid,
				         k, (unsigned long long)o->v[k][3], (unsigned long long)w);
			args += sure;
		}
		frames += k;
		compared++;
	}
	/* every goroutine of the core is in crash.txt: 20 of them */
	assert_int_equal(compared, got.n);
	assert_int_equal(compared, 20);
	assert_true(frames > 60);
	assert_true(args > 10);
	free(crash);
}

static void test_arm64_frames(void **state)
{
	crash_frames_equal(((fixture *)*state)->arm64, TD "arm64/crash.txt");
	crash_frames_equal(((fixture *)*state)->arm64_123, TD "arm64/go123/crash.txt");
}

/* Write a word of the process's memory in the core's kept blocks. */
static void set_word(hs_core *c, uint64_t addr, uint64_t v)
{
	for (size_t i = 0; i < c->nsegs; i++) {
		const core_seg *s = &c->segs[i];
		if (addr < s->vaddr || addr + 8 > s->vaddr + s->filesz)
			continue;
		uint64_t off = s->offset + (addr - s->vaddr);
		for (size_t b = 0; b < c->nblocks; b++)
			if (c->blocks[b].off == off - off % CORE_BLOCK && off % CORE_BLOCK + 8 <= CORE_BLOCK) {
				memcpy(c->blocks[b].data + off % CORE_BLOCK, &v, 8);
				return;
			}
	}
	fail_msg("0x%llx is not in the core's blocks", (unsigned long long)addr);
}

/* A running goroutine is unwound from its thread's registers.  Made to
 * run on each of the core's threads in turn (goroutine 1 set _Grunning,
 * its m runtime.m0, m0.procid the thread's id), its second frame is the
 * function of the thread's link register (go tool addr2line of the pc and
 * lr below): runtime.raise and raiseproc are NOFRAME leaves, whose return
 * address is still in LR; runtime.usleep has a frame, which saved it. */
static void test_arm64_link_register(void **state)
{
	hs_core *c = open_core(TD "arm64/core.core.zst", TD "arm64/core.exe.zst");
	(void)state;
	static const struct {
		uint64_t pc, lr;
		const char *leaf, *caller;
	} want[4] = {{0x71478, 0x59134, "runtime.usleep", "runtime.sighandler"},
	             {0x714e8, 0x59124, "runtime.raiseproc", "runtime.sighandler"},
	             {0x71478, 0x59134, "runtime.usleep", "runtime.sighandler"},
	             {0x714c8, 0x594a4, "runtime.raise", "runtime.dieFromSignal"}};
	assert_int_equal(hs_core_nthreads(c), 4);
	const hs_dwarf *d = c->dwarf;
	uint32_t g = hs_dwarf_type(d, "runtime.g"), m, t;
	uint64_t status, mo, procid, m0;
	int64_t running;
	assert_true(hs_dwarf_member(d, g, "atomicstatus", &status, &t));
	assert_true(hs_dwarf_member(d, g, "m", &mo, &t));
	assert_true(hs_dwarf_global(d, "runtime.m0", &m0, &m));
	assert_true(hs_dwarf_member(d, m, "procid", &procid, &t));
	assert_true(hs_dwarf_const(d, "runtime._Grunning", &running));
	uint64_t allgs, g1;
	assert_true(hs_dwarf_global(d, "runtime.allgs", &allgs, &t));
	assert_true(hs_core_read_u64(c, allgs, &allgs) && hs_core_read_u64(c, allgs, &g1));
	uint64_t st = 0;
	assert_true(hs_core_read(c, g1 + status, &st, 4));
	set_word(c, g1 + status, (st & ~(uint64_t)0xffffffff) | (uint64_t)running);
	uint64_t alllink, allm;
	assert_true(hs_dwarf_member(d, m, "alllink", &alllink, &t));
	assert_true(hs_dwarf_global(d, "runtime.allm", &allm, &t));
	assert_true(hs_core_read_u64(c, allm, &allm));
	for (size_t k = 0; k < 4; k++) {
		const hs_core_thread *th = hs_core_thread_at(c, k);
		assert_int_equal(th->pc, want[k].pc);
		assert_int_equal(th->lr, want[k].lr);
		/* goroutine 1 runs on the thread's own m (every thread is in the
		 * signal handler, on its m's gsignal stack) */
		uint64_t mp = allm, id = 0;
		for (int i = 0; mp && i < 64; i++) {
			assert_true(hs_core_read_u64(c, mp + procid, &id));
			if (id == th->tid)
				break;
			assert_true(hs_core_read_u64(c, mp + alllink, &mp));
		}
		assert_int_equal(id, th->tid);
		set_word(c, g1 + mo, mp);
		char *text;
		size_t len;
		hs_error e;
		hs_error_clear(&e);
		assert_int_equal(hs_core_goroutine_text(c, true, &text, &len, &e), HS_OK);
		char expect[256];
		snprintf(expect, sizeof expect, "goroutine 1 [running]:\n%s(...)\n", want[k].leaf);
		const char *at = strstr(text, expect);
		if (!at)
			fail_msg("thread %zu: no \"%s\" in\n%s", k, expect, text);
		at = strchr(at + strlen(expect), '\n') + 1;
		if (strncmp(at, want[k].caller, strlen(want[k].caller)) != 0 ||
		    at[strlen(want[k].caller)] != '(')
			fail_msg("thread %zu: %s called by %.60s, not %s", k, want[k].leaf, at,
			         want[k].caller);
		free(text);
	}
	/* pclntab's pc quantum (pcHeader.minLC) must be the architecture's */
	uint64_t md, hoff, hdr, q;
	uint32_t mdt;
	assert_true(hs_dwarf_global(d, "runtime.firstmoduledata", &md, &mdt));
	assert_true(hs_dwarf_member(d, mdt, "pcHeader", &hoff, &t));
	assert_true(hs_core_read_u64(c, md + hoff, &hdr));
	assert_true(hs_dwarf_member(d, hs_dwarf_type(d, "runtime.pcHeader"), "minLC", &q, &t));
	uint64_t w;
	assert_true(hs_core_read_u64(c, hdr + q, &w));
	assert_int_equal(w & 0xff, 4);
	set_word(c, hdr + q, (w & ~(uint64_t)0xff) | 1);
	char *text;
	size_t len;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_core_goroutine_text(c, true, &text, &len, &e), HS_E_CORRUPT);
	assert_non_null(strstr(e.detail, "pc quantum is 1, not arm64's 4"));
	hs_core_close(c);
}

/* The wrong executable of an arm64 core: another build (its read-only
 * data differ: the core holds no build id note, qemu leaves the first
 * page of text out), an amd64 one; a core of another machine. */
static void test_arm64_refused(void **state)
{
	(void)state;
	hs_core_side side;
	hs_error e;
	assert_int_equal(open_err(TD "arm64/core.core.zst", TD "arm64/wrong.exe.zst", &side, &e),
	                 HS_E_FORMAT);
	assert_int_equal(side, HS_CORE_SIDE_EXE);
	assert_non_null(strstr(e.detail, "read-only data differ"));
	assert_int_equal(open_err(TD "arm64/core.core.zst", TD "core.exe.zst", &side, &e),
	                 HS_E_FORMAT);
	assert_int_equal(side, HS_CORE_SIDE_EXE);
	assert_non_null(strstr(e.detail, "an amd64 executable, the core is arm64"));
	assert_int_equal(open_err(TD "core.core.zst", TD "arm64/core.exe.zst", &side, &e),
	                 HS_E_FORMAT);
	assert_non_null(strstr(e.detail, "an arm64 executable, the core is amd64"));
	/* e_machine 243 (RISC-V) */
	hs_input core, exe;
	hs_error_clear(&e);
	assert_int_equal(hs_input_read(&exe, TD "arm64/core.exe.zst", 0, &e), HS_OK);
	assert_int_equal(hs_input_read(&core, TD "arm64/core.core.zst", 0, &e), HS_OK);
	uint8_t *copy = malloc(core.len);
	assert_non_null(copy);
	memcpy(copy, core.data, core.len);
	copy[18] = 243;
	hs_core *c = NULL;
	assert_int_equal(hs_core_open_buffers(&c, copy, core.len, exe.data, exe.len, 0, &side, &e),
	                 HS_E_FORMAT);
	assert_null(c);
	assert_int_equal(side, HS_CORE_SIDE_CORE);
	assert_non_null(strstr(e.detail, "unsupported architecture (ELF machine 243"));
	free(copy);
	hs_input_release(&core);
	hs_input_release(&exe);
}

/* The arm64 seeds: user_pt_regs read by index (pc 32, sp 31, lr 30); a
 * core without the build id note's page nor read-only data refused. */
static void test_core_synthetic_arm64(void **state)
{
	(void)state;
	static const char *const names[2] = {"core-mini-arm64", "core-mini-arm64-nonote"};
	for (int k = 0; k < 2; k++) {
		size_t n;
		uint8_t *d = seed(names[k], &n);
		uint32_t lc;
		memcpy(&lc, d, 4);
		hs_core *c = NULL;
		hs_core_side side;
		hs_error e;
		hs_error_clear(&e);
		hs_err rc = hs_core_open_buffers(&c, d + 4, lc, d + 4 + lc, n - 4 - lc, 0, &side, &e);
		if (k == 0) {
			if (rc != HS_OK)
				fail_msg("%s", e.detail);
			assert_string_equal(hs_core_arch(c), "arm64");
			assert_int_equal(hs_core_nthreads(c), 1);
			const hs_core_thread *t = hs_core_thread_at(c, 0);
			assert_int_equal(t->tid, 4242);
			assert_int_equal(t->pc, 0x401234);
			assert_int_equal(t->sp, 0xc000000f00);
			assert_int_equal(t->lr, 0x401100);
		} else {
			assert_int_equal(rc, HS_E_FORMAT);
			assert_int_equal(side, HS_CORE_SIDE_EXE);
			assert_non_null(strstr(e.detail, "nor of its read-only data"));
		}
		hs_core_close(c);
		free(d);
	}
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->core = open_core(TD "core.core.zst", TD "core.exe.zst");
	f->pie = open_core(TD "pie/core.core.zst", TD "pie/core.exe.zst");
	f->kernel = open_core(TD "kernel/core.core.zst", TD "core.exe.zst");
	f->go121 = open_core(TD "go121/core.core.zst", TD "go121/core.exe.zst");
	f->go122 = open_core(TD "go122/core.core.zst", TD "go122/core.exe.zst");
	f->go123 = open_core(TD "go123/core.core.zst", TD "go123/core.exe.zst");
	f->arm64 = open_core(TD "arm64/core.core.zst", TD "arm64/core.exe.zst");
	f->arm64_123 = open_core(TD "arm64/go123/core.core.zst", TD "arm64/go123/core.exe.zst");
	/* the sniffing path (hs_load_profile) is the golden cases' */
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&f->model);
	if (hs_core_goroutines(f->core, &f->model, &e) != HS_OK)
		fail_msg("%s", e.detail);
	load(&f->dump, TD "stack.txt", NULL);
	f->plain = plain_copy(f->core);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	hs_core_close(f->core);
	hs_core_close(f->pie);
	hs_core_close(f->kernel);
	hs_core_close(f->go121);
	hs_core_close(f->go122);
	hs_core_close(f->go123);
	hs_core_close(f->arm64);
	hs_core_close(f->arm64_123);
	hs_profile_release(&f->model);
	hs_profile_release(&f->dump);
	unlink(f->plain);
	free(f->plain);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_equals_runtime_stack),
		cmocka_unit_test(test_pie),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_go121),
		cmocka_unit_test(test_go122),
		cmocka_unit_test(test_go123),
		cmocka_unit_test(test_model_equals_dump),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_labels_go123),
		cmocka_unit_test(test_labels_garbled),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_gdb_goroutines),
		cmocka_unit_test(test_dwarf),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_plain_and_compressed),
		cmocka_unit_test(test_exe_under_core),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_dwarf_synthetic),
		cmocka_unit_test(test_core_synthetic),
		cmocka_unit_test(test_every_header_cut),
		cmocka_unit_test(test_zero_fill),
		cmocka_unit_test(test_arm64_text),
		cmocka_unit_test(test_arm64_frames),
		cmocka_unit_test(test_arm64_link_register),
		cmocka_unit_test(test_arm64_refused),
		cmocka_unit_test(test_core_synthetic_arm64),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
