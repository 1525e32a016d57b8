/* heapscope: the one in-memory model every loader fills.
 *
 * It mirrors pprof's profile.proto after decoding: a string table, sample
 * types, mappings, functions, locations (with inlined lines, innermost
 * first), and samples (values, a stack of locations leaf first, labels).
 * Ids from the input are resolved to indices once loading is complete, so
 * analyses never chase ids.
 *
 * Ownership: an hs_profile owns all its memory.  Strings live in its arena;
 * the tables are hs_vecs sized by what the input really contained.
 * Invariants after a successful load (hs_profile_finish):
 *   - string 0 is "";
 *   - every index (function, mapping, location, string) is in range;
 *   - every sample has exactly nsample_types values. */
#ifndef HEAPSCOPE_MODEL_H
#define HEAPSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"

typedef uint32_t hs_str;          /* index into the string table */
#define HS_NONE UINT32_MAX        /* "no mapping", "no function" */

typedef struct hs_string {
	const char *s;
	uint32_t len;
} hs_string;

typedef struct hs_value_type {
	hs_str type, unit;
} hs_value_type;

typedef struct hs_mapping {
	uint64_t id, start, limit, offset;
	hs_str file, build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
} hs_mapping;

typedef struct hs_function {
	uint64_t id;
	hs_str name, system_name, filename;
	int64_t start_line;
} hs_function;

typedef struct hs_line {
	uint32_t function;            /* index into functions */
	int64_t line;
} hs_line;

typedef struct hs_location {
	uint64_t id, address;
	uint32_t mapping;             /* index into mappings, or HS_NONE */
	uint32_t line_start, nlines;  /* into lines[], innermost inlined first */
	bool is_folded;
} hs_location;

typedef struct hs_label {
	hs_str key, str;              /* str == 0 for a numeric label */
	int64_t num;
	hs_str num_unit;
} hs_label;

typedef enum hs_format {
	HS_FMT_UNKNOWN = 0,
	HS_FMT_PPROF,                 /* profile.proto, gzipped or not */
	HS_FMT_LEGACY_CPU,            /* gperftools / pre-1.9 Go binary CPU */
	HS_FMT_GOROUTINE_DUMP,        /* goroutine ?debug=2 dump or traceback text */
	/* Legacy text profiles (doc/format-legacy-text.md).  hs_sniff answers
	 * HS_FMT_LEGACY_TEXT; the loader, which tries pprof's text parsers in
	 * pprof's order, records which one read the file: */
	HS_FMT_LEGACY_TEXT,
	HS_FMT_HEAP_TEXT,             /* heap profile: (Go debug=1, heapz, growthz...) */
	HS_FMT_COUNT_TEXT,            /* goroutine/threadcreate profile: total N */
	HS_FMT_CONTENTION_TEXT,       /* --- contentionz / --- mutex: / --- contention: */
	HS_FMT_THREAD_TEXT,           /* --- threadz / --- Thread */
	HS_FMT_JAVA_TEXT,             /* --- heapz 1 --- / --- contentionz 1 --- (Java) */
	HS_FMT_CORE,                  /* an ELF core, read with its executable (core.h) */
} hs_format;

/* One "# Key = value" line of a Go heap text profile's "# runtime.MemStats"
 * trailer (pprof ignores it).  "Stack = a / b" gives StackInuse and
 * StackSys (likewise MSpan, MCache); booleans are 0 or 1. */
typedef struct hs_memstat {
	hs_str key;
	int64_t value;
} hs_memstat;

