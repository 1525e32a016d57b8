/* Times in file names (include/heapscope/filetime.h): each style the
 * header lists, and names that must not read as times.  Expected values
 * are Unix seconds of the UTC moments (calendar.timegm, written out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "heapscope/filetime.h"
#include "heapscope/model.h"

#define S 1000000000LL

static void name_is(const char *name, int64_t want_ns)
{
	int64_t ns = 0;
	if (!hs_time_from_name(name, &ns))
		fail_msg("%s: no time found, want %lld", name, (long long)want_ns);
	if (ns != want_ns)
		fail_msg("%s: %lld, want %lld", name, (long long)ns, (long long)want_ns);
}

static void no_time(const char *name)
{
	int64_t ns = 0;
	if (hs_time_from_name(name, &ns))
		fail_msg("%s: read as %lld, want no time", name, (long long)ns);
}

/* 2026-11-22 03:44:43 UTC is 1795319083; 03:35:58 is 1795318558;
 * 03:40:31 is 1795318831; 03:41:31 is 1795318891. */
static void test_styles(void **state)
{
	(void)state;
	name_is("heap-20261122T034443.pb.gz", 1795319083 * S);
	name_is("goroutine-20261122-033558.txt", 1795318558 * S);
	name_is("heap_20261122034031.txt", 1795318831 * S);
	name_is("block_20261122_034131.pb.gz", 1795318891 * S);
	name_is("dumps/heap-2026-11-22T03:44:43Z.pb.gz", 1795319083 * S);
	name_is("heap.2026-11-22_03-44-43.pb", 1795319083 * S);
	name_is("cpu-1795319083.pb.gz", 1795319083 * S);
	name_is("cpu-1795319083123.pb.gz", 1795319083 * S + 123000000);
	/* the directory does not count, only the base name */
	no_time("/data/20261122T034443/heap.pb.gz");
	/* a leap day exists in 2024 (1709164800) */
	name_is("heap-20240229T000000.pb", 1709164800 * S);
}

static void test_not_times(void **state)
{
	(void)state;
	no_time("heap.pb.gz");
	no_time("heap-1.pb.gz");
	no_time("heap-20230229T000000.pb");   /* no Feb 29 in 2023 */
	no_time("heap-20261322T000000.pb");   /* month 13 */
	no_time("heap-20261122T250000.pb");   /* hour 25 */
	no_time("build-123456789.pb");        /* 9 digits */
	no_time("pid-12345678901.pb");        /* 11 digits */
	no_time("x-0000000001.pb");           /* 1970: before 2001 */
	no_time("heap-202611220344431.pb");   /* 15 digits: a time then one more digit */
	no_time("");
}

static void test_mtime(void **state)
{
	(void)state;
	char path[] = "/tmp/hs-filetime-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int64_t ns = 0;
	assert_true(hs_time_from_mtime(path, &ns));
	assert_true(ns > 978307200 * S);         /* after 2001-01-01 */
	unlink(path);
	assert_false(hs_time_from_mtime(path, &ns));
	assert_false(hs_time_from_mtime("-", &ns));
}

/* A file's moment, strongest first: time_nanos 5 s; else LastGC 7 s; else
 * the name's 2026-11-22 03:44:43 (1795319083 s, as in test_styles); else
 * the mtime; "-" with no profile time: none.  Ordering: mtimes order only
 * mtimes; equal moments by name, 9 before 10. */
static void test_moment(void **state)
{
	(void)state;
	hs_profile p;
	hs_profile_init(&p);
	int64_t ns;
	const char *named = "heap-20261122T034443.txt";
	assert_int_equal(hs_file_moment(named, NULL, &ns), HS_TIME_NAME);
	assert_int_equal(ns, 1795319083 * S);
	hs_memstat *m = hs_vec_push(&p.memstats, 1);
	assert_non_null(m);
	m->key = hs_profile_intern(&p, "LastGC", 6);
	m->value = 7 * S;
	assert_int_equal(hs_file_moment(named, &p, &ns), HS_TIME_LASTGC);
	assert_int_equal(ns, 7 * S);
	p.time_nanos = 5 * S;
	assert_int_equal(hs_file_moment(named, &p, &ns), HS_TIME_PROFILE);
	assert_int_equal(ns, 5 * S);
	hs_profile_release(&p);
	assert_int_equal(hs_file_moment("-", NULL, &ns), HS_TIME_NONE);
	assert_int_equal(ns, 0);
	assert_int_equal(hs_file_moment("/", NULL, &ns), HS_TIME_MTIME);
	assert_true(hs_moments_order(1u << HS_TIME_MTIME));
	assert_true(hs_moments_order(1u << HS_TIME_PROFILE | 1u << HS_TIME_NAME));
	assert_false(hs_moments_order(1u << HS_TIME_PROFILE | 1u << HS_TIME_MTIME));
	assert_false(hs_moments_order(1u << HS_TIME_NAME | 1u << HS_TIME_NONE));
	assert_true(hs_moment_cmp(1, "b", 2, "a") < 0);
	assert_true(hs_moment_cmp(1, "g-9.txt", 1, "g-10.txt") < 0);
	assert_int_equal(hs_moment_cmp(1, "a", 1, "a"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_not_times),
		cmocka_unit_test(test_mtime),
		cmocka_unit_test(test_moment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
