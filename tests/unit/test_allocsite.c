/* Allocation sites of a core's objects (src/formats/core_heap.c's profile
 * specials joined to src/formats/core_memprof.c's buckets) on
 * testdata/coreprof*, written by testdata/gen/generate-coreprof.sh: the
 * program (runtime.MemProfileRate 1: every allocation sampled) ran two
 * GCs, turned the GC off, wrote its heap profile with
 * pprof.WriteHeapProfile (heap.pb.gz) and counts.json, and gcore took the
 * core while it slept.  Sources of the expected values:
 *   - heap.pb.gz, the runtime's own profile of that moment (read by the
 *     pprof loader, which tests/conformance checks against go tool pprof):
 *     per allocation stack, the objects joined to its bucket in the core
 *     equal the profile's inuse_objects for every stack whose first
 *     frame outside the runtime is a site of the program that allocated
 *     nothing after the profile (counts.json's sites), and are never
 *     fewer for any stack (what runtime/pprof and main.main allocated
 *     while and after writing it is in the core, not in the profile);
 *   - rate/ (MemProfileRate 4096): the profile's inuse values are the
 *     joined objects and bytes scaled as runtime/pprof scales them
 *     (scaleHeapSample), for the same stacks;
 *   - counts.json: which function built how many objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "heapscope/heapdump.h"
#include "heapscope/load.h"
#include "../../src/core/stacks.h"

#define TD SOURCE_ROOT "/testdata/"
enum { MAXKEYS = 2048, MAXF = 256 };

typedef struct key_row {
	char key[4096];
	int64_t prof_objects, prof_bytes;     /* heap.pb.gz inuse */
	uint64_t objects, bytes;              /* joined in the core */
	char first[128];                      /* first frame outside the runtime */
} key_row;

typedef struct fixture {
	const char *dir, *exe;
	hs_core *core;
	hs_heapdump heap;
	hs_profile prof;
	char counts[4096];
	key_row *rows;
	size_t nrows;
} fixture;

/* counts.json's number under "key" (its lines are  "key": N). */
static uint64_t count(const fixture *f, const char *key)
{
	size_t kn = strlen(key);
	for (const char *line = f->counts; line; line = strchr(line + 1, '\n')) {
		const char *q = strchr(line, '"');
		if (q && strncmp(q + 1, key, kn) == 0 && q[kn + 1] == '"')
			return strtoull(q + kn + 3, NULL, 10);
	}
	fail_msg("counts.json has no %s", key);
	return 0;
}

static key_row *row(fixture *f, const char *key, const char *first)
{
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].key, key) == 0)
			return &f->rows[i];
	assert_true(f->nrows < MAXKEYS);
	key_row *r = &f->rows[f->nrows++];
	snprintf(r->key, sizeof r->key, "%s", key);
	snprintf(r->first, sizeof r->first, "%s", first);
	return r;
}

/* A stack as pprof shows a heap sample, and its allocation size (the
 * bucket's, the sample's "bytes" label): leading runtime frames hidden
 * (all kept when all are runtime's), runtime.goexit dropped,
 * functions leaf first. */
static void stack_key(const char *const *funcs, size_t n, int64_t bytes, char *key, size_t size,
                      const char **first)
{
	size_t from = 0;
	while (from < n && strncmp(funcs[from], "runtime.", 8) == 0)
		from++;
	if (from == n)
		from = 0;
	size_t o = 0;
	key[0] = '\0';
	for (size_t i = from; i < n && o < size; i++)
		if (strcmp(funcs[i], "runtime.goexit") != 0)
			o += (size_t)snprintf(key + o, size - o, "%s;", funcs[i]);
	if (o < size)
		snprintf(key + o, size - o, "@%lld", (long long)bytes);
	*first = n ? funcs[from] : "";
}

static int type_index(const hs_profile *p, const char *name)
{
	for (size_t i = 0; i < hs_ntypes(p); i++)
		if (strcmp(hs_s(p, hs_sample_type(p, i)->type), name) == 0)
			return (int)i;
	fail_msg("no sample type %s", name);
	return -1;
}

