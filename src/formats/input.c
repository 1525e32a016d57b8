/* Reading inputs: files, stdin, gzip.  See include/heapscope/load.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "heapscope/load.h"

void hs_input_release(hs_input *in)
{
	if (in->map)
		munmap(in->map, in->map_len);
	else
		free(in->data);
	memset(in, 0, sizeof *in);
}

static int is_gzip(const uint8_t *d, size_t n)
{
	return n >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}

/* Inflate all gzip members.  The output grows geometrically from a guess
 * bounded by the *compressed* size: the ISIZE trailer is not trusted. */
static hs_err gunzip(hs_input *out, const uint8_t *src, size_t n, uint64_t max,
                     hs_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return hs_fail(err, HS_E_NOMEM, NULL);
	size_t cap = n < ((size_t)1 << 28) ? n * 4 + 4096 : n;
	uint8_t *buf = malloc(cap);
	size_t len = 0;
	hs_err rc = HS_OK;
	if (!buf) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto done;
	}
	zs.next_in = (Bytef *)src;
	size_t fed = 0;
	for (;;) {
		if (zs.avail_in == 0 && fed < n) {
			size_t chunk = n - fed > (1u << 30) ? (1u << 30) : n - fed;
			zs.next_in = (Bytef *)src + fed;
			zs.avail_in = (uInt)chunk;
			fed += chunk;
		}
		if (len == cap) {
			if (max && cap >= max) {
				rc = hs_fail_at(err, HS_E_LIMIT, zs.total_in,
				                "decompressed data exceeds %llu bytes",
				                (unsigned long long)max);
				goto done;
			}
			size_t ncap = cap * 2;
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				rc = hs_fail(err, HS_E_NOMEM, "out of memory inflating %zu bytes", ncap);
				goto done;
			}
			buf = nb;
			cap = ncap;
		}
		size_t room = cap - len > (1u << 30) ? (1u << 30) : cap - len;
		zs.next_out = buf + len;
		zs.avail_out = (uInt)room;
		uint64_t in_before = (uint64_t)(src + fed - zs.avail_in - src);
		int zr = inflate(&zs, Z_NO_FLUSH);
		len += room - zs.avail_out;
		if (zr == Z_STREAM_END) {
			size_t consumed = fed - zs.avail_in;
			/* Another member follows (gzip allows concatenation), else done. */
			if (consumed < n && is_gzip(src + consumed, n - consumed)) {
				inflateReset(&zs);
				continue;
			}
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && fed == n) {
			rc = hs_fail_at(err, HS_E_GZIP, n,
			                "gzip stream is truncated (%zu bytes inflated so far)", len);
			goto done;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = hs_fail_at(err, HS_E_GZIP, in_before, "corrupt gzip stream: %s",
			                zs.msg ? zs.msg : "inflate failed");
			goto done;
		}
	}
	out->data = buf;
	out->len = len;
	out->gzipped = true;
	buf = NULL;
done:
	free(buf);
	inflateEnd(&zs);
	return rc;
}

hs_err hs_input_from_buffer(hs_input *in, const uint8_t *data, size_t n,
                            uint64_t max, hs_error *err)
{
	memset(in, 0, sizeof *in);
	in->file_bytes = n;
	if (is_gzip(data, n))
		return gunzip(in, data, n, max, err);
	in->data = malloc(n ? n : 1);
	if (!in->data)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (n)
		memcpy(in->data, data, n);
	in->len = n;
	return HS_OK;
}

static hs_err slurp(int fd, uint8_t **out, size_t *outlen, hs_error *err)
{
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (;;) {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return hs_fail(err, HS_E_NOMEM, NULL);
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return hs_fail(err, HS_E_IO, "read failed: %s", strerror(errno));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return HS_OK;
}

hs_err hs_input_read(hs_input *in, const char *path, uint64_t max, hs_error *err)
{
	memset(in, 0, sizeof *in);
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hs_fail(err, HS_E_IO, "%s", strerror(errno));
	struct stat st;
	hs_err rc = HS_OK;
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	void *map = NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = hs_fail(err, HS_E_IO, "is a directory");
		goto out;
	}
	if (fd != STDIN_FILENO && S_ISREG(st.st_mode) && st.st_size > 0) {
		/* mmap regular files: an uncompressed profile is then parsed in
		 * place from the page cache, without a private copy. */
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			map = NULL;
	}
	if (map) {
		raw = map;
		rawlen = (size_t)st.st_size;
	} else if ((rc = slurp(fd, &raw, &rawlen, err)) != HS_OK) {
		goto out;
	}
	in->file_bytes = rawlen;
	if (is_gzip(raw, rawlen)) {
		rc = gunzip(in, raw, rawlen, max, err);
		in->file_bytes = rawlen;
		if (map)
			munmap(map, rawlen);
		else
			free(raw);
	} else if (map) {
		in->data = raw;
		in->len = rawlen;
		in->map = map;
		in->map_len = rawlen;
	} else {
		in->data = raw;
		in->len = rawlen;
	}
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
