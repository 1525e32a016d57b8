/* Allocation sites: objects joined to the memory profile bucket that
 * sampled them, in cores (src/formats/core_heap.c's profile specials,
 * src/formats/core_memprof.c's buckets) and heap dumps (alloc sample and
 * memprof records, src/formats/heapdump.c), against what the program
 * itself wrote at the same moment.
 *
 * testdata/coreprof* (testdata/gen/generate-coreprof.sh, Go 1.19, 1.21,
 * 1.23): the program ran two GCs, turned the GC off, wrote its heap profile
 * (heap.pb.gz) and counts.json, and gcore took the core while it slept.
 * testdata/allocsite (testdata/gen/generate-allocsite.sh, Go 1.19): after
 * the same GCs it wrote heap.pb.gz and then its heap dump.  Both run with
 * runtime.MemProfileRate 1 (every allocation sampled); their rate/
 * directories with 4096.  Sources of the expected values:
 *   - heap.pb.gz, read by the pprof loader (tests/conformance checks it
 *     against go tool pprof): per allocation stack (files and lines, the
 *     runtime's frames left out, and the allocation size), the objects
 *     joined to it equal the profile's inuse_objects and inuse_space for
 *     every stack of what the program built before the profile, and are
 *     never fewer for any stack (what runtime/pprof, and in the core
 *     main.main, allocated while and after writing it is in the heap, not
 *     in the profile);
 *   - at rate 4096 the profile's inuse values are the joined objects and
 *     bytes scaled as runtime/pprof scales them (scaleHeapSample);
 *   - counts.json: which function built how many objects of which size. */
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
enum { MAXKEYS = 2048, MAXF = 256, KEY = 8192 };

typedef struct key_row {
	char key[KEY];
	int64_t prof_objects, prof_bytes;     /* heap.pb.gz inuse */
	uint64_t objects, bytes;              /* joined in the heap */
	int64_t size;                         /* the allocation's size */
	char culprit[128];                    /* innermost main. frame, "" when none */
	char leaf_file[256], leaf_func[256];  /* the first frame outside the runtime */
	int32_t leaf_line;
} key_row;

