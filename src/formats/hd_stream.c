/* Streaming decompression for heap dumps; see hd_stream.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "hd_stream.h"

enum { OUT_CHUNK = 1 << 20, IN_CHUNK = 1 << 18 };

const char *hd_stream_compression(const hd_stream *s)
{
	return s->kind == HD_GZIP ? "gzip" : s->kind == HD_ZSTD ? "zstd" : "none";
}

void hd_stream_mem(hd_stream *s, const uint8_t *data, size_t n)
{
	memset(s, 0, sizeof *s);
	s->kind = HD_MEM;
	s->fd = -1;
	s->buf = (uint8_t *)data;    /* never written: HD_MEM does not refill */
	s->cap = s->end = n;
	s->eof = true;
	s->file_bytes = n;
}

static hs_err start_decoder(hd_stream *s, hs_error *err);

hs_err hd_stream_mem_any(hd_stream *s, const uint8_t *data, size_t n, hs_error *err)
{
	hd_stream_mem(s, data, n);
	if (!(n >= 2 && data[0] == 0x1f && data[1] == 0x8b) &&
	    !(n >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd))
		return HS_OK;
	/* compressed: the memory is the input side, read once */
	s->in = (uint8_t *)data;
	s->inend = n;
	s->in_eof = true;
	s->in_borrowed = true;
	s->eof = false;
	s->end = 0;
	s->cap = OUT_CHUNK + HD_MAX_NEED;
	s->kind = HD_PLAIN;
	if (!(s->buf = malloc(s->cap)))
		return hs_fail(err, HS_E_NOMEM, NULL);
	return start_decoder(s, err);
}

static void set_error(hd_stream *s, hs_err rc, const char *what)
{
	if (s->rc == HS_OK) {
		s->rc = rc;
		snprintf(s->msg, sizeof s->msg, "%s", what);
	}
	s->eof = true;
}

/* Compressed input: false at the end of the file or on a read error. */
static bool read_in(hd_stream *s)
{
	if (s->inpos < s->inend)
		return true;
	if (s->in_eof)
		return false;
	for (;;) {
		ssize_t r = read(s->fd, s->in, IN_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_error(s, HS_E_IO, strerror(errno));
			return false;
		}
		s->inpos = 0;
		s->inend = (size_t)r;
		s->file_bytes += (size_t)r;
		if (r == 0)
			s->in_eof = true;
		return r > 0;
	}
}

/* Decompress or read into buf[end..cap); false when nothing more comes. */
static bool produce(hd_stream *s)
{
	size_t room = s->cap - s->end;
	if (s->kind == HD_PLAIN) {
		ssize_t r;
		do
			r = read(s->fd, s->buf + s->end, room);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			set_error(s, HS_E_IO, strerror(errno));
			return false;
		}
		s->end += (size_t)r;
		s->file_bytes += (size_t)r;
		return r > 0;
	}
	if (s->kind == HD_GZIP) {
		z_stream *zs = s->z;
		if (s->zdone) {
			/* gzip allows members back to back; anything else ends it */
			if (!read_in(s) || s->in[s->inpos] != 0x1f)
				return false;
			inflateReset(zs);
			s->zdone = false;
		}
		if (!read_in(s)) {
			if (s->rc == HS_OK)
				set_error(s, HS_E_GZIP, "gzip stream is truncated");
			return false;
		}
		zs->next_in = s->in + s->inpos;
		zs->avail_in = (uInt)(s->inend - s->inpos);
		zs->next_out = s->buf + s->end;
		zs->avail_out = (uInt)room;
		int zr = inflate(zs, Z_NO_FLUSH);
		s->inpos = s->inend - zs->avail_in;
		s->end = (size_t)(zs->next_out - s->buf);
		if (zr == Z_STREAM_END)
			s->zdone = true;
		else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			char m[120];
			snprintf(m, sizeof m, "corrupt gzip stream: %s", zs->msg ? zs->msg : "inflate failed");
			set_error(s, HS_E_GZIP, m);
		}
		return true;
	}
	/* zstd */
	if (!read_in(s)) {
		if (s->rc == HS_OK && !s->zdone)
			set_error(s, HS_E_GZIP, "zstd stream is truncated");
		return false;
	}
	ZSTD_inBuffer ib = {s->in, s->inend, s->inpos};
	ZSTD_outBuffer ob = {s->buf, s->cap, s->end};
	size_t zr = ZSTD_decompressStream(s->z, &ob, &ib);
	s->inpos = ib.pos;
	s->end = ob.pos;
	if (ZSTD_isError(zr)) {
		char m[120];
		snprintf(m, sizeof m, "corrupt zstd stream: %s", ZSTD_getErrorName(zr));
		set_error(s, HS_E_GZIP, m);
	}
	s->zdone = zr == 0;
	return true;
}

size_t hd_stream_fill(hd_stream *s, size_t need)
{
	if (s->end - s->pos >= need || s->eof)
		return s->end - s->pos;
	/* Slide what is left to the front, keeping a chunk of room. */
	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->end - s->pos);
		s->base += s->pos;
		s->end -= s->pos;
		s->pos = 0;
	}
	while (s->end < need && !s->eof) {
		size_t before = s->end;
		if (s->max && s->base + s->end >= s->max) {
			set_error(s, HS_E_LIMIT, "decompressed data exceeds the limit");
			break;
		}
		bool more = produce(s);
		if (!more && s->end == before)
			s->eof = true;
	}
	return s->end - s->pos;
}

hs_err hd_stream_open(hd_stream *s, const char *path, hs_error *err)
{
	memset(s, 0, sizeof *s);
	s->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return hs_fail(err, HS_E_IO, "%s", strerror(errno));
	s->kind = HD_PLAIN;
	s->cap = OUT_CHUNK + HD_MAX_NEED;
	s->buf = malloc(s->cap);
	s->in = malloc(IN_CHUNK);
	if (!s->buf || !s->in)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (!read_in(s)) {
		if (s->rc != HS_OK)
			return hs_fail(err, s->rc, "read failed: %s", s->msg);
		s->eof = true;
		return HS_OK;
	}
	return start_decoder(s, err);
}

/* Pick the decoder from the first compressed bytes. */
static hs_err start_decoder(hd_stream *s, hs_error *err)
{
	const uint8_t *m = s->in;
	size_t n = s->inend;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		z_stream *zs = calloc(1, sizeof *zs);
		if (!zs || inflateInit2(zs, 15 + 16) != Z_OK) {
			free(zs);
			return hs_fail(err, HS_E_NOMEM, NULL);
		}
		s->z = zs;
		s->kind = HD_GZIP;
	} else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		if (!(s->z = ZSTD_createDStream()))
			return hs_fail(err, HS_E_NOMEM, NULL);
		ZSTD_initDStream(s->z);
		s->kind = HD_ZSTD;
	} else {
		/* plain: the bytes already read are the first output */
		memcpy(s->buf, s->in, n);
		s->end = n;
		s->inpos = s->inend = 0;
	}
	return HS_OK;
}

void hd_stream_close(hd_stream *s)
{
	if (s->kind == HD_MEM) {
		memset(s, 0, sizeof *s);
		return;
	}
	if (s->kind == HD_GZIP && s->z)
		inflateEnd(s->z);
	free(s->kind == HD_GZIP ? s->z : NULL);
	if (s->kind == HD_ZSTD && s->z)
		ZSTD_freeDStream(s->z);
	if (s->fd > STDIN_FILENO)
		close(s->fd);
	free(s->buf);
	if (!s->in_borrowed)
		free(s->in);
	memset(s, 0, sizeof *s);
}