static int setup_dir(void **state, const char *dir, const char *exe)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->rows = calloc(MAXKEYS, sizeof *f->rows);
	assert_non_null(f->rows);
	f->dir = dir;
	char path[512], epath[512];
	hs_error e;
	hs_error_clear(&e);
	hs_input in;
	hs_core_side side;
	snprintf(path, sizeof path, "%s/core.core.zst", dir);
	snprintf(epath, sizeof epath, "%s/core.exe.zst", exe);
	assert_int_equal(hs_input_open(&in, path, 0, &e), HS_OK);
	assert_int_equal(hs_core_open_input(&f->core, &in, epath, &side, &e), HS_OK);
	hs_heapdump_init(&f->heap);
	if (hs_core_heapdump(f->core, &f->heap, &e) != HS_OK)
		fail_msg("core heap: %s", e.detail);
	hs_profile_init(&f->prof);
	snprintf(path, sizeof path, "%s/heap.pb.gz", dir);
	assert_int_equal(hs_load_profile(&f->prof, path, &e), HS_OK);
	snprintf(path, sizeof path, "%s/counts.json", dir);
	FILE *c = fopen(path, "r");
	assert_non_null(c);
	f->counts[fread(f->counts, 1, sizeof f->counts - 1, c)] = '\0';
	fclose(c);
	/* the profile's stacks */
	const char *funcs[MAXF], *first;
	char key[4096];
	int io = type_index(&f->prof, "inuse_objects"), is = type_index(&f->prof, "inuse_space");
	for (size_t s = 0; s < f->prof.nsamples; s++) {
		size_t n = hs_sample_frames(&f->prof, s, funcs, NULL, NULL, MAXF);
		uint32_t nl;
		const hs_label *l = hs_sample_labels(&f->prof, s, &nl);
		int64_t bytes = 0;
		for (uint32_t k = 0; k < nl; k++)
			if (strcmp(hs_s(&f->prof, l[k].key), "bytes") == 0)
				bytes = l[k].num;
		stack_key(funcs, n, bytes, key, sizeof key, &first);
		key_row *r = row(f, key, first);
		r->prof_objects += hs_sample_values(&f->prof, s)[io];
		r->prof_bytes += hs_sample_values(&f->prof, s)[is];
	}
	/* the core's sampled objects, by their bucket's stack */
	const hs_heapdump *h = &f->heap;
	for (size_t i = 0; i < h->nsampled; i++) {
		const hs_hd_bucket *b = &HS_VEC_AT(&h->buckets, hs_hd_bucket, h->sample_bucket[i]);
		size_t n = b->nframes < MAXF ? b->nframes : MAXF;
		for (size_t k = 0; k < n; k++)
			funcs[k] = HS_VEC_AT(&h->site_frames, hs_hd_site_frame, b->first + k).func;
		stack_key(funcs, n, (int64_t)b->size, key, sizeof key, &first);
		key_row *r = row(f, key, first);
		r->objects++;
		r->bytes += h->size[h->sample_obj[i]];
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	hs_heapdump_release(&f->heap);
	hs_profile_release(&f->prof);
	hs_core_close(f->core);
	free(f->rows);
	free(f);
	return 0;
}

/* The sites the program names in counts.json, by the function that
 * allocates (main.newNode is inlined into main.buildList: its own frame). */
static const char *const program_sites[] = {"main.keepSmall", "main.keepLarge", "main.newNode",
                                            "main.worker", "main.deep", "main.churn"};

static bool program_site(const char *func)
{
	for (size_t i = 0; i < sizeof program_sites / sizeof *program_sites; i++)
		if (strcmp(func, program_sites[i]) == 0)
			return true;
	return false;
}

/* MemProfileRate 1: the objects joined to each stack are its inuse_objects. */
static void test_joined_equal_inuse(void **state)
{
	fixture *f = *state;
	assert_true(f->heap.has_memprof_rate);
	assert_int_equal(f->heap.memprof_rate, 1);
	size_t checked = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		const key_row *r = &f->rows[i];
		if (r->objects < (uint64_t)r->prof_objects)
			fail_msg("%s: %llu objects in the core, %lld in use in the profile", r->key,
			         (unsigned long long)r->objects, (long long)r->prof_objects);
		if (!program_site(r->first))
			continue;
		checked++;
		if (r->objects != (uint64_t)r->prof_objects || r->bytes != (uint64_t)r->prof_bytes)
			fail_msg("%s: %llu objects (%llu B) in the core, %lld (%lld B) in the profile",
			         r->key, (unsigned long long)r->objects, (unsigned long long)r->bytes,
			         (long long)r->prof_objects, (long long)r->prof_bytes);
	}
	assert_true(checked >= 5);
}

