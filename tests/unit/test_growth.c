/* Growth statistics (include/heapscope/growth.h) on hand-made series; every
 * expected value is worked out by hand in the comment beside it. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "build_profile.h"
#include "heapscope/graph.h"
#include "heapscope/growth.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_slope(void **state)
{
	(void)state;
	/* y = 2x + 1 exactly. */
	const double x1[] = {0, 1, 2, 3};
	const int64_t y1[] = {1, 3, 5, 7};
	NEAR(hs_lsq_slope(x1, y1, 4), 2.0);
	/* Uneven x {0,1,3}, y {0,2,3}: means 4/3 and 5/3;
	 * Sxy = (-4/3)(-5/3) + (-1/3)(1/3) + (5/3)(4/3) = 39/9,
	 * Sxx = 16/9 + 1/9 + 25/9 = 42/9, slope = 39/42 = 13/14. */
	const double x2[] = {0, 1, 3};
	const int64_t y2[] = {0, 2, 3};
	NEAR(hs_lsq_slope(x2, y2, 3), 13.0 / 14.0);
	/* Falling: y = -5x + 100. */
	const double x3[] = {0, 0.5, 1};
	const int64_t y3[] = {100, 97, 95};  /* means 0.5, 97.333; Sxy = -2.5, Sxx = 0.5 -> -5 */
	NEAR(hs_lsq_slope(x3, y3, 3), -5.0);
	/* Undefined: one point, or all at the same time. */
	assert_true(isnan(hs_lsq_slope(x1, y1, 1)));
	const double same[] = {2, 2, 2};
	assert_true(isnan(hs_lsq_slope(same, y1, 3)));
}

static void test_monotonic(void **state)
{
	(void)state;
	/* Steps of {1,2,2,1,3}: 2>=1 y, 2>=2 y, 1>=2 n, 3>=1 y -> 3/4;
	 * strictly rising: y, n, n, y -> 2/4. */
	const int64_t v[] = {1, 2, 2, 1, 3};
	NEAR(hs_monotonic(v, 5), 0.75);
	NEAR(hs_rising(v, 5), 0.5);
	/* A one-off spike {0,0,5,0,0,0}: only 5->0 falls: 4/5; rises once: 1/5. */
	const int64_t spike[] = {0, 0, 5, 0, 0, 0};
	NEAR(hs_monotonic(spike, 6), 0.8);
	NEAR(hs_rising(spike, 6), 0.2);
	const int64_t flat[] = {7, 7, 7};
	NEAR(hs_monotonic(flat, 3), 1.0);
	NEAR(hs_rising(flat, 3), 0.0);
	NEAR(hs_monotonic(flat, 1), 1.0);
	NEAR(hs_rising(flat, 1), 0.0);
}

static void test_sparkline(void **state)
{
	(void)state;
	char buf[64];
	const int64_t ramp[] = {0, 1, 2, 3, 4, 5, 6, 7};
	assert_int_equal(hs_sparkline(ramp, 8, buf, sizeof buf), 24);
	assert_string_equal(buf, "▁▂▃▄▅▆▇█");
	/* Scaled min..max: 10 and 17 are bottom and top, 13 is (13-10)/7 of 7 levels: 3. */
	const int64_t two[] = {10, 17, 13};
	hs_sparkline(two, 3, buf, sizeof buf);
	assert_string_equal(buf, "▁█▄");
	const int64_t zero[] = {0, 0};
	hs_sparkline(zero, 2, buf, sizeof buf);
	assert_string_equal(buf, "▁▁");
	const int64_t constant[] = {5, 5, 5};
	hs_sparkline(constant, 3, buf, sizeof buf);
	assert_string_equal(buf, "▄▄▄");
	/* Too small a buffer: whole bars only, always terminated. */
	char small[8];
	assert_int_equal(hs_sparkline(ramp, 8, small, sizeof small), 24);
	assert_string_equal(small, "▁▂");
}

