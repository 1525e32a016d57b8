/* The pprof loader on hand-built profiles: values, ids, inlining, pruning,
 * and every kind of bad input with the byte offset it must report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <zlib.h>

#include "heapscope/load.h"
#include "pbenc.h"

/* strings: 0 "" 1 samples 2 count 3 main.f 4 main.main 5 f.go 6 malloc */
static void strings(pbuf *p)
{
	const char *s[] = {"", "samples", "count", "main.f", "main.main", "f.go", "malloc"};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		pb_str(p, s[i]);
}

static void value_type(pbuf *p, uint32_t field, uint64_t type, uint64_t unit)
{
	pbuf m = {0};
	pb_uint(&m, 1, type);
	pb_uint(&m, 2, unit);
	pb_msg(p, field, &m);
}

static void function(pbuf *p, uint64_t id, uint64_t name)
{
	pbuf m = {0};
	pb_uint(&m, 1, id);
	pb_uint(&m, 2, name);
	pb_uint(&m, 3, name);
	pb_uint(&m, 4, 5);
	pb_msg(p, 5, &m);
}

/* A location whose lines are the given functions, innermost first. */
static void location(pbuf *p, uint64_t id, const uint64_t *fns, size_t n)
{
	pbuf m = {0};
	pb_uint(&m, 1, id);
	pb_uint(&m, 3, 0x1000 + id);
	for (size_t i = 0; i < n; i++) {
		pbuf l = {0};
		pb_uint(&l, 1, fns[i]);
		pb_uint(&l, 2, 10 + i);
		pb_msg(&m, 4, &l);
	}
	pb_msg(p, 4, &m);
}

static void sample(pbuf *p, const uint64_t *locs, size_t n, int64_t v, int packed)
{
	pbuf m = {0};
	if (packed) {
		pbuf ids = {0};
		for (size_t i = 0; i < n; i++)
			pb_raw_varint(&ids, locs[i]);
		pb_msg(&m, 1, &ids);
	} else {
		for (size_t i = 0; i < n; i++)
			pb_uint(&m, 1, locs[i]);
	}
	pb_uint(&m, 2, (uint64_t)v);
	pb_msg(p, 2, &m);
}

/* main.main -> main.f (inlined into main.main's location 2) */
static void basic(pbuf *p, int packed)
{
	value_type(p, 1, 1, 2);
	uint64_t l1[] = {1}, l2[] = {3, 4}, st[] = {1, 2};
	sample(p, st, 2, 7, packed);
	function(p, 1, 6);
	function(p, 3, 3);
	function(p, 4, 4);
	location(p, 1, l1, 1);
	location(p, 2, (const uint64_t[]){3, 4}, 2);
	(void)l2;
	strings(p);
}

static hs_err load(const pbuf *p, hs_profile *prof, hs_error *e)
{
	hs_profile_init(prof);
	hs_error_clear(e);
	return hs_load_profile_buffer(prof, p->b, p->n, 0, e);
}

static void test_basic(void **state)
{
	(void)state;
	for (int packed = 0; packed < 2; packed++) {
		pbuf p = {0};
		basic(&p, packed);
		hs_profile prof;
		hs_error e;
		assert_int_equal(load(&p, &prof, &e), HS_OK);
		assert_int_equal(prof.nsamples, 1);
		assert_int_equal(hs_sample_values(&prof, 0)[0], 7);
		uint32_t n;
		const uint32_t *st = hs_sample_stack(&prof, 0, &n);
		assert_int_equal(n, 2);
		const hs_location *leaf = hs_location_at(&prof, st[0]);
		assert_int_equal(leaf->id, 1);
		const hs_location *caller = hs_location_at(&prof, st[1]);
		assert_int_equal(caller->nlines, 2);
		const hs_function *inner = hs_function_at(&prof, hs_line_at(&prof, caller->line_start)->function);
		assert_string_equal(hs_s(&prof, inner->name), "main.f");
		assert_int_equal(hs_profile_default_index(&prof), 0);
		assert_int_equal(hs_profile_total(&prof, 0), 7);
		hs_profile_release(&prof);
	}
}