/* What counts.json says each function built, found at its site. */
static void test_counts(void **state)
{
	fixture *f = *state;
	static const struct { const char *func, *n, *size; } want[] = {
		{"main.keepSmall", "small", "small_bytes"}, {"main.keepLarge", "large", "large_bytes"},
		{"main.newNode", "nodes", "node_bytes"}, {"main.worker", "worker", "worker_bytes"},
		{"main.deep", "deep", "deep_bytes"}};
	for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
		uint64_t objects = 0, size = count(f, want[w].size);
		for (size_t i = 0; i < f->nrows; i++)
			/* the objects of the size built (the slices' growing arrays apart) */
			if (strcmp(f->rows[i].first, want[w].func) == 0 && f->rows[i].objects &&
			    f->rows[i].bytes == f->rows[i].objects * size)
				objects += f->rows[i].objects;
		if (objects != count(f, want[w].n))
			fail_msg("%s: %llu objects of %llu B, counts.json %llu", want[w].func,
			         (unsigned long long)objects, (unsigned long long)size,
			         (unsigned long long)count(f, want[w].n));
	}
	/* churn's garbage was freed: no object of its site is left */
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].first, "main.churn") == 0)
			assert_int_equal(f->rows[i].objects, 0);
}

/* runtime/pprof's scaleHeapSample */
static void scale(uint64_t count, uint64_t size, int64_t rate, int64_t *c, int64_t *s)
{
	*c = *s = 0;
	if (count == 0 || size == 0)
		return;
	double avg = (double)size / (double)count;
	double k = 1 / (1 - exp(-avg / (double)rate));
	*c = (int64_t)((double)count * k);
	*s = (int64_t)((double)size * k);
}

/* MemProfileRate 4096: the profile is the joined objects, scaled. */
static void test_joined_scaled(void **state)
{
	fixture *f = *state;
	assert_true(f->heap.has_memprof_rate);
	assert_int_equal(f->heap.memprof_rate, 4096);
	assert_int_equal(count(f, "memprofilerate"), 4096);
	size_t checked = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		const key_row *r = &f->rows[i];
		if (!program_site(r->first))
			continue;
		int64_t c, s;
		scale(r->objects, r->bytes, 4096, &c, &s);
		checked += r->objects > 0;
		if (c != r->prof_objects || s != r->prof_bytes)
			fail_msg("%s: %llu objects (%llu B) scale to %lld (%lld B), the profile %lld "
			         "(%lld B)", r->key, (unsigned long long)r->objects,
			         (unsigned long long)r->bytes, (long long)c, (long long)s,
			         (long long)r->prof_objects, (long long)r->prof_bytes);
	}
	assert_true(checked >= 3);
}

static int setup(void **state)
{
	return setup_dir(state, TD "coreprof", TD "coreprof");
}
static int setup121(void **state)
{
	return setup_dir(state, TD "coreprof121", TD "coreprof121");
}
static int setup123(void **state)
{
	return setup_dir(state, TD "coreprof123", TD "coreprof123");
}
static int setup_rate(void **state)
{
	return setup_dir(state, TD "coreprof/rate", TD "coreprof");
}

int main(void)
{
	const struct CMUnitTest rate1[] = {
		cmocka_unit_test(test_joined_equal_inuse),
		cmocka_unit_test(test_counts),
	};
	const struct CMUnitTest rate4096[] = {
		cmocka_unit_test(test_joined_scaled),
	};
	int rc = cmocka_run_group_tests_name("go1.19", rate1, setup, teardown);
	rc += cmocka_run_group_tests_name("go1.21", rate1, setup121, teardown);
	rc += cmocka_run_group_tests_name("go1.23", rate1, setup123, teardown);
	return rc + cmocka_run_group_tests_name("go1.19 rate 4096", rate4096, setup_rate, teardown);
}
