/* hs_input undoing zstd as it undoes gzip: a .zst loads to the profile of
 * the plain file, through the background decompressor (a file) and the
 * synchronous one (a buffer); a cut or corrupt stream fails with
 * HS_E_GZIP at its byte, never crashes; the max_bytes cap holds against a
 * stream whose blocks expand 32768-fold; --exe reads a compressed ELF.
 *
 * Fixtures, written with the zstd CLI 1.5.4:
 *   testdata/pprof/heap.pb.zst              zstd -19 testdata/pprof/heap.pb
 *   testdata/pprof/goroutine-debug2.txt.zst zstd -19 testdata/pprof/goroutine-debug2.txt
 *   testdata/heapdump/graph.sym.zst         zstd --ultra -22 testdata/heapdump/graph.sym
 *
 * go tool pprof -raw testdata/pprof/heap.pb (go1.19.8,
 * PPROF_BINARY_PATH=/nonexistent) lists samples whose values sum to
 *   alloc_objects 6518, alloc_space 9397832, inuse_objects 2011,
 *   inuse_space 4789184. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "temp_file.h"
#include "heapscope/heapdump.h"
#include "heapscope/load.h"

#define TD SOURCE_ROOT "/testdata/"

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(1 << 20);
	assert_non_null(buf);
	*n = fread(buf, 1, 1 << 20, f);
	assert_true(feof(f));
	fclose(f);
	return buf;
}

static void load_file(hs_profile *p, const char *path)
{
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(p);
	hs_err rc = hs_load_profile(p, path, &e);
	if (rc != HS_OK)
		fail_msg("%s: %s", path, e.detail);
}

/* Same samples, values and stacks (both loads intern in the same order). */
static void assert_same_profile(const hs_profile *a, const hs_profile *b)
{
	assert_int_equal(a->nsamples, b->nsamples);
	assert_int_equal(hs_ntypes(a), hs_ntypes(b));
	assert_int_equal(a->decoded_bytes, b->decoded_bytes);
	for (size_t s = 0; s < a->nsamples; s++) {
		assert_memory_equal(hs_sample_values(a, s), hs_sample_values(b, s),
		                    hs_ntypes(a) * sizeof(int64_t));
		uint32_t na, nb;
		const uint32_t *sa = hs_sample_stack(a, s, &na), *sb = hs_sample_stack(b, s, &nb);
		assert_int_equal(na, nb);
		for (uint32_t k = 0; k < na; k++) {
			const hs_location *la = hs_location_at(a, sa[k]), *lb = hs_location_at(b, sb[k]);
			assert_int_equal(la->address, lb->address);
		}
	}
}

/* The totals go tool pprof -raw gives for heap.pb (header comment). */
static void assert_heap_totals(const hs_profile *p)
{
	const int64_t want[4] = {6518, 9397832, 2011, 4789184};
	int64_t sum[4] = {0};
	assert_int_equal(hs_ntypes(p), 4);
	for (size_t s = 0; s < p->nsamples; s++)
		for (int k = 0; k < 4; k++)
			sum[k] += hs_sample_values(p, s)[k];
	assert_memory_equal(sum, want, sizeof want);
}

static void test_heap_zst_file(void **state)
{
	(void)state;
	hs_profile plain, z;
	load_file(&plain, TD "pprof/heap.pb");
	load_file(&z, TD "pprof/heap.pb.zst");
	assert_heap_totals(&plain);
	assert_heap_totals(&z);
	assert_same_profile(&plain, &z);
	assert_true(z.zstd);
	assert_false(z.gzipped);
	assert_false(plain.zstd);
	assert_int_equal(z.input_bytes, 2978);
	assert_int_equal(z.decoded_bytes, 5930);
	hs_profile_release(&plain);
	hs_profile_release(&z);
}

static void test_heap_zst_buffer(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = slurp(TD "pprof/heap.pb.zst", &n);
	hs_profile plain, z;
	hs_error e;
	hs_error_clear(&e);
	load_file(&plain, TD "pprof/heap.pb");
	hs_profile_init(&z);
	assert_int_equal(hs_load_profile_buffer(&z, d, n, 64u << 20, &e), HS_OK);
	assert_heap_totals(&z);
	assert_same_profile(&plain, &z);
	assert_true(z.zstd);
	hs_profile_release(&plain);
	hs_profile_release(&z);
	free(d);
}

