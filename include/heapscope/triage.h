/* heapscope: one verdict over a whole incident bundle (`heapscope triage`).
 *
 * The bundle's files go through the existing analyses, unchanged, and
 * their results are kept as data: leak candidates (leaks.h, which also
 * holds heap growth over the heap profiles and growing retainers over
 * heap dumps), growth rows of in-use bytes per function (growth.h),
 * goroutine groups by top frame (goroutines.h), blocking hotspots
 * (blocking.h), gctrace runs (gctrace.h) and heap dump suspects
 * (heapdump.h).  Nothing is analysed twice.
 *
 * Findings, ranked by severity, then by their source in the order below,
 * then as their analysis ranks them:
 *   leak         every leak candidate, with the severity leaks.h gives it;
 *   gctrace      a run whose live heap grows (leak_suspect): high;
 *                GC taking 25% or more of the CPU (gc_thrash): medium;
 *                a stop-the-world pause of 100 ms or more: medium.
 *   lock         lock contention at a lock site (blocking.h's lock sites)
 *                that goroutines waited for (Lock/RLock); severity by the
 *                rule of hs_triage_lock below.
 * A heap dump's suspects are leak candidates (retention, leaks.h), found
 * once; the suspects kept here are the table of every dump's suspects,
 * each named by its owner as leaks names it.
 * The verdict is "problem" when a finding is medium or high, else
 * "healthy"; a high finding is what makes the command exit 1.
 *
 * The timeline holds one point per heap profile and goroutine snapshot
 * file in time order (hs_file_moment; in the order given when those
 * moments cannot order the files, hs_moments_order; a twin left out as
 * leaks leaves it out) and the live heap of every GC of the gctrace logs, whose
 * times are seconds since their process started.  The core never prints. */
#ifndef HEAPSCOPE_TRIAGE_H
#define HEAPSCOPE_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/blocking.h"
#include "heapscope/error.h"
#include "heapscope/filetime.h"
#include "heapscope/gctrace.h"
#include "heapscope/goroutines.h"
#include "heapscope/growth.h"
#include "heapscope/heapdump.h"
#include "heapscope/leaks.h"
#include "heapscope/model.h"

/* What a file of the bundle is. */
typedef enum hs_triage_kind {
	HS_TK_HEAP = 0,          /* heap profile (inuse_space) */
	HS_TK_ALLOCS,            /* allocs profile */
	HS_TK_CPU,               /* cpu profile */
	HS_TK_GOROUTINE_DUMP,    /* goroutine dump (debug=2 or debug=1 text) */
	HS_TK_GOROUTINE,         /* goroutine profile */
	HS_TK_CONTENTION,        /* block or mutex profile */
	HS_TK_TRACE,             /* execution trace (its goroutines at the end) */
	HS_TK_GCTRACE,           /* GODEBUG=gctrace=1 log */
	HS_TK_HEAPDUMP,          /* runtime/debug.WriteHeapDump */
	HS_TK_OTHER,             /* a profile none of the analyses reads */
	HS_TK_UNREADABLE,        /* "unknown": not a format heapscope reads, or broken */
	HS_TK_NKINDS
} hs_triage_kind;
/* "heap", "allocs", "cpu", "goroutine dump", "goroutine", "contention",
 * "trace", "gctrace", "heap dump", "other", "unknown". */
const char *hs_triage_kind_name(hs_triage_kind k);

/* What a file was used for: HS_USE_* bits. */
enum {
	HS_USE_LEAKS = 1 << 0,
	HS_USE_GROWTH = 1 << 1,
	HS_USE_GOROUTINES = 1 << 2,
	HS_USE_BLOCKING = 1 << 3,
	HS_USE_GCTRACE = 1 << 4,
	HS_USE_HEAPDUMP = 1 << 5,
	HS_USE_TIMELINE = 1 << 6,
	HS_USE_FLAME = 1 << 7,      /* a flame graph of the report (html) */
	HS_USE_NBITS = 8
};
/* "leaks", "growth", "goroutines", "blocking", "gctrace", "heapdump",
 * "timeline", "flame" for bit i. */
const char *hs_triage_use_name(int bit);

typedef struct hs_triage_input {
	const char *file;
	hs_triage_kind kind;
	hs_time_from time_from;     /* where its moment came from */
	int64_t moment;             /* ns since the epoch, 0 when none */
	unsigned used;              /* HS_USE_* */
	const char *twin_of;        /* the richer twin used instead, or NULL */
	int64_t total;              /* heap: in-use bytes; goroutines: count;
	                               cpu: sampled ns; contention: delay ns; else 0 */
} hs_triage_input;

