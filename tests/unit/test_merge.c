/* hs_merge: pprof's ScaleProfiles + Merge, hand-computed, and the
 * profile.proto writer read back by heapscope's own decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/pprof_write.h"
#include "heapscope/load.h"
#include "heapscope/merge.h"

static hs_str S(hs_profile *p, const char *s)
{
	return hs_profile_intern(p, s, strlen(s));
}

/* A profile with sample types "t/u,..." given as pairs. */
static void init(hs_profile *p, const char *const *types, size_t n)
{
	hs_profile_init(p);
	hs_profile_add_string(p, "", 0);
	for (size_t i = 0; i < n; i++) {
		hs_value_type *vt = hs_vec_push(&p->sample_types, 1);
		vt->type = S(p, types[2 * i]);
		vt->unit = S(p, types[2 * i + 1]);
	}
	p->period_type.type = S(p, "space");
	p->period_type.unit = S(p, "bytes");
	p->period = 1;
}

static uint32_t fn(hs_profile *p, const char *name)
{
	hs_function *f = hs_vec_push(&p->functions, 1);
	f->id = p->functions.len * 7;   /* ids that differ between profiles */
	f->name = f->system_name = S(p, name);
	return (uint32_t)f->id;
}

static uint32_t loc(hs_profile *p, uint32_t f, uint64_t addr, uint32_t mapping)
{
	hs_location *l = hs_vec_push(&p->locations, 1);
	l->id = p->locations.len * 3;
	l->address = addr;
	l->mapping = mapping;
	l->line_start = (uint32_t)p->lines.len;
	l->nlines = 1;
	hs_line *ln = hs_vec_push(&p->lines, 1);
	ln->function = f;
	ln->line = 10;
	return (uint32_t)l->id;
}

static void sample(hs_profile *p, const uint32_t *locs, size_t n, const int64_t *v,
                   const hs_label *labels, size_t nl)
{
	int64_t *vals = hs_profile_begin_sample(p);
	memcpy(vals, v, hs_ntypes(p) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		hs_profile_push_location(p, locs[i]);
	for (size_t i = 0; i < nl; i++)
		hs_profile_push_label(p, &labels[i]);
	hs_profile_end_sample(p);
}

static void finish(hs_profile *p)
{
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

static const char *const SPACE[] = {"inuse_space", "bytes"};

/* Sum of the values of the samples whose leaf function is `name`. */
static int64_t leaf_sum(const hs_profile *p, const char *name, size_t k)
{
	int64_t t = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		uint32_t n;
		const uint32_t *st = hs_sample_stack(p, s, &n);
		const hs_location *l = hs_location_at(p, st[0]);
		const hs_function *f = hs_function_at(p, hs_line_at(p, l->line_start)->function);
		if (strcmp(hs_s(p, f->name), name) == 0)
			t += hs_sample_values(p, s)[k];
	}
	return t;
}

/* Merge a then b into out; the merge must succeed. */
static void merge2(hs_profile *out, const hs_profile *a, const hs_profile *b)
{
	const hs_profile *srcs[] = {a, b};
	hs_profile_init(out);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_merge(out, srcs, 2, &e), HS_OK);
}

static void release3(hs_profile *out, hs_profile *a, hs_profile *b)
{
	hs_profile_release(out);
	hs_profile_release(a);
	hs_profile_release(b);
}

/* P1: main->f 10, main->g 5; P2 (declared in another order): main->f 7,
 * main->h 1.  Merged: f 17, g 5, h 1; four functions and locations. */
static void two(hs_profile *a, hs_profile *b)
{
	init(a, SPACE, 1);
	uint32_t m = fn(a, "main"), f = fn(a, "f"), g = fn(a, "g");
	uint32_t lm = loc(a, m, 0, 0), lf = loc(a, f, 0, 0), lg = loc(a, g, 0, 0);
	sample(a, (const uint32_t[]){lf, lm}, 2, (const int64_t[]){10}, NULL, 0);
	sample(a, (const uint32_t[]){lg, lm}, 2, (const int64_t[]){5}, NULL, 0);
	finish(a);
	init(b, SPACE, 1);
	uint32_t h = fn(b, "h"), f2 = fn(b, "f"), m2 = fn(b, "main");
	uint32_t lh = loc(b, h, 0, 0), lf2 = loc(b, f2, 0, 0), lm2 = loc(b, m2, 0, 0);
	sample(b, (const uint32_t[]){lf2, lm2}, 2, (const int64_t[]){7}, NULL, 0);
	sample(b, (const uint32_t[]){lh, lm2}, 2, (const int64_t[]){1}, NULL, 0);
	finish(b);
}

static void test_sum(void **state)
{
	(void)state;
	hs_profile a, b, out;
	two(&a, &b);
	merge2(&out, &a, &b);
	assert_int_equal(out.nsamples, 3);
	assert_int_equal(out.functions.len, 4);
	assert_int_equal(out.locations.len, 4);
	assert_int_equal(leaf_sum(&out, "f", 0), 17);
	assert_int_equal(leaf_sum(&out, "g", 0), 5);
	assert_int_equal(leaf_sum(&out, "h", 0), 1);
	assert_int_equal(hs_profile_total(&out, 0), 23);
	release3(&out, &a, &b);
}