static void test_goroutine_dump_zst(void **state)
{
	(void)state;
	hs_profile plain, z;
	load_file(&plain, TD "pprof/goroutine-debug2.txt");
	load_file(&z, TD "pprof/goroutine-debug2.txt.zst");
	assert_true(plain.nsamples > 0);
	assert_same_profile(&plain, &z);
	hs_profile_release(&plain);
	hs_profile_release(&z);
}

/* Load d[0..n) from a buffer and, every `file_every` cuts, from a file
 * (the background decompressor); both must fail alike. */
static hs_err load_both(const uint8_t *d, size_t n, bool file, hs_error *e)
{
	hs_profile p;
	hs_profile_init(&p);
	hs_error_clear(e);
	hs_err rc = hs_load_profile_buffer(&p, d, n, 64u << 20, e);
	hs_profile_release(&p);
	if (!file)
		return rc;
	char path[64];
	hs_error fe;
	hs_error_clear(&fe);
	write_temp(path, d, n);
	hs_profile_init(&p);
	assert_int_equal(hs_load_profile(&p, path, &fe), rc);
	assert_int_equal(fe.offset, e->offset);
	assert_string_equal(fe.detail, e->detail);
	hs_profile_release(&p);
	unlink(path);
	return rc;
}

/* Every cut of the stream past its magic: truncated at the cut. */
static void test_zst_truncated(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = slurp(TD "pprof/heap.pb.zst", &n);
	hs_error e;
	for (size_t cut = 4; cut < n; cut++) {
		hs_err rc = load_both(d, cut, cut % 97 == 0 || cut == n - 1, &e);
		assert_int_equal(rc, HS_E_GZIP);
		assert_true(e.has_offset);
		assert_int_equal(e.offset, cut);
		assert_non_null(strstr(e.detail, "zstd stream is truncated"));
	}
	free(d);
}

static void test_zst_corrupt(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = slurp(TD "pprof/heap.pb.zst", &n);
	hs_error e;
	/* the xxhash checksum, the frame's last 4 bytes */
	d[n - 2] ^= 0xff;
	assert_int_equal(load_both(d, n, true, &e), HS_E_GZIP);
	assert_int_equal(e.offset, n - 4);
	assert_non_null(strstr(e.detail, "corrupt zstd stream"));
	d[n - 2] ^= 0xff;
	/* every byte of the block flipped in turn: an error or, where the
	 * flip lands in data the decoder reads past, the same profile */
	for (size_t i = 4; i < n; i++) {
		d[i] ^= 0x5a;
		hs_err rc = load_both(d, n, i % 211 == 0, &e);
		if (rc != HS_OK)
			assert_true(e.has_offset && e.offset <= n);
		d[i] ^= 0x5a;
	}
	/* garbage after the frame is not a frame */
	uint8_t *more = malloc(n + 8);
	memcpy(more, d, n);
	memcpy(more + n, "garbage!", 8);
	assert_int_equal(load_both(more, n + 8, true, &e), HS_E_GZIP);
	assert_int_equal(e.offset, n);
	free(more);
	free(d);
}

/* A frame of RLE blocks, 128 KiB of zeros each from 4 bytes: `blocks`
 * of them.  No content size in the header: nothing to trust. */
static uint8_t *rle_frame(size_t blocks, size_t *n)
{
	uint8_t *d = malloc(6 + blocks * 4);
	size_t k = 0;
	memcpy(d, "\x28\xb5\x2f\xfd", 4);
	k = 4;
	d[k++] = 0x00;            /* no checksum, no content size, windowed */
	d[k++] = 0x38;            /* window 128 KiB */
	for (size_t b = 0; b < blocks; b++) {
		uint32_t h = (uint32_t)(128 << 10) << 3 | 1u << 1 | (b + 1 == blocks);
		d[k++] = (uint8_t)h;
		d[k++] = (uint8_t)(h >> 8);
		d[k++] = (uint8_t)(h >> 16);
		d[k++] = 0;
	}
	*n = k;
	return d;
}