/* One point of the timeline: a snapshot file. */
typedef struct hs_triage_point {
	size_t input;               /* index into the inputs */
	int64_t moment;
	int64_t heap_inuse;         /* bytes, -1: not a heap profile */
	int64_t goroutines;         /* -1: not a goroutine snapshot */
} hs_triage_point;

/* One GC of a gctrace log. */
typedef struct hs_triage_gc {
	size_t input;
	size_t run;                 /* 0-based run of the log */
	double at_s;                /* seconds since its process started */
	int64_t live;               /* live heap marked, bytes */
} hs_triage_gc;

typedef struct hs_triage_run {
	size_t input;
	size_t run;
	hs_gc_run r;
} hs_triage_run;

/* A leak suspect of one heap dump (hs_hd_suspect), its names copied. */
typedef struct hs_triage_suspect {
	size_t input;
	const char *holder;         /* its owner (heapdump.h), else the root on its path */
	const char *accum;          /* the accumulation point */
	const char *site;           /* its allocation site's function, "" if unknown */
	uint64_t retained, accum_retained, reachable;
	double share;               /* of the reachable heap, 0..1 */
	uint64_t group_count, group_bytes;
} hs_triage_suspect;

typedef enum hs_finding_source {
	HS_FIND_LEAK = 0,
	HS_FIND_GCTRACE,
	HS_FIND_LOCK,
} hs_finding_source;

/* What one file showed of a lock site's contention. */
typedef struct hs_triage_lock_ev {
	const char *file;
	hs_wait_source source;     /* DUMP, GOROUTINE: waiting now; CONTENTION: a
	                              block (waiting) or mutex (holding) profile */
	hs_lock_side side;         /* WAITING or HOLDING (NONE for snapshots) */
	int64_t moment;            /* the file's (hs_file_moment) */
	int64_t goroutines;        /* snapshots: waiting on the site now */
	int64_t contentions, delay_ns;   /* contention profiles, as they count */
} hs_triage_lock_ev;

/* Lock contention at one lock site: a finding when goroutines waited for
 * it (a Lock or RLock part).  Block profiles count from the process
 * start, so what they add between the first and the last of them that
 * show the site is what happened in that wall time:
 *   load  = waiting delay added / wall time between those profiles, the
 *           number of goroutines blocked on the lock on average
 *           (-1 when fewer than two such profiles with distinct times);
 *   now   = the most goroutines waiting on the site in one goroutine
 *           snapshot (dump or goroutine profile), in `snapshots` of them.
 * Severity (HS_LOCK_* below, for any service):
 *   high    load >= 1 (at every moment a goroutine waits for the lock),
 *           or now >= 8 in two snapshots or more;
 *   medium  load >= 0.1, or now >= 2 in two snapshots or more, or
 *           now >= 8 in one;
 *   low     any other contention seen at the site. */
#define HS_LOCK_LOAD_HIGH 1.0
#define HS_LOCK_LOAD_MEDIUM 0.1
#define HS_LOCK_WAITERS_MANY 8
#define HS_LOCK_WAITERS_SOME 2
typedef struct hs_triage_lock {
	size_t site;               /* hs_blocking_site(hs_triage_blocking(t), site) */
	hs_lock_op wait_op;        /* the waiting part: RLock or Lock, most delay */
	hs_lock_op hold_op;        /* the part holding it up (blocking.h rule 5),
	                              HS_LOCK_OP_NONE when nothing shows it */
	int64_t now;               /* most waiting in one snapshot */
	size_t snapshots;          /* snapshots with goroutines waiting on it */
	size_t nsnapshots;         /* goroutine snapshots read */
	int64_t contentions, delay_ns;   /* waiting, the last block profile */
	int64_t first_contentions, first_delay_ns;   /* the first one */
	int64_t hold_contentions, hold_delay_ns;     /* holder, the last mutex profile */
	int64_t span_ns;           /* wall time between them, 0: one profile */
	double load;               /* see above; -1 unknown */
	hs_triage_lock_ev *ev;     /* time order, waiting before holding */
	size_t nev;
} hs_triage_lock;
/* The severity of a lock site by the rule above. */
hs_severity hs_triage_lock_severity(const hs_triage_lock *l);
typedef enum hs_gc_issue { HS_GCI_LEAK = 0, HS_GCI_THRASH, HS_GCI_PAUSE } hs_gc_issue;

