/* Reading inputs: files, stdin, gzip, zstd.  See include/heapscope/load.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#ifdef HS_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "heapscope/arena.h"
#include "heapscope/load.h"

/* The background decompressor (gzip or zstd): writes into one large
 * reservation of address space (MAP_NORESERVE: pages cost memory only once
 * written), so the bytes already handed to the parser never move. */
typedef struct bg_inflate {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const uint8_t *src;
	size_t srclen;
	void *srcmap;          /* the compressed file: mmap'd ... */
	uint8_t *srcbuf;       /* ... or read into memory */
	uint8_t *out;
	size_t reserve;
	size_t avail;          /* guarded by mu; read racily via __atomic */
	bool done, stop;
	/* Backpressure for streaming readers (hs_input_drop): the inflater
	 * stays at most LEAD bytes ahead of what was given back, unless the
	 * reader is waiting for bytes (hungry), so neither waits on the other. */
	bool bounded, hungry;
	size_t consumed;
	uint64_t max;
	bool growable;         /* synchronous use: out may be reallocated */
	bool keep_src;         /* background use: src stays until release (rewind) */
	bool joined;           /* no thread to stop (a rewind inflated in the foreground) */
	size_t src_dropped;    /* compressed bytes before this were given back */
	bool zstd;             /* a zstd stream, else gzip */
	/* Pages given back are used again (recycle_ahead): the reader hands
	 * whole chunks of the reservation over (guarded by mu) and the
	 * inflater moves their pages ahead of where it writes, so a streamed
	 * input of any size faults in about LEAD of fresh pages, not all. */
	size_t spare[8];       /* chunk offsets given back, not yet moved */
	size_t nspare;
	size_t ready_to;       /* output below this was prepared (recycled or faulted in) */
	size_t moves;          /* chunks moved so far (MAX_MOVES) */
	hs_error err;
	hs_err rc;
} bg_inflate;

#define LEAD ((size_t)4 << 20)
/* A huge page: chunks move as whole page-table entries of 2 MiB. */
#define CHUNK ((size_t)2 << 20)
/* Output past this lies on huge pages (MADV_HUGEPAGE): written once in
 * order and read once, a stream of 4 KiB pages costs a TLB miss a page
 * on each side (0.47 -> 0.25 s of inflate CPU for 72 MB in a VM, bench/
 * README.md); below it a small input does not pay to zero 2 MiB. */
#define HUGE_FROM ((size_t)4 << 20)
#define NSPARE (sizeof ((bg_inflate *)0)->spare / sizeof(size_t))

/* Each move splits the mapping (a kernel has some 65,000 mappings a
 * process): past this many the pages are faulted in as before. */
#define MAX_MOVES 16384

/* Move the pages of the given-back chunk src under dst, leaving src
 * mapped and empty; false (src untouched) when the kernel will not.
 * MREMAP_DONTUNMAP does both in one step: moving the pages and then
 * mapping src anew would leave a hole for a moment, and a mapping another
 * thread makes then (a calloc of a megabyte, say) could land in it and be
 * wiped by the second step. */
static bool move_chunk(bg_inflate *b, uint8_t *src, uint8_t *dst)
{
#ifdef MREMAP_DONTUNMAP
	if (b->moves < MAX_MOVES &&
	    mremap(src, CHUNK, CHUNK, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst) == dst) {
		b->moves++;
		return true;
	}
	b->moves = MAX_MOVES;   /* a kernel before 5.7: give pages back instead */
#else
	(void)b, (void)src, (void)dst;
#endif
	return false;
}

/* Before the inflater writes below `upto`: move given-back pages under
 * the chunks it is about to write, which it has never touched, instead of
 * faulting fresh zeroed pages in one by one.  The hole a move leaves is
 * mapped anew, so a stray read of given-back bytes still reads zeros. */
