/* Model building blocks: arena, vectors, interning, pprof's name rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "heapscope/model.h"
#include "heapscope/regex.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   /* Linux 5.14 */
#endif

static void test_arena(void **state)
{
	(void)state;
	hs_arena a;
	hs_arena_init(&a);
	char *s = hs_arena_strndup(&a, "hello", 3);
	assert_string_equal(s, "hel");
	void *big = hs_arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	assert_string_equal(s, "hel");
	hs_arena_release(&a);
	hs_arena_release(&a);   /* releasing twice is harmless */
}

static void test_vec(void **state)
{
	(void)state;
	hs_vec v;
	hs_vec_init(&v, sizeof(int));
	for (int i = 0; i < 1000; i++)
		*(int *)hs_vec_push(&v, 1) = i;
	assert_int_equal(v.len, 1000);
	assert_int_equal(HS_VEC_AT(&v, int, 999), 999);
	/* a push that would overflow size_t fails instead of wrapping */
	assert_null(hs_vec_push(&v, SIZE_MAX / 2));
	hs_vec_release(&v);
}

/* A big vector's moves (in place, by moving pages under a new mapping,
 * from the heap the first time) and its shrink keep every element. */
static uint32_t stamp(size_t i) { return (uint32_t)(i * 2654435761u) ^ 0x5a5a5a5au; }

static void check_stamps(const hs_vec *v)
{
	const uint32_t *d = v->data;
	for (size_t i = 0; i < v->len; i++)
		if (d[i] != stamp(i))
			fail_msg("element %zu of %zu is %u, wrote %u", i, v->len, d[i], stamp(i));
}

static void test_vec_big(void **state)
{
	(void)state;
	const size_t huge = (size_t)2 << 20;
	hs_vec v;
	hs_vec_init_big(&v, sizeof(uint32_t));
	size_t i = 0;
	while (!v.mapped)
		*(uint32_t *)hs_vec_push(&v, 1) = stamp(i++);
	assert_int_equal((uintptr_t)v.data % huge, 0);
	check_stamps(&v);
	/* the room after it taken (by us, unless another mapping has it
	 * already): the next growth has to move */
	void *after = (char *)v.data + v.mapped;
	void *block = mmap(after, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	                   -1, 0);
	if (block == MAP_FAILED) {
		assert_int_equal(errno, EEXIST);
	} else if (block != after) {   /* a kernel that ignores the flag */
		munmap(block, 4096);
		block = MAP_FAILED;
	}
	void *before = v.data;
	size_t was = v.mapped;
	while (v.mapped == was)
		*(uint32_t *)hs_vec_push(&v, 1) = stamp(i++);
	assert_ptr_not_equal(v.data, before);
	assert_int_equal((uintptr_t)v.data % huge, 0);
	check_stamps(&v);
	if (block != MAP_FAILED)
		munmap(block, 4096);
	for (size_t n = 0; n < 3 * huge; n++)
		*(uint32_t *)hs_vec_push(&v, 1) = stamp(i++);
	check_stamps(&v);
	assert_int_equal(v.len, i);
	hs_vec_shrink(&v);
	assert_true(v.cap >= v.len);
	assert_true(v.mapped - v.len * sizeof(uint32_t) < huge);
	check_stamps(&v);
	hs_vec_release(&v);
	assert_null(v.data);
	assert_int_equal(v.mapped, 0);
}

/* How many of the 4 KiB pages of [p, p + len) are in memory. */
static size_t pages_in(const void *p, size_t len)
{
	unsigned char vec[512];
	assert_true(len / 4096 <= sizeof vec);
	assert_int_equal(mincore((void *)p, len, vec), 0);
	size_t n = 0;
	for (size_t i = 0; i < len / 4096; i++)
		n += vec[i] & 1;
	return n;
}

/* A big vector's writer entering a huge page has the next one faulted in
 * by the worker, and no more: the one after stays untouched.  Checked on
 * two pages in a row, the second entered without the mapping growing. */
