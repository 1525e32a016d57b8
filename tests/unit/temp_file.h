/* Temporary files for the unit tests that read inputs through
 * hs_input_open (a file mapping, or the background inflater).  Include
 * after cmocka.h. */
#ifndef HS_TEST_TEMP_FILE_H
#define HS_TEST_TEMP_FILE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Write bytes to a fresh temporary file; its path (64 bytes) is in `path`. */
static inline void write_temp(char *path, const uint8_t *d, size_t n)
{
	strcpy(path, "/tmp/hs-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, d, n), (ssize_t)n);
	close(fd);
}

/* The same, gzipped (level 1). */
static inline void write_gzip_temp(char *path, const uint8_t *d, size_t n)
{
	uLong cap = compressBound(n) + 64;
	uint8_t *z = malloc(cap);
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_non_null(z);
	assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (uint8_t *)d;
	zs.avail_in = (uInt)n;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	write_temp(path, z, zs.total_out);
	deflateEnd(&zs);
	free(z);
}

#endif
