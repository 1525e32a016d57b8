/* GODEBUG=gctrace=1 lines, worked out by hand: the two formats (from
 * ../shared/corpus/gctrace), a log collector's prefix, a restart, a cut
 * last line, errors with line:column, and a run's summary. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/gctrace.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)
#define MiB ((int64_t)1 << 20)

static hs_err parse(hs_gctrace *t, const char *text, hs_error *e)
{
	hs_gctrace_init(t);
	hs_error_clear(e);
	return hs_gctrace_parse(t, (const uint8_t *)text, strlen(text), true, e);
}

/* Go 1.5: five clock phases, no stacks/globals. */
static void test_go15(void **state)
{
	(void)state;
	hs_gctrace t;
	hs_error e;
	assert_int_equal(parse(&t, "gc 5 @0.306s 2%: 0.021+3.3+0.20+1.7+0.23 ms clock, "
	                           "0.087+3.3+0+1.5/1.5/0+0.93 ms cpu, 6->7->4 MB, 7 MB goal, 4 P\n",
	                       &e),
	                 HS_OK);
	assert_int_equal(t.gcs.len, 1);
	const hs_gc *g = hs_gctrace_gc(&t, 0);
	assert_int_equal(g->num, 5);
	NEAR(g->at_s, 0.306);
	assert_int_equal(g->cpu_percent, 2);
	NEAR(g->stw_ms, 0.021 + 0.23);                    /* first + last phase */
	NEAR(g->clock_ms, 0.021 + 3.3 + 0.20 + 1.7 + 0.23);
	assert_int_equal(g->heap_start, 6 * MiB);
	assert_int_equal(g->heap_end, 7 * MiB);
	assert_int_equal(g->heap_live, 4 * MiB);
	assert_int_equal(g->goal, 7 * MiB);
	assert_int_equal(g->stacks, -1);
	assert_int_equal(g->procs, 4);
	assert_false(g->forced);
	hs_gctrace_release(&t);
}

/* Go 1.19, behind a CRI log prefix, forced; then the GC number restarts
 * (a new process): two runs.  Other lines are counted. */
static void test_go119_prefix_restart(void **state)
{
	(void)state;
	hs_gctrace t;
	hs_error e;
	assert_int_equal(
		parse(&t,
		      "starting\n"
		      "2024-01-01T00:00:00Z stderr F gc 7 @1.5s 3%: 0.1+2+0.2 ms clock, "
		      "0.4+1/2/3+0.5 ms cpu, 10->12->6 MB, 12 MB goal, 1 MB stacks, 2 MB globals, 8 P "
		      "(forced)\n"
		      "gc 8 @2.5s 4%: 0.1+2+0.2 ms clock, 0.4+1/2/3+0.5 ms cpu, 10->12->6 MB, 12 MB goal, "
		      "1 MB stacks, 2 MB globals, 8 P\n"
		      "gc 1 @0.1s 0%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, 4 MB goal, 0 MB "
		      "stacks, 0 MB globals, 2 P\n",
		      &e),
		HS_OK);
	assert_int_equal(t.gcs.len, 3);
	assert_int_equal(hs_gctrace_nruns(&t), 2);
	assert_int_equal(t.other_lines, 1);
	const hs_gc *g = hs_gctrace_gc(&t, 0);
	assert_int_equal(g->num, 7);
	assert_int_equal(g->line, 2);
	assert_true(g->forced);
	assert_int_equal(g->stacks, 1 * MiB);
	assert_int_equal(g->globals, 2 * MiB);
	NEAR(g->stw_ms, 0.3);
	hs_gc_run r;
	hs_gctrace_run(&t, 0, 0, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.forced, 1);
	NEAR(r.gc_per_min, 60.0);                         /* 1 GC more in 1 s */
	NEAR(r.stw_total_ms, 0.6);
	hs_gctrace_run(&t, 1, 0, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.live_last, 1 * MiB);
	hs_gctrace_release(&t);
}

/* A live heap of 10, 20, ..., 80 MiB a minute apart: 10 MiB/min, the
 * last quarter (70, 80) far above the first (10, 20): a leak suspect;
 * 100 MiB is 2 minutes away.  GC at 30% is thrash; no pause >= 100 ms. */
static void test_run_leak(void **state)
{
	(void)state;
	char text[4096] = "";
	for (int i = 0; i < 8; i++) {
		char ln[256];
		snprintf(ln, sizeof ln,
		         "gc %d @%d.0s 30%%: 0.5+1+0.5 ms clock, 1+1/1/1+1 ms cpu, %d->%d->%d MB, %d MB "
		         "goal, 4 P\n",
		         i + 1, 60 * i, 20 * (i + 1), 20 * (i + 1), 10 * (i + 1), 20 * (i + 1));
		strcat(text, ln);
	}
	hs_gctrace t;
	hs_error e;
	assert_int_equal(parse(&t, text, &e), HS_OK);
	hs_gc_run r;
	hs_gctrace_run(&t, 0, 100 * MiB, &r);
	NEAR(r.slope_per_min, 10.0 * MiB);
	NEAR(r.monotonic, 1);
	assert_true(r.leak_suspect);
	assert_true(r.gc_thrash);
	assert_false(r.long_pause);
	NEAR(r.minutes_to_limit, 2);
	assert_int_equal(r.live_max, 80 * MiB);
	assert_int_equal(r.heap_max, 160 * MiB);
	hs_gctrace_release(&t);
}

/* Errors name line and column; a log without gc lines is not one; a cut
 * last line is left out and said. */
static void test_errors(void **state)
{
	(void)state;
	hs_gctrace t;
	hs_error e;
	assert_int_equal(parse(&t, "x\ngc 1 @0.1s 2%: 0.1+0.2 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, "
	                           "4 MB goal, 2 P\n",
	                       &e),
	                 HS_E_SYNTAX);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.col, 23);   /* after "0.1+0.2" (cols 16-22): two phases, not 3 or 5 */
	hs_gctrace_release(&t);
	assert_int_equal(parse(&t, "gc 1 @0.1s 200%: 1+1+1 ms clock", &e), HS_E_TRUNCATED);
	assert_true(t.cut_last_line);   /* the only gc line, cut: nothing to read */
	assert_int_equal(e.line, 1);
	hs_gctrace_release(&t);
	assert_int_equal(parse(&t, "hello\nworld\n", &e), HS_E_FORMAT);
	hs_gctrace_release(&t);
	assert_int_equal(parse(&t, "gc 1 @0.1s 200%: 1+1+1 ms clock\n", &e), HS_E_SYNTAX);
	assert_int_equal(e.col, 12);   /* no GC takes 200% of the CPU */
	hs_gctrace_release(&t);
	assert_true(hs_gctrace_detect((const uint8_t *)"a\ngc 3 @1s 0%: 1+1+1 ms clock, x\n", 33));
	assert_false(hs_gctrace_detect((const uint8_t *)"eggc 3 @1s 0%: 1+1+1 ms clock, x\n", 33));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go15),
		cmocka_unit_test(test_go119_prefix_restart),
		cmocka_unit_test(test_run_leak),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
