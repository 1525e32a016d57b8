/* heapscope: analyses of an execution trace's normalized event stream
 * (trace.h).  Each is a sink for hs_trace_load: memory grows with
 * goroutines, creation sites and distinct stacks, never with events.
 * Like the rest of the core this never prints and never exits. */
#ifndef HEAPSCOPE_TRACE_ANALYSIS_H
#define HEAPSCOPE_TRACE_ANALYSIS_H

#include "heapscope/trace.h"

/* ---- summary ------------------------------------------------------------- */

/* Where goroutines come from: the go statement (the first user frame of
 * the creation stack, hs_trace_user_loc) and the function it starts. */
typedef struct hs_tsite {
	uint32_t user_loc;      /* location index + 1 of the go statement; 0 unknown */
	uint32_t start_loc;     /* location index + 1 of the started function; 0 unknown */
	uint32_t stack;         /* a creation stack seen for it (hs_tev.stack), 0 none */
	bool runtime;           /* the started function is the runtime's own */
	bool at_start;          /* goroutines already there when tracing started: the
	                           old format opens with a creation event for each,
	                           all on the stack of the trace.Start call */
	uint64_t created, ended;
	uint64_t existing;      /* seen without a creation event (there before
	                           the trace: a Go 1.22+ GoStatus); ended counts
	                           these too when they return */
	uint64_t blocked_at_end;/* alive at the end and blocked (or in a syscall) */
	uint64_t peak_per_sec;  /* most creations within one second of trace time */
	int64_t running, runnable, syscall;
	int64_t blocked[HS_TWAIT_COUNT];
	int64_t cur_sec;        /* private: the second being counted */
	uint64_t cur_count;
} hs_tsite;

/* One of the goroutines blocked longest (a single wait). */
typedef struct hs_tblocked {
	uint64_t g;
	uint32_t site;          /* index into sites */
	hs_twait wait;
	bool syscall;           /* blocked in a syscall (wait is then NONE) */
	bool until_end;         /* still blocked when the trace ends */
	int64_t since, dur;
	uint32_t stack;         /* where it blocked (hs_tev.stack), 0 unknown */
} hs_tblocked;

typedef struct hs_theap {
	int64_t ts;
	uint64_t alloc, goal;   /* the highest live heap within the interval, the last goal */
} hs_theap;

#define HS_TRACE_TOP_BLOCKED 10
#define HS_TRACE_HEAP_POINTS 64

typedef struct hs_trace_summary {
	hs_profile *stacks;     /* the profile the loader fills (not owned) */
	uint64_t created, ended;
	uint64_t at_start;      /* of created: already running when tracing started */
	uint64_t existing;      /* seen without any creation event */
	uint64_t peak_per_sec;
	uint64_t gc_count;
	uint64_t heap_peak, heap_last;
	int64_t end_ts;
	hs_vec sites;           /* hs_tsite */
	hs_vec heap;            /* hs_theap, at most HS_TRACE_HEAP_POINTS */
	int64_t heap_width;     /* ns per heap point */
	hs_tblocked top[HS_TRACE_TOP_BLOCKED];
	size_t ntop;
	/* private */
	hs_vec gs;              /* per goroutine: the fields rarely touched */
	void *ghot;             /* per goroutine: the fields of every event,
	                           32-byte records, 64-byte aligned */
	size_t ghot_cap;
	void *gmap, *sitemap;
	int64_t cur_sec;
	uint64_t cur_count;
	int start_phase;        /* 0: opening creations not seen, 1: in them, 2: past */
	uint32_t start_stack;
} hs_trace_summary;

/* Allocates nothing: the maps come with the first events. */
void hs_trace_summary_init(hs_trace_summary *s, hs_profile *stacks);
/* The sink: pass it to hs_trace_load with the summary as ctx. */
hs_err hs_trace_summary_event(void *ctx, const hs_tev *ev);
/* After the load: close the open intervals at end_ts (info->duration_ns),
 * rank the longest-blocked goroutines and sort sites culprit first (the
 * runtime's own goroutines last, before them those from before the trace;
 * most goroutines alive at the end, then most created).  Creation rates
 * leave out the goroutines from before the trace. */
