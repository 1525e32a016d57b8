/* heapscope: execution traces.
 *
 * Two wire formats exist: the old one (headers "go 1.5 trace" ... "go 1.21
 * trace", one global event stream with per-P batches) and the
 * generation-based one of Go 1.22 and later ("go 1.22 trace" ... "go 1.26
 * trace").  Each has its own loader; both turn their events into ONE
 * normalized stream, described here, which every analysis consumes.  A
 * loader never keeps the events: it calls the sink once per event, in
 * timestamp order, so memory grows with goroutines and distinct stacks, not
 * with the length of the trace.
 *
 * Stacks and their frames are interned into an hs_profile (the same model
 * a pprof profile fills), so a stack id here is an hs_profile stack id and
 * the call-graph outputs (folded, dot, top, pprof) work on them unchanged.
 *
 * Like the rest of the core this never prints and never exits. */
#ifndef HEAPSCOPE_TRACE_H
#define HEAPSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/error.h"
#include "heapscope/load.h"
#include "heapscope/model.h"

/* Why a goroutine stopped running without ending.  The vocabulary is the
 * one `blocking` and `leaks` use for their wait kinds. */
typedef enum hs_twait {
	HS_TWAIT_NONE = 0,     /* runnable again (preempted, yielded) */
	HS_TWAIT_SELECT,       /* select with cases */
	HS_TWAIT_SELECT_NONE,  /* select {} */
	HS_TWAIT_CHAN_SEND,
	HS_TWAIT_CHAN_RECV,
	HS_TWAIT_NIL_CHAN,
	HS_TWAIT_SYNC,         /* sync.Mutex / RWMutex / WaitGroup (EvGoBlockSync) */
	HS_TWAIT_COND,         /* sync.Cond.Wait */
	HS_TWAIT_NET,          /* network poller */
	HS_TWAIT_SLEEP,        /* time.Sleep */
	HS_TWAIT_GC,           /* GC assist / mark wait */
	HS_TWAIT_PREEMPTED,    /* preempted (old: EvGoPreempt) */
	HS_TWAIT_OTHER,        /* anything the format cannot name more precisely */
	HS_TWAIT_COUNT
} hs_twait;

const char *hs_twait_name(hs_twait w);

typedef enum hs_tev_kind {
	HS_TEV_GO_CREATE,    /* g = new goroutine; arg0 = creating goroutine (0 if none);
	                        stack = the go statement's stack (creation site);
	                        arg1 = the new goroutine's start stack (its function,
	                        hs_tev.stack form), 0 if unknown */
	HS_TEV_GO_EXISTING,  /* g existed when tracing started; arg0 = 1 if it was
	                        blocked (waiting) then, 2 if in a syscall, 0 if
	                        runnable; stack if known.  The old format announces
	                        such goroutines with a GO_CREATE first (Go's parser
	                        counts them as created), then this when waiting */
	HS_TEV_GO_START,     /* g starts running on proc p */
	HS_TEV_GO_STOP,      /* g stops running and is runnable (wait = NONE or PREEMPTED) */
	HS_TEV_GO_BLOCK,     /* g blocks: wait says why; stack = where it blocked */
	HS_TEV_GO_UNBLOCK,   /* g becomes runnable; arg0 = goroutine that unblocked it
	                        (0 = none / netpoller); stack = the unblocking site */
	HS_TEV_GO_END,       /* g ends */
	HS_TEV_SYSCALL,      /* g enters a syscall; stack = where */
	HS_TEV_SYSCALL_BLOCK,/* g's syscall blocked and it lost its P */
	HS_TEV_SYSCALL_EXIT, /* g returns from a syscall (ts is the real exit time) */
	HS_TEV_PROC_START,   /* proc p starts (arg0 = thread id) */
	HS_TEV_PROC_STOP,
	HS_TEV_GC_START,     /* arg0 = GC sequence number when known */
	HS_TEV_GC_END,
	HS_TEV_STW_START,
	HS_TEV_STW_END,
	HS_TEV_HEAP_ALLOC,   /* arg0 = live heap bytes */
	HS_TEV_HEAP_GOAL,    /* arg0 = next GC goal in bytes */
	HS_TEV_CPU_SAMPLE,   /* g (0 if none) was on CPU; stack = sampled stack */
	HS_TEV_TASK_BEGIN,   /* arg0 = task id, arg1 = parent task, str = task type */
	HS_TEV_TASK_END,     /* arg0 = task id */
	HS_TEV_REGION_BEGIN, /* arg0 = task id, str = region type */
	HS_TEV_REGION_END,
	HS_TEV_LOG,          /* arg0 = task id, str = "category: message" */
	HS_TEV_COUNT
} hs_tev_kind;