static void recycle_ahead(bg_inflate *b, size_t upto)
{
	if (b->growable)
		return;
	while (b->ready_to < upto && b->ready_to + CHUNK <= b->reserve) {
		size_t from = SIZE_MAX;
		pthread_mutex_lock(&b->mu);   /* once a chunk: cheap */
		if (b->nspare)
			from = b->spare[--b->nspare];
		pthread_mutex_unlock(&b->mu);
		uint8_t *dst = b->out + b->ready_to, *src = from == SIZE_MAX ? NULL : b->out + from;
		/* a chunk below HUGE_FROM holds small pages: given back, not
		 * moved into the huge-page part */
		if (src && (from < HUGE_FROM || !move_chunk(b, src, dst)))
			madvise(src, CHUNK, MADV_DONTNEED);
		b->ready_to += CHUNK;
	}
}

static void bg_publish(bg_inflate *b, size_t avail, bool done)
{
	pthread_mutex_lock(&b->mu);
	/* Never backwards: zlib may redo what ISA-L published (same bytes). */
	if (avail < b->avail)
		avail = b->avail;
	__atomic_store_n(&b->avail, avail, __ATOMIC_RELEASE);
	b->done = done;
	if (done)   /* chunks no longer to be written over: given back */
		for (; b->nspare; b->nspare--)
			madvise(b->out + b->spare[b->nspare - 1], CHUNK, MADV_DONTNEED);
	pthread_cond_broadcast(&b->cv);
	while (!done && b->bounded && avail - b->consumed > LEAD && !b->hungry && !b->stop)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
}

static size_t page_size(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	return pg > 0 ? (size_t)pg : 4096;
}

/* The compressed file's pages before `used` are read: give them back (a
 * rewind reads them from the file again). */
static void src_drop(bg_inflate *b, size_t used)
{
	size_t page = page_size(), to = used / page * page;
	if (b->srcmap && to > b->src_dropped + (1u << 20) &&
	    madvise((uint8_t *)b->srcmap + b->src_dropped, to - b->src_dropped, MADV_DONTNEED) == 0)
		b->src_dropped = to;
}

static void bg_free(bg_inflate *b)
{
	if (b->srcmap)
		munmap(b->srcmap, b->srclen);
	free(b->srcbuf);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	free(b);
}

static void bg_stop(bg_inflate *b)
{
	if (b->joined)
		return;
	b->joined = true;
	pthread_mutex_lock(&b->mu);
	b->stop = true;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	pthread_join(b->thread, NULL);
}

void hs_input_release(hs_input *in)
{
	bg_inflate *b = in->bg;
	if (b) {
		bg_stop(b);
		munmap(b->out, b->reserve);
		bg_free(b);
	} else if (in->map) {
		munmap(in->map, in->map_len);
		close(in->map_fd);
	} else {
		free(in->data);
	}
	memset(in, 0, sizeof *in);
}

static int is_gzip(const uint8_t *d, size_t n)
{
	return n >= 2 && d[0] == 0x1f && d[1] == 0x8b;
}

/* A zstd frame, or a skippable frame (pzstd and seekable zstd start with
 * one) that a zstd frame follows. */
static int is_zstd(const uint8_t *d, size_t n)
{
	return n >= 4 && ((d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd) ||
	                  ((d[0] & 0xf0) == 0x50 && d[1] == 0x2a && d[2] == 0x4d && d[3] == 0x18));
}

/* Room for `step` more output bytes.  A background reservation cannot
 * move (the parser holds pointers into it); the synchronous buffer may. */
static bool out_room(bg_inflate *b, size_t len, size_t step)
{
	if (b->reserve - len >= step)
		return true;
	if (!b->growable)
		return b->reserve > len;
	size_t cap = b->reserve * 2 > len + step ? b->reserve * 2 : len + step;
	if (b->max && cap > b->max + step)
		cap = b->max + step;
	uint8_t *nb = cap > b->reserve ? realloc(b->out, cap) : NULL;
	if (!nb)
		return b->reserve > len;
	b->out = nb;
	b->reserve = cap;
	return true;
}

/* Room for the next step of output, or the error that there is none:
 * over the cap (max_bytes) or out of memory.  `at`: compressed offset. */