hs_err hs_trace_summary_finish(hs_trace_summary *s, int64_t end_ts, hs_error *err);
void hs_trace_summary_release(hs_trace_summary *s);
/* After finish: the goroutines alive at the end of the trace as a
 * goroutine dump would list them (format HS_FMT_GOROUTINE_DUMP, sample type
 * goroutine/count, one sample per goroutine on the stack where it blocked,
 * or its start function; labels "state" as a dump prints it, "created_by"
 * the go statement's function, "wait_minutes"; and only from a trace:
 * "created_stack" the creation stack's functions, leaf first, one per line
 * (at most 32), "site_created" and "site_ended" the goroutines its go
 * statement started and saw return during the trace, for sites not
 * already there at the start), added to s->stacks, which
 * is then hs_profile_finish'ed: what `leaks` and `blocking` read as
 * "waits going on". */
hs_err hs_trace_summary_goroutines(const hs_trace_summary *s, hs_error *err);

/* Goroutines alive at the end of the trace: those seen (created, or
 * there before it started) less those that ended; never below 0.  As
 * Go's internal/trace summary counts them: a goroutine first seen in a
 * GoStatus is a goroutine from the generation's start, its GoDestroy an
 * end. */
uint64_t hs_trace_summary_alive(const hs_trace_summary *s);
uint64_t hs_tsite_alive(const hs_tsite *site);

/* "func file:line" of a location index + 1, into buf; "?" when 0. */
const char *hs_trace_loc_name(const hs_profile *p, uint32_t loc1, char *buf, size_t n);
/* The first frame of a stack (hs_tev.stack) that is not plumbing
 * (hs_is_plumbing: runtime, sync, time, the poller...), as a location
 * index + 1; the leaf when all are; 0 for none. */
uint32_t hs_trace_user_loc(const hs_profile *p, uint32_t stack);

/* ---- blocking profiles, as go tool trace -pprof=KIND ------------------------ */

typedef enum hs_tprof_kind {
	HS_TPROF_SYNC,          /* -pprof=sync: channels, select, sync, cond, GC assist */
	HS_TPROF_NET,           /* -pprof=net: network waits */
	HS_TPROF_SYSCALL,       /* -pprof=syscall: blocking syscalls */
	HS_TPROF_SCHED,         /* -pprof=sched: runnable until started, from unblock or creation */
	HS_TPROF_COUNT
} hs_tprof_kind;

/* "sync", "net", "syscall", "sched" -> kind; -1 otherwise. */
int hs_tprof_parse(const char *name);
const char *hs_tprof_name(hs_tprof_kind k);

typedef struct hs_tprof {
	hs_tprof_kind kind;
	unsigned kinds;         /* 1 << kind for each kind counted */
	hs_vec pend;            /* per goroutine: the event waiting for its link */
	hs_vec recs;            /* per stack: count and delay */
	void *gmap, *recmap;
	uint32_t counted[8];    /* private: bit w of [pending kind]: counted with wait w */
} hs_tprof;

/* Allocates nothing: the maps come with the first events. */
void hs_tprof_init(hs_tprof *t, hs_tprof_kind kind);
/* Several kinds in one profile (1 << kind each): `blocking` takes sync,
 * net and syscall waits together. */
void hs_tprof_init_mask(hs_tprof *t, unsigned kinds);
hs_err hs_tprof_event(void *ctx, const hs_tev *ev);
/* Turn the records into samples of `stacks` (sample types
 * contentions/count and delay/nanoseconds, period trace/count 1, as
 * go tool trace writes them) and hs_profile_finish it. */
hs_err hs_tprof_finish(hs_tprof *t, hs_profile *stacks, hs_error *err);
void hs_tprof_release(hs_tprof *t);

#endif
