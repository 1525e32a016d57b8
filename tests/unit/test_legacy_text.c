/* The legacy text loader on hand-made inputs: every format pprof's text
 * parsers read, values worked out by hand below (pprof's un-sampling
 * included), and malformed inputs with the line:column they must report.
 * The shared regex engine is tested here too (legacy_maps.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "../../src/formats/legacy_maps.h"

/* As go tool pprof reads them: addresses only (the # lines unread). */
static hs_err load(const char *text, hs_profile *p, hs_error *e)
{
	hs_profile_init(p);
	p->text_by_address = true;
	hs_error_clear(e);
	return hs_legacy_text_decode(p, (const uint8_t *)text, strlen(text), e);
}

static const char *frame_text(const hs_profile *p, size_t s, uint32_t k, char *buf, size_t size);

/* Sample s's frames, leaf first, are want (NULL-terminated), as frame_text
 * writes them. */
static void stack_is(const hs_profile *p, size_t s, const char *const *want)
{
	uint32_t n, k = 0;
	char buf[256];
	hs_sample_stack(p, s, &n);
	for (; want[k]; k++)
		if (k >= n || strcmp(frame_text(p, s, k, buf, sizeof buf), want[k]) != 0)
			fail_msg("sample %zu frame %u: '%s', want '%s'", s, k, k < n ? buf : "(none)",
			         want[k]);
	assert_int_equal(n, k);
}

/* heapscope's default reading: the # lines name the frames. */
static void load_named(const char *text, hs_profile *p)
{
	hs_error e;
	hs_profile_init(p);
	hs_error_clear(&e);
	assert_int_equal(hs_legacy_text_decode(p, (const uint8_t *)text, strlen(text), &e), HS_OK);
}

/* Frame k (leaf first) of sample s: its inlined lines, innermost first,
 * as "fn file:line" joined by " | ". */
static const char *frame_text(const hs_profile *p, size_t s, uint32_t k, char *buf, size_t size)
{
	uint32_t n;
	const uint32_t *st = hs_sample_stack(p, s, &n);
	assert_true(k < n);
	const hs_location *l = hs_location_at(p, st[k]);
	buf[0] = '\0';
	for (uint32_t i = 0; i < l->nlines; i++) {
		const hs_line *ln = hs_line_at(p, l->line_start + i);
		const hs_function *f = hs_function_at(p, ln->function);
		size_t used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s %s:%lld", i ? " | " : "", hs_s(p, f->name),
		         hs_s(p, f->filename), (long long)ln->line);
	}
	return buf;
}

/* Load text, which must load. */
static void load_ok(const char *text, hs_profile *p)
{
	hs_error e;
	assert_int_equal(load(text, p, &e), HS_OK);
}

static const char *type_name(const hs_profile *p, size_t i)
{
	return hs_s(p, hs_sample_type(p, i)->type);
}

static const char *unit_name(const hs_profile *p, size_t i)
{
	return hs_s(p, hs_sample_type(p, i)->unit);
}

/* The addresses of sample s, leaf first, in out (at most 8). */
static uint32_t stack_addrs(const hs_profile *p, size_t s, uint64_t *out)
{
	uint32_t n;
	const uint32_t *st = hs_sample_stack(p, s, &n);
	for (uint32_t k = 0; k < n && k < 8; k++)
		out[k] = hs_location_at(p, st[k])->address;
	return n;
}

static int64_t label_num(const hs_profile *p, size_t s, const char *key)
{
	uint32_t n;
	const hs_label *l = hs_sample_labels(p, s, &n);
	for (uint32_t k = 0; k < n; k++)
		if (strcmp(hs_s(p, l[k].key), key) == 0)
			return l[k].num;
	return -12345;
}

static int64_t memstat(const hs_profile *p, const char *key)
{
	for (size_t i = 0; i < p->memstats.len; i++) {
		const hs_memstat *m = &HS_VEC_AT(&p->memstats, hs_memstat, i);
		if (strcmp(hs_s(p, m->key), key) == 0)
			return m->value;
	}
	return -12345;
}