static void test_zst_cap(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = rle_frame(1024, &n);   /* 128 MiB from 4 KiB */
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_input_from_buffer(&in, d, n, 64u << 20, &e), HS_E_LIMIT);
	assert_non_null(strstr(e.detail, "decompressed data exceeds"));
	hs_input_release(&in);
	char path[64];
	write_temp(path, d, n);
	hs_error_clear(&e);
	assert_int_equal(hs_input_read(&in, path, 64u << 20, &e), HS_E_LIMIT);
	hs_input_release(&in);
	/* uncapped, a file: all of it, in the background reservation */
	hs_error_clear(&e);
	assert_int_equal(hs_input_read(&in, path, 0, &e), HS_OK);
	assert_int_equal(in.len, (size_t)128 << 20);
	assert_true(in.zstd && in.compressed);
	assert_int_equal(in.data[in.len - 1], 0);
	hs_input_release(&in);
	unlink(path);
	free(d);
}

static void test_exe_compressed(void **state)
{
	(void)state;
	hs_symtab plain, z;
	hs_error e;
	hs_error_clear(&e);
	hs_symtab_init(&plain);
	hs_symtab_init(&z);
	assert_int_equal(hs_symtab_load(&plain, TD "heapdump/graph.sym", &e), HS_OK);
	assert_int_equal(hs_symtab_load(&z, TD "heapdump/graph.sym.zst", &e), HS_OK);
	assert_true(plain.n > 100);
	assert_int_equal(plain.n, z.n);
	assert_int_equal(plain.data_addr, z.data_addr);
	assert_int_equal(plain.bss_addr, z.bss_addr);
	for (size_t i = 0; i < plain.n; i++) {
		assert_int_equal(plain.syms[i].addr, z.syms[i].addr);
		assert_string_equal(plain.syms[i].name, z.syms[i].name);
	}
	hs_symtab_release(&z);
	/* cut: the stream's error, not an ELF complaint */
	size_t n;
	uint8_t *d = slurp(TD "heapdump/graph.sym.zst", &n);
	char path[64];
	write_temp(path, d, n / 2);
	hs_symtab_init(&z);
	hs_error_clear(&e);
	assert_int_equal(hs_symtab_load(&z, path, &e), HS_E_GZIP);
	assert_int_equal(e.offset, n / 2);
	hs_symtab_release(&z);
	hs_symtab_release(&plain);
	unlink(path);
	free(d);
}


/* A growable protobuf writer for profiles bigger than pbenc.h's buffer. */
typedef struct bigbuf {
	uint8_t *b;
	size_t n, cap;
} bigbuf;

static void bb_varint(bigbuf *p, uint64_t v)
{
	if (p->n + 16 > p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1 << 16;
		p->b = realloc(p->b, p->cap);
		assert_non_null(p->b);
	}
	for (; v >= 0x80; v >>= 7)
		p->b[p->n++] = (uint8_t)(v | 0x80);
	p->b[p->n++] = (uint8_t)v;
}

static void bb_bytes(bigbuf *p, uint32_t field, const void *d, size_t n)
{
	bb_varint(p, (uint64_t)field << 3 | 2);
	bb_varint(p, n);
	for (size_t i = 0; i < n; i++)
		bb_varint(p, 0), p->b[p->n - 1] = ((const uint8_t *)d)[i];
}

/* sample_type (type string 1, unit 2) */
static void bb_type(bigbuf *p)
{
	bb_bytes(p, 1, "\x08\x01\x10\x02", 4);
}

/* A sample of location `loc` with values v, 2v; returns the offset of
 * its location id. */
static size_t bb_sample(bigbuf *p, uint8_t loc, uint8_t v)
{
	uint8_t m[] = {0x08, loc, 0x10, v, 0x10, (uint8_t)(2 * v)};
	bb_bytes(p, 2, m, sizeof m);
	return p->n - 5;
}

static void bb_tables(bigbuf *p)
{
	bb_bytes(p, 5, "\x08\x01\x10\x03", 4);                 /* function 1 name main.f */
	bb_bytes(p, 4, "\x08\x01\x22\x04\x08\x01\x10\x07", 8); /* location 1, line f:7 */
	const char *str[] = {"", "space", "bytes", "main.f"};
	for (int i = 0; i < 4; i++)
		bb_bytes(p, 6, str[i], strlen(str[i]));
}

