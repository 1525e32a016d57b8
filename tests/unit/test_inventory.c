/* The inventory (include/heapscope/inventory.h): the twin rule, the mtime
 * case, snapshot order, files of several moments and files not used.
 * Every expectation is worked out by hand from the facts given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/inventory.h"
#include "heapscope/load.h"

#define S 1000000000LL
/* 2026-11-22T03:00:00Z */
#define T (1795316400LL * S)

static hs_inventory *inv_new(void)
{
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	assert_non_null(inv);
	return inv;
}

static size_t add(hs_inventory *inv, const char *path, hs_input_kind k, hs_time_from from,
                  int64_t t)
{
	size_t i = hs_inventory_add(inv, path, k, from, t, 1);
	assert_true(i != SIZE_MAX);
	return i;
}

static void is_twin(const hs_inventory *inv, size_t i, size_t of)
{
	const hs_input_entry *e = hs_inventory_at(inv, i);
	assert_false(e->used);
	assert_int_equal(e->why, HS_WHY_TWIN);
	assert_int_equal(e->other, of);
	assert_int_equal(e->snapshot, hs_inventory_at(inv, of)->snapshot);
}

static void is_used(const hs_inventory *inv, size_t i, int64_t snapshot)
{
	const hs_input_entry *e = hs_inventory_at(inv, i);
	assert_true(e->used);
	assert_int_equal(e->why, HS_WHY_USED);
	assert_int_equal(e->snapshot, snapshot);
}

/* A heap protobuf at T and its text (LastGC) half a second later: twins,
 * the protobuf used.  Two protobufs 0.2 s apart: two moments.  1.5 s apart
 * across formats: two moments. */