/* Go heap ?debug=1: "@ heap/1024" is twice runtime.MemProfileRate, so the
 * rate R is 512.  Both pairs have an average object size of 512 bytes, so
 * each is divided by the probability 1 - exp(-512/512) = 0.6321205588...,
 * i.e. multiplied by s = 1.5819767068693265, then truncated:
 *   alloc  6 objects, 3072 bytes -> 6*s = 9.49..  -> 9;  3072*s = 4859.83.. -> 4859
 *   inuse  4 objects, 2048 bytes -> 4*s = 6.33..  -> 6;  2048*s = 3239.89.. -> 3239
 * The "bytes" label is the inuse average, 2048/4 = 512.  Addresses are
 * return addresses: pprof subtracts 1 from each.  No memory map: one
 * catch-all mapping.  The MemStats trailer is kept aside; pprof turns none
 * of it into comments. */
static void test_go_heap(void **state)
{
	(void)state;
	hs_profile p;
	const char *text = "heap profile: 4: 2048 [6: 3072] @ heap/1024\n"
	                   "4: 2048 [6: 3072] @ 0x1001 0x2002\n"
	                   "#\t0x1000\tmain.f+0x0\t/x.go:1\n"
	                   "\n"
	                   "# runtime.MemStats\n"
	                   "# Alloc = 100\n"
	                   "# Stack = 10 / 20\n"
	                   "# PauseNs = [1 2 3]\n"
	                   "# GCCPUFraction = 0.5\n"
	                   "# DebugGC = true\n";
	load_ok(text, &p);
	assert_int_equal(p.format, HS_FMT_HEAP_TEXT);
	assert_int_equal(hs_ntypes(&p), 4);
	assert_string_equal(type_name(&p, 0), "alloc_objects");
	assert_string_equal(type_name(&p, 1), "alloc_space");
	assert_string_equal(type_name(&p, 2), "inuse_objects");
	assert_string_equal(unit_name(&p, 3), "bytes");
	assert_string_equal(hs_s(&p, p.period_type.type), "space");
	assert_int_equal(p.period, 512);
	assert_int_equal(p.nsamples, 1);
	const int64_t *v = hs_sample_values(&p, 0);
	assert_int_equal(v[0], 9);
	assert_int_equal(v[1], 4859);
	assert_int_equal(v[2], 6);
	assert_int_equal(v[3], 3239);
	assert_int_equal(label_num(&p, 0, "bytes"), 512);
	uint64_t a[8];
	assert_int_equal(stack_addrs(&p, 0, a), 2);
	assert_int_equal(a[0], 0x1000);
	assert_int_equal(a[1], 0x2001);
	assert_int_equal(hs_location_at(&p, 0)->id, 1);
	assert_int_equal(p.mappings.len, 1);
	assert_int_equal(hs_mapping_at(&p, 0)->limit, UINT64_MAX);
	assert_int_equal(p.comments.len, 0);
	assert_int_equal(p.memstats.len, 4);
	assert_int_equal(memstat(&p, "Alloc"), 100);
	assert_int_equal(memstat(&p, "StackInuse"), 10);
	assert_int_equal(memstat(&p, "StackSys"), 20);
	assert_int_equal(memstat(&p, "DebugGC"), 1);
	assert_string_equal(hs_s(&p, p.keep_frames),
	                    "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*");
	hs_profile_release(&p);
}

/* gperftools heapz_v2 with rate 1024 and one 1024-byte object: scale s as
 * above; 1*s = 1.58 -> 1, 1024*s = 1619.94 -> 1619.  Equal inuse and alloc
 * numbers in the header: two sample types, objects and space. */