static void test_vec_prefault(void **state)
{
	(void)state;
	const size_t huge = (size_t)2 << 20, elem = sizeof(uint64_t);
	/* a kernel before 5.14 has no MADV_POPULATE_WRITE: nothing to test,
	 * which CI does not accept */
	void *probe = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(probe != MAP_FAILED);
	int can = madvise(probe, 4096, MADV_POPULATE_WRITE);
	munmap(probe, 4096);
	if (can != 0) {
		if (getenv("CI"))
			fail_msg("the kernel has no MADV_POPULATE_WRITE (errno %d)", errno);
		skip();
	}
	size_t served = hs_prefault_settle();
	hs_vec v;
	hs_vec_init_big(&v, elem);
	size_t first = 0;
	for (int round = 0; round < 2; round++) {
		/* until the writer is halfway into a huge page with three more
		 * of the mapping after it (the second round: the next page) */
		size_t k;
		for (;;) {
			uint64_t *x = hs_vec_push(&v, 1);
			assert_non_null(x);
			*x = v.len;
			k = v.len * elem / huge;
			if (v.mapped && v.len * elem % huge == huge / 2 &&
			    (round == 0 ? (k + 4) * huge <= v.mapped : k == first + 1))
				break;
		}
		if (round == 0)
			first = k;
		assert_true(hs_prefault_settle() > served);
		const char *d = v.data;
		assert_int_equal(pages_in(d + (k + 1) * huge, huge), huge / 4096);
		assert_int_equal(pages_in(d + (k + 2) * huge, huge), 0);
	}
	/* the writer reads and writes as before */
	for (size_t i = 0; i < v.len; i++)
		assert_int_equal(((const uint64_t *)v.data)[i], i + 1);
	hs_vec_shrink(&v);
	assert_int_equal(v.cap * elem, v.mapped);
	hs_vec_release(&v);
}

static void test_intern(void **state)
{
	(void)state;
	hs_profile p;
	hs_profile_init(&p);
	hs_str e = hs_profile_add_string(&p, "", 0);
	hs_str a = hs_profile_intern(&p, "main.f", 6);
	hs_str b = hs_profile_intern(&p, "main.f", 6);
	hs_str c = hs_profile_intern(&p, "main.g", 6);
	assert_int_equal(e, 0);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_int_equal(hs_profile_intern(&p, "", 0), 0);
	assert_string_equal(hs_s(&p, c), "main.g");
	assert_string_equal(hs_s(&p, 12345), "");
	hs_profile_free(hs_profile_new());
	hs_profile_free(NULL);
	hs_profile_release(&p);
}

static void test_sample_index(void **state)
{
	(void)state;
	hs_profile p;
	hs_profile_init(&p);
	hs_profile_add_string(&p, "", 0);
	const char *types[] = {"alloc_space", "space"};
	for (int i = 0; i < 2; i++) {
		hs_value_type *vt = hs_vec_push(&p.sample_types, 1);
		vt->type = hs_profile_intern(&p, types[i], strlen(types[i]));
	}
	assert_int_equal(hs_profile_find_index(&p, "alloc_space"), 0);
	assert_int_equal(hs_profile_find_index(&p, "1"), 1);
	assert_int_equal(hs_profile_find_index(&p, "2"), -1);
	/* pprof's legacy alias: inuse_space means "space" */
	assert_int_equal(hs_profile_find_index(&p, "inuse_space"), 1);
	assert_int_equal(hs_profile_find_index(&p, "nope"), -1);
	assert_int_equal(hs_profile_default_index(&p), 1);
	hs_profile_release(&p);
}

/* 300 samples over a few stacks, equal ones often a sample or two apart
 * (so a stack still waiting meets its twin), one known new and one
 * interned without a sample on the way; ended with end_sample or
 * end_sample_later. */
