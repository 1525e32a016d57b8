/* folded's line order: frames compared root first by name, so two nodes
 * that print the same name tie there and the next frame decides, as
 * comparing the lines' text would.  Such nodes: at --granularity files two
 * functions of one file with different start lines (pprof keys a node
 * with no function name by its start line too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "../../src/output/folded_stacks.h"
#include "build_profile.h"

static uint32_t function_in(hs_profile *p, const char *name, const char *file, int64_t start)
{
	uint32_t id = add_function(p, name);
	hs_function *f = &HS_VEC_AT(&p->functions, hs_function, id - 1);
	f->filename = hs_profile_intern(p, file, strlen(file));
	f->start_line = start;
	return id;
}

/* Folded text, by file, of main.main -> (main.f or main.g, both in f.go)
 * -> leaf: main.f, the first met (the lower node id), leads to the file
 * `first_leaf`, main.g to `second_leaf`. */
static char *fold(const char *first_leaf, const char *second_leaf)
{
	hs_profile p;
	tp_init(&p, "space", "bytes");
	uint32_t fmain = function_in(&p, "main.main", "m.go", 1);
	uint32_t fa = function_in(&p, "main.f", "f.go", 10), fb = function_in(&p, "main.g", "f.go", 20);
	uint32_t f1 = function_in(&p, "main.leaf1", first_leaf, 1);
	uint32_t f2 = function_in(&p, "main.leaf2", second_leaf, 1);
	uint32_t lmain = add_location(&p, &fmain, 1);
	uint32_t la = add_location(&p, &fa, 1), lb = add_location(&p, &fb, 1);
	uint32_t l1 = add_location(&p, &f1, 1), l2 = add_location(&p, &f2, 1);
	add_sample(&p, (const uint32_t[]){l1, la, lmain}, 3, 7);
	add_sample(&p, (const uint32_t[]){l2, lb, lmain}, 3, 5);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_view v;
	hs_view_opts vo = {.granularity = HS_GRAN_FILES};
	assert_int_equal(hs_view_build(&v, &p, &vo, &e), HS_OK);
	/* two nodes named f.go, or the test proves nothing */
	size_t named = 0;
	for (size_t i = 0; i < v.nodes.len; i++)
		named += strcmp(HS_VEC_AT(&v.nodes, hs_node_info, i).name, "f.go") == 0;
	assert_int_equal(named, 2);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_true(folded_write(out, &v, p.nstacks, 1, folded_view_value, &v));
	assert_int_equal(fclose(out), 0);
	hs_view_release(&v);
	hs_profile_release(&p);
	return buf;
}

static void test_equal_names_tie(void **state)
{
	(void)state;
	const char *want = "m.go;f.go;alpha.go 5\nm.go;f.go;zeta.go 7\n";
	char *got = fold("zeta.go", "alpha.go");
	assert_string_equal(got, want);
	free(got);
	/* the same with the nodes' order the other way round */
	want = "m.go;f.go;alpha.go 7\nm.go;f.go;zeta.go 5\n";
	got = fold("alpha.go", "zeta.go");
	assert_string_equal(got, want);
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_names_tie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