static void test_heapz_v2(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("heap profile:    1:     1024 [     1:     1024] @ heapz_v2/1024\n"
	        "     1:     1024 [     1:     1024] @ 0x10\n", &p);
	assert_int_equal(hs_ntypes(&p), 2);
	assert_string_equal(type_name(&p, 0), "objects");
	assert_string_equal(type_name(&p, 1), "space");
	assert_int_equal(p.period, 1024);
	assert_int_equal(hs_sample_values(&p, 0)[0], 1);
	assert_int_equal(hs_sample_values(&p, 0)[1], 1619);
	hs_profile_release(&p);
}

/* growthz: period 1, nothing scaled.  The memory map names the binary;
 * 0x400100 - 1 falls in it. */
static void test_growth_with_map(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("heap profile: 2: 20 [2: 20] @ growthz\n"
	        "2: 20 [2: 20] @ 0x400100 0x7f0000000010\n"
	        "--- Memory map: ---\n"
	        "  00400000-00500000: /bin/app\n"
	        "  7f0000000000-7f0000100000: /lib/libc.so.6\n", &p);
	assert_int_equal(p.period, 1);
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	assert_int_equal(hs_sample_values(&p, 0)[1], 20);
	assert_int_equal(label_num(&p, 0, "bytes"), 10);
	assert_int_equal(p.mappings.len, 2);
	hs_location *l0 = hs_location_at(&p, 0), *l1 = hs_location_at(&p, 1);
	assert_int_equal(l0->address, 0x4000ff);
	assert_string_equal(hs_s(&p, hs_mapping_at(&p, l0->mapping)->file), "/bin/app");
	assert_string_equal(hs_s(&p, hs_mapping_at(&p, l1->mapping)->file), "/lib/libc.so.6");
	hs_profile_release(&p);
}

/* goroutine ?debug=1: comment lines (labels, symbolized frames) are
 * ignored, as pprof ignores them; a count with a leading 0 is octal
 * (strconv.ParseInt base 0): 010 is 8. */
static void test_goroutine_count(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("goroutine profile: total 10\n"
	        "2 @ 0x1001 0x2001\n"
	        "# labels: {\"a\":\"b\"}\n"
	        "#\t0x1000\tmain.f+0x0\t/x.go:1\n"
	        "\n"
	        "010 @ 0x1001 0x3001\n", &p);
	assert_int_equal(p.format, HS_FMT_COUNT_TEXT);
	assert_string_equal(type_name(&p, 0), "goroutine");
	assert_string_equal(unit_name(&p, 0), "count");
	assert_string_equal(hs_s(&p, p.period_type.type), "goroutine");
	assert_int_equal(p.period, 1);
	assert_int_equal(p.nsamples, 2);
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	assert_int_equal(hs_sample_values(&p, 1)[0], 8);
	assert_int_equal(p.locations.len, 3);
	assert_int_equal(hs_location_at(&p, 2)->address, 0x3000);
	assert_int_equal(hs_location_at(&p, 2)->id, 3);
	assert_string_equal(hs_s(&p, p.drop_frames), "ProfileData::Add|ProfileData::prof_handler|"
	                    "CpuProfiler::prof_handler|__pthread_sighandler|__restore");
	hs_profile_release(&p);
}

/* Contention: 4000000 cycles at 2 GHz with sampling period 100 is
 * 4000000 * 100 / 2.0 = 200000000 ns; 3 contentions * 100 = 300.
 * 1500 ms since reset is a duration of 1.5e9 ns. */
static void test_contention(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("--- contentionz 1 ---\n"
	        "cycles/second = 2000000000\n"
	        "sampling period = 100\n"
	        "ms since reset = 1500\n"
	        "discarded samples = 0\n"
	        "  4000000 3 @ 0x1001 0x2001\n", &p);
	assert_int_equal(p.format, HS_FMT_CONTENTION_TEXT);
	assert_string_equal(type_name(&p, 0), "contentions");
	assert_string_equal(unit_name(&p, 1), "nanoseconds");
	assert_int_equal(p.period, 100);
	assert_int_equal(p.duration_nanos, 1500000000);
	assert_int_equal(hs_sample_values(&p, 0)[0], 300);
	assert_int_equal(hs_sample_values(&p, 0)[1], 200000000);
	assert_non_null(strstr(hs_s(&p, p.drop_frames), "RecordLockProfileData"));
	hs_profile_release(&p);
}