static void test_real_times(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "heap-a.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T);
	add(inv, "heap-a.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T + S / 2);
	assert_true(hs_inventory_twins(inv, 0, 1));
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_twin(inv, 1, 0);
	assert_int_equal(hs_inventory_nsnapshots(inv), 1);
	hs_inventory_free(inv);

	inv = inv_new();
	add(inv, "heap-1.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T);
	add(inv, "heap-2.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T + S / 5);
	add(inv, "heap-3.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T + 17 * S / 10);
	assert_false(hs_inventory_twins(inv, 0, 1));
	assert_false(hs_inventory_twins(inv, 1, 2));   /* 1.5 s */
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_used(inv, 1, 1);
	is_used(inv, 2, 2);
	assert_int_equal(hs_inventory_nsnapshots(inv), 3);
	hs_inventory_free(inv);

	/* a text 0.5 s after one protobuf and 0.4 s before another: the twin
	 * of the first; the second, of the same format as the first, never
	 * joins that moment through the text */
	inv = inv_new();
	add(inv, "heap-1.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T);
	add(inv, "heap-1.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T + S / 2);
	add(inv, "heap-2.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T + 9 * S / 10);
	assert_true(hs_inventory_twins(inv, 1, 2));
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_twin(inv, 1, 0);
	is_used(inv, 2, 1);
	hs_inventory_free(inv);
}

/* The same stamp in two names is one moment whatever else the files say
 * (the text one's time is an hour off, its mtime); the dump is used. */
static void test_name_stamp(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "t-20261122T030000.txt", HS_IN_GOROUTINE_TEXT, HS_TIME_MTIME, T + 3600 * S);
	add(inv, "d-20261122T030000.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T);
	add(inv, "d-20261122T030001.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T + S);
	hs_inventory_finish(inv, true);
	is_twin(inv, 0, 1);
	is_used(inv, 1, 0);
	is_used(inv, 2, 1);
	hs_inventory_free(inv);
}

/* The bug of issue 12: a goroutine protobuf (time_nanos T + 0.3 s) and a
 * debug=2 and a debug=1 dump of the same moment with mtimes only (T):
 * one moment, the debug=2 dump used, the other two its twins. */
static void test_mtime_anchored(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "goroutine.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + 3 * S / 10);
	add(inv, "goroutine-2.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T);
	add(inv, "goroutine-1.txt", HS_IN_GOROUTINE_TEXT, HS_TIME_MTIME, T);
	assert_true(hs_inventory_twins(inv, 0, 1));
	assert_true(hs_inventory_twins(inv, 0, 2));
	assert_false(hs_inventory_twins(inv, 1, 2));   /* mtimes alone never */
	hs_inventory_finish(inv, true);
	is_twin(inv, 0, 1);
	is_used(inv, 1, 0);
	is_twin(inv, 2, 1);
	assert_int_equal(hs_inventory_nsnapshots(inv), 1);
	hs_inventory_free(inv);

	/* whole-second mtimes: a dump written at T + 0.9 s (mtime T) and its
	 * profile at T + 1.5 s are 0.6 s apart; at T + 2 s they may be 1.1 */
	inv = inv_new();
	add(inv, "g.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + 3 * S / 2);
	add(inv, "g.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T);
	add(inv, "h.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + 2 * S);
	add(inv, "i.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T - S);
	assert_true(hs_inventory_twins(inv, 0, 1));
	assert_false(hs_inventory_twins(inv, 2, 1));
	assert_false(hs_inventory_twins(inv, 3, 1));
	hs_inventory_free(inv);
}

/* Dumps written a second apart (mtimes T and T + 1 s) both reach a
 * profile at T + 1.3 s: the dump of that very second is its twin, not the
 * earlier one (hand-worked: T + 1.3 - T = 1.3 s is within reach of the
 * first, 0.3 s inside the second's own second).  A profile at T + 0.5 s
 * with dumps at T - 1 s and T + 1 s: reached by both (1.5 s, -0.5 s), in
 * neither's second: no twin. */
static void test_mtime_nearest(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "goroutine-2.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T);
	add(inv, "goroutine-3.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T + S);
	add(inv, "goroutine.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + 13 * S / 10);
	assert_false(hs_inventory_twins(inv, 2, 0));
	assert_true(hs_inventory_twins(inv, 2, 1));
	hs_inventory_free(inv);

	inv = inv_new();
	add(inv, "goroutine-1.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T - S);
	add(inv, "goroutine-2.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T + S);
	add(inv, "goroutine.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + S / 2);
	assert_false(hs_inventory_twins(inv, 2, 0));
	assert_false(hs_inventory_twins(inv, 2, 1));
	hs_inventory_free(inv);
}

/* Where an mtime is no evidence: two files with mtimes only (2 moments);
 * a copy made a day after the profile; two dumps whose mtimes are within
 * the second of the profile (which one?), all three then used, and their
 * moments (a real time beside mtimes) cannot order them: the order given. */
static void test_mtime_refused(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "a.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T);
	add(inv, "b.txt", HS_IN_GOROUTINE_TEXT, HS_TIME_MTIME, T);
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_used(inv, 1, 1);
	hs_inventory_free(inv);

	inv = inv_new();
	add(inv, "g.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T);
	add(inv, "copy.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T + 86400 * S);
	assert_false(hs_inventory_twins(inv, 0, 1));
	hs_inventory_free(inv);

	inv = inv_new();
	add(inv, "z.pb.gz", HS_IN_GOROUTINE, HS_TIME_PROFILE, T + S / 2);
	add(inv, "y.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T);
	add(inv, "x.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_MTIME, T + S / 2);
	assert_false(hs_inventory_twins(inv, 0, 1));
	assert_false(hs_inventory_twins(inv, 0, 2));
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_used(inv, 1, 1);
	is_used(inv, 2, 2);
	hs_inventory_free(inv);
}

/* Snapshots in time order whatever the order given, equal moments by name
 * with numbers as numbers; a log of 3 dumps takes 3 indices and is never
 * a twin; files not used have none. */
static void test_snapshots(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "h-10.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T + 60 * S);
	add(inv, "h-9.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T + 60 * S);
	size_t log = hs_inventory_add(inv, "sigquit.log", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T, 3);
	add(inv, "sigquit-text.txt", HS_IN_GOROUTINE_TEXT, HS_TIME_PROFILE, T);
	size_t cpu = add(inv, "cpu.pb.gz", HS_IN_CPU, HS_TIME_PROFILE, T);
	size_t bad = add(inv, "bad.pb.gz", HS_IN_UNREADABLE, HS_TIME_MTIME, T);
	hs_inventory_unuse(inv, cpu, HS_WHY_KIND);
	assert_false(hs_inventory_twins(inv, log, 3));
	hs_inventory_finish(inv, true);
	/* T: sigquit-text.txt (0), then sigquit.log (1..3): '-' (0x2d) sorts
	 * before '.' (0x2e); T + 60 s: h-9, then h-10 */
	is_used(inv, 3, 0);
	is_used(inv, log, 1);
	is_used(inv, 1, 4);
	is_used(inv, 0, 5);
	assert_int_equal(hs_inventory_nsnapshots(inv), 6);
	const hs_input_entry *c = hs_inventory_at(inv, cpu), *b = hs_inventory_at(inv, bad);
	assert_false(c->used);
	assert_int_equal(c->why, HS_WHY_KIND);
	assert_int_equal(c->snapshot, -1);
	assert_false(b->used);
	assert_int_equal(b->why, HS_WHY_UNREADABLE);
	assert_int_equal(b->snapshot, -1);
	assert_string_equal(hs_input_kind_name(c->kind), "cpu");
	hs_inventory_free(inv);
}

/* Several Go text profiles in one file: each begins at a line starting
 * like the first; offsets counted by hand. */
static void test_text_moments(void **state)
{
	(void)state;
	/* "heap profile: 1: 8 [1: 8] @ heap/2\n" is 35 bytes, "# x\n" 4 */
	const char *heap = "heap profile: 1: 8 [1: 8] @ heap/2\n# x\n"
	                   "heap profile: 2: 16 [2: 16] @ heap/2\n"
	                   "# a heap profile: in a line\n";
	size_t st[3] = {9, 9, 9};
	assert_int_equal(hs_text_moments((const uint8_t *)heap, strlen(heap), st, 3), 2);
	assert_int_equal(st[0], 0);
	assert_int_equal(st[1], 39);
	assert_int_equal(st[2], 9);
	const char *g = "goroutine profile: total 3\n3 @ 0x1\n\ngoroutine profile: total 4\n";
	assert_int_equal(hs_text_moments((const uint8_t *)g, strlen(g), st, 1), 2);
	assert_int_equal(st[0], 0);
	const char *dump = "goroutine 1 [running]:\nmain.main()\n";
	assert_int_equal(hs_text_moments((const uint8_t *)dump, strlen(dump), NULL, 0), 0);
}

/* Go's allocs profile is the heap profile with alloc_space its default:
 * at one moment with a heap protobuf and its text (times 3 ms and 8 ms
 * apart, as /debug/pprof/heap, ?debug=1 and /allocs are fetched) the three
 * are one moment, the heap protobuf used whatever the order given; the
 * allocs profile is used over the text. */
static void test_allocs_twin(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	add(inv, "allocs-1.pb.gz", HS_IN_ALLOCS, HS_TIME_PROFILE, T + 5 * S / 1000);
	add(inv, "heap-1.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T - 3 * S / 1000);
	add(inv, "heap-1.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T);
	assert_true(hs_inventory_twins(inv, 0, 2));
	assert_true(hs_inventory_twins(inv, 0, 1));
	hs_inventory_finish(inv, true);
	is_twin(inv, 0, 2);
	is_twin(inv, 1, 2);
	is_used(inv, 2, 0);
	assert_int_equal(hs_inventory_nsnapshots(inv), 1);
	hs_inventory_free(inv);

	inv = inv_new();
	add(inv, "allocs-1.pb.gz", HS_IN_ALLOCS, HS_TIME_PROFILE, T);
	add(inv, "heap-1.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T + S / 2);
	hs_inventory_finish(inv, true);
	is_used(inv, 0, 0);
	is_twin(inv, 1, 0);
	hs_inventory_free(inv);
}

/* The partial-snapshot rule: beside a goroutine dump (a whole snapshot) a
 * trace and a heap dump stay used but take no snapshot, the dumps 0 and 1
 * in time order; a gctrace log has none either.  Without a whole snapshot
 * (only a core's kind is whole too) the trace and heap dump are points of
 * the series.  info (finish without twins) keeps every file a point. */
static void test_partial(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	size_t tr = add(inv, "trace-1.out", HS_IN_TRACE, HS_TIME_NAME, T);
	size_t d2 = add(inv, "goroutine-2.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T + 60 * S);
	size_t hd = add(inv, "heapdump-1.dump", HS_IN_HEAPDUMP, HS_TIME_NAME, T);
	size_t d1 = add(inv, "goroutine-1.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T);
	size_t gc = add(inv, "gctrace.log", HS_IN_GCTRACE, HS_TIME_NAME, T);
	hs_inventory_finish(inv, true);
	for (size_t i = 0; i < 2; i++) {
		const hs_input_entry *e = hs_inventory_at(inv, i ? hd : tr);
		assert_true(e->used);
		assert_int_equal(e->why, HS_WHY_PARTIAL);
		assert_int_equal(e->snapshot, -1);
	}
	is_used(inv, d1, 0);
	is_used(inv, d2, 1);
	is_used(inv, gc, -1);
	assert_int_equal(hs_inventory_nsnapshots(inv), 2);
	hs_inventory_free(inv);

	/* a core is whole: the trace is kept out; a cpu profile is not */
	inv = inv_new();
	tr = add(inv, "trace-1.out", HS_IN_TRACE, HS_TIME_NAME, T);
	size_t core = add(inv, "core", HS_IN_CORE, HS_TIME_NAME, T + S);
	hs_inventory_finish(inv, true);
	assert_int_equal(hs_inventory_at(inv, tr)->why, HS_WHY_PARTIAL);
	is_used(inv, core, 0);
	hs_inventory_free(inv);

	inv = inv_new();
	tr = add(inv, "trace-1.out", HS_IN_TRACE, HS_TIME_NAME, T + S);
	hd = add(inv, "heapdump-1.dump", HS_IN_HEAPDUMP, HS_TIME_NAME, T);
	add(inv, "cpu.pb.gz", HS_IN_CPU, HS_TIME_PROFILE, T + 2 * S);
	hs_inventory_finish(inv, true);
	is_used(inv, hd, 0);
	is_used(inv, tr, 1);
	hs_inventory_free(inv);

	inv = inv_new();
	tr = add(inv, "trace-1.out", HS_IN_TRACE, HS_TIME_NAME, T + S);
	d1 = add(inv, "goroutine-1.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NAME, T);
	hs_inventory_finish(inv, false);
	is_used(inv, d1, 0);
	is_used(inv, tr, 1);
	hs_inventory_free(inv);
}

/* info (finish without twins) describes both twins, used, sharing the
 * moment's snapshot; the next moment is 1. */
static void test_info_twins(void **state)
{
	(void)state;
	hs_inventory *inv = inv_new();
	size_t txt = add(inv, "heap-1.txt", HS_IN_HEAP_TEXT, HS_TIME_LASTGC, T + S / 2);
	size_t pb = add(inv, "heap-1.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T);
	size_t next = add(inv, "heap-2.pb.gz", HS_IN_HEAP, HS_TIME_PROFILE, T + 60 * S);
	hs_inventory_finish(inv, false);
	is_used(inv, pb, 0);
	is_used(inv, txt, 0);
	is_used(inv, next, 1);
	assert_int_equal(hs_inventory_nsnapshots(inv), 2);
	hs_inventory_free(inv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_times),
		cmocka_unit_test(test_name_stamp),
		cmocka_unit_test(test_mtime_anchored),
		cmocka_unit_test(test_mtime_nearest),
		cmocka_unit_test(test_mtime_refused),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_info_twins),
		cmocka_unit_test(test_text_moments),
		cmocka_unit_test(test_allocs_twin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