/* Labels are part of a sample's identity, in any order: {a=x, n=4} and
 * {n=4, a=x} are one sample, {a=y} another. */
static void test_labels(void **state)
{
	(void)state;
	hs_profile a, b, out;
	init(&a, SPACE, 1);
	uint32_t f = fn(&a, "f"), lf = loc(&a, f, 0, 0);
	hs_label l1[] = {{.key = S(&a, "a"), .str = S(&a, "x")}, {.key = S(&a, "n"), .num = 4}};
	hs_label l2[] = {{.key = S(&a, "a"), .str = S(&a, "y")}};
	sample(&a, &lf, 1, (const int64_t[]){1}, l1, 2);
	sample(&a, &lf, 1, (const int64_t[]){2}, l2, 1);
	finish(&a);
	init(&b, SPACE, 1);
	uint32_t f2 = fn(&b, "f"), lf2 = loc(&b, f2, 0, 0);
	hs_label l3[] = {{.key = S(&b, "n"), .num = 4}, {.key = S(&b, "a"), .str = S(&b, "x")}};
	sample(&b, &lf2, 1, (const int64_t[]){4}, l3, 2);
	finish(&b);
	merge2(&out, &a, &b);
	assert_int_equal(out.nsamples, 2);
	assert_int_equal(hs_sample_values(&out, 0)[0], 5);
	assert_int_equal(hs_sample_values(&out, 1)[0], 2);
	release3(&out, &a, &b);
}

/* Units: kilobytes and bytes meet at bytes (the finer); 3 kB = 3072 B.
 * The same mapping (by build id) at another start shifts addresses, so
 * both locations are one: 100 + 3072 = 3172 in one sample. */
static void test_units_and_mappings(void **state)
{
	(void)state;
	hs_profile a, b, out;
	init(&a, SPACE, 1);
	hs_mapping *ma = hs_vec_push(&a.mappings, 1);
	*ma = (hs_mapping){.id = 1, .start = 0x1000, .limit = 0x2000, .build_id = S(&a, "abc")};
	uint32_t f = fn(&a, "f"), lf = loc(&a, f, 0x1010, 1);
	sample(&a, &lf, 1, (const int64_t[]){100}, NULL, 0);
	finish(&a);
	static const char *const KB[] = {"inuse_space", "kilobytes"};
	init(&b, KB, 1);
	hs_mapping *mb = hs_vec_push(&b.mappings, 1);
	*mb = (hs_mapping){.id = 9, .start = 0x5000, .limit = 0x6000, .build_id = S(&b, "abc")};
	uint32_t f2 = fn(&b, "f"), lf2 = loc(&b, f2, 0x5010, 9);
	sample(&b, &lf2, 1, (const int64_t[]){3}, NULL, 0);
	finish(&b);
	merge2(&out, &b, &a);
	assert_string_equal(hs_s(&out, hs_sample_type(&out, 0)->unit), "bytes");
	assert_int_equal(out.mappings.len, 1);
	assert_int_equal(out.locations.len, 1);
	assert_int_equal(hs_location_at(&out, 0)->address, 0x5010);   /* the first profile's */
	assert_int_equal(out.nsamples, 1);
	assert_int_equal(hs_sample_values(&out, 0)[0], 3172);
	release3(&out, &a, &b);
}

/* combineHeaders: earliest time (a zero time wins, as in Go), summed
 * durations, largest period, comments once, first default type set. */
static void test_headers(void **state)
{
	(void)state;
	hs_profile a, b, c, out;
	two(&a, &b);
	init(&c, SPACE, 1);
	finish(&c);
	a.time_nanos = 500, b.time_nanos = 300, c.time_nanos = 0;
	a.duration_nanos = 10, b.duration_nanos = 20;
	a.period = 4, b.period = 16, c.period = 8;
	b.default_sample_type = 0;
	hs_str *cm = hs_vec_push(&a.comments, 1);
	*cm = S(&a, "hello");
	cm = hs_vec_push(&b.comments, 2);
	cm[0] = S(&b, "hello");
	cm[1] = S(&b, "world");
	merge2(&out, &a, &b);
	assert_int_equal(out.time_nanos, 300);
	assert_int_equal(out.duration_nanos, 30);
	assert_int_equal(out.period, 16);
	assert_int_equal(out.default_sample_type, 0);
	assert_int_equal(out.comments.len, 2);
	assert_string_equal(hs_s(&out, HS_VEC_AT(&out.comments, hs_str, 1)), "world");
	hs_profile_release(&out);
	merge2(&out, &a, &c);
	assert_int_equal(out.time_nanos, 0);
	release3(&out, &a, &b);
	hs_profile_release(&c);
}