static bool out_next(bg_inflate *b, size_t len, size_t step, uint64_t at)
{
	bool over = b->max && len >= b->max;
	if (!over && out_room(b, len, step))
		return true;
	b->rc = hs_fail_at(&b->err, over ? HS_E_LIMIT : HS_E_NOMEM, at,
	                   "decompressed data exceeds %zu bytes", len);
	return false;
}

#ifdef HS_HAVE_ISAL
/* A member header ISA-L reads differently from zlib: reserved flag bits
 * (zlib refuses them, ISA-L ignores them) or a header CRC. */
static bool isal_odd_header(const uint8_t *d, size_t n)
{
	return n < 4 || (d[3] & 0xe2) != 0;
}

/* The fast path: ISA-L's inflate (about 1.7x zlib's speed here, see
 * README, Dependencies), streaming as zlib does.  It only has to be right
 * on good input: on anything else (an error, a cut stream, the size cap, a
 * header it reads otherwise) it returns false and zlib inflates again from
 * the start, so every verdict on a bad stream, with its offset and wording,
 * is zlib's.  The bytes already published are the same either way. */
static bool inflate_isal(bg_inflate *b, size_t *out_len)
{
	struct inflate_state *st = malloc(sizeof *st);
	size_t len = 0;
	const size_t step = 1u << 20;
	bool ok = false;
	if (!st || isal_odd_header(b->src, b->srclen)) {
		free(st);
		return false;
	}
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;
	size_t fed = 0;
	for (;;) {
		if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
			ok = true;
			break;
		}
		if (st->avail_in == 0 && fed < b->srclen) {
			size_t chunk = b->srclen - fed > (1u << 30) ? (1u << 30) : b->srclen - fed;
			st->next_in = (uint8_t *)b->src + fed;
			st->avail_in = (uint32_t)chunk;
			fed += chunk;
		}
		if ((b->max && len >= b->max) || !out_room(b, len, step))
			break;
		size_t room = b->reserve - len < step ? b->reserve - len : step;
		recycle_ahead(b, len + room);
		st->next_out = b->out + len;
		st->avail_out = (uint32_t)room;
		int zr = isal_inflate(st);
		len += room - st->avail_out;
		if (zr != ISAL_DECOMP_OK)
			break;
		if (st->block_state == ISAL_BLOCK_FINISH) {
			size_t used = fed - st->avail_in;
			if (used < b->srclen && is_gzip(b->src + used, b->srclen - used)) {
				if (isal_odd_header(b->src + used, b->srclen - used))
					break;
				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP;
				st->next_in = (uint8_t *)b->src + used;
				st->avail_in = (uint32_t)(fed - used);
				bg_publish(b, len, false);
				continue;
			}
			ok = true;
			break;
		}
		if (st->avail_in == 0 && fed == b->srclen && st->avail_out != 0)
			break;   /* cut short: zlib says where */
		src_drop(b, fed - st->avail_in);
		bg_publish(b, len, false);
	}
	free(st);
	*out_len = len;
	return ok;
}
#endif

/* Inflate every gzip member of src into b->out, publishing progress.
 * The output grows as data arrives: the ISIZE trailer is not trusted. */