static void expect_error(const pbuf *p, hs_err code, uint64_t offset, const char *needle)
{
	hs_profile prof;
	hs_error e;
	hs_err rc = load(p, &prof, &e);
	if (rc != code)
		fail_msg("got error %d '%s', want %d", rc, e.detail, code);
	if (offset != UINT64_MAX) {
		assert_true(e.has_offset);
		assert_int_equal(e.offset, offset);
	}
	if (needle && !strstr(e.detail, needle))
		fail_msg("error '%s' lacks '%s'", e.detail, needle);
	hs_profile_release(&prof);
}

static void test_truncated(void **state)
{
	(void)state;
	pbuf p = {0};
	basic(&p, 1);
	/* Cut inside the last string: its length says more than remains. */
	p.n -= 2;
	size_t len_at = p.n + 2 - strlen("malloc") - 1;
	expect_error(&p, HS_E_TRUNCATED, len_at, "claims");
	/* A lone continuation byte is a truncated varint. */
	pbuf q = {0};
	q.b[q.n++] = 0x0a;
	q.b[q.n++] = 0x80;
	expect_error(&q, HS_E_TRUNCATED, 1, "varint");
}

static void test_hostile_length(void **state)
{
	(void)state;
	/* A string that claims 4 GB: rejected at its length, nothing allocated. */
	pbuf p = {0};
	pb_raw_varint(&p, 6 << 3 | 2);
	pb_raw_varint(&p, 4ull << 30);
	memcpy(p.b + p.n, "abc", 3);
	p.n += 3;
	expect_error(&p, HS_E_TRUNCATED, 1, "claims 4294967296 bytes");
}

static void test_string_range(void **state)
{
	(void)state;
	pbuf p = {0};
	value_type(&p, 1, 1, 99);   /* unit string 99 does not exist */
	strings(&p);
	expect_error(&p, HS_E_RANGE, 5, "string index 99");
}

static void test_unknown_location(void **state)
{
	(void)state;
	pbuf p = {0};
	value_type(&p, 1, 1, 2);
	sample(&p, (const uint64_t[]){42}, 1, 1, 0);
	strings(&p);
	expect_error(&p, HS_E_INVALID, UINT64_MAX, "unknown location id 42");
}

/* Functions and locations numbered index + 1 (as Go writes them) are
 * resolved by subtraction: the stack comes out as indices, and the ids
 * one past the end are still unknown. */
static void dense_profile(pbuf *p, uint64_t sample_loc, uint64_t line_fn)
{
	value_type(p, 1, 1, 2);
	sample(p, (const uint64_t[]){2, sample_loc}, 2, 7, 1);
	function(p, 1, 6);
	function(p, 2, 3);
	location(p, 1, (const uint64_t[]){1}, 1);
	location(p, 2, (const uint64_t[]){line_fn}, 1);
	strings(p);
}

static void test_dense_ids(void **state)
{
	(void)state;
	pbuf ok = {0};
	dense_profile(&ok, 1, 2);
	hs_profile prof;
	hs_error e;
	assert_int_equal(load(&ok, &prof, &e), HS_OK);
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&prof, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(st[0], 1);
	assert_int_equal(st[1], 0);
	assert_int_equal(hs_line_at(&prof, hs_location_at(&prof, 1)->line_start)->function, 1);
	hs_profile_release(&prof);
	pbuf past_loc = {0};
	dense_profile(&past_loc, 3, 2);
	expect_error(&past_loc, HS_E_INVALID, UINT64_MAX, "unknown location id 3");
	pbuf past_fn = {0};
	dense_profile(&past_fn, 1, 3);
	expect_error(&past_fn, HS_E_INVALID, UINT64_MAX, "unknown function id 3");
}

static void test_value_mismatch(void **state)
{
	(void)state;
	pbuf p = {0};
	value_type(&p, 1, 1, 2);
	value_type(&p, 1, 1, 2);
	sample(&p, NULL, 0, 1, 0);   /* one value for two types */
	strings(&p);
	expect_error(&p, HS_E_INVALID, 14, "has 1 values but the profile has 2");
}

static void test_reserved_function_id(void **state)
{
	(void)state;
	pbuf p = {0};
	value_type(&p, 1, 1, 2);
	function(&p, 0, 3);
	strings(&p);
	expect_error(&p, HS_E_INVALID, UINT64_MAX, "reserved id 0");
}