/* Go's mutex text, and pprof's backtracking: "12 @ 0x1001" matches
 * (\d+) *(\d+) @ as delay 1, count 2 (the first group gives back a digit).
 * Period 1, cycles/second 1e9: delay 1 * 1 / 1.0 = 1. */
static void test_mutex_backtracking(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("--- mutex:\n"
	        "cycles/second=1000000000\n"
	        "sampling period=1\n"
	        "12 @ 0x1001\n", &p);
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	assert_int_equal(hs_sample_values(&p, 0)[1], 1);
	hs_profile_release(&p);
}

/* "format = java" makes the C++ contention parser give up; the Java one
 * reads the file: the second number is the count (2), the first the delay
 * (5), both times the period 10.  Location lines name the frames;
 * addresses are not adjusted and end up 0. */
static void test_java_contention(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("--- contentionz 1 ---\n"
	        "format = java\n"
	        "resolution = microseconds\n"
	        "sampling period = 10\n"
	        " 5 2 @ 0x1 0x2\n"
	        "\n"
	        " 0x1 com.A.f (A.java:7)\n"
	        " 0x2 com.A.g (/src/A.java)\n", &p);
	assert_int_equal(p.format, HS_FMT_JAVA_TEXT);
	assert_string_equal(unit_name(&p, 1), "microseconds");
	assert_string_equal(hs_s(&p, p.period_type.type), "contentions");
	assert_int_equal(hs_sample_values(&p, 0)[0], 20);
	assert_int_equal(hs_sample_values(&p, 0)[1], 50);
	hs_location *l0 = hs_location_at(&p, 0), *l1 = hs_location_at(&p, 1);
	assert_int_equal(l0->address, 0);
	assert_int_equal(l0->nlines, 1);
	hs_function *f0 = hs_function_at(&p, hs_line_at(&p, l0->line_start)->function);
	hs_function *f1 = hs_function_at(&p, hs_line_at(&p, l1->line_start)->function);
	assert_string_equal(hs_s(&p, f0->name), "com.A.f");
	assert_string_equal(hs_s(&p, f0->filename), "A.java");
	assert_int_equal(hs_line_at(&p, l0->line_start)->line, 7);
	assert_string_equal(hs_s(&p, f1->filename), "A.java");   /* filepath.Base */
	assert_int_equal(hs_line_at(&p, l1->line_start)->line, 0);
	hs_profile_release(&p);
}

/* Java heap: 2 objects, 1048576 bytes, average 524288 = the fixed Java
 * rate, so s as above: 2*s = 3.16 -> 3, 1048576*s = 1658822.8 -> 1658822.
 * An address with no location line keeps no function and gets pprof's
 * catch-all mapping. */
static void test_java_heap(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("--- heapz 1 ---\n"
	        "format = java\n"
	        "resolution = bytes\n"
	        " 1048576 2 @ 0x1 0x9\n"
	        " 0x1 java.util.X.alloc (X.java:3)\n", &p);
	assert_string_equal(type_name(&p, 0), "inuse_objects");
	assert_int_equal(hs_sample_values(&p, 0)[0], 3);
	assert_int_equal(hs_sample_values(&p, 0)[1], 1658822);
	assert_int_equal(label_num(&p, 0, "bytes"), 524288);
	assert_int_equal(p.functions.len, 1);
	hs_location *l1 = hs_location_at(&p, 1);
	assert_int_equal(l1->nlines, 0);
	assert_int_equal(l1->address, 0);
	assert_int_equal(hs_mapping_at(&p, l1->mapping)->limit, UINT64_MAX);
	hs_profile_release(&p);
}