static void test_minutes_to(void **state)
{
	(void)state;
	NEAR(hs_minutes_to(100, 10, 200), 10.0);   /* (200 - 100) / 10 */
	NEAR(hs_minutes_to(200, 10, 200), 0.0);    /* already there */
	NEAR(hs_minutes_to(200, 0, 200), 0.0);     /* there, even without a slope */
	NEAR(hs_minutes_to(300, -1, 200), 0.0);
	assert_true(isinf(hs_minutes_to(100, 0, 200)));
	assert_true(isinf(hs_minutes_to(100, -3, 200)));
	assert_true(isinf(hs_minutes_to(100, NAN, 200)));
}

static void add(hs_growth *g, const char *name, const int64_t *v)
{
	hs_error e;
	hs_error_clear(&e);
	for (size_t i = 0; i < hs_growth_nsnap(g); i++)
		assert_int_equal(hs_growth_add(g, i, name, v[i], &e), HS_OK);
}

static void test_series(void **state)
{
	(void)state;
	hs_growth *g;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(g = hs_growth_new(3, &e));
	/* Given out of order: snapshot 0 is at 2 min, 1 at 0, 2 at 1 min. */
	const int64_t t0 = 1000000000000;
	hs_growth_set_time(g, 0, t0 + 120000000000);
	hs_growth_set_time(g, 1, t0);
	hs_growth_set_time(g, 2, t0 + 60000000000);
	const int64_t a[] = {30, 10, 20};      /* in time order 10 20 30: +10/min */
	const int64_t b[] = {5, 5, 5};         /* constant */
	const int64_t c[] = {0, 0, 100};       /* in time order 0 100 0: a spike, slope 0 */
	const int64_t d[] = {10, 30, 20};      /* in time order 30 20 10: -10/min */
	const int64_t z[] = {0, 0, 0};         /* dropped */
	add(g, "a", a);
	add(g, "b", b);
	add(g, "c", c);
	add(g, "d", d);
	add(g, "z", z);
	/* Two adds to one snapshot sum. */
	assert_int_equal(hs_growth_add(g, 0, "b", 0, &e), HS_OK);
	hs_growth_set_total(g, 0, 100);
	hs_growth_set_total(g, 1, 60);
	hs_growth_set_total(g, 2, 80);
	hs_growth_opts o = {.min_growth = 0, .has_limit = true, .limit = 50};
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);

	assert_int_equal(hs_growth_order(g)[0], 1);
	assert_int_equal(hs_growth_order(g)[1], 2);
	assert_int_equal(hs_growth_order(g)[2], 0);
	NEAR(hs_growth_minutes(g)[0], 0);
	NEAR(hs_growth_minutes(g)[1], 1);
	NEAR(hs_growth_minutes(g)[2], 2);
	/* Totals 60 80 100: +20/min; already over the limit of 50. */
	NEAR(hs_growth_total(g)->slope_per_min, 20);
	assert_int_equal(hs_growth_total(g)->growth, 40);
	NEAR(hs_growth_total(g)->minutes_to_limit, 0);

	/* a first (the one candidate: growth 20 > 1% of 100), then by slope,
	 * the tie between b and c (slope 0) by last value (5 > 0), then d. */
	assert_int_equal(hs_growth_nrows(g), 4);
	const hs_growth_row *r = hs_growth_row_at(g, 0);
	assert_string_equal(r->name, "a");
	assert_int_equal(r->values[0], 10);
	assert_int_equal(r->values[2], 30);
	NEAR(r->slope_per_min, 10);
	NEAR(r->monotonic, 1);
	NEAR(r->rising, 1);
	assert_int_equal(r->growth, 20);
	assert_true(r->candidate);
	NEAR(r->minutes_to_limit, 2);    /* (50 - 30) / 10 */
	r = hs_growth_row_at(g, 1);
	assert_string_equal(r->name, "b");
	assert_false(r->candidate);
	NEAR(r->slope_per_min, 0);
	r = hs_growth_row_at(g, 2);
	assert_string_equal(r->name, "c");
	assert_int_equal(r->values[1], 100);
	NEAR(r->slope_per_min, 0);
	NEAR(r->monotonic, 0.5);
	assert_false(r->candidate);
	r = hs_growth_row_at(g, 3);
	assert_string_equal(r->name, "d");
	NEAR(r->slope_per_min, -10);
	NEAR(r->monotonic, 0);
	assert_false(r->candidate);
	assert_true(isinf(r->minutes_to_limit));
	hs_growth_free(g);
}

