/* Private to the Go 1.22+ trace loader (trace_v2.c reads generations and
 * batches, trace_v2_order.c replays the scheduler state machine that puts
 * the per-M event streams into one order).  See doc/format-trace-v2.md. */
#ifndef HS_FORMATS_TRACE_V2_H
#define HS_FORMATS_TRACE_V2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/load.h"
#include "heapscope/trace.h"
#include "../core/hashmap.h"

/* Event types of the wire format (Go's internal/trace/tracev2). */
enum {
	V2_EV_NONE, V2_EV_BATCH, V2_EV_STACKS, V2_EV_STACK, V2_EV_STRINGS, V2_EV_STRING,
	V2_EV_CPU_SAMPLES, V2_EV_CPU_SAMPLE, V2_EV_FREQUENCY,
	V2_EV_PROCS_CHANGE, V2_EV_PROC_START, V2_EV_PROC_STOP, V2_EV_PROC_STEAL,
	V2_EV_PROC_STATUS,
	V2_EV_GO_CREATE, V2_EV_GO_CREATE_SYSCALL, V2_EV_GO_START, V2_EV_GO_DESTROY,
	V2_EV_GO_DESTROY_SYSCALL, V2_EV_GO_STOP, V2_EV_GO_BLOCK, V2_EV_GO_UNBLOCK,
	V2_EV_GO_SYSCALL_BEGIN, V2_EV_GO_SYSCALL_END, V2_EV_GO_SYSCALL_END_BLOCKED,
	V2_EV_GO_STATUS,
	V2_EV_STW_BEGIN, V2_EV_STW_END,
	V2_EV_GC_ACTIVE, V2_EV_GC_BEGIN, V2_EV_GC_END, V2_EV_GC_SWEEP_ACTIVE,
	V2_EV_GC_SWEEP_BEGIN, V2_EV_GC_SWEEP_END, V2_EV_GC_MARK_ASSIST_ACTIVE,
	V2_EV_GC_MARK_ASSIST_BEGIN, V2_EV_GC_MARK_ASSIST_END, V2_EV_HEAP_ALLOC,
	V2_EV_HEAP_GOAL,
	V2_EV_GO_LABEL, V2_EV_USER_TASK_BEGIN, V2_EV_USER_TASK_END,
	V2_EV_USER_REGION_BEGIN, V2_EV_USER_REGION_END, V2_EV_USER_LOG,
	V2_EV_GO_SWITCH, V2_EV_GO_SWITCH_DESTROY, V2_EV_GO_CREATE_BLOCKED,  /* 1.23 */
	V2_EV_GO_STATUS_STACK,                                             /* 1.23 */
	V2_EV_EXPERIMENTAL_BATCH,                                          /* 1.23 */
	V2_EV_SYNC, V2_EV_CLOCK_SNAPSHOT,                                  /* 1.25 */
	V2_EV_END_OF_GENERATION,                                           /* never on the wire */
	V2_EV_COUNT,
	/* Experimental (AllocFree) events, 128..136: skipped. */
	V2_EV_EXP_FIRST = 128, V2_EV_EXP_LAST = 136,
};

#define V2_MAX_ARGS 5
#define V2_NONE UINT64_MAX    /* no goroutine / thread / proc */

/* One timed event as read from a batch. */
typedef struct v2_event {
	uint8_t type;
	uint64_t args[V2_MAX_ARGS];   /* without the time delta */
	int64_t time;                 /* ns (ticks converted), not yet normalized */
	uint64_t off;                 /* byte offset of the type byte */
} v2_event;

/* Scheduler state that carries across generations (order.go's). */
typedef struct v2_gstate {
	uint8_t status;               /* GoStatus; 0 = does not exist */
	bool sys_blocked;             /* SYSCALL_BLOCK already delivered */
	uint64_t seq_gen, seq;
} v2_gstate;
typedef struct v2_pstate {
	uint8_t status;               /* ProcStatus; 0 = unknown */
	uint64_t seq_gen, seq;
} v2_pstate;
typedef struct v2_mstate {
	uint64_t g, p;                /* V2_NONE when none */
	bool init;
} v2_mstate;

typedef struct v2_order {
	hs_dmap gidx;                 /* id -> index into the vecs below */
	hs_idmap pidx, midx;
	hs_vec gs, ps, ms;            /* v2_gstate, v2_pstate, v2_mstate */
	uint64_t gc_seq;
	int gc_state;                 /* 0 undetermined, 1 not running, 2 running */
	uint64_t initial_gen;
} v2_order;

