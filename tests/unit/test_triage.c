/* The triage model (include/heapscope/triage.h) on hand-made inputs whose
 * outcomes are worked out in the comments: the severity each source's
 * finding gets, the ranking (severity, then source: leaks, gctrace, heap
 * dump), the verdict (problem from medium) and the high flag (the exit
 * status 1), the timeline in time order (names with timestamps) or in the
 * order given (an mtime among them), and the inventory's uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/load.h"
#include "heapscope/triage.h"

/* A gctrace log of n GCs, live heap live[i] MB, GC CPU cpu% at each. */
static void gclog(hs_gctrace *g, const int *live, int n, int cpu)
{
	char text[4096];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "gc %d @%d.000s %d%%: 0.010+0.20+0.002 ms clock, "
		                        "0.040+0.1/0.2/0+0.008 ms cpu, %d->%d->%d MB, %d MB goal, 0 MB stacks, "
		                        "0 MB globals, 4 P\n",
		                        i + 1, i + 1, cpu, live[i] + 4, live[i] + 4, live[i], 2 * live[i] + 4);
	hs_error e;
	hs_error_clear(&e);
	hs_gctrace_init(g);
	assert_int_equal(hs_gctrace_parse(g, (const uint8_t *)text, len, true, &e), HS_OK);
}

/* `n` goroutines blocked in a channel send at main.stuck (a leak of the
 * blocked kind: high from 100), and one running main.main. */
static void dump_of(hs_profile *p, int n)
{
	static char text[1 << 16];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "goroutine %d [chan send]:\nruntime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
		                        "runtime.chansend1(0x0)\n\t/go/src/runtime/chan.go:145 +0x1\n"
		                        "main.stuck()\n\t/src/main.go:20 +0x1\ncreated by main.main\n\t/src/main.go:9 +0x1\n\n",
		                        i + 2);
	len += (size_t)snprintf(text + len, sizeof text - len,
	                        "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1\n");
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(p);
	assert_int_equal(hs_goroutine_text_decode(p, (const uint8_t *)text, len, &e), HS_OK);
}

static hs_triage *finish_with(int nfiles, void (*add)(hs_triage *t))
{
	hs_error e;
	hs_error_clear(&e);
	hs_triage *t = hs_triage_new(nfiles, NULL, &e);
	assert_non_null(t);
	add(t);
	assert_int_equal(hs_triage_finish(t, &e), HS_OK);
	return t;
}

static void add_gc(hs_triage *t, int i, const char *name, const int *live, int n, int cpu)
{
	hs_gctrace g;
	hs_error e;
	hs_error_clear(&e);
	gclog(&g, live, n, cpu);
	assert_int_equal(hs_triage_add_gctrace(t, i, name, &g, &e), HS_OK);
	hs_gctrace_release(&g);
}

static void add_dump(hs_triage *t, int i, const char *name, int n)
{
	hs_profile p;
	hs_error e;
	hs_error_clear(&e);
	dump_of(&p, n);
	assert_int_equal(hs_triage_add_profile(t, i, name, &p, HS_TK_GOROUTINE_DUMP, &e), HS_OK);
	hs_profile_release(&p);
}

/* Live heap 1, 2, 4, 8, 16, 32, 48, 64 MB: quarters of 2 GCs, head 1.5 MB,
 * tail 56 MB (>= 1.5x and 4 MB more), slope > 0: a leak suspect, high. */
static const int GROWING[8] = {1, 2, 4, 8, 16, 32, 48, 64};
/* 8 MB at every GC: nothing. */
static const int STEADY[8] = {8, 8, 8, 8, 8, 8, 8, 8};

static void steady_only(hs_triage *t) { add_gc(t, 0, "steady.log", STEADY, 8, 1); }

static void test_steady_is_healthy(void **state)
{
	(void)state;
	hs_triage *t = finish_with(1, steady_only);
	assert_int_equal(hs_triage_nfindings(t), 0);
	assert_false(hs_triage_problem(t));
	assert_false(hs_triage_high(t));
	assert_int_equal(hs_triage_nruns(t), 1);
	assert_int_equal(hs_triage_ngcs(t), 8);
	assert_int_equal(hs_triage_gc_at(t, 3)->live, 8 << 20);
	assert_true(hs_triage_input_at(t, 0)->used & HS_USE_GCTRACE);
	hs_triage_free(t);
}

/* GC CPU 30% at the last GC (>= 25): thrash, medium: a problem, not high. */
static void thrash_only(hs_triage *t) { add_gc(t, 0, "busy.log", STEADY, 8, 30); }

static void test_thrash_is_medium(void **state)
{
	(void)state;
	hs_triage *t = finish_with(1, thrash_only);
	assert_int_equal(hs_triage_nfindings(t), 1);
	const hs_finding *f = hs_triage_finding(t, 0);
	assert_int_equal(f->source, HS_FIND_GCTRACE);
	assert_int_equal(f->gc, HS_GCI_THRASH);
	assert_int_equal(f->severity, HS_SEV_MEDIUM);
	assert_true(hs_triage_problem(t));
	assert_false(hs_triage_high(t));
	hs_triage_free(t);
}

/* Given in this order: a thrashing log (medium), a growing log (high), a
 * dump of 150 blocked goroutines (a high leak), a dump of 5 (no
 * candidate: under min_medium 10).  Ranked: the leak (high, source
 * leaks), the growing log (high, gctrace), the thrash (medium). */
static void mixed(hs_triage *t)
{
	add_gc(t, 0, "busy.log", STEADY, 8, 30);
	add_gc(t, 1, "grow.log", GROWING, 8, 1);
	add_dump(t, 2, "goroutines-20261206T100000Z.txt", 150);
	add_dump(t, 3, "goroutines-20261206T090000Z.txt", 5);
}

