/* Differential test: heapscope's streaming pprof decoder against
 * protobuf-c's generated decoder for proto/profile.proto, on every
 * protobuf profile found in the directories given as arguments (testdata
 * and the shared corpus).  Both must agree on every sample value, stack of
 * location ids and label; every string of the table; every mapping,
 * location (address, lines) and function (names, file, start line); the
 * header numbers and sample types.  A file one decoder accepts and the
 * other refuses fails unless it is in `disagree` below with its reason.
 * Each directory must give at least as many protobuf profiles as its
 * fixture list says: its *.pb / *.pb.gz / *.pb.zst files (testdata), or the corpus
 * manifest's "pprof protobuf" rows (DIR/../MANIFEST.tsv).
 * The counts-only load (`info`) must give protobuf-c's sample count and
 * sums of |value|, keep no sample, and refuse what the full load refuses
 * with the same words. */
#include <dirent.h>
#include <stdbool.h>
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
static const char *cur_path;

/* Files (path suffixes) where the two decoders may disagree, and why. */
static const struct {
	const char *suffix, *why;
} disagree[] = {
	/* go tool pprof refuses it as well (corpus expected/STATUS.tsv) */
	{"/pyroscope/dotnet-pprof-3.pb",
	 "a function with the reserved id 0: valid protobuf, an invalid profile (CheckValid)"},
	{NULL, NULL},
};

static const char *listed(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; disagree[i].suffix; i++) {
		size_t k = strlen(disagree[i].suffix);
		if (n >= k && strcmp(path + n - k, disagree[i].suffix) == 0)
			return disagree[i].why;
	}
	return NULL;
}

static bool named_pb(const char *path)
{
	size_t n = strlen(path);
	return (n > 3 && strcmp(path + n - 3, ".pb") == 0) ||
	       (n > 6 && strcmp(path + n - 6, ".pb.gz") == 0) ||
	       (n > 7 && strcmp(path + n - 7, ".pb.zst") == 0);
}

/* heapscope keeps strings byte for byte but NUL, which becomes '?'
 * (pprof.c, doc/format-pprof.md); protobuf-c keeps the NULs, so its string
 * is read as far as heapscope's length, and must end there. */
static bool same_bytes(const hs_string *h, const char *r)
{
	for (size_t k = 0; k < h->len; k++)
		if (h->s[k] != (r[k] ? r[k] : '?'))
			return false;
	return r[h->len] == '\0';
}

static void same_str(const hs_profile *p, hs_str i, const Perftools__Profiles__Profile *ref,
                     int64_t ri)
{
	assert_true(ri >= 0 && (size_t)ri < ref->n_string_table);
	if (!same_bytes(&HS_VEC_AT(&p->strings, hs_string, i), ref->string_table[ri]))
		fail_msg("%s: \"%.60s\", protobuf-c \"%.60s\"", cur_path, hs_s(p, i),
		         ref->string_table[ri]);
}

static void same_labels(const hs_profile *p, size_t s, const Perftools__Profiles__Sample *rs,
                        const Perftools__Profiles__Profile *ref)
{
	uint32_t nl;
	const hs_label *l = hs_sample_labels(p, s, &nl);
	assert_int_equal(nl, rs->n_label);
	for (uint32_t k = 0; k < nl; k++) {
		const Perftools__Profiles__Label *rl = rs->label[k];
		same_str(p, l[k].key, ref, rl->key);
		if (rl->str) {
			same_str(p, l[k].str, ref, rl->str);
		} else {
			assert_int_equal(l[k].str, 0);
			assert_int_equal(l[k].num, rl->num);
			same_str(p, l[k].num_unit, ref, rl->num_unit);
		}
	}
}