#define BIG_SAMPLES 600000   /* 5.4 MB decoded: the loader gives pages back */

/* The pprof loader gives back what it has read of a gzipped file, and
 * reads it again when it must: sample types after the samples (a second
 * pass), and an unknown location id (its offset, found by reading again). */
static void test_pprof_reread_after_drop(void **state)
{
	(void)state;
	bigbuf raw = {0};
	bb_type(&raw);
	for (int i = 0; i < BIG_SAMPLES; i++)
		bb_sample(&raw, 1, (uint8_t)(i % 50 + 1));
	bb_type(&raw);   /* a second type, after every sample */
	bb_tables(&raw);
	char path[64];
	write_gzip_temp(path, raw.b, raw.n);
	hs_profile p;
	load_file(&p, path);
	unlink(path);
	assert_int_equal(hs_ntypes(&p), 2);
	assert_int_equal(p.nsamples, BIG_SAMPLES);
	assert_int_equal(p.decoded_bytes, raw.n);
	/* sum of i%50+1 over 600000 samples: 12000 rounds of 1275 */
	assert_int_equal(hs_profile_total(&p, 0), (int64_t)12000 * 1275);
	assert_int_equal(hs_profile_total(&p, 1), (int64_t)2 * 12000 * 1275);
	hs_profile_release(&p);

	raw.n = 0;
	bb_type(&raw);
	bb_type(&raw);
	size_t bad = 0;
	for (int i = 0; i < BIG_SAMPLES; i++) {
		size_t at = bb_sample(&raw, i == BIG_SAMPLES - 7 ? 42 : 1, 1);
		if (i == BIG_SAMPLES - 7)
			bad = at;
	}
	bb_tables(&raw);
	write_gzip_temp(path, raw.b, raw.n);
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&p);
	assert_int_equal(hs_load_profile(&p, path, &e), HS_E_INVALID);
	unlink(path);
	if (!strstr(e.detail, "unknown location id 42"))
		fail_msg("%s", e.detail);
	assert_true(e.has_offset);
	assert_int_equal(e.offset, bad);
	hs_profile_release(&p);
	free(raw.b);
}

#define RECYCLE_MB 40

/* Page k of the recycling test's stream: its number, then a byte pattern
 * of its own, so a page written to the wrong place is seen. */
static void recycle_page(uint8_t *pg, uint64_t k)
{
	memset(pg, (int)(k * 7 + 1), 4096);
	memcpy(pg, &k, sizeof k);
}

static void check_recycled_stream(hs_input *in)
{
	uint8_t want[4096];
	size_t pos = 0, total = (size_t)RECYCLE_MB << 20;
	hs_input_drop(in, 0);
	while (pos < total) {
		size_t have = hs_input_wait(in, pos + ((size_t)1 << 20));
		assert_true(have > pos);
		for (; pos + 4096 <= have; pos += 4096) {
			recycle_page(want, pos / 4096);
			if (memcmp(in->data + pos, want, 4096) != 0)
				fail_msg("page %zu differs", pos / 4096);
		}
		hs_input_drop(in, pos);
	}
	assert_int_equal(hs_input_wait(in, SIZE_MAX), total);
	assert_true(in->complete);
}

/* Whether the mapping holding addr is advised for huge pages ("hg" among
 * its VmFlags in /proc/self/smaps). */
static bool huge_advised(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false, hg = false;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		} else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			hg = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return hg;
}

/* A streamed gzip input whose pages are given back as read: the inflater
 * writes its later output into those pages again (moved under the bytes
 * it is about to write) and every byte arrives as written, also on a
 * second read after a rewind. */
