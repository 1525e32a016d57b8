/* Go types of a core's heap objects (src/formats/core_types.c) on
 * testdata/coreheap/ (Go 1.19), coreheap121/ (Go 1.21: internal/abi.Type)
 * and coreheap123/ (Go 1.23: internal/abi.ITab, allocation headers): the
 * same program (testdata/gen/coreheap) wrote in
 * counts.json the names reflect gives its globals' types and what they
 * point to, and how many objects of each its globals keep.  The expected
 * values come from there and from the core's own memory walked by hand
 * here (main.List's next pointers, main.Store's slice header), never
 * from the type walk itself.  testdata/corefin121 and corefin123 hold
 * objects only finalizers keep (testdata/gen/corefin, its counts.json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "heapscope/heapdump.h"
#include "../../src/formats/core_internal.h"

#define TD SOURCE_ROOT "/testdata/"

typedef struct fixture {
	hs_core *core;
	hs_heapdump heap;
	char counts[4096];
} fixture;

/* Where the value of a key of counts.json starts. */
static const char *value_of(const fixture *f, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\": ", key);
	const char *p = strstr(f->counts, k);
	assert_non_null(p);
	return p + strlen(k);
}

static uint64_t count(const fixture *f, const char *key)
{
	return strtoull(value_of(f, key), NULL, 10);
}

/* A string of counts.json (no escapes in Go's type names used here). */
static const char *text(const fixture *f, const char *key, char *buf, size_t n)
{
	const char *p = value_of(f, key);
	assert_true(*p++ == '"');
	const char *e = strchr(p, '"');
	assert_non_null(e);
	assert_true((size_t)(e - p) < n);
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return buf;
}

/* The core of testdata/DIR walked (core_heap.c) and then typed. */
static int setup(void **state, const char *dir)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	char path[4096];
	snprintf(path, sizeof path, TD "%s/counts.json", dir);
	FILE *c = fopen(path, "r");
	assert_non_null(c);
	f->counts[fread(f->counts, 1, sizeof f->counts - 1, c)] = '\0';
	fclose(c);
	hs_error e;
	hs_error_clear(&e);
	hs_input in;
	hs_core_side side;
	char exe[4096];
	snprintf(path, sizeof path, TD "%s/core.core.zst", dir);
	snprintf(exe, sizeof exe, TD "%s/core.exe.zst", dir);
	assert_int_equal(hs_input_open(&in, path, 0, &e), HS_OK);
	assert_int_equal(hs_core_open_input(&f->core, &in, exe, &side, &e), HS_OK);
	hs_heapdump_init(&f->heap);
	if (hs_core_heapdump(f->core, &f->heap, &e) != HS_OK)
		fail_msg("core heap: %s", e.detail);
	assert_null(f->heap.obj_type);   /* the walk alone types nothing */
	assert_int_equal(hs_core_types(f->core, &f->heap, &e), HS_OK);
	*state = f;
	return 0;
}

static int setup19(void **state)
{
	return setup(state, "coreheap");
}

static int setup121(void **state)
{
	return setup(state, "coreheap121");
}

static int setup123(void **state)
{
	return setup(state, "coreheap123");
}

static int teardown(void **state)
{
	fixture *f = *state;
	hs_heapdump_release(&f->heap);
	hs_core_close(f->core);
	free(f);
	return 0;
}

static const char *type_of(const hs_heapdump *h, uint64_t addr)
{
	uint32_t o = hs_heapdump_find(h, addr);
	assert_int_not_equal(o, HS_HD_NONE);
	assert_int_equal(hs_heapdump_addr(h, o), addr);
	return h->obj_type[o] < h->ntype_names ? h->type_names[h->obj_type[o]] : "";
}

static uint64_t global(const fixture *f, const char *name)
{
	uint64_t addr;
	uint32_t type;
	assert_true(hs_dwarf_global(f->core->dwarf, name, &addr, &type));
	return addr + hs_core_bias(f->core);
}

static uint64_t objects_of(const hs_heapdump *h, const char *type)
{
	uint64_t n = 0;
	for (size_t i = 0; i < h->nobjects; i++)
		n += h->obj_type[i] < h->ntype_names && strcmp(h->type_names[h->obj_type[i]], type) == 0;
	return n;
}