static void same_tables(const hs_profile *p, const Perftools__Profiles__Profile *ref)
{
	for (size_t i = 0; i < ref->n_string_table; i++)
		if (!same_bytes(&HS_VEC_AT(&p->strings, hs_string, i), ref->string_table[i]))
			fail_msg("%s: string %zu: heapscope %zu bytes \"%.40s\", protobuf-c \"%.40s\"",
			         cur_path, i, strlen(hs_s(p, (hs_str)i)), hs_s(p, (hs_str)i),
			         ref->string_table[i]);
	for (size_t i = 0; i < ref->n_sample_type; i++) {
		const hs_value_type *vt = &HS_VEC_AT(&p->sample_types, hs_value_type, i);
		same_str(p, vt->type, ref, ref->sample_type[i]->type);
		same_str(p, vt->unit, ref, ref->sample_type[i]->unit);
	}
	if (ref->period_type) {
		same_str(p, p->period_type.type, ref, ref->period_type->type);
		same_str(p, p->period_type.unit, ref, ref->period_type->unit);
	}
	assert_int_equal(p->duration_nanos, ref->duration_nanos);
	assert_int_equal(p->comments.len, ref->n_comment);
	for (size_t i = 0; i < ref->n_comment; i++)
		same_str(p, HS_VEC_AT(&p->comments, hs_str, i), ref, ref->comment[i]);
	same_str(p, p->keep_frames, ref, ref->keep_frames);
	for (size_t i = 0; i < ref->n_mapping; i++) {
		const hs_mapping *m = &HS_VEC_AT(&p->mappings, hs_mapping, i);
		const Perftools__Profiles__Mapping *rm = ref->mapping[i];
		assert_int_equal(m->id, rm->id);
		assert_int_equal(m->start, rm->memory_start);
		assert_int_equal(m->limit, rm->memory_limit);
		assert_int_equal(m->offset, rm->file_offset);
		same_str(p, m->file, ref, rm->filename);
		same_str(p, m->build_id, ref, rm->build_id);
		assert_int_equal(m->has_functions, rm->has_functions);
		assert_int_equal(m->has_filenames, rm->has_filenames);
		assert_int_equal(m->has_line_numbers, rm->has_line_numbers);
		assert_int_equal(m->has_inline_frames, rm->has_inline_frames);
	}
	for (size_t i = 0; i < ref->n_function; i++) {
		const hs_function *f = hs_function_at(p, (uint32_t)i);
		const Perftools__Profiles__Function *rf = ref->function[i];
		assert_int_equal(f->id, rf->id);
		/* pprof rewrites a name equal to the system name (or empty) that
		 * looks like demangled C++ ("<>[]" or "::"): Go generics too
		 * (model.c, simplify_names); only the others must match as is. */
		/* (the tables are equal by now; heapscope's has the lengths) */
		const char *rn = hs_s(p, (hs_str)rf->name), *rs = hs_s(p, (hs_str)rf->system_name);
		if ((*rn && strcmp(rn, rs) != 0) || (!strpbrk(rs, "<>[]") && !strstr(rs, "::")))
			same_str(p, f->name, ref, *rn ? rf->name : rf->system_name);
		same_str(p, f->system_name, ref, rf->system_name);
		same_str(p, f->filename, ref, rf->filename);
		assert_int_equal(f->start_line, rf->start_line);
	}
	for (size_t i = 0; i < ref->n_location; i++) {
		const hs_location *l = hs_location_at(p, (uint32_t)i);
		const Perftools__Profiles__Location *rl = ref->location[i];
		assert_int_equal(l->id, rl->id);
		assert_int_equal(l->address, rl->address);
		assert_int_equal(l->is_folded, rl->is_folded);
		if (rl->mapping_id)
			assert_int_equal(HS_VEC_AT(&p->mappings, hs_mapping, l->mapping).id,
			                 rl->mapping_id);
		assert_int_equal(l->nlines, rl->n_line);
		for (size_t k = 0; k < rl->n_line; k++) {
			const hs_line *ln = hs_line_at(p, l->line_start + (uint32_t)k);
			assert_int_equal(hs_function_at(p, ln->function)->id, rl->line[k]->function_id);
			assert_int_equal(ln->line, rl->line[k]->line);
		}
	}
}

static int ncounted;   /* profiles the counts-only load counted */

/* A counts-only load of the same bytes beside the full one (p, rc, e). */
static void same_counts(const hs_input *in, const hs_profile *p, hs_err rc, const hs_error *e,
                        const Perftools__Profiles__Profile *ref)
{
	hs_profile c;
	hs_error ce;
	hs_error_clear(&ce);
	hs_profile_init(&c);
	c.counts_only = true;
	hs_err crc = hs_pprof_decode(&c, in->data, in->len, &ce);
	assert_int_equal(crc, rc);
	assert_string_equal(ce.detail, e->detail);
	assert_int_equal(ce.offset, e->offset);
	if (rc == HS_OK) {
		assert_int_equal(c.nsamples, p->nsamples);
		assert_int_equal(c.strings.len, p->strings.len);
		assert_int_equal(c.locations.len, p->locations.len);
		assert_int_equal(c.functions.len, p->functions.len);
		assert_int_equal(c.samples_pruned, p->samples_pruned);
		for (size_t i = 0; i < hs_ntypes(&c); i++) {
			int64_t want = 0;
			for (size_t s = 0; ref && s < ref->n_sample; s++)
				want = hs_add(want, hs_abs(ref->sample[s]->value[i]));
			if (ref)
				assert_int_equal(hs_profile_total(&c, (int)i), want);
			assert_int_equal(hs_profile_total(&c, (int)i), hs_profile_total(p, (int)i));
		}
	}
	if (c.counted_totals || (rc == HS_OK && c.nsamples == 0 && !p->drop_frames)) {
		/* nothing of the samples kept */
		assert_int_equal(c.values.len, 0);
		assert_int_equal(c.stack.len, 0);
		assert_int_equal(c.sample_stack.len, 0);
		assert_int_equal(c.labels.len, 0);
		ncounted += c.nsamples > 0;
	}
	hs_profile_release(&c);
}