typedef struct fixture {
	bool dump;                            /* a heap dump, else a core */
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

/* A stack as both sides can name it: the file:line of each frame, leaf
 * first, the runtime's files left out (pprof hides the leading runtime
 * frames and runtime.goexit; a heap dump names an inlined call by its
 * physical function, but by the file and line of the inlined code, as
 * pprof's lines do), and the allocation size.  The leaf frame apart: a
 * heap dump gives its line at the return address (dumpmemprof backs up
 * every PC but the first), pprof at the call, and its physical function:
 * the same leaf is the same file and a line at most two apart (the rest
 * of the stack and the size equal).  culprit: the innermost function of package main (pprof's
 * and a core's names for inlined calls; the profile is read first). */
static key_row *row(fixture *f, const char *const *funcs, const char *const *files,
                    const int32_t *lines, size_t n, int64_t size)
{
	char key[KEY];
	size_t o = 0, leaf = n;
	const char *culprit = "";
	key[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof key; i++) {
		if (strncmp(files[i], "runtime/", 8) == 0 && strncmp(files[i], "runtime/pprof/", 14) &&
		    strncmp(files[i], "runtime/debug/", 14))
			continue;
		if (!*culprit && strncmp(funcs[i], "main.", 5) == 0)
			culprit = funcs[i];
		if (leaf == n)
			leaf = i;
		else
			o += (size_t)snprintf(key + o, sizeof key - o, "%s:%d;", files[i], (int)lines[i]);
	}
	if (o < sizeof key)
		snprintf(key + o, sizeof key - o, "@%lld", (long long)size);
	const char *lfile = leaf < n ? files[leaf] : "", *lfunc = leaf < n ? funcs[leaf] : "";
	int32_t lline = leaf < n ? lines[leaf] : 0;
	key_row *by_func = NULL;
	for (size_t i = 0; i < f->nrows; i++) {
		key_row *r = &f->rows[i];
		if (strcmp(r->key, key) != 0 || strcmp(r->leaf_file, lfile) != 0)
			continue;
		if (r->leaf_line == lline)
			return r;
		if (!by_func && abs(r->leaf_line - lline) <= 2)
			by_func = r;
	}
	if (by_func)
		return by_func;
	assert_true(f->nrows < MAXKEYS);
	key_row *r = &f->rows[f->nrows++];
	snprintf(r->key, sizeof r->key, "%s", key);
	snprintf(r->culprit, sizeof r->culprit, "%s", culprit);
	snprintf(r->leaf_file, sizeof r->leaf_file, "%s", lfile);
	snprintf(r->leaf_func, sizeof r->leaf_func, "%s", lfunc);
	r->leaf_line = lline;
	r->size = size;
	return r;
}

static int type_index(const hs_profile *p, const char *name)
{
	for (size_t i = 0; i < hs_ntypes(p); i++)
		if (strcmp(hs_s(p, hs_sample_type(p, i)->type), name) == 0)
			return (int)i;
	fail_msg("no sample type %s", name);
	return -1;
}

static void read_text(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *c = fopen(path, "r");
	assert_non_null(c);
	buf[fread(buf, 1, size - 1, c)] = '\0';
	fclose(c);
}

/* The profile's samples and the heap's sampled objects, by stack. */
static void join(fixture *f)
{
	const char *funcs[MAXF], *files[MAXF];
	int32_t lines[MAXF];
	int io = type_index(&f->prof, "inuse_objects"), is = type_index(&f->prof, "inuse_space");
	for (size_t s = 0; s < f->prof.nsamples; s++) {
		size_t n = hs_sample_frames_lines(&f->prof, s, funcs, files, NULL, lines, MAXF);
		uint32_t nl;
		const hs_label *l = hs_sample_labels(&f->prof, s, &nl);
		int64_t bytes = 0;
		for (uint32_t k = 0; k < nl; k++)
			if (strcmp(hs_s(&f->prof, l[k].key), "bytes") == 0)
				bytes = l[k].num;
		key_row *r = row(f, funcs, files, lines, n, bytes);
		r->prof_objects += hs_sample_values(&f->prof, s)[io];
		r->prof_bytes += hs_sample_values(&f->prof, s)[is];
	}
	const hs_heapdump *h = &f->heap;
	for (size_t i = 0; i < h->nsampled; i++) {
		const hs_hd_bucket *b = &HS_VEC_AT(&h->buckets, hs_hd_bucket, h->sample_bucket[i]);
		size_t n = b->nframes < MAXF ? b->nframes : MAXF;
		for (size_t k = 0; k < n; k++) {
			const hs_hd_site_frame *fr = &HS_VEC_AT(&h->site_frames, hs_hd_site_frame, b->first + k);
			funcs[k] = fr->func;
			files[k] = fr->file;
			lines[k] = (int32_t)fr->line;
		}
		key_row *r = row(f, funcs, files, lines, n, (int64_t)b->size);
		r->objects++;
		r->bytes += h->size[h->sample_obj[i]];
	}
}

static int setup_dir(void **state, const char *dir, const char *exe_dir)
{
	fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->rows = calloc(MAXKEYS, sizeof *f->rows);
	assert_non_null(f->rows);
	char path[512], epath[512];
	hs_error e;
	hs_error_clear(&e);
	hs_heapdump_init(&f->heap);
	f->dump = exe_dir == NULL;
	if (f->dump) {
		snprintf(path, sizeof path, "%s/heap.dump.zst", dir);
		assert_int_equal(hs_heapdump_load(&f->heap, path, &e), HS_OK);
	} else {
		hs_input in;
		hs_core_side side;
		snprintf(path, sizeof path, "%s/core.core.zst", dir);
		snprintf(epath, sizeof epath, "%s/core.exe.zst", exe_dir);
		assert_int_equal(hs_input_open(&in, path, 0, &e), HS_OK);
		assert_int_equal(hs_core_open_input(&f->core, &in, epath, &side, &e), HS_OK);
		if (hs_core_heapdump(f->core, &f->heap, &e) != HS_OK)
			fail_msg("core heap: %s", e.detail);
	}
	hs_profile_init(&f->prof);
	snprintf(path, sizeof path, "%s/heap.pb.gz", dir);
	assert_int_equal(hs_load_profile(&f->prof, path, &e), HS_OK);
	read_text(dir, "counts.json", f->counts, sizeof f->counts);
	join(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	hs_heapdump_release(&f->heap);
	hs_profile_release(&f->prof);
	if (f->core)
		hs_core_close(f->core);
	free(f->rows);
	free(f);
	return 0;
}

/* What the program allocated before its profile: a stack with a frame
 * of package main, but none of runtime/pprof (writing the profile) and,
 * in a core, no frame of main.main (the program wrote counts.json after
 * the profile, and allocated nothing of its own there before). */
static bool before_profile(const fixture *f, const key_row *r)
{
	if (!*r->culprit || strstr(r->key, "runtime/pprof/"))
		return false;
	return f->dump || strcmp(r->culprit, "main.main") != 0;
}

static void check_row(const key_row *r, int64_t objects, int64_t bytes, const char *what)
{
	if ((int64_t)r->objects != objects || (int64_t)r->bytes != bytes)
		fail_msg("%s %s:%d;%s: %llu objects (%llu B) joined, %s %lld (%lld B)", r->leaf_func,
		         r->leaf_file, (int)r->leaf_line, r->key,
		         (unsigned long long)r->objects, (unsigned long long)r->bytes, what,
		         (long long)objects, (long long)bytes);
}

/* MemProfileRate 1: the objects joined to each stack are its inuse. */
static void test_joined_equal_inuse(void **state)
{
	fixture *f = *state;
	assert_int_equal(count(f, "memprofilerate"), 1);
	if (!f->dump) {
		assert_true(f->heap.has_memprof_rate);
		assert_int_equal(f->heap.memprof_rate, 1);
	}
	size_t checked = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		const key_row *r = &f->rows[i];
		if (r->objects < (uint64_t)r->prof_objects)
			fail_msg("%s: %llu objects in the heap, %lld in use in the profile", r->key,
			         (unsigned long long)r->objects, (long long)r->prof_objects);
		if (!before_profile(f, r))
			continue;
		checked += r->prof_objects > 0;
		check_row(r, r->prof_objects, r->prof_bytes, "the profile");
	}
	assert_true(checked >= 5);
}

/* The objects of one size the culprit holds. */
static uint64_t built(const fixture *f, const char *culprit, int64_t size)
{
	uint64_t n = 0;
	for (size_t i = 0; i < f->nrows; i++)
		if (strcmp(f->rows[i].culprit, culprit) == 0 && f->rows[i].size == size)
			n += f->rows[i].objects;
	return n;
}

static void expect_built(const fixture *f, const char *culprit, int64_t size, uint64_t want)
{
	uint64_t got = built(f, culprit, size);
	if (got != want)
		fail_msg("%s: %llu objects of %lld B, counts.json %llu", culprit,
		         (unsigned long long)got, (long long)size, (unsigned long long)want);
}

/* coreprof's counts.json: what each function built, found at its site. */
static void test_counts_coreprof(void **state)
{
	fixture *f = *state;
	static const struct { const char *func, *n, *size; } want[] = {
		{"main.keepSmall", "small", "small_bytes"}, {"main.keepLarge", "large", "large_bytes"},
		{"main.newNode", "nodes", "node_bytes"}, {"main.worker", "worker", "worker_bytes"},
		{"main.deep", "deep", "deep_bytes"}};
	for (size_t w = 0; w < sizeof want / sizeof *want; w++)
		expect_built(f, want[w].func, (int64_t)count(f, want[w].size), count(f, want[w].n));
	/* churn's garbage was freed: nothing of its site is left */
	expect_built(f, "main.churn", (int64_t)count(f, "churn_bytes"), 0);
}

/* allocsite's counts.json: its "sites" ({"objects": N, "sizes": [...]}
 * per function), found at those sites (the culprits are pprof's names:
 * main.newSession, inlined into openSessions). */
static void test_counts_allocsite(void **state)
{
	fixture *f = *state;
	static const char *const funcs[] = {"main.newSession", "main.logLines", "main.holder",
	                                    "main.churn"};
	for (size_t k = 0; k < sizeof funcs / sizeof *funcs; k++) {
		char pat[64];
		snprintf(pat, sizeof pat, "\"%s\": {\"objects\": ", funcs[k]);
		const char *p = strstr(f->counts, pat);
		assert_non_null(p);
		uint64_t want = strtoull(p + strlen(pat), NULL, 10), got = 0;
		const char *sz = strstr(p, "\"sizes\": [");
		assert_non_null(sz);
		char *end;
		for (sz += 10;; sz = end + 1) {
			long long size = strtoll(sz, &end, 10);
			got += built(f, funcs[k], size);
			if (*end != ',')
				break;
		}
		if (got != want)
			fail_msg("%s: %llu objects, counts.json %llu", funcs[k],
			         (unsigned long long)got, (unsigned long long)want);
	}
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
	int64_t rate = (int64_t)count(f, "memprofilerate");
	assert_int_equal(rate, 4096);
	if (!f->dump) {
		assert_true(f->heap.has_memprof_rate);
		assert_int_equal(f->heap.memprof_rate, rate);
	}
	size_t checked = 0;
	for (size_t i = 0; i < f->nrows; i++) {
		const key_row *r = &f->rows[i];
		if (!before_profile(f, r))
			continue;
		int64_t c, s;
		scale(r->objects, r->bytes, rate, &c, &s);
		checked += r->objects > 0;
		if (c != r->prof_objects || s != r->prof_bytes)
			fail_msg("%s: %llu objects (%llu B) joined scale to %lld (%lld B), the profile "
			         "%lld (%lld B)", r->key, (unsigned long long)r->objects,
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
static int setup_dump(void **state)
{
	return setup_dir(state, TD "allocsite", NULL);
}
static int setup_dump_rate(void **state)
{
	return setup_dir(state, TD "allocsite/rate", NULL);
}

int main(void)
{
	const struct CMUnitTest rate1[] = {
		cmocka_unit_test(test_joined_equal_inuse),
		cmocka_unit_test(test_counts_coreprof),
	};
	const struct CMUnitTest dump1[] = {
		cmocka_unit_test(test_joined_equal_inuse),
		cmocka_unit_test(test_counts_allocsite),
	};
	const struct CMUnitTest rate4096[] = {
		cmocka_unit_test(test_joined_scaled),
	};
	int rc = cmocka_run_group_tests_name("core go1.19", rate1, setup, teardown);
	rc += cmocka_run_group_tests_name("core go1.21", rate1, setup121, teardown);
	rc += cmocka_run_group_tests_name("core go1.23", rate1, setup123, teardown);
	rc += cmocka_run_group_tests_name("core go1.19 rate 4096", rate4096, setup_rate, teardown);
	rc += cmocka_run_group_tests_name("heap dump", dump1, setup_dump, teardown);
	return rc + cmocka_run_group_tests_name("heap dump rate 4096", rate4096, setup_dump_rate,
	                                        teardown);
}