typedef struct hs_finding {
	hs_severity severity;
	hs_finding_source source;
	const hs_leak *leak;        /* LEAK */
	size_t index;               /* GCTRACE: into the runs; LOCK: into the locks */
	hs_gc_issue gc;             /* GCTRACE */
	size_t order;               /* private: collection order, for a stable rank */
} hs_finding;

typedef struct hs_triage hs_triage;

/* nfiles: the files of the bundle (goroutine snapshots are numbered by
 * their index among them).  own: the --own regex or NULL.  NULL on error. */
hs_triage *hs_triage_new(int nfiles, const char *own, hs_error *err);
void hs_triage_free(hs_triage *t);   /* NULL-safe */
/* File i (0-based, < nfiles, each once) of the bundle: a loaded profile,
 * goroutine dump or trace's end (kind HS_TK_TRACE), added to every
 * analysis that reads it.  An error is out of memory or a bad own regex. */
hs_err hs_triage_add_profile(hs_triage *t, int i, const char *file, const hs_profile *p,
                             hs_triage_kind kind, hs_error *err);
hs_err hs_triage_add_gctrace(hs_triage *t, int i, const char *file, const hs_gctrace *g,
                             hs_error *err);
hs_err hs_triage_add_heapdump(hs_triage *t, int i, const char *file, const hs_hd_analysis *a,
                              hs_error *err);
/* A file that was not read (kind HS_TK_UNREADABLE) or that nothing used. */
hs_err hs_triage_add_other(hs_triage *t, int i, const char *file, hs_triage_kind kind,
                           hs_error *err);
/* The inventory the caller lists the files in (inventory.h, finished
 * before hs_triage_finish) and the entry of the next file added: blocking
 * then reads block and mutex profiles as counting from the process start
 * (the last one's values, not a sum) and leaves twins out, as the blocking
 * command does, and the lock findings know which files are block
 * profiles.  Without it each file is read on its own (summed). */
struct hs_inventory;
void hs_triage_set_input(hs_triage *t, const struct hs_inventory *inv, size_t input);
/* Run the analyses' finish steps, rank the findings, build the timeline. */
hs_err hs_triage_finish(hs_triage *t, hs_error *err);

/* The results after hs_triage_finish; they live as long as t. */
bool hs_triage_problem(const hs_triage *t);    /* a medium or high finding */
bool hs_triage_high(const hs_triage *t);       /* a high finding */
size_t hs_triage_nfindings(const hs_triage *t);
const hs_finding *hs_triage_finding(const hs_triage *t, size_t i);
size_t hs_triage_ninputs(const hs_triage *t);
const hs_triage_input *hs_triage_input_at(const hs_triage *t, size_t i);   /* in the order given */
size_t hs_triage_npoints(const hs_triage *t);
const hs_triage_point *hs_triage_point_at(const hs_triage *t, size_t i);   /* time order */
size_t hs_triage_ngcs(const hs_triage *t);
const hs_triage_gc *hs_triage_gc_at(const hs_triage *t, size_t i);
size_t hs_triage_nruns(const hs_triage *t);
const hs_triage_run *hs_triage_run_at(const hs_triage *t, size_t i);
size_t hs_triage_nlocks(const hs_triage *t);
const hs_triage_lock *hs_triage_lock_at(const hs_triage *t, size_t i);
size_t hs_triage_nsuspects(const hs_triage *t);
const hs_triage_suspect *hs_triage_suspect_at(const hs_triage *t, size_t i);
/* The analyses themselves, for their rows (NULL when none of their
 * inputs were given: growth needs a heap profile, goroutines a goroutine
 * snapshot). */
const hs_leaks *hs_triage_leaks(const hs_triage *t);
const hs_growth *hs_triage_growth(const hs_triage *t);
const hs_goroutines *hs_triage_goroutines(const hs_triage *t);
const hs_blocking *hs_triage_blocking(const hs_triage *t);
/* The inputs a flame graph of the report draws: the last and first heap
 * profile, the cpu profile, the last goroutine snapshot; -1 when none. */
typedef struct hs_triage_flames {
	int heap_first, heap_last, cpu, goroutines;
} hs_triage_flames;
void hs_triage_flame_inputs(const hs_triage *t, hs_triage_flames *f);
/* Mark input i as drawn in a flame graph. */
void hs_triage_mark_flame(hs_triage *t, int i);

#endif