static void test_candidate_thresholds(void **state)
{
	(void)state;
	hs_growth *g;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(g = hs_growth_new(6, &e));
	for (size_t i = 0; i < 6; i++) {
		hs_growth_set_time(g, i, (int64_t)i * 60000000000);
		hs_growth_set_total(g, i, 10000);
	}
	/* Grows in 4 of 5 steps, falls once: monotonic 0.8, a candidate. */
	const int64_t wobbly[] = {100, 200, 300, 250, 400, 500};
	/* Grows in 2 of 5 steps only (a step up, flat, a step up): rising 0.4. */
	const int64_t steps[] = {100, 100, 300, 300, 300, 500};
	/* Grows steadily but by 100 in all: not > 1% of the last total (10000 -> 100). */
	const int64_t small[] = {0, 20, 40, 60, 80, 100};
	/* Grows steadily by 101: > 100. */
	const int64_t enough[] = {0, 20, 40, 60, 80, 101};
	/* Monotonic 0.6: two falls. */
	const int64_t saw[] = {100, 300, 200, 400, 300, 600};
	add(g, "wobbly", wobbly);
	add(g, "steps", steps);
	add(g, "small", small);
	add(g, "enough", enough);
	add(g, "saw", saw);
	hs_growth_opts o = {.min_growth = 101};
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);
	int found = 0;
	for (size_t i = 0; i < hs_growth_nrows(g); i++) {
		const hs_growth_row *r = hs_growth_row_at(g, i);
		bool want = strcmp(r->name, "wobbly") == 0 || strcmp(r->name, "enough") == 0;
		if (r->candidate != want)
			fail_msg("%s: candidate %d, want %d (mono %.2f rising %.2f growth %lld)", r->name,
			         r->candidate, want, r->monotonic, r->rising, (long long)r->growth);
		/* candidates come first */
		if (want)
			assert_true(i < 2);
		found++;
	}
	assert_int_equal(found, 5);
	hs_growth_free(g);

	/* min_growth above the growth: no candidate. */
	assert_non_null(g = hs_growth_new(3, &e));
	const int64_t up[] = {1, 2, 3};
	for (size_t i = 0; i < 3; i++)
		hs_growth_set_time(g, i, (int64_t)i);
	add(g, "up", up);
	hs_growth_opts o2 = {.min_growth = 3};
	assert_int_equal(hs_growth_finish(g, &o2, &e), HS_OK);
	assert_false(hs_growth_row_at(g, 0)->candidate);
	hs_growth_free(g);
	/* Two snapshots are too few to call anything a trend. */
	assert_non_null(g = hs_growth_new(2, &e));
	hs_growth_set_time(g, 1, 60000000000);
	add(g, "up", up);
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);
	NEAR(hs_growth_row_at(g, 0)->slope_per_min, 1);
	assert_false(hs_growth_row_at(g, 0)->candidate);
	hs_growth_free(g);
	/* ... even with no minimum growth (total 0: 1% of it is 0, 2 > 0) */
	hs_growth_opts none = {.min_growth = 0};
	assert_non_null(g = hs_growth_new(2, &e));
	hs_growth_set_time(g, 1, 60000000000);
	add(g, "up", up);
	assert_int_equal(hs_growth_finish(g, &none, &e), HS_OK);
	assert_false(hs_growth_row_at(g, 0)->candidate);
	hs_growth_free(g);
	/* The 1% rule alone (no min_growth): growth 100 of a last total of
	 * 10000 is not more than 1%; 101 is. */
	assert_non_null(g = hs_growth_new(3, &e));
	for (size_t i = 0; i < 3; i++) {
		hs_growth_set_time(g, i, (int64_t)i * 60000000000);
		hs_growth_set_total(g, i, 10000);
	}
	add(g, "exactly", (const int64_t[]){0, 50, 100});
	add(g, "above", (const int64_t[]){0, 50, 101});
	assert_int_equal(hs_growth_finish(g, &none, &e), HS_OK);
	assert_int_equal(hs_growth_nrows(g), 2);
	for (size_t i = 0; i < 2; i++) {
		const hs_growth_row *r = hs_growth_row_at(g, i);
		assert_int_equal(r->candidate, strcmp(r->name, "above") == 0);
	}
	hs_growth_free(g);
}

