/* Differential test: heapscope's streaming pprof decoder against
 * protobuf-c's generated decoder for proto/profile.proto, on every
 * protobuf profile found in the directories given as arguments (testdata
 * and, when present, the shared corpus).  Both must agree on every sample
 * value, every stack of location ids and every string of the table. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "profile.pb-c.h"

static char **dirs;
static int ndirs;

/* Compares one file; returns 1 if it was a protobuf profile we compared. */
static int compare(const char *path)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	if (hs_input_read(&in, path, 0, &e) != HS_OK)
		return 0;
	const char *what;
	if (hs_sniff(in.data, in.len, &what) != HS_FMT_PPROF) {
		hs_input_release(&in);
		return 0;
	}
	Perftools__Profiles__Profile *ref =
		perftools__profiles__profile__unpack(NULL, in.len, in.data);
	hs_profile p;
	hs_profile_init(&p);
	hs_err rc = hs_pprof_decode(&p, in.data, in.len, &e);
	if (!ref) {
		/* protobuf-c rejects it: so must we (semantics may differ, e.g.
		 * pprof-level validity, but never accept what is not protobuf). */
		assert_int_not_equal(rc, HS_OK);
	} else if (rc == HS_OK) {
		assert_int_equal(p.nsamples, ref->n_sample);
		assert_int_equal(p.locations.len, ref->n_location);
		assert_int_equal(p.functions.len, ref->n_function);
		assert_int_equal(p.mappings.len, ref->n_mapping);
		assert_int_equal(hs_ntypes(&p), ref->n_sample_type);
		assert_int_equal(p.time_nanos, ref->time_nanos);
		assert_int_equal(p.period, ref->period);
		for (size_t s = 0; s < ref->n_sample; s++) {
			const Perftools__Profiles__Sample *rs = ref->sample[s];
			const int64_t *v = hs_sample_values(&p, s);
			for (size_t k = 0; k < rs->n_value; k++)
				assert_int_equal(v[k], rs->value[k]);
			uint32_t n;
			const uint32_t *st = hs_sample_stack(&p, s, &n);
			if (!p.drop_frames) {
				assert_int_equal(n, rs->n_location_id);
				for (uint32_t k = 0; k < n; k++)
					assert_int_equal(hs_location_at(&p, st[k])->id, rs->location_id[k]);
			}
		}
		for (size_t i = 0; i < ref->n_function; i++) {
			const hs_function *f = hs_function_at(&p, (uint32_t)i);
			assert_int_equal(f->id, ref->function[i]->id);
			assert_string_equal(hs_s(&p, f->system_name),
			                    ref->string_table[ref->function[i]->system_name]);
		}
	}
	if (ref)
		perftools__profiles__profile__free_unpacked(ref, NULL);
	hs_profile_release(&p);
	hs_input_release(&in);
	return 1;
}

static int walk(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		DIR *sub = opendir(path);
		if (sub) {
			closedir(sub);
			n += walk(path);
		} else {
			n += compare(path);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void test_agree(void **state)
{
	(void)state;
	int n = 0;
	for (int i = 0; i < ndirs; i++)
		n += walk(dirs[i]);
	printf("compared %d protobuf profiles\n", n);
	assert_true(n >= 5);   /* testdata alone has 8 */
}

int main(int argc, char **argv)
{
	dirs = argv + 1;
	ndirs = argc - 1;
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_agree)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
