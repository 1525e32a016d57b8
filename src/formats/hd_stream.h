/* A forward-only byte stream over a plain, gzip or zstd file (or memory),
 * decompressing as the parser asks: a heap dump is never held whole.
 * Offsets count decompressed bytes. */
#ifndef HS_HD_STREAM_H
#define HS_HD_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/error.h"

typedef struct hd_stream {
	uint8_t *buf;
	size_t cap, pos, end;
	uint64_t base;            /* stream offset of buf[0] */
	bool eof;                 /* no bytes beyond end */
	int kind;                 /* HD_MEM, HD_PLAIN, HD_GZIP, HD_ZSTD */
	int fd;
	uint8_t *in;              /* compressed bytes read from fd */
	size_t inpos, inend;
	bool in_eof;
	bool in_borrowed;         /* `in` is the caller's memory */
	void *z;                  /* z_stream or ZSTD_DStream */
	bool zdone;               /* gzip: member ended, look for another */
	uint64_t file_bytes;
	uint64_t max;             /* cap on decompressed bytes, 0: none */
	hs_err rc;                /* decompression or read error, at the end of good bytes */
	char msg[160];
} hd_stream;

enum { HD_MEM, HD_PLAIN, HD_GZIP, HD_ZSTD };

hs_err hd_stream_open(hd_stream *s, const char *path, hs_error *err);
void hd_stream_mem(hd_stream *s, const uint8_t *data, size_t n);
/* Memory that may be gzip or zstd compressed. */
hs_err hd_stream_mem_any(hd_stream *s, const uint8_t *data, size_t n, hs_error *err);
void hd_stream_close(hd_stream *s);
/* Make at least `need` bytes available from pos (fewer at the end of the
 * stream); returns the bytes available.  need <= HD_MAX_NEED. */
size_t hd_stream_fill(hd_stream *s, size_t need);
#define HD_MAX_NEED ((size_t)1 << 16)
static inline uint64_t hd_stream_offset(const hd_stream *s) { return s->base + s->pos; }
const char *hd_stream_compression(const hd_stream *s);

#endif
