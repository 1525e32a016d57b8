/* heapscope: loading artifacts into the model.
 *
 * One entry point per format, all filling an hs_profile; the format is
 * sniffed from magic bytes in one place (hs_sniff), after gzip or zstd is
 * peeled off.  Loaders never allocate by a size the input claims: buffers grow
 * with the bytes that actually arrive. */
#ifndef HEAPSCOPE_LOAD_H
#define HEAPSCOPE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "heapscope/model.h"

/* Bytes of an input, decompressed.  Owned; release with hs_input_release.
 * A gzip- or zstd-compressed file is decompressed by a background thread
 * while the loader parses what has arrived (hs_input_wait): on two cores
 * that hides most of the decompression time.  `data` never moves; `len`
 * grows until complete. */
typedef struct hs_input {
	uint8_t *data;
	size_t len;           /* bytes available so far */
	bool complete;        /* len is final */
	bool compressed;      /* gzip or zstd was undone: offsets count decompressed bytes */
	bool zstd;            /* ... and it was zstd */
	uint64_t file_bytes;
	void *map;            /* mmap'd region when data points into it */
	size_t map_len;
	int map_fd;           /* the mapped file, open while map is (hs_input_peek) */
	void *bg;             /* background inflater (private) */
	size_t dropped;       /* bytes before this were given back (hs_input_drop) */
} hs_input;

/* Open a file ("-" for stdin); gzip or zstd is peeled off in the
 * background (one layer; gzip members and zstd frames may follow one
 * another).  max_bytes caps the decompressed size (0: no cap), for fuzzing
 * and for executables.  A truncated or corrupt stream is HS_E_GZIP with
 * the offset in the compressed file where known. */
hs_err hs_input_open(hs_input *in, const char *path, uint64_t max_bytes, hs_error *err);
/* Wait until `upto` bytes are available or the input is complete; returns
 * the bytes available.  A decompression error is reported through err
 * (and the return value HS_E_*) once the good bytes before it are used up. */
size_t hs_input_wait(hs_input *in, size_t upto);
hs_err hs_input_error(hs_input *in, hs_error *err);
/* Open and wait for everything. */
hs_err hs_input_read(hs_input *in, const char *path, uint64_t max_bytes, hs_error *err);
hs_err hs_input_from_buffer(hs_input *in, const uint8_t *data, size_t n,
                            uint64_t max_bytes, hs_error *err);
void hs_input_release(hs_input *in);
/* The loader is done with data[0..upto): give those pages back to the
 * system, so a text loader streaming through a file of gigabytes keeps
 * only what it still reads.  Only for memory heapscope mapped itself (a
 * file, the inflater's region); a no-op for other buffers.  The bytes
 * must not be read again (a file mapping would re-read them; the
 * inflater's pages would read as zeros). */
void hs_input_drop(hs_input *in, size_t upto);
/* Copy data[off..off+n), which must be readable, into buf without
 * mapping it: a file mapping's bytes are read from the file, so a loader
 * that skims a file (headers of records it reads later) does not make it
 * resident (the kernel maps the pages around each one touched). */
void hs_input_peek(hs_input *in, size_t off, void *buf, size_t n);
/* Make every byte readable again after hs_input_drop, for a loader that
 * must read the input twice (a rare layout, or to point at an error):
 * the inflater starts over from the compressed file, which it keeps
 * mapped (its pages given back as read) until hs_input_release. */
void hs_input_rewind(hs_input *in);
/* How many 1 MiB chunks of given-back output the inflater has written
 * again in place of fresh pages (for tests and bench/). */
size_t hs_input_recycled(const hs_input *in);

/* Classify decompressed bytes.  `what` receives a short human description
 * of what the bytes look like when they are not a format we read. */
hs_format hs_sniff(const uint8_t *data, size_t n, const char **what);