static void test_same_time(void **state)
{
	(void)state;
	hs_growth *g;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(g = hs_growth_new(3, &e));
	hs_growth_opts o = {0};
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_E_USAGE);
	hs_growth_free(g);
	/* keep_order leaves the given order even when times disagree. */
	assert_non_null(g = hs_growth_new(3, &e));
	hs_growth_set_time(g, 0, 3);
	hs_growth_set_time(g, 1, 1);
	hs_growth_set_time(g, 2, 2);
	hs_growth_opts keep = {.keep_order = true};
	hs_error_clear(&e);
	assert_int_equal(hs_growth_finish(g, &keep, &e), HS_OK);
	assert_int_equal(hs_growth_order(g)[0], 0);
	assert_int_equal(hs_growth_order(g)[2], 2);
	hs_growth_free(g);
}

/* A profile holding only a MemStats trailer. */
static void trailer(hs_profile *p, int64_t inuse, int64_t sys, int64_t objects, int64_t last_gc)
{
	hs_profile_init(p);
	const char *keys[4] = {"HeapInuse", "Sys", "HeapObjects", "LastGC"};
	int64_t vals[4] = {inuse, sys, objects, last_gc};
	for (int k = 0; k < 4; k++) {
		hs_memstat *m = hs_vec_push(&p->memstats, 1);
		assert_non_null(m);
		m->key = hs_profile_intern(p, keys[k], strlen(keys[k]));
		m->value = vals[k];
	}
}

/* MemStats rows, by hand: HeapInuse 1, 3, 5 MiB a minute apart grows 2
 * MiB/min, a candidate (4 MiB >= 1 MiB and > 1% of 5 MiB), reaching a 9
 * MiB limit in (9 - 5) / 2 = 2 minutes; Sys (8 MiB) and HeapObjects do not
 * move, so never; HeapAlloc is absent from the trailers, so 0.  Given out of order, the
 * snapshots are sorted by their times (LastGC here). */
static void test_memstats(void **state)
{
	(void)state;
	hs_growth *g;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(g = hs_growth_new(3, &e));
	const int64_t mib = 1 << 20, min = 60000000000;
	int64_t inuse[3] = {3 * mib, 1 * mib, 5 * mib}, when[3] = {2 * min, 1 * min, 3 * min};
	for (size_t i = 0; i < 3; i++) {
		hs_profile p;
		trailer(&p, inuse[i], 8 * mib, 100, when[i]);
		int64_t last_gc;
		assert_true(hs_growth_add_memstats(g, i, &p, &last_gc));
		assert_int_equal(last_gc, when[i]);
		hs_growth_set_time(g, i, last_gc);
		hs_profile_release(&p);
	}
	hs_growth_opts o = {.has_mem_limit = true, .mem_limit = 9 * mib};
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);
	assert_true(hs_growth_has_mem(g));
	const hs_growth_row *in = hs_growth_mem(g, 0), *alloc = hs_growth_mem(g, 1), *sys = hs_growth_mem(g, 2), *obj = hs_growth_mem(g, 3);
	assert_string_equal(in->name, "HeapInuse");
	assert_int_equal(in->values[0], 1 * mib);
	assert_int_equal(in->values[2], 5 * mib);
	NEAR(in->slope_per_min, 2.0 * mib);
	assert_true(in->candidate);
	NEAR(in->minutes_to_limit, 2);
	assert_int_equal(alloc->values[1], 0);
	assert_false(alloc->candidate);
	NEAR(sys->slope_per_min, 0);
	assert_false(sys->candidate);
	assert_true(isinf(sys->minutes_to_limit));
	assert_false(obj->candidate);
	assert_true(isinf(obj->minutes_to_limit));   /* a count: the byte limit does not apply */
	hs_growth_free(g);

	/* A snapshot without the trailer: no MemStats rows. */
	assert_non_null(g = hs_growth_new(3, &e));
	for (size_t i = 0; i < 3; i++) {
		hs_profile p;
		if (i == 1)
			hs_profile_init(&p);
		else
			trailer(&p, inuse[i], 8 * mib, 100, when[i]);
		assert_int_equal(hs_growth_add_memstats(g, i, &p, NULL), i != 1);
		hs_growth_set_time(g, i, when[i]);
		hs_profile_release(&p);
	}
	assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);
	assert_false(hs_growth_has_mem(g));
	hs_growth_free(g);
}