static size_t inflate_all(bg_inflate *b)
{
#ifdef HS_HAVE_ISAL
	size_t fast_len;
	if (inflate_isal(b, &fast_len))
		return fast_len;
#endif
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	size_t len = 0, fed = 0;
	const size_t step = 1u << 20;
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		b->rc = hs_fail(&b->err, HS_E_NOMEM, NULL);
		return 0;
	}
	for (;;) {
		if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED))
			break;
		if (zs.avail_in == 0 && fed < b->srclen) {
			size_t chunk = b->srclen - fed > (1u << 30) ? (1u << 30) : b->srclen - fed;
			zs.next_in = (Bytef *)b->src + fed;
			zs.avail_in = (uInt)chunk;
			fed += chunk;
		}
		if (!out_next(b, len, step, fed - zs.avail_in))
			break;
		size_t room = b->reserve - len < step ? b->reserve - len : step;
		uint64_t at = fed - zs.avail_in;
		recycle_ahead(b, len + room);
		zs.next_out = b->out + len;
		zs.avail_out = (uInt)room;
		int zr = inflate(&zs, Z_NO_FLUSH);
		len += room - zs.avail_out;
		if (zr == Z_STREAM_END) {
			size_t consumed = fed - zs.avail_in;
			/* Another member follows (gzip allows concatenation), else done. */
			if (consumed < b->srclen && is_gzip(b->src + consumed, b->srclen - consumed)) {
				inflateReset(&zs);
				bg_publish(b, len, false);
				continue;
			}
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && fed == b->srclen) {
			b->rc = hs_fail_at(&b->err, HS_E_GZIP, b->srclen,
			                   "gzip stream is truncated (%zu bytes inflated so far)", len);
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			/* zlib stops right after the bad bits: the last byte it took. */
			uint64_t bad = fed - zs.avail_in;
			b->rc = hs_fail_at(&b->err, HS_E_GZIP, bad > at ? bad - 1 : at,
			                   "corrupt gzip stream: %s", zs.msg ? zs.msg : "inflate failed");
			break;
		}
		src_drop(b, fed - zs.avail_in);
		bg_publish(b, len, false);
	}
	inflateEnd(&zs);
	return len;
}

/* The bytes the zstd decoder needs to read a frame header's size. */
#define ZSTD_HEADER_MIN 5

/* Decompress every zstd frame of src into b->out, publishing progress.
 * The frame content size is not trusted: the output grows as data
 * arrives.  The decoder is given no more input than it asks for (its
 * hint: the next block with its header), so a bad block is reported at
 * the byte where it starts, a bad checksum where the checksum is. */
static size_t unzstd_all(bg_inflate *b)
{
	ZSTD_DStream *zs = ZSTD_createDStream();
	size_t len = 0;
	const size_t step = 1u << 20;
	if (!zs) {
		b->rc = hs_fail(&b->err, HS_E_NOMEM, NULL);
		return 0;
	}
	ZSTD_inBuffer ib = {b->src, 0, 0};
	size_t hint = ZSTD_HEADER_MIN;
	while (!__atomic_load_n(&b->stop, __ATOMIC_RELAXED) && out_next(b, len, step, ib.pos)) {
		size_t room = b->reserve - len < step ? b->reserve - len : step;
		recycle_ahead(b, len + room);
		ZSTD_outBuffer ob = {b->out + len, room, 0};
		size_t at = ib.pos;
		if (ib.size == ib.pos)
			ib.size = b->srclen - ib.pos > hint ? ib.pos + hint : b->srclen;
		size_t zr = ZSTD_decompressStream(zs, &ob, &ib);
		len += ob.pos;
		if (ZSTD_isError(zr)) {
			b->rc = hs_fail_at(&b->err, HS_E_GZIP, at, "corrupt zstd stream: %s",
			                   ZSTD_getErrorName(zr));
			break;
		}
		hint = zr ? zr : ZSTD_HEADER_MIN;
		src_drop(b, ib.pos);
		if (ib.pos == b->srclen && ob.pos < room) {
			/* all input taken and the output flushed: the end, or cut */
			if (zr != 0)
				b->rc = hs_fail_at(&b->err, HS_E_GZIP, b->srclen,
				                   "zstd stream is truncated (%zu bytes decompressed so far)",
				                   len);
			break;
		}
		bg_publish(b, len, false);
	}
	ZSTD_freeDStream(zs);
	return len;
}

static void decompress_all(bg_inflate *b)
{
	size_t len = b->zstd ? unzstd_all(b) : inflate_all(b);
	/* The compressed bytes are no longer needed: give their memory back
	 * while the parser goes on (kept mapped for a rewind). */
	if (b->keep_src) {
		src_drop(b, b->srclen);
		bg_publish(b, len, true);
		return;
	}
	if (b->srcmap)
		munmap(b->srcmap, b->srclen);
	free(b->srcbuf);
	b->srcmap = NULL;
	b->srcbuf = NULL;
	bg_publish(b, len, true);
}