/* How a file's batches were read (for tests): copied into the cursors'
 * buffers, or in place (past the buffers' budget, or not a file). */
typedef struct v2_stats {
	uint64_t copied, in_place;
	size_t buffered;              /* bytes of the buffers at the end */
} v2_stats;

/* The loader; one per call of hs_trace_load_v2. */
typedef struct v2_loader {
	const uint8_t *data;
	size_t n;                     /* bytes readable so far */
	hs_input *in;                 /* streaming: more bytes come from here; NULL
	                                 when data[0..n) is the whole trace */
	size_t give_step;             /* streaming: bytes the merge is done with
	                                 are given back in steps of this */
	hs_profile *stacks;
	hs_tev_fn fn;
	void *ctx;
	hs_trace_info *info;
	hs_error *err;
	hs_err sink_rc;               /* the sink asked to stop */
	int8_t nargs[256];            /* arguments after the time delta by event
	                                 type; -1: not a timed event */
	uint64_t tries, max_tries;    /* ordering attempts, and their bound */
	uint64_t events;              /* events delivered (info->events at the
	                                 end: one add per event, not a load too) */

	/* Current generation. */
	uint64_t gen;
	double ns_per_tick;
	bool lenient;                 /* an incomplete generation: unknown string
	                                 and stack ids read as none, an M that
	                                 cannot go on is dropped */
	unsigned dropped_ms;
	hs_idmap strings;             /* string id -> index into str_off/str_len */
	hs_vec str_off, str_len;      /* size_t, uint32_t */
	hs_dmap stack_ids;            /* stack id -> hs_tev.stack value (dense ids) */
	struct v2_reason {            /* GoBlock/GoStop reasons by string id, */
		uint64_t id;              /* direct-mapped; id 0: empty slot */
		const char *s;
		uint32_t len;
		uint8_t wait;             /* hs_twait */
	} reasons[64];

	v2_order order;

	/* Delivery. */
	bool have_first;
	int64_t first_ts, last_ts, cur_ts;
	hs_vec logbuf;                /* char: "key: value" of a UserLog */
	v2_stats stats;
} v2_loader;

/* trace_v2.c: table lookups for the order step. */
hs_err v2_string(v2_loader *L, uint64_t id, uint64_t off, const char **s, uint32_t *len);
/* A stack id not in the array part of the generation's table: looked up
 * in its map; when not there, none when lenient, else the error. */
hs_err v2_stack_missing(v2_loader *L, uint64_t id, uint64_t off, uint32_t *val);

/* Called on nearly every event: inline, the array part only. */
static inline hs_err v2_stack(v2_loader *L, uint64_t id, uint64_t off, uint32_t *val)
{
	uint32_t v = id ? hs_dmap_get_dense(&L->stack_ids, id) : 0;
	if (v == UINT32_MAX)
		return v2_stack_missing(L, id, off, val);
	*val = v;
	return HS_OK;
}

/* Hand ev to the sink at the committed time. */
static inline hs_err v2_emit(v2_loader *L, hs_tev *ev)
{
	ev->ts = L->cur_ts;
	hs_err rc = L->fn(L->ctx, ev);
	if (rc != HS_OK)
		L->sink_rc = rc;
	return rc;
}

/* trace_v2_order.c */
bool v2_order_init(v2_order *o);
void v2_order_release(v2_order *o);
/* v2_advance's "not yet": no hs_err has this value. */
#define V2_NOT_YET ((hs_err)0x7f)

/* Try to advance ev, read on thread m.  *mslot is where m's state is
 * (UINT32_MAX when not yet known: then found and stored; the states
 * never move to another index).  HS_OK when it went; V2_NOT_YET when it
 * cannot go yet (another M's event must come first); an error when the
 * trace is inconsistent.  (A result, not a bool written through a
 * pointer: the caller tests one register.) */
hs_err v2_advance(v2_loader *L, const v2_event *ev, uint64_t m, uint32_t *mslot);
hs_twait v2_wait_from_reason(const char *s, uint32_t n);

/* trace_v2.c: hs_trace_load_v2_input, and how its batches were read. */
hs_err v2_load_input(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                     hs_trace_info *info, hs_error *err, v2_stats *stats);

#endif