/* A snapshot of bufio.NewWriterSize's bytes under main.a, main.b and
 * main.c (leaf first: bufio, then the own caller), and main.own's own. */
static void own_snapshot(hs_growth_own *o, bool last, int64_t a, int64_t b, int64_t c,
                         int64_t own)
{
	hs_profile p;
	tp_init(&p, "inuse_space", "bytes");
	uint32_t fw = add_function(&p, "bufio.NewWriterSize");
	uint32_t fa = add_function(&p, "main.a"), fb = add_function(&p, "main.b");
	uint32_t fc = add_function(&p, "main.c"), fo = add_function(&p, "main.own");
	uint32_t lw = add_location(&p, &fw, 1);
	uint32_t la = add_location(&p, &fa, 1), lb = add_location(&p, &fb, 1);
	uint32_t lc = add_location(&p, &fc, 1), lo = add_location(&p, &fo, 1);
	uint32_t sa[] = {lw, la}, sb[] = {lw, lb}, sc[] = {lw, lc};
	add_sample(&p, sa, 2, a);
	add_sample(&p, sb, 2, b);
	add_sample(&p, sc, 2, c);
	add_sample(&p, &lo, 1, own);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_view v;
	hs_view_opts vo = {.sample_index = 0, .granularity = HS_GRAN_FUNCTIONS};
	assert_int_equal(hs_view_build(&v, &p, &vo, &e), HS_OK);
	assert_int_equal(hs_growth_own_add(o, &v, last, &e), HS_OK);
	hs_view_release(&v);
	hs_profile_release(&p);
}

/* The own culprit of a library row is the own caller whose stacks grew
 * most from the first to the last snapshot (hand computed: main.a +100,
 * main.b +300, main.c -50); an own function has none; nor has a row
 * whose own callers only shrank. */
static void test_own_culprit(void **state)
{
	(void)state;
	hs_error e;
	hs_error_clear(&e);
	hs_growth_own *o = hs_growth_own_new(&e);
	assert_non_null(o);
	own_snapshot(o, false, 100, 100, 500, 10);
	own_snapshot(o, true, 200, 400, 450, 99);
	int64_t g = 0;
	const char *c = hs_growth_own_culprit(o, "bufio.NewWriterSize", &g);
	assert_non_null(c);
	assert_string_equal(c, "main.b");
	assert_int_equal(g, 300);
	assert_null(hs_growth_own_culprit(o, "main.own", &g));
	hs_growth_own_free(o);
	o = hs_growth_own_new(&e);
	own_snapshot(o, false, 100, 100, 500, 10);
	own_snapshot(o, true, 50, 100, 450, 10);
	assert_null(hs_growth_own_culprit(o, "bufio.NewWriterSize", &g));
	hs_growth_own_free(o);
}

/* A heap profile at MemProfileRate `rate` (inuse_objects, inuse_space),
 * one stack per function of `names`, raw[k] samples of 1 KiB objects
 * under names[k]: objects raw * scale rounded, as pprof scales them
 * (scale = 1 / (1 - exp(-1024 / 524288)) = 512.500163 at Go's default;
 * 1 at rate 1), bytes objects * 1024. */
