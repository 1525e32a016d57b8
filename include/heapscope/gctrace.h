/* heapscope: GODEBUG=gctrace=1 logs (`heapscope gctrace`).
 *
 * The runtime prints one line per collection on standard error (Go 1.19,
 * runtime/mgc.go, gcMarkTermination):
 *
 *   gc 7 @0.409s 2%: 0.024+5.1+0.057 ms clock, 0.096+5.1/2.3/0+1.1 ms cpu,
 *     9->10->5 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)
 *
 * (one line): the GC number, seconds since the program started, the
 * percentage of all CPU time spent in GC since then, wall-clock phases
 * (Go 1.5-1.6 print five; later three: stop-the-world sweep termination,
 * concurrent mark, stop-the-world mark termination), CPU phases, the heap
 * at the start of the cycle, at the end of marking and the live heap
 * marked (MB, rounded down), the goal, from Go 1.18 the scanned stacks and
 * globals, the number of Ps, and "(forced)" for runtime.GC() and the like.
 * Other lines (program output, scavenger lines) are passed over; the
 * line may carry a prefix (a log collector's timestamp).  A GC number that
 * does not follow the previous one starts a new run (a restarted process).
 * See doc/format-gctrace.md. */
#ifndef HEAPSCOPE_GCTRACE_H
#define HEAPSCOPE_GCTRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"

typedef struct hs_gc {
	uint64_t num;             /* the runtime's GC number */
	uint32_t line;            /* 1-based line of the log */
	double at_s;              /* seconds since the program started */
	int cpu_percent;          /* GC's share of all CPU since the start */
	double stw_ms;            /* first + last wall-clock phase: the stops */
	double clock_ms;          /* all wall-clock phases */
	int64_t heap_start, heap_end, heap_live, goal;   /* bytes (MB << 20) */
	int64_t stacks, globals;  /* bytes; -1 when not printed (before 1.18) */
	int procs;
	bool forced;
} hs_gc;

typedef struct hs_gctrace {
	hs_vec gcs;               /* hs_gc, in file order */
	hs_vec runs;              /* size_t: index of each run's first GC */
	uint64_t lines;           /* lines read */
	uint64_t other_lines;     /* lines that are not gc lines */
	bool cut_last_line;       /* the file ends inside a gc line, left out */
} hs_gctrace;

void hs_gctrace_init(hs_gctrace *t);
void hs_gctrace_release(hs_gctrace *t);
/* Read a log (plain or gzip).  A gc line that does not parse is an error
 * with its line:column; a log without any gc line is HS_E_FORMAT. */
hs_err hs_gctrace_load(hs_gctrace *t, const char *path, hs_error *err);
hs_err hs_gctrace_parse(hs_gctrace *t, const uint8_t *data, size_t n, bool complete,
                        hs_error *err);
/* Does the text look like a gctrace log (a gc line among its first lines)? */
bool hs_gctrace_detect(const uint8_t *data, size_t n);

/* One run, summed up.  The verdicts:
 *   leak_suspect  the live heap grows: at least 5 GCs, a positive
 *                 least-squares slope over time, and the mean live heap of
 *                 the last quarter of the GCs at least 1.5 times and 4 MB
 *                 above the first quarter's;
 *   gc_thrash     GC has taken at least 25% of all CPU by the last GC;
 *   long_pause    a stop-the-world pause of at least 100 ms. */
typedef struct hs_gc_run {
	size_t first, n;          /* its GCs: gcs[first .. first + n) */
	size_t forced;
	double start_s, end_s, gc_per_min;
	int cpu_percent;          /* at the last GC */
	int64_t live_first, live_last, live_max, heap_max, goal_last;
	double slope_per_min;     /* live heap, bytes per minute; NAN if undefined */
	double monotonic;         /* fraction of GCs whose live heap did not drop */
	double stw_total_ms, stw_max_ms;
	uint64_t stw_max_gc;
	bool leak_suspect, gc_thrash, long_pause;
	double minutes_to_limit;  /* live heap to the limit; INFINITY if never */
} hs_gc_run;

#define HS_GC_THRASH_PERCENT 25
#define HS_GC_LONG_PAUSE_MS 100.0
#define HS_GC_LEAK_MIN_GCS 5

size_t hs_gctrace_nruns(const hs_gctrace *t);
HS_VEC_VIEW(hs_gc_vec, hs_gc)
static inline const hs_gc *hs_gctrace_gc(const hs_gctrace *t, size_t i)
{
	return hs_gc_vec_at(&t->gcs, i);
}
/* limit: bytes of live heap to project to (0: none). */
void hs_gctrace_run(const hs_gctrace *t, size_t run, int64_t limit, hs_gc_run *out);

#endif