typedef struct hs_profile {
	hs_arena arena;
	hs_vec strings;               /* hs_string */
	hs_vec sample_types;          /* hs_value_type */
	int default_sample_type;      /* index into sample_types, or -1 */
	hs_value_type period_type;
	int64_t period;
	int64_t time_nanos, duration_nanos;
	hs_vec comments;              /* hs_str */
	hs_str drop_frames, keep_frames;

	hs_vec mappings;              /* hs_mapping */
	hs_vec functions;             /* hs_function */
	hs_vec locations;             /* hs_location */
	hs_vec lines;                 /* hs_line */

	size_t nsamples;
	hs_vec values;                /* int64_t, nsamples * ntypes */
	/* Stacks are interned: samples with the same locations share one
	 * (heap profiles repeat a stack per object size, CPU profiles per
	 * label set), which keeps the model near the input's size. */
	hs_vec sample_stack;          /* uint32_t stack id, per sample */
	size_t nstacks;
	hs_vec stack_off;             /* uint32_t, nstacks + 1 */
	hs_vec stack;                 /* uint32_t location index, leaf first */
	/* Label sets are interned too (a heap profile's "bytes" label repeats
	 * per object size). */
	hs_vec sample_labels;         /* uint32_t label set id, per sample */
	size_t nlabelsets;
	uint32_t empty_labelset;      /* id + 1 of the empty set, 0 if none yet */
	hs_vec label_off;             /* uint32_t, nlabelsets + 1 */
	hs_vec labels;                /* hs_label */

	/* A load option, set between hs_profile_init and loading: read Go's
	 * ?debug=1 text profiles by address only, as go tool pprof does,
	 * leaving their `#` lines unread (hs_text_symbolize). */
	bool text_by_address;
	/* A load option: the executable that wrote an ELF core (NULL: none). */
	const char *exe_path;
	/* A load option: an ELF core is read as its heap profile (the
	 * runtime's memory profile buckets), not as its goroutines. */
	bool core_heap;
	/* A load option for `info`: a pprof profile's samples are counted and
	 * their values summed as they stream by, none is kept (memory then
	 * does not grow with the samples).  When it took, counted_totals is
	 * set, nsamples and hs_profile_total() hold, and there is no sample,
	 * stack or label to read.  Other formats, and profiles only a full
	 * load can judge, are loaded whole (counted_totals stays NULL). */
	bool counts_only;
	int64_t *counted_totals;      /* per sample type, see hs_profile_total */

	/* Where it came from, for `info`. */
	hs_format format;
	bool gzipped;
	bool zstd;                    /* zstd-compressed (gzipped stays false) */
	bool from_core;               /* an ELF core's goroutines (format: a dump's) or, */
	                              /* loaded with core_heap, its heap (HS_FMT_CORE) */
	hs_vec memstats;              /* hs_memstat, in file order (Go heap text) */
	uint64_t input_bytes;         /* bytes read from the file */
	uint64_t decoded_bytes;       /* bytes after decompression */
	uint64_t samples_pruned;      /* samples shortened by drop_frames */
	/* Set when hs_profile_finish finds a sample naming no location, so a
	 * loader can point at the bytes (1-based sample, the id as stored). */
	size_t bad_sample;
	uint32_t bad_location;

	void *intern;                 /* lazily built string hash (private) */
	void *stack_index;            /* stack dedup hash while loading (private) */
	void *labelset_index;         /* label set dedup hash (private) */
	void *location_index;         /* frame dedup hash of hs_profile_intern_location (private) */
} hs_profile;

/* Lifetime: _init allocates nothing, _release frees everything it owns,
 * _free is for heap-allocated profiles and accepts NULL. */
void hs_profile_init(hs_profile *p);
void hs_profile_release(hs_profile *p);
hs_profile *hs_profile_new(void);
void hs_profile_free(hs_profile *p);

static inline size_t hs_ntypes(const hs_profile *p) { return p->sample_types.len; }

/* Sample values are int64 and sums wrap, as Go's do: hostile profiles
 * must not make heapscope disagree with pprof, nor overflow (UB in C). */
static inline int64_t hs_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}
static inline int64_t hs_abs(int64_t x)
{
	return x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
}
HS_VEC_VIEW(hs_string_vec, hs_string)
HS_VEC_VIEW(hs_value_type_vec, hs_value_type)
HS_VEC_VIEW(hs_mapping_vec, hs_mapping)
HS_VEC_VIEW(hs_function_vec, hs_function)
HS_VEC_VIEW(hs_location_vec, hs_location)
HS_VEC_VIEW(hs_line_vec, hs_line)
static inline const char *hs_s(const hs_profile *p, hs_str i)
{
	return i < p->strings.len ? hs_string_vec_at(&p->strings, i)->s : "";
}
static inline hs_value_type *hs_sample_type(const hs_profile *p, size_t i)
{ return hs_value_type_vec_at(&p->sample_types, i); }
static inline hs_mapping *hs_mapping_at(const hs_profile *p, uint32_t i)
{ return hs_mapping_vec_at(&p->mappings, i); }
static inline hs_function *hs_function_at(const hs_profile *p, uint32_t i)
{ return hs_function_vec_at(&p->functions, i); }
static inline hs_location *hs_location_at(const hs_profile *p, uint32_t i)
{ return hs_location_vec_at(&p->locations, i); }
static inline hs_line *hs_line_at(const hs_profile *p, uint32_t i)
{ return hs_line_vec_at(&p->lines, i); }
static inline const int64_t *hs_sample_values(const hs_profile *p, size_t s)
{ return (const int64_t *)p->values.data + s * hs_ntypes(p); }
static inline uint32_t hs_sample_stack_id(const hs_profile *p, size_t s)
{
	return ((const uint32_t *)p->sample_stack.data)[s];
}
static inline const uint32_t *hs_stack_at(const hs_profile *p, uint32_t id, uint32_t *n)
{
	const uint32_t *off = p->stack_off.data;
	*n = off[id + 1] - off[id];
	/* No pointer arithmetic on NULL when every stack is empty. */
	return *n ? (const uint32_t *)p->stack.data + off[id] : (const uint32_t *)p->stack.data;
}
static inline const uint32_t *hs_sample_stack(const hs_profile *p, size_t s,
                                              uint32_t *n)
{
	return hs_stack_at(p, hs_sample_stack_id(p, s), n);
}
static inline const hs_label *hs_sample_labels(const hs_profile *p, size_t s,
                                               uint32_t *n)
{
	const uint32_t *off = p->label_off.data;
	uint32_t id = ((const uint32_t *)p->sample_labels.data)[s];
	*n = off[id + 1] - off[id];
	return (const hs_label *)p->labels.data + off[id];
}