static void test_ranking_and_timeline(void **state)
{
	(void)state;
	hs_triage *t = finish_with(4, mixed);
	assert_int_equal(hs_triage_nfindings(t), 3);
	const hs_finding *f0 = hs_triage_finding(t, 0), *f1 = hs_triage_finding(t, 1),
	                 *f2 = hs_triage_finding(t, 2);
	assert_int_equal(f0->source, HS_FIND_LEAK);
	assert_int_equal(f0->severity, HS_SEV_HIGH);
	assert_string_equal(f0->leak->culprit, "main.stuck");
	assert_int_equal(f0->leak->goroutines, 150);
	assert_int_equal(f1->source, HS_FIND_GCTRACE);
	assert_int_equal(f1->gc, HS_GCI_LEAK);
	assert_int_equal(f1->severity, HS_SEV_HIGH);
	assert_string_equal(hs_triage_input_at(t, hs_triage_run_at(t, f1->index)->input)->file, "grow.log");
	assert_int_equal(f2->gc, HS_GCI_THRASH);
	assert_true(hs_triage_high(t));
	/* the timeline: goroutine snapshots by the times in their names, the
	 * 09:00 dump (6 goroutines: 5 and main) before the 10:00 one (151) */
	assert_int_equal(hs_triage_npoints(t), 2);
	assert_int_equal(hs_triage_point_at(t, 0)->input, 3);
	assert_int_equal(hs_triage_point_at(t, 0)->goroutines, 6);
	assert_int_equal(hs_triage_point_at(t, 1)->input, 2);
	assert_int_equal(hs_triage_point_at(t, 1)->goroutines, 151);
	assert_int_equal(hs_triage_point_at(t, 1)->heap_inuse, -1);
	assert_int_equal(hs_triage_input_at(t, 2)->time_from, HS_TIME_NAME);
	unsigned want = HS_USE_LEAKS | HS_USE_GOROUTINES | HS_USE_BLOCKING | HS_USE_TIMELINE;
	assert_int_equal(hs_triage_input_at(t, 2)->used, want);
	hs_triage_flames fl;
	hs_triage_flame_inputs(t, &fl);
	assert_int_equal(fl.goroutines, 2);   /* the last snapshot in time */
	assert_int_equal(fl.heap_last, -1);
	assert_int_equal(fl.cpu, -1);
	hs_triage_free(t);
}

/* One dump named with a time, one without (no such file: no mtime
 * either): moments cannot order them, so the order given stands. */
static void unordered(hs_triage *t)
{
	add_dump(t, 0, "goroutines-20261206T100000Z.txt", 3);
	add_dump(t, 1, "no-such-dir/dump.txt", 4);
}

static void test_timeline_in_given_order(void **state)
{
	(void)state;
	hs_triage *t = finish_with(2, unordered);
	assert_int_equal(hs_triage_input_at(t, 1)->time_from, HS_TIME_NONE);
	assert_int_equal(hs_triage_point_at(t, 0)->input, 0);
	assert_int_equal(hs_triage_point_at(t, 1)->input, 1);
	assert_false(hs_triage_problem(t));
	hs_triage_free(t);
}

/* A file nothing read: in the inventory, used for nothing. */
static void other(hs_triage *t)
{
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_triage_add_other(t, 0, "notes.txt", HS_TK_UNREADABLE, &e), HS_OK);
}

static void test_other_file(void **state)
{
	(void)state;
	hs_triage *t = finish_with(1, other);
	assert_string_equal(hs_triage_kind_name(hs_triage_input_at(t, 0)->kind), "unknown");
	assert_int_equal(hs_triage_input_at(t, 0)->used, 0);
	assert_null(hs_triage_goroutines(t));
	assert_null(hs_triage_blocking(t));
	assert_null(hs_triage_growth(t));
	assert_int_equal(hs_triage_npoints(t), 0);
	hs_triage_free(t);
}

static void test_bad_own(void **state)
{
	(void)state;
	hs_error e;
	hs_error_clear(&e);
	assert_null(hs_triage_new(1, "(", &e));
	assert_int_equal(e.code, HS_E_REGEX);
	hs_triage_free(NULL);
}

/* The lock severity rule of triage.h at its edges: load (goroutines
 * blocked on average between block profiles), waiting now, snapshots. */
static void test_lock_severity(void **state)
{
	(void)state;
	hs_triage_lock l = {.load = -1};
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_LOW);
	l.load = 0.099;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_LOW);
	l.load = 0.1;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_MEDIUM);
	l.load = 0.999;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_MEDIUM);
	l.load = 1.0;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_HIGH);
	/* no load: the goroutines waiting in the snapshots */
	l = (hs_triage_lock){.load = -1, .now = 2, .snapshots = 1};
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_LOW);
	l.snapshots = 2;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_MEDIUM);
	l = (hs_triage_lock){.load = -1, .now = 8, .snapshots = 1};
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_MEDIUM);
	l.snapshots = 2;
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_HIGH);
	l = (hs_triage_lock){.load = -1, .now = 7, .snapshots = 3};
	assert_int_equal(hs_triage_lock_severity(&l), HS_SEV_MEDIUM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steady_is_healthy),
		cmocka_unit_test(test_thrash_is_medium),
		cmocka_unit_test(test_ranking_and_timeline),
		cmocka_unit_test(test_timeline_in_given_order),
		cmocka_unit_test(test_other_file),
		cmocka_unit_test(test_bad_own),
		cmocka_unit_test(test_lock_severity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