static void *bg_main(void *arg)
{
	decompress_all(arg);
	return NULL;
}

/* Decompress in the calling thread into a heap buffer (fuzzing, tests,
 * and machines that refuse a large address reservation). */
static hs_err decompress(hs_input *in, const uint8_t *src, size_t n, void *srcmap,
                         uint8_t *srcbuf, uint64_t max, hs_error *err)
{
	bg_inflate b = {.src = src, .srclen = n, .srcmap = srcmap, .srcbuf = srcbuf,
	                .max = max, .growable = true, .zstd = is_zstd(src, n)};
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.cv, NULL);
	b.reserve = n < ((size_t)1 << 28) ? n * 4 + 4096 : n;
	b.out = malloc(b.reserve);
	if (!b.out) {
		b.rc = hs_fail(&b.err, HS_E_NOMEM, NULL);
		if (srcmap)
			munmap(srcmap, n);
		free(srcbuf);
	} else {
		decompress_all(&b);
	}
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.cv);
	in->data = b.out;
	in->len = b.avail;
	in->compressed = true;
	in->zstd = b.zstd;
	in->complete = true;
	if (b.rc != HS_OK && err && err->code == HS_OK)
		*err = b.err;
	return b.rc;
}

/* Start inflating src in the background; false if the reservation or the
 * thread cannot be had (the caller then inflates in the foreground). */