/* main.Store's array is []*main.page of cap store_pages, and each of its
 * pages a main.page (the slice header and the array read from the core). */
static void test_slice(void **state)
{
	fixture *f = *state;
	const hs_heapdump *h = &f->heap;
	char st[64], pt[64], name[128];
	uint64_t arr, cap, n = count(f, "store_pages");
	assert_true(hs_core_read_u64(f->core, global(f, "main.Store"), &arr));
	assert_true(hs_core_read_u64(f->core, global(f, "main.Store") + 16, &cap));
	assert_int_equal(cap, n);
	assert_string_equal(type_of(h, arr), text(f, "store_type", st, sizeof st));
	uint32_t o = hs_heapdump_find(h, arr);
	snprintf(name, sizeof name, "%s (%llu)", st, (unsigned long long)n);
	char buf[128];
	assert_string_equal(hs_hd_object_type(h, o, buf, sizeof buf), name);
	text(f, "page_type", pt, sizeof pt);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p;
		assert_true(hs_core_read_u64(f->core, arr + i * 8, &p));
		assert_string_equal(type_of(h, p), pt);
	}
}

/* Every node of main.List (its next pointers followed in the core) is a
 * main.node. */
static void test_pointer_chain(void **state)
{
	fixture *f = *state;
	char nt[64];
	text(f, "node_type", nt, sizeof nt);
	uint64_t p, n = 0;
	assert_true(hs_core_read_u64(f->core, global(f, "main.List"), &p));
	while (p && n <= count(f, "list_nodes")) {
		assert_string_equal(type_of(&f->heap, p), nt);
		assert_true(hs_core_read_u64(f->core, p, &p));   /* next: the first word */
		n++;
	}
	assert_int_equal(n, count(f, "list_nodes"));
}

/* The objects of each of the program's types are the ones its globals
 * keep (counts.json): the nodes only a goroutine's frame keeps stay
 * untyped; the interfaces' dynamic types (main.box through an eface,
 * main.failure through an iface's itab) name their objects. */
static void test_counts(void **state)
{
	fixture *f = *state;
	const hs_heapdump *h = &f->heap;
	char t[64];
	assert_int_equal(objects_of(h, text(f, "page_type", t, sizeof t)), count(f, "page_objects"));
	assert_int_equal(objects_of(h, text(f, "node_type", t, sizeof t)), count(f, "node_objects"));
	assert_int_equal(objects_of(h, text(f, "box_type", t, sizeof t)), 1);
	assert_int_equal(objects_of(h, text(f, "failure_type", t, sizeof t)), 1);
	assert_int_equal(objects_of(h, text(f, "resource_type", t, sizeof t)), count(f, "finalizers"));
	assert_int_equal(objects_of(h, text(f, "resource_buf_type", t, sizeof t)),
	                 count(f, "finalizers"));
}

/* main.Boxed (interface{}) and main.Err (error) point to objects whose
 * types are their dynamic types (box_type, failure_type): the data word
 * of each read from the core. */
static void test_interfaces(void **state)
{
	fixture *f = *state;
	char t[64];
	uint64_t p;
	assert_true(hs_core_read_u64(f->core, global(f, "main.Boxed") + 8, &p));
	assert_string_equal(type_of(&f->heap, p), text(f, "box_type", t, sizeof t));
	assert_true(hs_core_read_u64(f->core, global(f, "main.Err") + 8, &p));
	assert_string_equal(type_of(&f->heap, p), text(f, "failure_type", t, sizeof t));
}

/* main.After's array (after_gc pointers of 1 KiB: on Go 1.22+ its slot
 * starts with an allocation header, the array after it) is an after_type
 * of its cap. */
static void test_after(void **state)
{
	fixture *f = *state;
	const hs_heapdump *h = &f->heap;
	char at[64], name[128], buf[128];
	uint64_t arr, cap;
	assert_true(hs_core_read_u64(f->core, global(f, "main.After"), &arr));
	assert_true(hs_core_read_u64(f->core, global(f, "main.After") + 16, &cap));
	assert_int_equal(cap, count(f, "after_gc"));
	uint32_t o = hs_heapdump_find(h, arr);
	assert_int_not_equal(o, HS_HD_NONE);
	snprintf(name, sizeof name, "%s (%llu)", text(f, "after_type", at, sizeof at),
	         (unsigned long long)cap);
	assert_string_equal(hs_hd_object_type(h, o, buf, sizeof buf), name);
}