static void build_samples(hs_profile *p, bool later)
{
	static const uint32_t stacks[6][5] = {{1, 2, 3}, {1, 2}, {4}, {0}, {2, 1, 3, 5, 6}, {3, 2, 1}};
	static const uint32_t lens[6] = {3, 2, 1, 0, 5, 3};
	hs_profile_init(p);
	hs_profile_add_string(p, "", 0);
	hs_vec_push(&p->sample_types, 1);
	for (int k = 1; k <= 8; k++) {
		uint32_t loc;
		char fn[8];
		snprintf(fn, sizeof fn, "f%d", k);
		assert_int_equal(hs_profile_intern_location(p, fn, strlen(fn), "x.go", 4, k, 0, &loc), HS_OK);
	}
	uint32_t seed = 7;
	for (int s = 0; s < 300; s++) {
		seed = seed * 1103515245 + 12345;
		int which = (int)((seed >> 16) % 9);
		int64_t *v = hs_profile_begin_sample(p);
		assert_non_null(v);
		*v = s;
		if (s == 100 || s == 101) {   /* a location no stack holds yet, then again */
			assert_int_equal(hs_profile_push_location(p, 7), HS_OK);
			assert_int_equal(s == 100 ? hs_profile_end_sample_new(p, HS_NONE)
			                 : later ? hs_profile_end_sample_later(p) : hs_profile_end_sample(p),
			                 HS_OK);
			continue;
		}
		if (s == 200) {
			uint32_t id, locs[] = {8, 1};
			assert_int_equal(hs_profile_intern_stack(p, locs, 2, &id), HS_OK);
			assert_int_equal(id, (uint32_t)p->nstacks - 1);
		}
		int k = which < 6 ? which : (s % 2);   /* 0 and 1 come often */
		for (uint32_t i = 0; i < lens[k]; i++)
			assert_int_equal(hs_profile_push_location(p, stacks[k][i]), HS_OK);
		if (s % 50 == 7) {
			hs_label l = {0, 0, s, 0};
			assert_int_equal(hs_profile_push_label(p, &l), HS_OK);
		}
		assert_int_equal(later ? hs_profile_end_sample_later(p) : hs_profile_end_sample(p), HS_OK);
	}
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

static void assert_vec_equal(const hs_vec *a, const hs_vec *b)
{
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len * a->elem);
}

static void test_end_sample_later(void **state)
{
	(void)state;
	hs_profile now, later;
	build_samples(&now, false);
	build_samples(&later, true);
	assert_int_equal(now.nsamples, 300);
	assert_int_equal(later.nsamples, 300);
	assert_int_equal(now.nstacks, 8);   /* six, the new one, the sampleless one */
	assert_int_equal(now.nstacks, later.nstacks);
	assert_int_equal(now.nlabelsets, later.nlabelsets);
	assert_vec_equal(&now.sample_stack, &later.sample_stack);
	assert_vec_equal(&now.stack_off, &later.stack_off);
	assert_vec_equal(&now.stack, &later.stack);
	assert_vec_equal(&now.sample_labels, &later.sample_labels);
	assert_vec_equal(&now.values, &later.values);
	hs_profile_release(&now);
	hs_profile_release(&later);
}

static void test_regex(void **state)
{
	(void)state;
	hs_regex *re;
	hs_error e;
	hs_error_clear(&e);
	/* RE2 syntax pprof users write: non-capturing groups, \d, (?i) */
	assert_int_equal(hs_regex_compile(&re, "(?i)^main\\.(?:grow|f\\d)$", &e), HS_OK);
	assert_true(hs_regex_match(re, "MAIN.grow", 9));
	assert_true(hs_regex_match(re, "main.f7", 7));
	assert_false(hs_regex_match(re, "main.fx", 7));
	/* invalid UTF-8 must not break matching */
	assert_false(hs_regex_match(re, "\xff\xfe", 2));
	hs_regex_free(re);
	hs_regex_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_vec),
		cmocka_unit_test(test_vec_big),
		cmocka_unit_test(test_vec_prefault),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_sample_index),
		cmocka_unit_test(test_end_sample_later),
		cmocka_unit_test(test_regex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