/* Format loaders: fill an initialised, empty profile. */
hs_err hs_pprof_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err);
/* The same, parsing while a background inflater is still producing. */
hs_err hs_pprof_decode_input(hs_profile *p, hs_input *in, hs_error *err);
hs_err hs_legacy_cpu_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err);
/* True when the bytes start with a legacy binary CPU profile header. */
bool hs_legacy_cpu_detect(const uint8_t *data, size_t n);

/* Legacy text profiles, as Go 1.19's pprof reads them (legacy_profile.go,
 * legacy_java_profile.go): heap (Go ?debug=1 with its runtime.MemStats
 * trailer, gperftools heapz/heap_v2, growthz, fragmentationz), goroutine
 * and threadcreate "profile: total N" counts, contention and mutex
 * ("--- contentionz", "--- mutex:", "--- contention:"), threadz, and the
 * Java "--- heapz 1 ---" / "--- contentionz 1 ---" forms.  See
 * doc/format-legacy-text.md.
 * detect: true when the first lines of `data` (the first n bytes; a prefix
 * is enough) carry a header one of pprof's text parsers accepts.
 * decode: load the whole text; malformed input fails with HS_E_SYNTAX (or
 * HS_E_LIMIT for an over-long line) and a line:column in err. */
bool hs_legacy_text_detect(const uint8_t *data, size_t n);
/* Name the frames of a loaded Go ?debug=1 text profile from its `#` lines
 * (src/formats/text_symbols.c); hs_legacy_text_decode calls it unless
 * p->text_by_address is set. */
hs_err hs_text_symbolize(hs_profile *p, const uint8_t *data, size_t n, hs_error *err);
hs_err hs_legacy_text_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err);
/* Go text profiles written one after another into one file (a loop of
 * `curl .../heap?debug=1 >> log`): each begins with a line starting like
 * the first, "heap profile:" or "goroutine profile: total ".  Returns how
 * many (0 when the text starts with neither) and stores the byte offset
 * of each of the first max in starts.  hs_legacy_text_decode reads such a
 * text as pprof does (heap profiles summed, several goroutine count
 * profiles refused); growth loads each part by itself, one moment each. */
size_t hs_text_moments(const uint8_t *data, size_t n, size_t *starts, size_t max);

/* Goroutine dumps (?debug=2, runtime.Stack, SIGQUIT / panic tracebacks),
 * also inside a log; doc/format-goroutine-dump.md.  One sample of value 1
 * per goroutine (sample type goroutine/count), its frames as the stack,
 * leaf first, and labels: "state", "created_by", "created_by_loc",
 * "ancestors", "locked", "elided", "truncated" (strings; the flags read
 * "true" and are absent otherwise), "goid", "wait_minutes", "dump",
 * "created_by_goid" (numbers).  A dump cut inside a frame loads what is
 * complete and says where it stopped in a comment.  A debug=1 count
 * profile ("goroutine profile: total N") is HS_E_FORMAT; nothing that
 * looks like a goroutine is HS_E_SYNTAX with its line and column. */
hs_err hs_goroutine_text_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err);
/* The same from an input still arriving: lines are parsed as they are
 * inflated, and the pages read are dropped as it goes (hs_input_drop). */
hs_err hs_goroutine_text_decode_input(hs_profile *p, hs_input *in, hs_error *err);
/* True when the bytes are text holding a goroutine header line
 * ("goroutine N [state]:"), false for a debug=1 count profile. */
bool hs_goroutine_text_detect(const uint8_t *data, size_t n);

/* Sniff and load any supported profile file into p (initialised, empty). */
hs_err hs_load_profile(hs_profile *p, const char *path, hs_error *err);
/* The same from an input already open (sniffed: its bytes read so far are
 * read again, not the file); the caller releases it. */
hs_err hs_load_profile_input(hs_profile *p, hs_input *in, hs_error *err);
hs_err hs_load_profile_buffer(hs_profile *p, const uint8_t *data, size_t n,
                              uint64_t max_bytes, hs_error *err);

#endif
