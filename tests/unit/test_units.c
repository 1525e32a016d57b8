/* Units and labels: expected strings are what go tool pprof prints for the
 * same values (pprof's measurement package; cases checked against
 * `go tool pprof -top` outputs in ../shared/corpus/expected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <cmocka.h>
#include <string.h>

#include "heapscope/units.h"

static void check_label(int64_t v, const char *from, const char *to, const char *want)
{
	char buf[64];
	hs_scaled_label(v, from, to, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_bytes(void **state)
{
	(void)state;
	check_label(4096000, "bytes", "minimum", "3.91MB");
	check_label(4096000, "bytes", "kB", "4000kB");
	check_label(512, "bytes", "minimum", "512B");
	check_label(1024, "bytes", "minimum", "1kB");
	check_label(0, "bytes", "minimum", "0");
	check_label(-2048, "bytes", "minimum", "-2kB");
	check_label(524288, "bytes", "auto", "512kB");
}

static void test_time(void **state)
{
	(void)state;
	check_label(14760000000, "nanoseconds", "s", "14.76s");
	check_label(7000000, "nanoseconds", "s", "0.01s");
	check_label(30130000000, "nanoseconds", "auto", "30.13s");
	check_label(10000000, "nanoseconds", "minimum", "10ms");
	check_label(1, "nanoseconds", "minimum", "1ns");
	check_label(1500, "microseconds", "minimum", "1.50ms");
	/* hours: pprof's largest time unit is "hrs" */
	check_label(7200000000000, "nanoseconds", "minimum", "2hrs");
}

static void test_counts(void **state)
{
	(void)state;
	check_label(1476, "count", "minimum", "1476");
	check_label(5, "", "minimum", "5");
	check_label(12, "widgets", "widgets", "12widgets");
}

/* The label's number is Go's (and C's) "%.2f": the exact binary value
 * rounded to nearest, an exact half to even.  hs_scaled_label formats it
 * itself; ties and far values must come out as printf writes them. */
static void test_fixed_point(void **state)
{
	(void)state;
	check_label(128, "bytes", "kB", "0.12kB");     /* 0.125 exactly: to even */
	check_label(384, "bytes", "kB", "0.38kB");     /* 0.375 exactly: to even */
	check_label(640, "bytes", "kB", "0.62kB");
	check_label(-384, "bytes", "kB", "-0.38kB");
	check_label(-1, "bytes", "MB", "0");           /* "-0.00" reads "0" */
	check_label(INT64_MAX, "nanoseconds", "ns", "9223372036854775808ns");
	check_label(1234567, "bytes", "bytes", "1234567B");
	char small[5];
	hs_scaled_label(1234567, "bytes", "bytes", small, sizeof small);
	assert_string_equal(small, "1234");               /* cut as snprintf cuts */
	/* Against printf itself, over values of every magnitude. */
	static const char *const to[] = {"minimum", "kB", "MB", "GB"};
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (x % 64));
		if (i & 1)
			v = -v;
		char u[16], num[64], want[96], got[96];
		const char *t = to[i % 4];
		double d = hs_scale(v, "bytes", t, u);
		snprintf(num, sizeof num, "%.2f", d);
		size_t len = strlen(num);
		if (len > 3 && strcmp(num + len - 3, ".00") == 0)
			num[len - 3] = '\0';
		if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0)
			snprintf(want, sizeof want, "0");
		else
			snprintf(want, sizeof want, "%s%s", num, u);
		hs_scaled_label(v, "bytes", t, got, sizeof got);
		assert_string_equal(got, want);
	}
}

static void test_percentage(void **state)
{
	(void)state;
	char buf[32];
	hs_percentage(1473, 1476, buf, sizeof buf);
	assert_string_equal(buf, "99.80%");
	hs_percentage(1476, 1476, buf, sizeof buf);
	assert_string_equal(buf, "  100%");
	hs_percentage(0, 1476, buf, sizeof buf);
	assert_string_equal(buf, "    0%");
	hs_percentage(5, 1000, buf, sizeof buf);
	assert_string_equal(buf, "  0.5%");
	hs_percentage(1, 100000, buf, sizeof buf);
	assert_string_equal(buf, "0.001%");
	hs_percentage(3, 0, buf, sizeof buf);
	assert_string_equal(buf, "    0%");
	hs_percentage(-995, 100000, buf, sizeof buf);   /* 0.995: %g's next decade */
	assert_string_equal(buf, "    1%");
	hs_percentage(1, 1000000000, buf, sizeof buf);
	assert_string_equal(buf, "1e-07%");
	char small[4];
	hs_percentage(1473, 1476, small, sizeof small);
	assert_string_equal(small, "99.");                /* cut as snprintf cuts */
}

/* hs_percentage against printf itself: every value over a few totals
 * (the halves of "%.2g" and "%.2f" included), then random pairs. */
static void check_pct(int64_t v, int64_t t)
{
	char want[64], got[64];
	double r = t ? fabs((double)v / (double)t) * 100 : 0;
	if (r >= 99.95 && r <= 100.05)
		snprintf(want, sizeof want, "  100%%");
	else if (r >= 1.0)
		snprintf(want, sizeof want, "%5.2f%%", r);
	else
		snprintf(want, sizeof want, "%5.2g%%", r);
	hs_percentage(v, t, got, sizeof got);
	if (strcmp(got, want) != 0)
		fail_msg("hs_percentage(%lld, %lld): %s, printf %s", (long long)v, (long long)t, got,
		         want);
}

static void test_percentage_printf(void **state)
{
	(void)state;
	static const int64_t totals[] = {8, 800, 1000, 1476, 1600, 3200, 20000, 200000};
	for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
		for (int64_t v = -totals[i]; v <= 2 * totals[i]; v++)
			check_pct(v, totals[i]);
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 300000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (x % 64));
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t t = (int64_t)(x >> (x % 64));
		check_pct(i & 1 ? -v : v, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_fixed_point),
		cmocka_unit_test(test_percentage),
		cmocka_unit_test(test_percentage_printf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