static void sampled_snapshot(hs_growth *g, size_t snap, int64_t rate, int si,
                             const char *const *names, const int64_t *raw, size_t n)
{
	hs_profile p;
	tp_init(&p, "inuse_objects", "count");
	hs_value_type *vt = hs_vec_push(&p.sample_types, 1);
	vt->type = hs_profile_intern(&p, "inuse_space", 11);
	vt->unit = hs_profile_intern(&p, "bytes", 5);
	p.period_type = *vt;
	p.period = rate;
	double scale = rate > 1 ? 1.0 / -expm1(-1024.0 / (double)rate) : 1.0;
	for (size_t k = 0; k < n; k++) {
		uint32_t f = add_function(&p, names[k]);
		uint32_t loc = add_location(&p, &f, 1);
		int64_t *vals = hs_profile_begin_sample(&p);
		vals[0] = llround((double)raw[k] * scale);
		vals[1] = vals[0] * 1024;
		hs_profile_push_location(&p, loc);
		hs_profile_end_sample(&p);
	}
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_view v;
	hs_view_opts vo = {.sample_index = si, .granularity = HS_GRAN_FUNCTIONS};
	assert_int_equal(hs_view_build(&v, &p, &vo, &e), HS_OK);
	hs_growth_set_time(g, snap, (int64_t)snap * 60000000000);
	assert_int_equal(hs_growth_add_view(g, snap, &v, false, &e), HS_OK);
	hs_view_release(&v);
	hs_profile_release(&p);
}

static const hs_growth_row *row_named(const hs_growth *g, const char *name)
{
	for (size_t i = 0; i < hs_growth_nrows(g); i++)
		if (strcmp(hs_growth_row_at(g, i)->name, name) == 0)
			return hs_growth_row_at(g, i);
	fail_msg("no row %s", name);
	return NULL;
}

/* The noise floor (growth.h): on sampled heap profiles a row needs more
 * than 3 * 3 = 9 raw samples added from the first profile to the last.
 * By hand: main.few adds 3 (2, 4, 5: net/textproto.ReadLine on the
 * sampled pertenant), main.nine 9, main.ten 10, main.many 20; every one
 * rises at each step by more than 1% of the last total (54 samples) and
 * has no min_growth, so the floor alone decides: few and nine are
 * noise, ten and many candidates, by objects or by bytes.  At rate 1
 * (every allocation recorded) the same counts are exact: all four
 * candidates, none noise. */
static void test_noise_floor(void **state)
{
	(void)state;
	const char *names[] = {"main.few", "main.nine", "main.ten", "main.many"};
	const int64_t raw[3][4] = {{2, 0, 0, 10}, {4, 5, 5, 20}, {5, 9, 10, 30}};
	const int64_t rates[] = {524288, 1};
	for (int si = 0; si < 2; si++) {
		for (size_t r = 0; r < 2; r++) {
			hs_error e;
			hs_error_clear(&e);
			hs_growth *g = hs_growth_new(3, &e);
			assert_non_null(g);
			for (size_t snap = 0; snap < 3; snap++)
				sampled_snapshot(g, snap, rates[r], si, names, raw[snap], 4);
			hs_growth_opts o = {0};
			assert_int_equal(hs_growth_finish(g, &o, &e), HS_OK);
			bool sampled = rates[r] > 1;
			assert_int_equal(hs_growth_get_rate(g), rates[r]);
			assert_int_equal(row_named(g, "main.few")->candidate, !sampled);
			assert_int_equal(row_named(g, "main.few")->noise, sampled);
			assert_int_equal(row_named(g, "main.nine")->candidate, !sampled);
			assert_int_equal(row_named(g, "main.nine")->noise, sampled);
			assert_true(row_named(g, "main.ten")->candidate);
			assert_false(row_named(g, "main.ten")->noise);
			assert_true(row_named(g, "main.many")->candidate);
			/* the raw samples recovered from the scaled counts */
			const hs_growth_row *few = row_named(g, "main.few");
			if (sampled)
				assert_int_equal(few->samples[2] - few->samples[0], 3000);
			hs_growth_free(g);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slope),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_minutes_to),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_candidate_thresholds),
		cmocka_unit_test(test_same_time),
		cmocka_unit_test(test_memstats),
		cmocka_unit_test(test_own_culprit),
		cmocka_unit_test(test_noise_floor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