/* The histogram's rows: main.Store's array retains store_retained, the
 * pages their bytes, the nodes theirs (main.List's first node dominates
 * the 999 after it: a type's retained bytes count each object once); the
 * rows add up to the typed totals. */
static void test_histogram(void **state)
{
	fixture *f = *state;
	hs_hd_analysis a;
	hs_hd_opts o;
	hs_error e;
	hs_error_clear(&e);
	hs_hd_opts_default(&o);
	assert_int_equal(hs_hd_analyze(&a, &f->heap, &o, &e), HS_OK);
	hs_vec rows;
	uint64_t n, bytes, sum_n = 0, sum_b = 0;
	assert_int_equal(hs_hd_type_histogram(&a, &rows, &n, &bytes, &e), HS_OK);
	char st[64], pt[64], nt[64];
	text(f, "store_type", st, sizeof st);
	text(f, "page_type", pt, sizeof pt);
	text(f, "node_type", nt, sizeof nt);
	bool seen_store = false, seen_page = false, seen_node = false;
	for (size_t i = 0; i < rows.len; i++) {
		const hs_hd_typerow *r = (const hs_hd_typerow *)rows.data + i;
		const char *name = f->heap.type_names[r->type];
		sum_n += r->objects;
		sum_b += r->bytes;
		if (strcmp(name, st) == 0) {
			seen_store = true;
			assert_int_equal(r->retained, count(f, "store_retained"));
		} else if (strcmp(name, pt) == 0) {
			seen_page = true;
			assert_int_equal(r->retained, count(f, "page_objects") * count(f, "page_bytes"));
		} else if (strcmp(name, nt) == 0) {
			seen_node = true;
			assert_int_equal(r->retained, count(f, "node_objects") * count(f, "node_bytes"));
		}
	}
	assert_true(seen_store && seen_page && seen_node);
	/* the suspect's group (main.Store's pages) is named by their type */
	assert_true(a.suspects.len >= 1);
	assert_string_equal(hs_hd_group_type(&a, (const hs_hd_suspect *)a.suspects.data), pt);
	assert_int_equal(sum_n, n);
	assert_int_equal(sum_b, bytes);
	hs_vec_release(&rows);
	hs_hd_analysis_release(&a);
}

static int setup_fin121(void **state)
{
	return setup(state, "corefin121");
}

static int setup_fin123(void **state)
{
	return setup(state, "corefin123");
}

/* testdata/gen/corefin set finalizers on resources and conns (each conn
 * with a resource of its own) that nothing else keeps: only the
 * finalizers' specials (ot) say what they are, and the buffers their
 * resources hold are typed from there. */
static void test_finalized(void **state)
{
	fixture *f = *state;
	const hs_heapdump *h = &f->heap;
	char t[64];
	uint64_t res = count(f, "resources"), conns = count(f, "conns");
	assert_true(res > 0 && conns > 0);
	assert_int_equal(objects_of(h, text(f, "resource_type", t, sizeof t)), res + conns);
	assert_int_equal(objects_of(h, text(f, "conn_type", t, sizeof t)), conns);
	assert_int_equal(objects_of(h, text(f, "buf_type", t, sizeof t)), res + conns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slice),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_after),
		cmocka_unit_test(test_histogram),
	};
	int failed = cmocka_run_group_tests_name("go1.19", tests, setup19, teardown);
	failed += cmocka_run_group_tests_name("go1.21", tests, setup121, teardown);
	failed += cmocka_run_group_tests_name("go1.23", tests, setup123, teardown);
	const struct CMUnitTest fin[] = {cmocka_unit_test(test_finalized)};
	failed += cmocka_run_group_tests_name("finalizers go1.21", fin, setup_fin121, teardown);
	return failed + cmocka_run_group_tests_name("finalizers go1.23", fin, setup_fin123, teardown);
}