/* A Java legacy CPU profile (third header word 1): 8-byte little-endian
 * words, addresses not adjusted, frames named by the location lines after
 * the end marker; pprof's javaCPUProfile by hand: 2 + 1 samples of a 10 ms
 * period, the unnamed address 0x7 keeps a location without lines. */
static void test_java_cpu(void **state)
{
	(void)state;
	static const uint64_t words[] = {0, 3, 1, 10000, 0,   /* header: period 10000 us */
	                                 2, 1, 0x1,           /* 2 x [VM] */
	                                 1, 3, 0x2, 0x3, 0x7, /* 1 x [f, g, ?] leaf first */
	                                 0, 1, 0};            /* end */
	static const char text[] = "0x1 VM\n"
	                           "0x2 com.example.f (F.java:6)\n"
	                           "0x3 com.example.g (G.java:7)\n"
	                           "0x9 com.example.unused (U.java:1)\n";
	uint8_t buf[sizeof words + sizeof text];
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		for (int b = 0; b < 8; b++)
			buf[i * 8 + (size_t)b] = (uint8_t)(words[i] >> (8 * b));
	memcpy(buf + sizeof words, text, sizeof text - 1);
	hs_profile p;
	hs_error e;
	hs_profile_init(&p);
	hs_error_clear(&e);
	assert_int_equal(hs_legacy_cpu_decode(&p, buf, sizeof words + sizeof text - 1, &e), HS_OK);
	assert_string_equal(type_name(&p, 1), "cpu");
	assert_int_equal(p.period, 10000000);
	assert_int_equal(p.nsamples, 2);
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	assert_int_equal(hs_sample_values(&p, 0)[1], 20000000);
	assert_int_equal(hs_sample_values(&p, 1)[1], 10000000);
	assert_int_equal(p.functions.len, 3);   /* VM, f, g: unused is never used */
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&p, 1, &n);
	assert_int_equal(n, 3);
	const hs_location *leaf = hs_location_at(&p, st[0]), *last = hs_location_at(&p, st[2]);
	assert_int_equal(leaf->nlines, 1);
	assert_string_equal(hs_s(&p, hs_function_at(&p, hs_line_at(&p, leaf->line_start)->function)->name),
	                    "com.example.f");
	assert_int_equal(hs_line_at(&p, leaf->line_start)->line, 6);
	assert_int_equal(last->nlines, 0);      /* 0x7: no location line */
	assert_int_equal(last->address, 0);
	hs_profile_release(&p);
}

/* threadz: the leaf is not adjusted, callers are.  Frame 1 (0x1005 - 1)
 * is the leaf recorded twice, so pprof drops it; its location stays in the
 * table.  "[same as previous thread]" counts one more of the last stack. */
static void test_threadz(void **state)
{
	(void)state;
	hs_profile p;
	load_ok("--- threadz 1 ---\n"
	        "\n"
	        "--- Thread 7f01 (name: main/1) stack: ---\n"
	        "  PC: 0x1005 0x1005 0x2001\n"
	        "--- Thread 7f02 (name: worker/2) stack: ---\n"
	        "  [same as previous thread]\n"
	        "--- Memory map: ---\n", &p);
	assert_int_equal(p.format, HS_FMT_THREAD_TEXT);
	assert_int_equal(p.nsamples, 1);
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	uint64_t a[8];
	assert_int_equal(stack_addrs(&p, 0, a), 2);
	assert_int_equal(a[0], 0x1005);
	assert_int_equal(a[1], 0x2000);
	assert_int_equal(p.locations.len, 3);
	hs_profile_release(&p);
}

static void expect_error(const char *text, hs_err code, uint32_t line, uint32_t col,
                         const char *words)
{
	hs_profile p;
	hs_error e;
	assert_int_equal(load(text, &p, &e), code);
	assert_int_equal(e.code, code);
	assert_int_equal(e.line, line);
	assert_int_equal(e.col, col);
	if (!strstr(e.detail, words))
		fail_msg("\"%s\" not in \"%s\"", words, e.detail);
	hs_profile_release(&p);
}

