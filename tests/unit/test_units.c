/* Units and labels: expected strings are what go tool pprof prints for the
 * same values (pprof's measurement package; cases checked against
 * `go tool pprof -top` outputs in ../shared/corpus/expected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_percentage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