/* One normalized event.  Timestamps are nanoseconds from the trace's first
 * event (loaders convert ticks with the trace's frequency). */
typedef struct hs_tev {
	hs_tev_kind kind;
	hs_twait wait;       /* GO_BLOCK / GO_STOP */
	int64_t ts;
	uint64_t g;          /* goroutine the event is about (0 = none) */
	int64_t p;           /* proc, -1 when none */
	uint32_t stack;      /* hs_profile stack id + 1; 0 = no stack */
	uint64_t arg0, arg1;
	const char *str;     /* valid during the callback only */
	uint32_t str_len;
} hs_tev;

/* What the loader learned about the trace as a whole. */
typedef struct hs_trace_info {
	int go_version;      /* 1005 ... 1026: from the header "go 1.N trace" */
	int64_t ticks_per_sec;
	int64_t duration_ns; /* last event ts - first event ts */
	uint64_t events;     /* events read */
	uint64_t generations;/* Go 1.22+: generations read */
	bool truncated;      /* the input ended inside a batch or generation (old
	                        format: or before the closing Frequency event,
	                        ticks then taken as ns); everything complete
	                        before it was delivered */
	uint64_t truncated_at;/* byte offset (after gunzip) where reading stopped */
	char truncated_why[160];
	char note[160];      /* anything else the reader should know ("" if none) */
	/* In, set by hs_trace_load before the loader runs: the bytes are a
	 * read-only mapping of the file, so a loader may give back pages it has
	 * read (madvise MADV_DONTNEED; touched again, they come back from the
	 * file), which keeps the resident set near a window, not the file. */
	bool pages_droppable;
} hs_trace_info;

/* The sink.  Return HS_OK to go on; any other code stops the loader, which
 * returns it. */
typedef hs_err (*hs_tev_fn)(void *ctx, const hs_tev *ev);

/* Stacks go into `stacks` (an initialized, empty profile: the loader sets
 * no sample types and adds no samples; it adds functions, locations and
 * stacks, which hs_stack_at() reads).  The loader picks the format from the
 * header.  A truncated trace is not an error: info->truncated says so. */
hs_err hs_trace_load(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                     hs_trace_info *info, hs_error *err);

/* Filling `stacks`, shared by both loaders (src/formats/trace_common.c):
 * a frame (function name, file, line, pc) becomes a location, interned so
 * equal frames share one; a list of locations, leaf first as in pprof,
 * becomes a stack.  *out is the value for hs_tev.stack (id + 1).
 * Like every loader's, the stacks hold location *ids* until
 * hs_profile_finish (model.h): *loc is a location id, which is the
 * location's index + 1 (its line's function likewise holds function index
 * + 1), so hs_trace_loc() gives the index while loading.  A caller that
 * adds samples on these stacks sets the sample types, pushes the ids and
 * calls hs_profile_finish once; the outputs then work unchanged. */
hs_err hs_trace_frame(hs_profile *stacks, const char *fn, size_t fn_len, const char *file,
                      size_t file_len, int64_t line, uint64_t pc, uint32_t *loc);
hs_err hs_trace_stack(hs_profile *stacks, const uint32_t *locs, size_t n, uint32_t *out);

/* Location index of entry k of a stack read with hs_stack_at() before
 * hs_profile_finish (entries are ids, index + 1). */
static inline uint32_t hs_trace_loc(uint32_t id) { return id - 1; }

/* The two format loaders behind it.  The old format's reads the input as
 * it arrives: compressed (a background inflater), it gives back what it has
 * indexed, inflates again for the merge and gives back what no queue reads
 * again, so its memory follows the ordering window, not the trace's size;
 * a decompression error still comes first, as when the input is read whole. */
hs_err hs_trace_load_old(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                         hs_trace_info *info, hs_error *err);
hs_err hs_trace_load_v2(const uint8_t *data, size_t n, hs_profile *stacks, hs_tev_fn fn,
                        void *ctx, hs_trace_info *info, hs_error *err);
/* The same read from an input as it arrives, a generation at a time, the
 * pages before the first batch still to be merged given back as the merge
 * goes: a file keeps the span the merge reads resident, a compressed input
 * one generation.  Compressed, the stream is inflated once first (pages
 * given back) so that a decompression error still comes before any event,
 * then again for the events. */
hs_err hs_trace_load_v2_input(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                              hs_trace_info *info, hs_error *err);

/* "go 1.N trace\0..." -> 1000+N, or 0 when the bytes are no trace. */
int hs_trace_detect(const uint8_t *data, size_t n);

#endif