/* Compares one file; returns 1 if it was a protobuf profile we compared. */
static int compare(const char *path)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	if (hs_input_read(&in, path, 0, &e) != HS_OK) {
		if (named_pb(path))
			fail_msg("%s: cannot be read: %s", path, e.detail);
		return 0;
	}
	const char *what;
	if (hs_sniff(in.data, in.len, &what) != HS_FMT_PPROF) {
		if (named_pb(path))
			fail_msg("%s: named .pb but not sniffed as profile.proto (%s)", path, what);
		hs_input_release(&in);
		return 0;
	}
	Perftools__Profiles__Profile *ref =
		perftools__profiles__profile__unpack(NULL, in.len, in.data);
	hs_profile p;
	hs_profile_init(&p);
	hs_err rc = hs_pprof_decode(&p, in.data, in.len, &e);
	const char *why = listed(path);
	cur_path = path;
	if ((ref != NULL) != (rc == HS_OK)) {
		if (!why)
			fail_msg("%s: protobuf-c %s it, heapscope %s it (%s)", path,
			         ref ? "reads" : "refuses", rc == HS_OK ? "reads" : "refuses",
			         rc == HS_OK ? "" : e.detail);
		else
			printf("disagree (listed) %s: %s\n", path, why);
	} else if (why) {
		fail_msg("%s: listed as a disagreement, but both decoders %s it", path,
		         ref ? "read" : "refuse");
	}
	if (ref && rc == HS_OK) {
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
			same_labels(&p, s, rs, ref);
			if (!p.drop_frames) {
				assert_int_equal(n, rs->n_location_id);
				for (uint32_t k = 0; k < n; k++)
					assert_int_equal(hs_location_at(&p, st[k])->id, rs->location_id[k]);
			}
		}
		same_tables(&p, ref);
	}
	same_counts(&in, &p, rc, &e, ref && rc == HS_OK ? ref : NULL);
	if (ref)
		perftools__profiles__profile__free_unpacked(ref, NULL);
	hs_profile_release(&p);
	hs_input_release(&in);
	return 1;
}

/* The sum of fn over the files under dir. */
static int walk(const char *dir, int (*fn)(const char *))
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
			n += walk(path, fn);
		} else {
			n += fn(path);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static int count_named(const char *path)
{
	return named_pb(path);
}

/* Rows of DIR/../MANIFEST.tsv whose format detail starts "pprof protobuf";
 * -1 when there is no manifest. */
static int manifest_protobuf(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/../MANIFEST.tsv", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		char *t = strchr(line, '\t');
		t = t ? strchr(t + 1, '\t') : NULL;
		n += t && strncmp(t + 1, "pprof protobuf", 14) == 0;
	}
	fclose(f);
	return n;
}

static void test_agree(void **state)
{
	(void)state;
	assert_true(ndirs > 0);
	for (int i = 0; i < ndirs; i++) {
		DIR *d = opendir(dirs[i]);
		if (!d)
			fail_msg("%s is absent", dirs[i]);
		closedir(d);
		int least = manifest_protobuf(dirs[i]);
		const char *from = "MANIFEST.tsv \"pprof protobuf\" rows";
		if (least < 0) {
			least = walk(dirs[i], count_named);
			from = "files named *.pb, *.pb.gz, *.pb.zst";
		}
		int n = walk(dirs[i], compare);
		printf("%s: compared %d protobuf profiles, minimum %d (%s)\n", dirs[i], n, least, from);
		assert_true(least > 0);
		assert_true(n >= least);
	}
	printf("counted without keeping samples: %d profiles\n", ncounted);
	assert_true(ncounted > 0);
}

int main(int argc, char **argv)
{
	dirs = argv + 1;
	ndirs = argc - 1;
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_agree)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