/* Append a string without de-duplication (keeps a producer's string table
 * indices).  Returns its index, or HS_NONE on allocation failure. */
hs_str hs_profile_add_string(hs_profile *p, const char *s, size_t n);
/* Return the index of an equal string, adding it if absent. */
hs_str hs_profile_intern(hs_profile *p, const char *s, size_t n);

/* Sample construction, used by every loader:
 * hs_profile_begin_sample(); push locations/labels; values are written
 * to the returned array of hs_ntypes() slots. */
int64_t *hs_profile_begin_sample(hs_profile *p);
/* The same with an explicit number of value slots. */
int64_t *hs_profile_begin_sample_n(hs_profile *p, size_t nvalues);
hs_err hs_profile_push_location_slow(hs_profile *p, uint32_t loc_or_id);
static inline hs_err hs_profile_push_location(hs_profile *p, uint32_t loc_or_id)
{
	/* The hot path of every loader: no call, no zeroing. */
	if (p->stack.len < p->stack.cap && p->stack.len < UINT32_MAX - 1) {
		((uint32_t *)p->stack.data)[p->stack.len++] = loc_or_id;
		return HS_OK;
	}
	return hs_profile_push_location_slow(p, loc_or_id);
}
hs_err hs_profile_push_label(hs_profile *p, const hs_label *l);
/* A string label key=val, both interned. */
hs_err hs_profile_push_str_label(hs_profile *p, const char *key, const char *val);
hs_err hs_profile_end_sample(hs_profile *p);
/* The same when the caller already holds the ids of an interned stack
 * and/or label set (HS_NONE: intern what was pushed, as above). */
hs_err hs_profile_end_sample_known(hs_profile *p, uint32_t stack, uint32_t labelset);
/* The same when the caller knows the pushed stack equals no earlier one
 * (it holds a location no earlier stack holds): it gets the next stack id
 * without a lookup; a later lookup still finds it. */
hs_err hs_profile_end_sample_new(hs_profile *p, uint32_t labelset);
/* hs_profile_end_sample, the stack looked up a few samples later (the
 * lookups' cache misses overlap the decoding): until the next call of
 * any other end of sample, hs_profile_intern_stack or hs_profile_finish,
 * the last samples' stack ids and the stack tail are not final.  Ids and
 * order come out as with hs_profile_end_sample. */
hs_err hs_profile_end_sample_later(hs_profile *p);

/* Interning without samples, for loaders whose events carry stacks (the
 * execution traces).  A frame (function name = system name, file, line,
 * address) becomes one location with one line; equal frames share it.
 * *loc is the location's id, which is its index + 1; its function's id is
 * likewise index + 1.  A stack of location ids (leaf first) is interned
 * with the samples' stacks: *id is its stack id.  Both hold ids until
 * hs_profile_finish resolves them, like the samples' stacks. */
hs_err hs_profile_intern_location(hs_profile *p, const char *fn, size_t fn_len,
                                  const char *file, size_t file_len, int64_t line,
                                  uint64_t address, uint32_t *loc);
hs_err hs_profile_intern_stack(hs_profile *p, const uint32_t *locs, size_t n, uint32_t *id);

/* Resolve ids to indices and check pprof's validity rules (CheckValid),
 * then apply drop_frames/keep_frames as pprof does on load.  Loaders call
 * it once, after pushing samples whose stacks hold location *ids*. */
hs_err hs_profile_finish(hs_profile *p, hs_error *err);

/* Shorten every stack in place to the part span() keeps: it gets the
 * stack's n locations (leaf first) and its id, and narrows [*from, *to)
 * (0 and n on entry).  Stacks that become equal stay apart (as after
 * pprof's Prune). */
typedef void (*hs_stack_span_fn)(const uint32_t *locs, uint32_t n, size_t stack, uint32_t *from,
                                 uint32_t *to, void *ctx);
void hs_profile_rewrite_stacks(hs_profile *p, hs_stack_span_fn span, void *ctx);

/* What a profile holds, from its sample types: "heap", "allocs", "cpu",
 * "goroutine", "threadcreate", "contention (block or mutex)" or "other". */
const char *hs_profile_kind(const hs_profile *p);

/* pprof's default sample index: default_sample_type if set, else the last. */
int hs_profile_default_index(const hs_profile *p);
/* Resolve "NAME" or "N" to a sample index; -1 if none matches. */
int hs_profile_find_index(const hs_profile *p, const char *spec);
/* The index of the sample type named exactly `type` (no number, no
 * pprof alias); -1 if none. */
int hs_profile_type_index(const hs_profile *p, const char *type);

/* Bytes the loaded model holds (tables and arena), for `info` and tests. */
size_t hs_profile_memory(const hs_profile *p);

/* Sum of abs(value) over samples at index i (pprof's report total). */
int64_t hs_profile_total(const hs_profile *p, int i);

#endif