static void test_malformed(void **state)
{
	(void)state;
	/* Cut after "[1: 2": the pattern wanted " ]" at column 11. */
	expect_error("heap profile: 1: 2 [1: 2] @ heap/2\n1: 2 [1: 2\n", HS_E_SYNTAX, 2, 11,
	             "heap sample does not parse");
	expect_error("heap profile: 1: 2 [1: 2] @ heap/2\n99999999999999999999: 1 [1: 1] @ 0x1\n",
	             HS_E_SYNTAX, 2, 1, "does not fit in 64 bits");
	expect_error("heap profile: 1: 2 [1: 2] @ heap/2\n1: 2 [1: 2] @ 0x1 0x12345678901234567\n",
	             HS_E_SYNTAX, 2, 19, "0x12345678901234567 does not fit");
	expect_error("heap profile: 1: 2 [1: 2] @ heap/2\n  0: 5 [0: 0] @ 0x1\n", HS_E_SYNTAX, 2, 3,
	             "inuse count is 0 but inuse bytes is 5");
	expect_error("heap profile: 1: 2 [1: 2] @ heapfoo/2\n", HS_E_SYNTAX, 1, 29,
	             "unknown kind \"heapfoo\"");
	/* "1 @ 0x1 zz": after " 0x1" another " 0x..." was tried, and column 9
	 * ('z') is where it failed. */
	expect_error("goroutine profile: total 1\n1 @ 0x1 zz\n", HS_E_SYNTAX, 2, 9,
	             "count sample does not parse");
	expect_error("goroutine profile: total 1\n09 @ 0x1\n", HS_E_SYNTAX, 2, 1, "octal");
	/* 2^64: 1844674407370955161 * 10 + 6 overflows in the last addition */
	expect_error("goroutine profile: total 1\n18446744073709551616 @ 0x1\n", HS_E_SYNTAX, 2, 1,
	             "too large");
	expect_error("goroutine profile: total 1\n1 @ 0x1\n\ngoroutine profile: total 1\n1 @ 0x1\n",
	             HS_E_SYNTAX, 4, 1, "several profiles in one file");
	expect_error("--- contentionz 1 ---\nfoo = 1\n", HS_E_SYNTAX, 2, 1,
	             "unknown attribute \"foo\"");
	expect_error("--- contentionz 1 ---\ncycles/second = fast\n", HS_E_SYNTAX, 2, 17,
	             "cycles/second is not an integer");
	/* A threadz profile must end with a memory map (or "---- no stack
	 * trace"): pprof does not recognize it otherwise. */
	expect_error("--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n  0x1\n", HS_E_SYNTAX,
	             3, 1, "want \"--- Thread");
	expect_error("--- heapz 1 ---\nformat = java\nresolution = bytes\n 5 0 @ 0x1\n", HS_E_SYNTAX,
	             4, 4, "must not be 0");
	expect_error("--- heapz 1 ---\nformat = java\n 5 1 @ 0x1\n", HS_E_INVALID, 1, 1,
	             "no sample types");
	expect_error("heap_v2/524288\n  t*: 1: 2 [0: 0]\n", HS_E_FORMAT, 1, 1, "jemalloc");
	expect_error("hello\n", HS_E_FORMAT, 1, 1, "not a text profile");
	hs_profile p;
	hs_error e;
	assert_int_equal(load("", &p, &e), HS_E_EMPTY);
	hs_profile_release(&p);
}

/* A line of 65536 bytes or more stops pprof's scanner: an error, not a
 * line read in pieces; 65535 bytes are fine. */