static bool bg_start(hs_input *in, const uint8_t *src, size_t n, void *srcmap,
                     uint8_t *srcbuf, uint64_t max)
{
	bg_inflate *b = calloc(1, sizeof *b);
	if (!b)
		return false;
	/* deflate expands at most 1032:1, zstd (RLE blocks) some 32768:1; a
	 * reservation that large costs address space only. */
	bool zstd = is_zstd(src, n);
	size_t ratio = zstd ? 32800 : 1040;
	size_t reserve = n > ((size_t)1 << 36) / ratio ? ((size_t)1 << 36) : n * ratio + (1u << 20);
	if (max && reserve > max + (1u << 20))
		reserve = max + (1u << 20);
	reserve = (reserve + CHUNK - 1) / CHUNK * CHUNK;
	/* on a chunk bound, so chunks are huge pages */
	uint8_t *out = hs_map_bound(reserve, MAP_NORESERVE, HUGE_FROM);
	if (!out) {
		free(b);
		return false;
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	b->src = src;
	b->srclen = n;
	b->out = out;
	b->reserve = reserve;
	b->max = max;
	b->zstd = zstd;
	b->keep_src = true;
	if (pthread_create(&b->thread, NULL, bg_main, b) != 0) {
		munmap(out, reserve);
		pthread_mutex_destroy(&b->mu);
		pthread_cond_destroy(&b->cv);
		free(b);
		return false;
	}
	b->srcmap = srcmap;
	b->srcbuf = srcbuf;
	in->bg = b;
	in->data = out;
	in->len = 0;
	in->compressed = true;
	in->zstd = zstd;
	return true;
}

size_t hs_input_wait(hs_input *in, size_t upto)
{
	bg_inflate *b = in->bg;
	if (!b || in->complete || in->len >= upto)
		return in->len;
	size_t avail = __atomic_load_n(&b->avail, __ATOMIC_ACQUIRE);
	if (avail < upto) {
		pthread_mutex_lock(&b->mu);
		b->hungry = true;
		pthread_cond_broadcast(&b->cv);
		while (!b->done && b->avail < upto)
			pthread_cond_wait(&b->cv, &b->mu);
		b->hungry = false;
		avail = b->avail;
		in->complete = b->done;
		pthread_mutex_unlock(&b->mu);
	}
	in->len = avail;
	return avail;
}

void hs_input_drop(hs_input *in, size_t upto)
{
	bg_inflate *b = in->bg;
	uint8_t *base = in->map ? in->map : b ? b->out : NULL;
	if (!base || upto > in->len)
		return;
	size_t page = page_size();
	size_t from = (in->dropped + page - 1) / page * page, to = upto / page * page;
	bool writing = false;
	if (b) {
		pthread_mutex_lock(&b->mu);
		/* whole chunks go to the inflater while it writes (recycle_ahead) */
		writing = !b->done;
		for (; writing && from % CHUNK == 0 && from + CHUNK <= to && b->nspare < NSPARE;
		     from += CHUNK)
			b->spare[b->nspare++] = from;
		in->dropped = from;
		/* let the inflater run ahead of this, no further */
		b->bounded = true;
		if (upto > b->consumed)
			b->consumed = upto;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
	}
	/* the rest; while the inflater runs, whole chunks only (the next
	 * drop starts at a chunk) */
	if (writing)
		to = to / CHUNK * CHUNK;
	if (to > from && madvise(base + from, to - from, MADV_DONTNEED) == 0)
		in->dropped = to;
}

void hs_input_peek(hs_input *in, size_t off, void *buf, size_t n)
{
	if (in->map && !in->bg && pread(in->map_fd, buf, n, (off_t)off) == (ssize_t)n)
		return;
	memcpy(buf, in->data + off, n);
}

void hs_input_rewind(hs_input *in)
{
	bg_inflate *b = in->bg;
	if (!b || in->dropped == 0)
		return;   /* every byte still readable (a file mapping re-reads) */
	bg_stop(b);
	madvise(b->out, b->reserve, MADV_DONTNEED);
	/* bounded stays: a reader that gave bytes back once will again, and
	 * an unbounded lead would fill memory before its first drop. */
	b->stop = b->done = b->hungry = false;
	b->avail = b->consumed = 0;
	b->src_dropped = 0;   /* the second read gives the file's pages back again */
	b->nspare = b->ready_to = 0;
	b->rc = HS_OK;
	hs_error_clear(&b->err);
	in->len = in->dropped = 0;
	in->complete = false;
	if (pthread_create(&b->thread, NULL, bg_main, b) == 0) {
		b->joined = false;
		return;
	}
	decompress_all(b);   /* no thread: inflate here, whole */
	in->len = b->avail;
	in->complete = true;
}

size_t hs_input_recycled(const hs_input *in)
{
	const bg_inflate *b = in->bg;
	return b ? b->moves : 0;
}

hs_err hs_input_error(hs_input *in, hs_error *err)
{
	bg_inflate *b = in->bg;
	if (!b || !in->complete || b->rc == HS_OK)
		return HS_OK;
	if (err && err->code == HS_OK)
		*err = b->err;
	return b->rc;
}

hs_err hs_input_from_buffer(hs_input *in, const uint8_t *data, size_t n,
                            uint64_t max, hs_error *err)
{
	memset(in, 0, sizeof *in);
	in->file_bytes = n;
	in->complete = true;
	if (is_gzip(data, n) || is_zstd(data, n))
		return decompress(in, data, n, NULL, NULL, max, err);
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

hs_err hs_input_open(hs_input *in, const char *path, uint64_t max, hs_error *err)
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
	if (is_gzip(raw, rawlen) || is_zstd(raw, rawlen)) {
		if (bg_start(in, raw, rawlen, map, map ? NULL : raw, max))
			goto out;   /* the decompressor owns raw now */
		rc = decompress(in, raw, rawlen, map, map ? NULL : raw, max, err);
	} else {
		in->data = raw;
		in->len = rawlen;
		in->complete = true;
		if (map) {
			in->map = map;
			in->map_len = rawlen;
			in->map_fd = fd;
			fd = -1;   /* kept for hs_input_peek */
		}
	}
out:
	if (fd != STDIN_FILENO && fd >= 0)
		close(fd);
	return rc;
}

hs_err hs_input_read(hs_input *in, const char *path, uint64_t max, hs_error *err)
{
	hs_err rc = hs_input_open(in, path, max, err);
	if (rc == HS_OK) {
		hs_input_wait(in, SIZE_MAX);
		rc = hs_input_error(in, err);
	}
	return rc;
}