static void test_incompatible(void **state)
{
	(void)state;
	hs_profile a, b;
	static const char *const CPU[] = {"samples", "count", "cpu", "nanoseconds"};
	init(&a, SPACE, 1);
	finish(&a);
	init(&b, CPU, 2);
	finish(&b);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_merge_compatible(&a, &b, &e), HS_E_INVALID);
	assert_string_equal(e.detail, "incompatible sample types [inuse_space/bytes] and "
	                              "[samples/count cpu/nanoseconds]");
	b.period_type.type = S(&b, "cpu");
	b.period_type.unit = S(&b, "nanoseconds");
	hs_error_clear(&e);
	assert_int_equal(hs_merge_compatible(&a, &b, &e), HS_E_INVALID);
	assert_string_equal(e.detail, "incompatible period types space/bytes and cpu/nanoseconds");
	hs_profile_release(&a);
	hs_profile_release(&b);
}

/* A sample that sums to zero goes, as in pprof's Merge. */
static void test_drop_zero(void **state)
{
	(void)state;
	hs_profile a, b, out;
	two(&a, &b);
	((int64_t *)b.values.data)[0] = -10;   /* b's f: cancels a's f */
	merge2(&out, &a, &b);
	assert_int_equal(out.nsamples, 3);
	hs_merge_drop_zero(&out);
	assert_int_equal(out.nsamples, 2);
	assert_int_equal(leaf_sum(&out, "g", 0), 5);
	assert_int_equal(leaf_sum(&out, "h", 0), 1);
	release3(&out, &a, &b);
}

/* ScaleN: rounding half away from zero; values at ratio 1 do not keep a
 * sample (Go's quirk), all-ones ratios keep everything. */
static void test_scale_values(void **state)
{
	(void)state;
	int64_t v[2] = {5, 1};
	assert_true(hs_scale_values(v, 2, (const double[]){1, 0.5}));
	assert_int_equal(v[1], 1);
	int64_t w[2] = {5, 0};
	assert_false(hs_scale_values(w, 2, (const double[]){1, 0.5}));
	int64_t x[2] = {-3, 0};
	assert_true(hs_scale_values(x, 2, (const double[]){-1, -1}));
	assert_int_equal(x[0], 3);
	int64_t z[1] = {0};
	assert_true(hs_scale_values(z, 1, (const double[]){1}));
	/* BASE's -1 is Go's int64(math.Round(float64(v) * -1)): the
	 * negation where the double holds v exactly, the double's rounding
	 * beyond 2^53, amd64's INT64_MIN out of range. */
	const int64_t p53 = INT64_C(1) << 53;
	const int64_t vals[] = {1, -1, 7, p53 - 1, p53, p53 + 1, p53 + 3, -p53 - 1, -p53 - 3,
	                        INT64_MAX, INT64_MIN, INT64_MIN + 1, INT64_C(1) << 62};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		double r = round((double)vals[i] * -1);
		int64_t want = r >= -9223372036854775808.0 && r < 9223372036854775808.0 ? (int64_t)r
		                                                                       : INT64_MIN;
		int64_t got[1] = {vals[i]};
		assert_true(hs_scale_values(got, 1, (const double[]){-1}));
		if (got[0] != want)
			fail_msg("%lld * -1: %lld, want %lld", (long long)vals[i], (long long)got[0],
			         (long long)want);
	}
}

/* The writer: encode the merge, decode it with the loader, same model. */
static void test_write_read(void **state)
{
	(void)state;
	hs_profile a, b, out, back;
	two(&a, &b);
	a.time_nanos = 2000, b.time_nanos = 1234;
	merge2(&out, &a, &b);
	hs_error e;
	hs_error_clear(&e);
	for (int gz = 0; gz < 2; gz++) {
		unsigned char *data;
		size_t len;
		assert_int_equal(pprof_encode(&out, gz, &data, &len, &e), HS_OK);
		if (gz)
			assert_true(len > 10 && data[0] == 0x1f && data[1] == 0x8b);
		hs_profile_init(&back);
		assert_int_equal(hs_load_profile_buffer(&back, data, len, 0, &e), HS_OK);
		assert_int_equal(back.nsamples, 3);
		assert_int_equal(back.time_nanos, 1234);
		assert_int_equal(back.period, 1);
		assert_string_equal(hs_s(&back, back.period_type.type), "space");
		assert_int_equal(leaf_sum(&back, "f", 0), 17);
		assert_int_equal(leaf_sum(&back, "g", 0), 5);
		assert_int_equal(leaf_sum(&back, "h", 0), 1);
		assert_int_equal(hs_location_at(&back, 0)->id, 1);
		hs_profile_release(&back);
		free(data);
	}
	release3(&out, &a, &b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum),          cmocka_unit_test(test_labels),
		cmocka_unit_test(test_units_and_mappings), cmocka_unit_test(test_headers),
		cmocka_unit_test(test_incompatible), cmocka_unit_test(test_drop_zero),
		cmocka_unit_test(test_scale_values), cmocka_unit_test(test_write_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