static void test_line_limit(void **state)
{
	(void)state;
	const char *head = "heap profile: 1: 2 [1: 2] @ heap/2\n1: 2 [1: 2] @ 0x1 ";
	size_t hn = strlen(head), first = strlen("heap profile: 1: 2 [1: 2] @ heap/2\n");
	for (size_t len = 65535; len <= 65536; len++) {
		char *buf = malloc(first + len + 2);
		assert_non_null(buf);
		memcpy(buf, head, hn);
		memset(buf + hn, '0', first + len - hn);
		memcpy(buf + first + len, "\n", 2);
		hs_profile p;
		hs_error e;
		hs_err rc = load(buf, &p, &e);
		if (len == 65535) {
			assert_int_equal(rc, HS_OK);
		} else {
			assert_int_equal(rc, HS_E_LIMIT);
			assert_int_equal(e.line, 2);
			assert_int_equal(e.col, 65536);
		}
		hs_profile_release(&p);
		free(buf);
	}
}

static void test_detect(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"heap profile: 1: 2 [1: 2] @ heap/2\n", "goroutine profile: total 3\n1 @ 0x1\n",
		"\n# comment\nthreadcreate profile: total 1\n", "--- contentionz 1 ---\n",
		"--- mutex:\ncycles/second=1\n", "--- contention:\n", "--- heapz 1 ---\n",
		"--- threadz 1 ---\n", "--- Thread 7f (name: a/1) stack: ---\n", "heap_v2/524288\n",
		"goroutine profile: tot",   /* cut by the window: a prefix is enough */
	};
	static const char *const no[] = {
		"", "hello\n", "goroutine 1 [running]:\nmain.main()\n", "--- other ---\n",
		"\n\nheap_v2/1\n",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!hs_legacy_text_detect((const uint8_t *)yes[i], strlen(yes[i])))
			fail_msg("not detected: %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (hs_legacy_text_detect((const uint8_t *)no[i], strlen(no[i])))
			fail_msg("detected: %s", no[i]);
}

/* The shared engine: leftmost-first submatches, searches, and the Pike VM
 * for long subjects giving the backtracker's answers. */
static void test_rx(void **state)
{
	(void)state;
	lm_rx re;
	lm_rx_run run = {0};
	int32_t c[LM_RX_MAX_SAVE];
	assert_true(lm_rx_compile(&re, "(\\d+) *(\\d+) @([ x0-9a-f]*)"));
	assert_int_equal(lm_rx_match(&re, &run, "ab 12 @ 0x1", 11, c), 1);
	assert_int_equal(c[0], 3);   /* the search starts at the digits */
	assert_int_equal(c[2], 3);
	assert_int_equal(c[3], 4);   /* "1" */
	assert_int_equal(c[4], 4);
	assert_int_equal(c[5], 5);   /* "2" */
	assert_true(lm_rx_compile(&re, "\\A(\\S+) profile: total \\d+\\z"));
	assert_int_equal(lm_rx_match(&re, &run, "goroutine profile: total 5", 26, c), 1);
	assert_int_equal(lm_rx_match(&re, &run, "goroutine profile: total 5 ", 27, c), 0);
	assert_true(lm_rx_compile(&re, "^(.*)\\s+\\((.+):(-?[[:digit:]]+)\\)$"));
	const char *s = "f   (a:b:3)";
	assert_int_equal(lm_rx_match(&re, &run, s, strlen(s), c), 1);
	assert_int_equal(c[3], 3);   /* greedy: "f  " keeps two blanks */
	assert_int_equal(c[5], 8);   /* "a:b" */
	/* A subject long enough for the Pike VM: same groups. */
	size_t n = 3u << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big + n - 11, " 12 @ 0x1ab", 11);
	assert_true(lm_rx_compile(&re, "(\\d+) *(\\d+) @([ x0-9a-f]*)"));
	assert_int_equal(lm_rx_match(&re, &run, big, n, c), 1);
	assert_int_equal(c[2], (int32_t)(n - 10));
	assert_int_equal(c[5], (int32_t)(n - 8));
	assert_int_equal(c[7], (int32_t)n);
	free(big);
	lm_rx_run_release(&run);
}

/* A goroutine ?debug=1 profile: the # lines name each pc (return address
 * less one); the leaf frame the runtime did not list (0x438716, gopark)
 * and the root one (0x464e01, goexit) leave the stack, which keeps only
 * what the runtime printed. */