static void test_recycled_pages(void **state)
{
	(void)state;
	size_t total = (size_t)RECYCLE_MB << 20;
	uint8_t *raw = malloc(total);
	assert_non_null(raw);
	for (size_t k = 0; k < total / 4096; k++)
		recycle_page(raw + k * 4096, k);
	bigbuf b = {raw, total, total};
	char path[64];
	write_gzip_temp(path, b.b, b.n);
	free(raw);
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_input_open(&in, path, 0, &e), HS_OK);
	unlink(path);
	/* chunks are huge pages: on their bound, advised past the first 4 MiB
	 * (a small input keeps small pages) */
	assert_int_equal((uintptr_t)in.data % ((size_t)2 << 20), 0);
	assert_false(huge_advised(in.data));
	assert_true(huge_advised(in.data + ((size_t)4 << 20)));
	check_recycled_stream(&in);
	assert_true(huge_advised(in.data + ((size_t)RECYCLE_MB << 20) - 1));
	/* the reader gives back 1 MiB at a time, at most 4 MiB behind: all but
	 * the first few chunks can be pages used before */
	size_t first = hs_input_recycled(&in);
	if (first == 0)
		fail_msg("no chunk was recycled");
	hs_input_rewind(&in);
	check_recycled_stream(&in);
	assert_true(hs_input_recycled(&in) > first);
	assert_int_equal(hs_input_error(&in, &e), HS_OK);
	hs_input_release(&in);
}

/* zlib's verdict on a one-member gzip stream: NULL when it inflates
 * cleanly, else its message ("truncated" for a cut stream). */
static const char *zlib_verdict(const uint8_t *d, size_t n, char *msg, size_t cap)
{
	static uint8_t out[1 << 16];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (uint8_t *)d;
	zs.avail_in = (uInt)n;
	int zr;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof out;
		zr = inflate(&zs, Z_NO_FLUSH);
	} while (zr == Z_OK);
	const char *v = zr == Z_STREAM_END ? NULL : zr == Z_BUF_ERROR ? "truncated" : zs.msg;
	if (v)
		snprintf(msg, cap, "%s", v);
	inflateEnd(&zs);
	return v ? msg : NULL;
}

/* Whatever inflates gzip (ISA-L when built with it), every verdict on a
 * damaged stream is zlib's: each byte of a small gzipped profile flipped
 * three ways (header flags, deflate data, CRC and ISIZE trailer included),
 * and every cut, loads exactly when zlib inflates it, and fails with
 * zlib's message when zlib does not. */
static void test_gzip_verdicts_are_zlib(void **state)
{
	(void)state;
	size_t n;
	uint8_t *plain = slurp(TD "pprof/heap.pb", &n);
	uLong cap = compressBound(n) + 64;
	uint8_t *z = malloc(cap), *bad = malloc(cap);
	assert_non_null(z);
	assert_non_null(bad);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = (uInt)n;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t zn = zs.total_out;
	deflateEnd(&zs);
	const uint8_t masks[] = {0x01, 0x80, 0x5a};
	size_t checked = 0;
	for (size_t at = 0; at <= zn; at++) {
		for (size_t k = 0; k < sizeof masks + 1; k++) {
			size_t len = zn;
			memcpy(bad, z, zn);
			if (k < sizeof masks && at < zn)
				bad[at] ^= masks[k];
			else if (k == sizeof masks)
				len = at;   /* cut */
			else
				continue;
			char want[128];
			const char *v = zlib_verdict(bad, len, want, sizeof want);
			hs_input in;
			hs_error e;
			hs_error_clear(&e);
			hs_err rc = hs_input_from_buffer(&in, bad, len, 0, &e);
			if (v == NULL) {
				if (rc != HS_OK || in.len != n || memcmp(in.data, plain, n) != 0)
					fail_msg("byte %zu mask %zu: zlib inflates it, heapscope: %s", at, k,
					         e.detail);
			} else if (len >= 2 && bad[0] == 0x1f && bad[1] == 0x8b) {
				if (rc != HS_E_GZIP || !strstr(e.detail, want))
					fail_msg("byte %zu mask %zu: zlib says '%s', heapscope (%d) '%s'", at, k,
					         want, rc, e.detail);
			}
			hs_input_release(&in);
			checked++;
		}
	}
	assert_true(checked > 3 * zn);
	free(bad);
	free(z);
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_zst_file),
		cmocka_unit_test(test_heap_zst_buffer),
		cmocka_unit_test(test_goroutine_dump_zst),
		cmocka_unit_test(test_zst_truncated),
		cmocka_unit_test(test_zst_corrupt),
		cmocka_unit_test(test_zst_cap),
		cmocka_unit_test(test_exe_compressed),
		cmocka_unit_test(test_pprof_reread_after_drop),
		cmocka_unit_test(test_recycled_pages),
		cmocka_unit_test(test_gzip_verdicts_are_zlib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
