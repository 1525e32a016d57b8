/* heapscope: what a file that is no profile holds, in a few numbers
 * (`heapscope info`): an execution trace, a heap dump, a GODEBUG=gctrace=1
 * log, an ELF core.  Each is read with its own loader (trace.h,
 * heapdump.h, gctrace.h, core.h) and summed up here; the words are the
 * writers'.  Like the rest of the core this never prints and never exits. */
#ifndef HEAPSCOPE_SUMMARY_H
#define HEAPSCOPE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/error.h"
#include "heapscope/inventory.h"

typedef struct hs_trace_facts {
	int version;               /* 1000 + N of the header "go 1.N trace" */
	int64_t duration_ns;       /* first to last event */
	uint64_t events, generations;
	/* goroutines seen: created during the trace (of them at_start were
	 * there when it started: the old format announces them as created)
	 * and existing without a creation event; ended: returned */
	uint64_t created, at_start, existing, ended;
	uint64_t gcs;              /* GC cycles begun */
	bool truncated;            /* cut: what came before truncated_at was read */
	uint64_t truncated_at;
} hs_trace_facts;

typedef struct hs_heapdump_facts {
	char go_version[32], arch[16];
	uint64_t objects, object_bytes;
	uint64_t goroutines, system_goroutines;   /* system: of goroutines, the runtime's */
	uint64_t roots;            /* pointers from outside the heap (hs_hd_root) */
	uint64_t root_kinds[7];    /* of roots, per hs_hd_root_kind */
} hs_heapdump_facts;

typedef struct hs_gctrace_facts {
	uint64_t gcs, runs, forced;
	uint64_t first_gc, last_gc;   /* the runtime's GC numbers */
	double start_s, end_s;     /* seconds after the (first run's) start */
	int64_t live_first, live_last, live_max;   /* bytes, live heap marked */
	int cpu_percent;           /* GC's share of all CPU at the last GC */
	uint64_t other_lines;
} hs_gctrace_facts;

/* The heap profile a core holds (runtime.mbuckets, hs_core_heap_profile):
 * what runtime/pprof would have written at that moment. */
#define HS_CORE_HEAP_TYPES 4
typedef struct hs_core_heap_facts {
	bool read;                 /* false: error says why (the rest is zero) */
	hs_error error;
	uint64_t samples;          /* of any non-zero value, as go tool pprof shows them */
	int ntypes, default_type;  /* default_type: hs_profile_default_index */
	char type[HS_CORE_HEAP_TYPES][24], unit[HS_CORE_HEAP_TYPES][16];
	int64_t total[HS_CORE_HEAP_TYPES];
	char period_type[24], period_unit[16];
	int64_t period;            /* runtime.MemProfileRate (0: profiling off) */
} hs_core_heap_facts;

typedef struct hs_core_facts {
	bool read;                 /* read with its executable: the rest is known */
	uint64_t threads, goroutines;
	hs_core_heap_facts heap;   /* when read */
} hs_core_facts;

typedef struct hs_file_facts {
	hs_input_kind kind;        /* HS_IN_TRACE, _HEAPDUMP, _GCTRACE or _CORE */
	bool gzipped, zstd;
	uint64_t input_bytes, decoded_bytes;
	union {
		hs_trace_facts trace;
		hs_heapdump_facts heapdump;
		hs_gctrace_facts gctrace;
		hs_core_facts core;
	} u;
} hs_file_facts;

/* Is this kind one hs_file_facts_read reads? */
bool hs_file_facts_kind(hs_input_kind kind);
/* Read `path`, open as `in` (hs_input_open; the caller releases it), as
 * a file of `kind` (cli_file_kind: sniffed; a heap dump is read from path
 * by its own reader) and sum it up.
 * exe: a core's executable (NULL: the core is not read, f->u.core.read
 * false, HS_OK).  A corrupt file is the loader's error, with its
 * position. */
struct hs_input;
hs_err hs_file_facts_read(hs_file_facts *f, struct hs_input *in, const char *path,
                          hs_input_kind kind, const char *exe, hs_error *err);

#endif