/* Field number 0 is reserved in protobuf (protoc refuses it): a profile
 * with a field-0 varint after its last field is corrupt, not skipped. */
static void test_field_zero(void **state)
{
	(void)state;
	pbuf p = {0};
	basic(&p, 1);
	p.b[p.n++] = 0x00;   /* tag: field 0, wire type 0 */
	p.b[p.n++] = 0x01;
	expect_error(&p, HS_E_CORRUPT, UINT64_MAX, "invalid field number 0");
}

static void test_not_a_profile(void **state)
{
	(void)state;
	pbuf p = {0};
	memcpy(p.b, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	p.n = 16;
	expect_error(&p, HS_E_FORMAT, 0, "PNG");
	pbuf t = {0};
	strcpy((char *)t.b, "hello world\nthis is text\n");
	t.n = strlen((char *)t.b);
	expect_error(&t, HS_E_FORMAT, 0, "text");
	pbuf empty = {0};
	expect_error(&empty, HS_E_EMPTY, 0, "empty");
}

static void test_gzip(void **state)
{
	(void)state;
	pbuf p = {0}, z = {0};
	basic(&p, 1);
	uLongf zn = sizeof z.b;
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = p.b;
	zs.avail_in = (uInt)p.n;
	zs.next_out = z.b;
	zs.avail_out = (uInt)zn;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	z.n = zs.total_out;
	deflateEnd(&zs);
	hs_profile prof;
	hs_error e;
	assert_int_equal(load(&z, &prof, &e), HS_OK);
	assert_true(prof.gzipped);
	assert_int_equal(prof.decoded_bytes, p.n);
	hs_profile_release(&prof);
	z.n -= 10;   /* drop the trailer and a little data */
	expect_error(&z, HS_E_GZIP, UINT64_MAX, "truncated");
}

static void test_big_ids(void **state)
{
	(void)state;
	/* Julia writes addresses as ids: beyond 32 bits. */
	const uint64_t big = 4866919453ull;
	pbuf p = {0};
	value_type(&p, 1, 1, 2);
	sample(&p, (const uint64_t[]){big}, 1, 3, 1);
	function(&p, big + 7, 3);
	location(&p, big, (const uint64_t[]){big + 7}, 1);
	strings(&p);
	hs_profile prof;
	hs_error e;
	assert_int_equal(load(&p, &prof, &e), HS_OK);
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&prof, 0, &n);
	assert_int_equal(n, 1);
	assert_int_equal(hs_location_at(&prof, st[0])->id, big);
	assert_int_equal(hs_function_at(&prof, 0)->id, big + 7);
	hs_profile_release(&prof);
}

static void test_drop_frames(void **state)
{
	(void)state;
	/* Stack malloc <- main.f <- main.main with drop_frames "malloc": pprof
	 * removes malloc and keeps the rest. */
	pbuf p = {0};
	value_type(&p, 1, 1, 2);
	sample(&p, (const uint64_t[]){1, 2, 3}, 3, 5, 1);
	function(&p, 1, 6);
	function(&p, 2, 3);
	function(&p, 3, 4);
	location(&p, 1, (const uint64_t[]){1}, 1);
	location(&p, 2, (const uint64_t[]){2}, 1);
	location(&p, 3, (const uint64_t[]){3}, 1);
	strings(&p);
	pb_uint(&p, 7, 6);
	hs_profile prof;
	hs_error e;
	assert_int_equal(load(&p, &prof, &e), HS_OK);
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&prof, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(hs_location_at(&prof, st[0])->id, 2);
	assert_int_equal(prof.samples_pruned, 1);
	hs_profile_release(&prof);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile_length),
		cmocka_unit_test(test_string_range),
		cmocka_unit_test(test_unknown_location),
		cmocka_unit_test(test_dense_ids),
		cmocka_unit_test(test_value_mismatch),
		cmocka_unit_test(test_reserved_function_id),
		cmocka_unit_test(test_not_a_profile),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_big_ids),
		cmocka_unit_test(test_drop_frames),
		cmocka_unit_test(test_field_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