static void test_hash_lines_goroutine(void **state)
{
	(void)state;
	static const char text[] =
	    "goroutine profile: total 3\n"
	    "2 @ 0x438716 0x40560c 0x4d84d7 0x464e01\n"
	    "# labels: {\"group\":\"sender\"}\n"
	    "#\t0x40560b\truntime.chansend1+0x1b\t\truntime/chan.go:145\n"
	    "#\t0x4d84d6\tmain.sender+0x36\t\t/src/app/main.go:38\n"
	    "\n"
	    "1 @ 0x438716 0x4d8567 0x464e01\n"
	    "#\t0x4d8566\tmain.wheel+0x66\t/src/app/main.go:46\n";
	hs_profile p;
	load_named(text, &p);
	assert_int_equal(p.nsamples, 2);
	/* gopark and goexit gone */
	stack_is(&p, 0, (const char *[]){"runtime.chansend1 runtime/chan.go:145",
	                                 "main.sender /src/app/main.go:38", NULL});
	stack_is(&p, 1, (const char *[]){"main.wheel /src/app/main.go:46", NULL});
	assert_int_equal(hs_sample_values(&p, 0)[0], 2);
	assert_int_equal(p.functions.len, 3);
	hs_profile_release(&p);
	/* pprof's reading keeps every address, unnamed. */
	hs_error e;
	assert_int_equal(load(text, &p, &e), HS_OK);
	uint32_t n;
	hs_sample_stack(&p, 0, &n);
	assert_int_equal(n, 4);
	assert_int_equal(p.functions.len, 0);
	hs_profile_release(&p);
}

/* A heap ?debug=1 profile with an inlined call: two # lines with one pc
 * are one location with two lines, innermost first; a pc listed again in
 * a later record keeps the first record's lines; an address with no #
 * line inside a stack stays, unnamed. */
static void test_hash_lines_heap_inline(void **state)
{
	(void)state;
	static const char text[] =
	    "heap profile: 2: 2048 [2: 2048] @ heap/1048576\n"
	    "1: 1024 [1: 1024] @ 0x40da0e 0x4cc747 0x4cdf1a\n"
	    "#\t0x4cc746\tmain.newRecord+0x26\t/src/app/rec.go:10\n"
	    "#\t0x4cc746\tmain.inlineCaller+0x26\t/src/app/rec.go:20\n"
	    "#\t0x4cdf19\tmain.main+0x1b9\t\t/src/app/main.go:288\n"
	    "\n"
	    "1: 1024 [1: 1024] @ 0x4cc747 0x4cd000 0x4cdf1a\n"
	    "#\t0x4cc746\tmain.other+0x26\t/src/app/other.go:1\n"
	    "#\t0x4cdf19\tmain.main+0x1b9\t\t/src/app/main.go:288\n";
	static const char inl[] =
	    "main.newRecord /src/app/rec.go:10 | main.inlineCaller /src/app/rec.go:20";
	hs_profile p;
	load_named(text, &p);
	assert_int_equal(p.nsamples, 2);
	/* 0x40da0e (mallocgc, unlisted) gone; 0x4cd000 is inside: kept, unnamed */
	stack_is(&p, 0, (const char *[]){inl, "main.main /src/app/main.go:288", NULL});
	stack_is(&p, 1, (const char *[]){inl, "", "main.main /src/app/main.go:288", NULL});
	hs_profile_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_heap),
		cmocka_unit_test(test_heapz_v2),
		cmocka_unit_test(test_growth_with_map),
		cmocka_unit_test(test_goroutine_count),
		cmocka_unit_test(test_contention),
		cmocka_unit_test(test_mutex_backtracking),
		cmocka_unit_test(test_java_contention),
		cmocka_unit_test(test_java_heap),
		cmocka_unit_test(test_java_cpu),
		cmocka_unit_test(test_threadz),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_hash_lines_goroutine),
		cmocka_unit_test(test_hash_lines_heap_inline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
