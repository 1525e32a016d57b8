/* Go 1.5-1.21 execution traces (the old wire format), streamed.
 *
 * The file is a header and a flat sequence of records: per-P batches of
 * events, and in between the string and stack dictionaries, the frequency
 * and the timer goroutine.  Events of one P are in order; across Ps they
 * are merged as Go's order1007 does (internal/trace/order.go of Go 1.19):
 * repeatedly take, among the heads of the per-P queues whose goroutine
 * state transition is ready (sequence numbers), the one with the smallest
 * timestamp.  Only an index is kept (batch offsets, the strings and stack
 * records copied out, the CPU samples, one state per goroutine): events are
 * decoded twice, once to index, once while merging, and never stored.  A
 * compressed input is read as it inflates, twice (see "streaming" below),
 * so memory follows the ordering window, not the trace's size.  doc/format-trace-old.md
 * describes the format as read here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heapscope/load.h"
#include "heapscope/trace.h"
#include "../core/hashmap.h"

enum {
	EV_NONE, EV_BATCH, EV_FREQUENCY, EV_STACK, EV_GOMAXPROCS, EV_PROC_START, EV_PROC_STOP,
	EV_GC_START, EV_GC_DONE, EV_GC_STW_START, EV_GC_STW_DONE, EV_GC_SWEEP_START,
	EV_GC_SWEEP_DONE, EV_GO_CREATE, EV_GO_START, EV_GO_END, EV_GO_STOP, EV_GO_SCHED,
	EV_GO_PREEMPT, EV_GO_SLEEP, EV_GO_BLOCK, EV_GO_UNBLOCK, EV_GO_BLOCK_SEND,
	EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT, EV_GO_BLOCK_SYNC, EV_GO_BLOCK_COND,
	EV_GO_BLOCK_NET, EV_GO_SYSCALL, EV_GO_SYSEXIT, EV_GO_SYSBLOCK, EV_GO_WAITING,
	EV_GO_INSYSCALL, EV_HEAP_ALLOC, EV_HEAP_GOAL, EV_TIMER_GOROUTINE, EV_FUTILE_WAKEUP,
	EV_STRING, EV_GO_START_LOCAL, EV_GO_UNBLOCK_LOCAL, EV_GO_SYSEXIT_LOCAL,
	EV_GO_START_LABEL, EV_GO_BLOCK_GC, EV_GC_MARK_ASSIST_START, EV_GC_MARK_ASSIST_DONE,
	EV_USER_TASK_CREATE, EV_USER_TASK_END, EV_USER_REGION, EV_USER_LOG, EV_CPU_SAMPLE,
	EV_COUNT
};

/* Per event type: the first version that has it, whether its last
 * argument is a stack id, and its number of arguments (timestamp and
 * stack excluded), all as Go 1.19's EventDescriptions. */
static const struct {
	const char *name;
	short min_version;
	bool stack;
	unsigned char nargs;
} desc[EV_COUNT] = {
	[EV_BATCH] = {"Batch", 1005, false, 2},
	[EV_FREQUENCY] = {"Frequency", 1005, false, 1},
	[EV_STACK] = {"Stack", 1005, false, 2},
	[EV_GOMAXPROCS] = {"Gomaxprocs", 1005, true, 1},
	[EV_PROC_START] = {"ProcStart", 1005, false, 1},
	[EV_PROC_STOP] = {"ProcStop", 1005, false, 0},
	[EV_GC_START] = {"GCStart", 1005, true, 1},
	[EV_GC_DONE] = {"GCDone", 1005, false, 0},
	[EV_GC_STW_START] = {"GCSTWStart", 1005, false, 1},
	[EV_GC_STW_DONE] = {"GCSTWDone", 1005, false, 0},
	[EV_GC_SWEEP_START] = {"GCSweepStart", 1005, true, 0},
	[EV_GC_SWEEP_DONE] = {"GCSweepDone", 1005, false, 2},
	[EV_GO_CREATE] = {"GoCreate", 1005, true, 2},
	[EV_GO_START] = {"GoStart", 1005, false, 2},
	[EV_GO_END] = {"GoEnd", 1005, false, 0},
	[EV_GO_STOP] = {"GoStop", 1005, true, 0},
	[EV_GO_SCHED] = {"GoSched", 1005, true, 0},
	[EV_GO_PREEMPT] = {"GoPreempt", 1005, true, 0},
	[EV_GO_SLEEP] = {"GoSleep", 1005, true, 0},
	[EV_GO_BLOCK] = {"GoBlock", 1005, true, 0},
	[EV_GO_UNBLOCK] = {"GoUnblock", 1005, true, 2},
	[EV_GO_BLOCK_SEND] = {"GoBlockSend", 1005, true, 0},
	[EV_GO_BLOCK_RECV] = {"GoBlockRecv", 1005, true, 0},
	[EV_GO_BLOCK_SELECT] = {"GoBlockSelect", 1005, true, 0},
	[EV_GO_BLOCK_SYNC] = {"GoBlockSync", 1005, true, 0},
	[EV_GO_BLOCK_COND] = {"GoBlockCond", 1005, true, 0},
	[EV_GO_BLOCK_NET] = {"GoBlockNet", 1005, true, 0},
	[EV_GO_SYSCALL] = {"GoSysCall", 1005, true, 0},
	[EV_GO_SYSEXIT] = {"GoSysExit", 1005, false, 3},
	[EV_GO_SYSBLOCK] = {"GoSysBlock", 1005, false, 0},
	[EV_GO_WAITING] = {"GoWaiting", 1005, false, 1},
	[EV_GO_INSYSCALL] = {"GoInSyscall", 1005, false, 1},
	[EV_HEAP_ALLOC] = {"HeapAlloc", 1005, false, 1},
	[EV_HEAP_GOAL] = {"HeapGoal", 1005, false, 1},
	[EV_TIMER_GOROUTINE] = {"TimerGoroutine", 1005, false, 1},
	[EV_FUTILE_WAKEUP] = {"FutileWakeup", 1005, false, 0},
	[EV_STRING] = {"String", 1007, false, 0},
	[EV_GO_START_LOCAL] = {"GoStartLocal", 1007, false, 1},
	[EV_GO_UNBLOCK_LOCAL] = {"GoUnblockLocal", 1007, true, 1},
	[EV_GO_SYSEXIT_LOCAL] = {"GoSysExitLocal", 1007, false, 2},
	[EV_GO_START_LABEL] = {"GoStartLabel", 1008, false, 3},
	[EV_GO_BLOCK_GC] = {"GoBlockGC", 1008, true, 0},
	[EV_GC_MARK_ASSIST_START] = {"GCMarkAssistStart", 1009, true, 0},
	[EV_GC_MARK_ASSIST_DONE] = {"GCMarkAssistDone", 1009, false, 0},
	[EV_USER_TASK_CREATE] = {"UserTaskCreate", 1011, true, 3},
	[EV_USER_TASK_END] = {"UserTaskEnd", 1011, true, 1},
	[EV_USER_REGION] = {"UserRegion", 1011, true, 3},
	[EV_USER_LOG] = {"UserLog", 1011, true, 2},
	[EV_CPU_SAMPLE] = {"CPUSample", 1019, true, 3},
};

#define MAX_ARGS 8          /* an event's arguments kept (EvStack reads its own) */
#define MAX_STACK_DEPTH 1000 /* as Go's parser */
#define MAX_STRING (1u << 20)

/* One record as read from the file. */
typedef struct raw {
	uint8_t typ;
	uint64_t off;           /* where the record starts */
	uint32_t nargs;         /* arguments present (may exceed MAX_ARGS) */
	uint64_t args[MAX_ARGS];
	size_t args_at, args_end; /* the arguments' bytes (for EvStack) */
	size_t str_at, str_len; /* EvString's bytes, EvUserLog's value */
} raw;

typedef struct span {
	uint64_t off;
	uint32_t len;
} span;

typedef struct batch {
	int64_t p;
	uint64_t ts, seq;       /* the batch header's base values */
	size_t start, end;      /* the batch's records after its header */
	uint32_t next;          /* next batch of the same P (index + 1), 0 = none */
	bool late;              /* streaming: its bytes were copied to v1.late */
} batch;

/* A CPU sample, decoded while indexing (its bytes may be given back). */
typedef struct cpu_sample {
	uint64_t ts, off;
	uint64_t p, g, stk;
} cpu_sample;

/* An EvStack record, copied while indexing: its bytes in stackbuf. */
typedef struct stack_rec {
	uint64_t off;           /* where it starts in the trace */
	size_t at, len;         /* ... and in stackbuf */
} stack_rec;

/* One goroutine's ordering state (order.go's gState). */
enum { G_DEAD, G_RUNNABLE, G_RUNNING, G_WAITING };
typedef struct gstate {
	uint64_t seq;
	int status;
	uint32_t parked;        /* first queue (index + 1) whose head waits for this state */
} gstate;

/* A decoded event waiting at the head of a queue.  It is normalized when
 * decoded (step_of): ev is what the sink gets but for ev.ts, which needs
 * the trace's first time and is taken from `tick` at delivery. */
typedef struct event {
	hs_tev ev;
	uint8_t typ;
	uint64_t off, ts, seq;
	uint64_t tick;          /* ev.ts in ticks (a syscall exit's real time) */
	uint64_t g;             /* the goroutine running on the P (Go's ev.G) */
	uint64_t args[4];
	uint64_t stk;
	const char *str;        /* EvUserLog's value */
	size_t str_len;
	/* ordering: which goroutine state the event needs and leaves */
	uint32_t gi;            /* index into gs, UINT32_MAX: unordered */
	gstate init, next;
} event;

/* A P's queue: its batches in file order, decoded one event at a time. */
typedef struct queue {
	int64_t p;
	uint32_t first, cur;    /* batch index + 1 */
	size_t pos, end;
	uint64_t last_ts, last_seq, last_g;
	bool has_head, done;
	bool late;              /* the current batch is read from v1.late */
	/* Where the current batch is read: d[pos] is the byte at offset pos,
	 * readable below n.  The input's bytes, or (a mapped file, see
	 * batch_read) the queue's own buffer buf holding the batch. */
	const uint8_t *d;
	size_t n;
	uint8_t *buf;
	size_t cap;
	uint32_t next_parked;   /* next queue (index + 1) waiting on the same goroutine */
	size_t fast_end;        /* below it the common record is decoded inline */
	event head;
} queue;

/* A queue in the merge's ready set, with its head's timestamp beside it. */
typedef struct hent {
	uint64_t ts;
	uint32_t qi;
} hent;

/* Up to this many queues (Ps) the merge keeps the ready ones in a sorted
 * array, not a heap: the earliest queue changes on most events (Ps run
 * side by side), and moving it back a few places costs less than a sift. */
#define FEW_MAX 8

typedef struct v1 {
	const uint8_t *d;
	size_t n;
	/* Streaming (a compressed input still being inflated): d[0..avail) is
	 * readable, bytes below the index's or the merge's low-water mark are
	 * given back (hs_input_drop), and the merge reads a second inflate. */
	hs_input *in;
	bool stream;
	size_t avail;
	uint64_t drop_every, next_drop;   /* the merge gives back pages at next_drop events (mapped too) */
	const uint8_t *main;    /* the input's bytes (d is late while reading there) */
	/* A mapped file is indexed through a window read with pread (win,
	 * holding the bytes from woff; d is win's address less woff, n the
	 * window's end): the mapping's pages are then touched by the merge
	 * only, not faulted in twice and given back twice. */
	uint8_t *win;
	size_t woff, wcap, wmax, file_n;
	/* The merge of a mapped file reads each queue's batch with pread too
	 * (batch_read): qwin, each buffer at most qmax, all of them at most
	 * qbudget (qused now).  A batch beyond them is read from the mapping,
	 * and then (mapped) its pages are given back as before. */
	bool qwin, mapped;
	size_t qmax, qbudget, qused;
	/* Batches the merge needs long before the second inflate reaches them
	 * (a P's buffer flushed late, as the global one at the end) are copied
	 * while indexing into `late`, a sparse reservation at their offsets. */
	uint8_t *late;
	size_t late_size;
	size_t lag;             /* batches before this started LATE_BYTES before the index */
	uint64_t lag_ts;        /* ... the largest header timestamp among them */
	size_t hold;            /* the open late batch's start: not given back yet */
	size_t window;          /* LATE_BYTES; STREAM_AHEAD, STREAM_DROP scale with it */
	int ver;
	hs_profile *stacks;
	hs_tev_fn fn;
	void *ctx;
	hs_trace_info *info;
	hs_error *err;
	uint8_t want[EV_COUNT];   /* want_args by type (EvStack excepted) */
	bool plain[64];           /* by type byte: an event of this version the index only counts */
	/* By the record's first byte: its argument count when it is a plain
	 * event (see plain) with that many inline arguments (1-3), as
	 * want_args asks; else 0.  The index skips these and the merge decodes
	 * them without read_raw. */
	uint8_t fast[256];

	uint64_t ticks_per_sec;
	hs_vec batches;         /* batch */
	hs_vec queues;          /* queue */
	hs_idmap pmap;          /* P id -> queue index */
	hs_vec strings;         /* span: offsets into strbuf */
	hs_vec strbuf;          /* the strings' bytes, copied */
	hs_idmap strmap;        /* string id -> index into strings */
	hs_vec stack_offs;      /* stack_rec */
	hs_vec stackbuf;        /* the EvStack records' bytes, copied */
	hs_dmap stkmap;         /* trace stack id -> hs stack id + 1 (ids are dense) */
	hs_vec cpu;             /* cpu_sample, sorted by ts before merging */
	size_t cpu_next;
	hs_vec gs;              /* gstate */
	hs_vec heap;            /* hent: the queues whose heads are ready, by timestamp */
	/* With few queues (few) the ready ones are kept sorted instead, in
	 * list[0 .. nlist), list[nlist] after all of them (no bound test). */
	bool few;
	uint32_t nlist;
	hent list[FEW_MAX + 1];
	hs_dmap gmap;           /* goroutine id -> index into gs */

	uint64_t delivered;
	bool have_min;
	uint64_t min_ts, last_ts;
	double ns_per_tick;
	char logbuf[512];
} v1;

/* ---- records -------------------------------------------------------------- */

/* 0 ok, 1 the input ends inside, -1 malformed (longer than 10 bytes). */
static int uvarint(const uint8_t *d, size_t n, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0, i = 0; i < 10; i++, shift += 7) {
		if (*pos >= n)
			return 1;
		uint8_t b = d[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* The input ends inside a record: not an error for the index, which
 * stops there and says so in hs_trace_info. */
#define cut(t, off, why) HS_E_TRUNCATED

#define VARINT(pos, out)                                                                    \
	do {                                                                                \
		size_t at_ = *(pos);                                                         \
		int vr_ = uvarint(t->d, t->n, (pos), (out));                                 \
		if (vr_ > 0)                                                                 \
			return cut(t, r->off, "inside an event");                            \
		if (vr_ < 0)                                                                 \
			return hs_fail_at(t->err, HS_E_CORRUPT, at_,                         \
			                  "malformed varint in %s event", desc[r->typ].name); \
	} while (0)

static hs_err read_string_bytes(v1 *t, raw *r, size_t *pos, bool allow_empty)
{
	uint64_t len;
	VARINT(pos, &len);
	if ((len == 0 && !allow_empty) || len > MAX_STRING)
		return hs_fail_at(t->err, HS_E_CORRUPT, r->off, "%s string has bad length %llu",
		                  desc[r->typ].name, (unsigned long long)len);
	if (len > t->n - *pos)
		return cut(t, r->off, "inside a string");
	r->str_at = *pos;
	r->str_len = (size_t)len;
	*pos += (size_t)len;
	return HS_OK;
}

/* Go 1.19's argNum: how many arguments a record of this type carries. */
static uint32_t want_args(const v1 *t, const raw *r)
{
	uint32_t n = desc[r->typ].nargs + desc[r->typ].stack;
	switch (r->typ) {
	case EV_BATCH:
	case EV_FREQUENCY:
	case EV_TIMER_GOROUTINE:
		return n + (t->ver < 1007);
	case EV_STACK:
		return r->nargs;
	}
	n += 1 + (t->ver < 1007);   /* timestamp, and the sequence before 1.7 */
	switch (r->typ) {
	case EV_GC_SWEEP_DONE:
		n -= t->ver < 1009 ? 2 : 0;
		break;
	case EV_GC_START:
	case EV_GO_START:
	case EV_GO_UNBLOCK:
		n -= t->ver < 1007;
		break;
	case EV_GC_STW_START:
		n -= t->ver < 1010;
		break;
	}
	return n;
}

static hs_err read_raw_slow(v1 *t, size_t *pos, raw *r);

/* One varint with at least 10 bytes readable: false if malformed. */
static inline bool uvarint10(const uint8_t *p, size_t *pos, uint64_t *out)
{
	p += *pos;
	uint64_t v = p[0];
	if (v < 0x80) {
		*out = v;
		*pos += 1;
		return true;
	}
	v &= 0x7f;
	for (unsigned i = 1; i < 10; i++) {
		uint64_t b = p[i];
		v |= (b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*out = v;
			*pos += i + 1;
			return true;
		}
	}
	return false;
}

/* A record: the common case (a few inline arguments, well away from the
 * end of the input) here; everything else, and every error, through
 * read_raw_slow, which reads the record again from its start. */
static inline hs_err read_raw(v1 *t, size_t *pos, raw *r)
{
	size_t at = *pos;
	uint8_t b = t->d[at], typ = b & 0x3f;
	uint32_t narg = (b >> 6) + 1u;
	if (t->ver < 1007 || t->n - at <= 41 || typ == EV_NONE || typ >= EV_COUNT ||
	    typ == EV_STRING || typ == EV_USER_LOG || typ == EV_STACK ||
	    desc[typ].min_version > t->ver)
		return read_raw_slow(t, pos, r);
	size_t p = at + 1;
	if (narg < 4) {
		if (t->want[typ] != narg)
			return read_raw_slow(t, pos, r);
		for (uint32_t i = 0; i < narg; i++)
			if (!uvarint10(t->d, &p, &r->args[i]))
				return read_raw_slow(t, pos, r);
		r->args_at = r->args_end = p;
	} else {
		uint64_t len;
		if (!uvarint10(t->d, &p, &len) || len > t->n - p)
			return read_raw_slow(t, pos, r);
		size_t end = p + (size_t)len;
		r->args_at = p;
		r->args_end = end;
		narg = 0;
		while (p < end) {
			uint64_t v;
			if (t->n - p < 10 || narg >= MAX_ARGS || !uvarint10(t->d, &p, &v) || p > end)
				return read_raw_slow(t, pos, r);
			r->args[narg++] = v;
		}
		if (t->want[typ] != narg)
			return read_raw_slow(t, pos, r);
	}
	r->off = at;
	r->typ = typ;
	r->nargs = narg;
	r->str_len = 0;
	*pos = p;
	return HS_OK;
}

static hs_err read_raw_slow(v1 *t, size_t *pos, raw *r)
{
	r->off = *pos;
	r->nargs = 0;
	r->str_len = 0;
	uint8_t b = t->d[(*pos)++];
	r->typ = b & 0x3f;
	uint32_t narg = (b >> 6) + 1u, inline_args = 4;
	if (t->ver < 1007) {
		narg++;
		inline_args++;
	}
	if (r->typ == EV_NONE || r->typ >= EV_COUNT || desc[r->typ].min_version > t->ver)
		return hs_fail_at(t->err, HS_E_CORRUPT, r->off, "unknown event type %u", r->typ);
	if (r->typ == EV_STRING) {
		uint64_t id;
		VARINT(pos, &id);
		r->args[0] = id;
		r->nargs = 1;
		return read_string_bytes(t, r, pos, false);
	}
	if (narg < inline_args) {
		for (uint32_t i = 0; i < narg; i++)
			VARINT(pos, &r->args[i]);
		r->nargs = narg;
		r->args_at = r->args_end = *pos;
	} else {
		uint64_t len, v;
		VARINT(pos, &len);
		if (len > t->n - *pos)
			return cut(t, r->off, "inside an event");
		r->args_at = *pos;
		r->args_end = *pos + (size_t)len;
		while (*pos < r->args_end) {
			int vr = uvarint(t->d, r->args_end, pos, &v);
			if (vr)
				return hs_fail_at(t->err, HS_E_CORRUPT, r->off,
				                  "%s event has wrong length %llu", desc[r->typ].name,
				                  (unsigned long long)len);
			if (r->nargs < MAX_ARGS)
				r->args[r->nargs] = v;
			r->nargs++;
		}
	}
	if (r->nargs != want_args(t, r))
		return hs_fail_at(t->err, HS_E_CORRUPT, r->off,
		                  "%s event has %u arguments, want %u", desc[r->typ].name, r->nargs,
		                  want_args(t, r));
	if (r->typ == EV_USER_LOG)
		return read_string_bytes(t, r, pos, true);
	return HS_OK;
}

/* ---- resident memory -------------------------------------------------------- */

/* Pages read are given back every DROP_BYTES of index or DROP_EVENTS
 * events merged (delivered to the sink), when the input is a file mapping: touched again they are
 * mapped from the page cache anew, so the resident set stays near a window
 * instead of growing to the file.  Mostly neither pass touches the
 * mapping: the index reads it through a window, the merge each batch
 * into its queue's buffer (both with pread); the give-backs are for what
 * was read from the mapping after all. */
#define DROP_BYTES (1u << 20)
#define DROP_EVENTS (1u << 17)
/* Streaming: the index asks for this much input ahead of it and gives
 * back what it has read every STREAM_DROP bytes; the merge gives back
 * below its low-water mark every STREAM_EVENTS events (or 16 per queue,
 * so that many Ps do not make it quadratic). */
#define LATE_BYTES ((size_t)4 << 20)
#define STREAM_AHEAD(t) ((t)->window / 4)      /* 1 MiB */
#define STREAM_DROP(t) ((t)->window / 64)      /* 64 KiB */
#define STREAM_EVENTS 4096u
#define LATE_RESERVE ((size_t)1 << 36)
/* The index's window (a mapped file): read again when less than this is
 * left in it; window / 4 at first (1 MiB), at most 64 times that for one
 * record. */
#define WIN_AHEAD 4096u

static void drop_pages(v1 *t, size_t from, size_t to)
{
	if (!t->info->pages_droppable)
		return;
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	/* the mapping's, whichever buffer t->d is at the time */
	uintptr_t a = ((uintptr_t)(t->main + from) + pg - 1) & ~(pg - 1);
	uintptr_t b = (uintptr_t)(t->main + to) & ~(pg - 1);
	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

/* ---- pass 1: the index ---------------------------------------------------- */

static hs_err nomem(v1 *t)
{
	return hs_fail(t->err, HS_E_NOMEM, NULL);
}

static hs_err add_batch(v1 *t, const raw *r, size_t start)
{
	batch *bt = hs_vec_push(&t->batches, 1);
	if (!bt)
		return nomem(t);
	bt->p = (int64_t)r->args[0];
	if (t->ver < 1007) {
		bt->seq = r->args[1];
		bt->ts = r->args[2];
	} else {
		bt->ts = r->args[1];
	}
	bt->start = bt->end = start;
	uint32_t bi = (uint32_t)t->batches.len;   /* index + 1 */
	uint32_t qi = hs_idmap_get(&t->pmap, (uint64_t)bt->p);
	if (qi == UINT32_MAX) {
		queue *q = hs_vec_push(&t->queues, 1);
		if (!q || !hs_idmap_put(&t->pmap, (uint64_t)bt->p, (uint32_t)(t->queues.len - 1), NULL))
			return nomem(t);
		q->p = bt->p;
		q->first = q->cur = bi;
		return HS_OK;
	}
	queue *q = &HS_VEC_AT(&t->queues, queue, qi);
	/* cur holds the last batch while indexing */
	HS_VEC_AT(&t->batches, batch, q->cur - 1).next = bi;
	q->cur = bi;
	return HS_OK;
}

/* Streaming: a batch whose header time is before that of a batch at
 * least LATE_BYTES earlier in the file is needed by the merge long before
 * the second inflate gets to it (Go flushes a P's buffer when it is full,
 * the global one at the end): its bytes are kept until it ends and copied
 * to t->late at the same offsets, so the merge reads it there. */
static bool late_reserve(v1 *t)
{
	if (!t->late && !t->late_size) {
		void *m = mmap(NULL, LATE_RESERVE, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		t->late_size = 1;   /* tried */
		if (m != MAP_FAILED) {
			t->late = m;
			t->late_size = LATE_RESERVE;
		}
	}
	return t->late != NULL;
}

static void late_open(v1 *t, batch *bt)
{
	if (!t->stream)
		return;
	size_t last = t->batches.len - 1;
	while (t->lag < last) {
		const batch *o = &HS_VEC_AT(&t->batches, batch, t->lag);
		if (o->start + t->window > bt->start)
			break;
		if (o->ts > t->lag_ts)
			t->lag_ts = o->ts;
		t->lag++;
	}
	if (bt->ts < t->lag_ts && late_reserve(t)) {
		bt->late = true;
		t->hold = bt->start;
	}
}

static void late_close(v1 *t, batch *bt)
{
	if (!bt->late)
		return;
	t->hold = SIZE_MAX;
	if (bt->end > t->late_size) {
		bt->late = false;   /* read from the input after all */
		return;
	}
	memcpy(t->late + bt->start, t->d + bt->start, bt->end - bt->start);
}

/* The dictionaries are copied out while indexing: the merge may no
 * longer have the bytes they came from. */
static hs_err copy_bytes(v1 *t, hs_vec *to, size_t at, size_t len)
{
	uint8_t *p = len ? hs_vec_push(to, len) : NULL;
	if (len && !p)
		return nomem(t);
	if (len)
		memcpy(p, t->d + at, len);
	return HS_OK;
}

static hs_err index_record(v1 *t, const raw *r, size_t end, batch **cur)
{
	switch (r->typ) {
	case EV_BATCH: {
		if (*cur) {
			(*cur)->end = r->off;
			late_close(t, *cur);
		}
		hs_err rc = add_batch(t, r, end);
		*cur = &HS_VEC_AT(&t->batches, batch, t->batches.len - 1);
		if (rc == HS_OK)
			late_open(t, *cur);
		return rc;
	}
	case EV_FREQUENCY:
		if ((int64_t)r->args[0] <= 0)
			return hs_fail_at(t->err, HS_E_CORRUPT, r->off, "bad frequency %llu",
			                  (unsigned long long)r->args[0]);
		t->ticks_per_sec = r->args[0];
		return HS_OK;
	case EV_STRING: {
		bool dup;
		span *s = hs_vec_push(&t->strings, 1);
		if (!s || !hs_idmap_put(&t->strmap, r->args[0], (uint32_t)(t->strings.len - 1), &dup))
			return nomem(t);
		if (r->args[0] == 0 || dup)
			return hs_fail_at(t->err, HS_E_CORRUPT, r->off, "string has %s id %llu",
			                  dup ? "duplicate" : "invalid", (unsigned long long)r->args[0]);
		s->off = t->strbuf.len;
		s->len = (uint32_t)r->str_len;
		return copy_bytes(t, &t->strbuf, r->str_at, r->str_len);
	}
	case EV_STACK: {
		stack_rec *o = hs_vec_push(&t->stack_offs, 1);
		if (!o)
			return nomem(t);
		o->off = r->off;
		o->at = t->stackbuf.len;
		o->len = end - (size_t)r->off;
		return copy_bytes(t, &t->stackbuf, (size_t)r->off, o->len);
	}
	case EV_TIMER_GOROUTINE:
		return HS_OK;
	default:
		if (!*cur)
			return hs_fail_at(t->err, HS_E_CORRUPT, r->off, "%s event before the first batch",
			                  desc[r->typ].name);
		(*cur)->end = end;
		if (r->typ == EV_CPU_SAMPLE) {
			cpu_sample *c = hs_vec_push(&t->cpu, 1);
			if (!c)
				return nomem(t);
			c->ts = r->args[1];
			c->off = r->off;
			c->p = r->args[2];
			c->g = r->args[3];
			c->stk = r->args[4];
		}
		t->info->events++;
		return HS_OK;
	}
}

/* The index's common case: plain events with their few arguments inline
 * (t->fast), before lim (at most 42 bytes before the end of the input),
 * skipped without decoding; how many.  It stops at anything else, which
 * read_raw reads. */
static inline uint64_t skip_plain(const v1 *t, size_t *pos, size_t lim)
{
	const uint8_t *d = t->d;
	size_t at = *pos;
	uint64_t k = 0;
	while (at < lim) {
		uint32_t narg = t->fast[d[at]];
		if (!narg)
			break;
		const uint8_t *p = d + at + 1;
		for (uint32_t i = 0; i < narg; i++) {
			unsigned j = 0;
			while (p[j] & 0x80)
				if (++j == 10)
					goto out;
			p += j + 1;
		}
		at = (size_t)(p - d);
		k++;
	}
out:
	*pos = at;
	return k;
}

/* Streaming: make at least `upto` bytes readable if the input has them
 * (t->n then grows; complete, it is the input's length). */
static void stream_more(v1 *t, size_t upto)
{
	if (!t->stream || t->in->complete || upto <= t->n)
		return;
	t->n = t->avail = hs_input_wait(t->in, upto);
}

/* ---- the index's window ---------------------------------------------------- */

/* Back to the mapping (the index is done, or the window gave up). */
static void win_close(v1 *t)
{
	free(t->win);
	t->win = NULL;
	t->d = t->main;
	t->n = t->file_n;
}

/* The bytes from pos on in the window (t->d, t->n), at least `need` of
 * them when the file has them: those from pos the window holds move to
 * its start, the rest is read (hs_input_peek: pread, the mapping where a
 * read fails).  A record longer than wmax leaves the window: the rest is
 * indexed from the mapping. */
static void win_fill(v1 *t, size_t pos, size_t need)
{
	if (need > t->wcap) {
		size_t cap = t->wcap;
		while (cap < need && cap <= t->wmax / 2)
			cap *= 2;
		uint8_t *w = cap >= need ? realloc(t->win, cap) : NULL;
		if (!w) {
			win_close(t);
			return;
		}
		t->win = w;
		t->wcap = cap;
	}
	size_t keep = t->n - pos;
	memmove(t->win, t->win + (pos - t->woff), keep);
	t->woff = pos;
	size_t want = t->wcap - keep;
	if (want > t->file_n - pos - keep)
		want = t->file_n - pos - keep;
	hs_input_peek(t->in, pos + keep, t->win + keep, want);
	t->n = pos + keep + want;
	/* an address for d[at], at from woff on; not dereferenced below woff */
	t->d = (const uint8_t *)((uintptr_t)t->win - t->woff);
}

static hs_err build_index(v1 *t)
{
	size_t pos = 16, dropped = 0;
	batch *cur = NULL;
	raw r;
	for (;;) {
		if (t->stream && t->n - pos < STREAM_AHEAD(t) / 2)
			stream_more(t, pos + STREAM_AHEAD(t));
		if (t->win && t->n - pos < WIN_AHEAD && t->n < t->file_n)
			win_fill(t, pos, 0);
		if (pos >= t->n)
			break;
		if (t->win) {
			dropped = pos;   /* nothing of the mapping touched */
		} else if (t->stream && pos - dropped >= STREAM_DROP(t)) {
			/* everything before pos is indexed or copied out */
			hs_input_drop(t->in, pos < t->hold ? pos : t->hold);
			dropped = pos;
		} else if (pos - dropped >= DROP_BYTES) {
			drop_pages(t, dropped, pos);
			dropped = pos;
		}
		if (cur) {
			/* a run of plain events, up to where the checks above
			 * are due again */
			size_t lim = t->n > 41 ? t->n - 41 : 0;
			size_t due = dropped + (t->stream ? STREAM_DROP(t) : DROP_BYTES);
			if (due < lim && !t->win)
				lim = due;
			if (t->stream && !t->in->complete && t->n < lim + STREAM_AHEAD(t) / 2)
				lim = t->n > STREAM_AHEAD(t) / 2 ? t->n - STREAM_AHEAD(t) / 2 : 0;
			uint64_t k = skip_plain(t, &pos, lim);
			if (k) {
				cur->end = pos;   /* index_record's default case */
				t->info->events += k;
				continue;
			}
		}
		size_t at = pos;
		hs_err rc = read_raw(t, &pos, &r);
		if (rc == HS_E_TRUNCATED && t->stream && !t->in->complete) {
			/* more of the record may still come: read it again then */
			pos = at;
			stream_more(t, t->n + (t->n - at) + STREAM_AHEAD(t));
			continue;
		}
		if (rc == HS_E_TRUNCATED && t->win && t->n < t->file_n) {
			/* the record goes on after the window: read it again */
			pos = at;
			win_fill(t, at, 2 * (t->n - at) + WIN_AHEAD);
			continue;
		}
		if (rc == HS_E_TRUNCATED) {
			t->info->truncated = true;
			t->info->truncated_at = at;
			snprintf(t->info->truncated_why, sizeof t->info->truncated_why,
			         "the trace ends inside a %s record at byte %zu",
			         desc[r.typ].name ? desc[r.typ].name : "", at);
			break;
		}
		if (rc)
			return rc;
		if ((rc = index_record(t, &r, pos, &cur)))
			return rc;
	}
	if (cur)
		late_close(t, cur);
	if (t->win)
		win_close(t);
	if (t->batches.len == 0)
		return hs_fail_at(t->err, HS_E_FORMAT, 16, "trace is empty (no event batch)");
	return HS_OK;
}

/* ---- stacks ---------------------------------------------------------------- */

static span string_at(const v1 *t, uint64_t id)
{
	uint32_t i = hs_idmap_get(&t->strmap, id);
	return i == UINT32_MAX ? (span){0, 0} : HS_VEC_AT(&t->strings, span, i);
}

static const char *string_bytes(const v1 *t, span s)
{
	return s.len ? (const char *)t->strbuf.data + s.off : "";
}

static hs_err model_error(v1 *t, hs_err rc, uint64_t off)
{
	if (rc == HS_E_NOMEM)
		return nomem(t);
	return hs_fail_at(t->err, rc, off, "too many frames or stacks");
}

/* With t->d the copied records (build_stacks). */
static hs_err intern_stack(v1 *t, const stack_rec *s, uint32_t *locs)
{
	uint64_t off = s->off;
	size_t pos = s->at;
	raw r;
	hs_err rc = read_raw(t, &pos, &r);
	if (rc)
		return rc;
	uint64_t id = r.args[0], size = r.nargs >= 2 ? r.args[1] : 0;
	if (r.nargs < 2 || size > MAX_STACK_DEPTH)
		return hs_fail_at(t->err, HS_E_CORRUPT, off, "stack has bad number of frames %llu",
		                  (unsigned long long)size);
	uint64_t want = 2 + (t->ver < 1007 ? 1 : 4) * size;
	if (r.nargs != want)
		return hs_fail_at(t->err, HS_E_CORRUPT, off, "stack has %u arguments, want %llu",
		                  r.nargs, (unsigned long long)want);
	if (id == 0 || size == 0)
		return HS_OK;
	pos = r.args_at;
	uint64_t skip;
	uvarint(t->d, r.args_end, &pos, &skip);
	uvarint(t->d, r.args_end, &pos, &skip);
	for (uint64_t i = 0; i < size; i++) {
		uint64_t f[4] = {0, 0, 0, 0};
		for (int k = 0; k < (t->ver < 1007 ? 1 : 4); k++)
			uvarint(t->d, r.args_end, &pos, &f[k]);
		span fn = string_at(t, f[1]), file = string_at(t, f[2]);
		rc = hs_trace_frame(t->stacks, string_bytes(t, fn), fn.len, string_bytes(t, file),
		                    file.len, (int64_t)f[3], f[0], &locs[i]);
		if (rc)
			return model_error(t, rc, off);
	}
	uint32_t sid;
	if ((rc = hs_trace_stack(t->stacks, locs, (size_t)size, &sid)))
		return model_error(t, rc, off);
	/* the first record of an id wins */
	if (hs_dmap_get(&t->stkmap, id) == UINT32_MAX && !hs_dmap_put(&t->stkmap, id, sid))
		return nomem(t);
	return HS_OK;
}

static hs_err build_stacks(v1 *t)
{
	uint32_t *locs = malloc(MAX_STACK_DEPTH * sizeof *locs);
	if (!locs)
		return nomem(t);
	hs_err rc = HS_OK;
	const uint8_t *d = t->d;
	size_t n = t->n;
	t->d = t->stackbuf.data;
	t->n = t->stackbuf.len;
	for (size_t i = 0; i < t->stack_offs.len && rc == HS_OK; i++)
		rc = intern_stack(t, &HS_VEC_AT(&t->stack_offs, stack_rec, i), locs);
	t->d = d;
	t->n = n;
	free(locs);
	return rc;
}

/* ---- merging the per-P queues ---------------------------------------------- */

#define NOSEQ UINT64_MAX
#define SEQINC (UINT64_MAX - 1)
#define UNORDERED UINT32_MAX
#define GC_STATE 0u         /* gs[0]: order.go's "garbage" goroutine (GC seq) */

/* A goroutine seen for the first time. */
__attribute__((noinline))
static hs_err g_new(v1 *t, uint64_t g, uint32_t *out)
{
	if (t->gs.len >= UINT32_MAX - 4)
		return hs_fail(t->err, HS_E_LIMIT, "too many goroutines");
	if (!hs_vec_push(&t->gs, 1) || !hs_dmap_put(&t->gmap, g, (uint32_t)(t->gs.len - 1)))
		return nomem(t);
	*out = (uint32_t)(t->gs.len - 1);
	return HS_OK;
}

static inline hs_err g_index(v1 *t, uint64_t g, uint32_t *out)
{
	uint32_t i = hs_dmap_get(&t->gmap, g);
	if (i == UINT32_MAX)
		return g_new(t, g, out);
	*out = i;
	return HS_OK;
}

static gstate *state_of(v1 *t, uint32_t gi)
{
	return &HS_VEC_AT(&t->gs, gstate, gi);
}

#define GS(sq, st) ((gstate){.seq = (sq), .status = (st)})

static uint32_t stack_of(const v1 *t, uint64_t stk)
{
	if (!stk)
		return 0;
	uint32_t s = hs_dmap_get(&t->stkmap, stk);   /* already id + 1 */
	return s == UINT32_MAX ? 0 : s;
}

static void set_str(v1 *t, hs_tev *ev, uint64_t id)
{
	span s = string_at(t, id);
	ev->str = string_bytes(t, s);
	ev->str_len = s.len;
}

static const hs_twait block_wait[EV_COUNT] = {
	[EV_GO_STOP] = HS_TWAIT_SELECT_NONE, [EV_GO_SLEEP] = HS_TWAIT_SLEEP,
	[EV_GO_BLOCK] = HS_TWAIT_OTHER, [EV_GO_BLOCK_SEND] = HS_TWAIT_CHAN_SEND,
	[EV_GO_BLOCK_RECV] = HS_TWAIT_CHAN_RECV, [EV_GO_BLOCK_SELECT] = HS_TWAIT_SELECT,
	[EV_GO_BLOCK_SYNC] = HS_TWAIT_SYNC, [EV_GO_BLOCK_COND] = HS_TWAIT_COND,
	[EV_GO_BLOCK_NET] = HS_TWAIT_NET, [EV_GO_BLOCK_GC] = HS_TWAIT_GC,
};

/* ev.kind of an event the stream does not carry (sweeps, mark assists,
 * GOMAXPROCS, futile wakeups), and of a log, whose "category: message"
 * is written at delivery (into t->logbuf, one for all queues). */
#define KIND_NONE HS_TEV_COUNT
#define KIND_LOG (HS_TEV_COUNT + 1)

/* One switch on the type per decoded event: the goroutine running on the
 * P, as Go's parseEvents follows it (q->last_g, e->g); order.go's
 * stateTransition: the goroutine the event moves, the state it needs and
 * the state it leaves; and the normalized event (e->ev, but for its
 * time), so that delivery does not switch again. */
static inline hs_err step_of(v1 *t, queue *q, event *e)
{
	hs_tev *v = &e->ev;
	uint64_t g;
	e->gi = UNORDERED;
	e->tick = e->ts;
	v->wait = HS_TWAIT_NONE;
	v->p = q->p;
	v->stack = stack_of(t, e->stk);
	v->arg0 = v->arg1 = 0;
	v->str = NULL;
	v->str_len = 0;
	switch (e->typ) {
	case EV_GO_CREATE:
		g = v->g = e->args[0];
		v->kind = HS_TEV_GO_CREATE;
		v->arg0 = e->g;
		v->arg1 = stack_of(t, e->args[1]);
		e->init = GS(0, G_DEAD);
		e->next = GS(1, G_RUNNABLE);
		break;
	case EV_GO_WAITING:
	case EV_GO_INSYSCALL:
		g = v->g = e->g = e->args[0];
		v->kind = HS_TEV_GO_EXISTING;
		v->arg0 = e->typ == EV_GO_WAITING ? 1 : 2;
		e->init = GS(1, G_RUNNABLE);
		e->next = GS(2, G_WAITING);
		break;
	case EV_GO_START_LABEL:
		set_str(t, v, e->args[2]);
		/* fall through */
	case EV_GO_START:
		g = v->g = q->last_g = e->g = e->args[0];
		v->kind = HS_TEV_GO_START;
		e->init = GS(e->args[1], G_RUNNABLE);
		e->next = GS(e->args[1] + 1, G_RUNNING);
		break;
	case EV_GO_START_LOCAL:
		g = v->g = q->last_g = e->g = e->args[0];
		v->kind = HS_TEV_GO_START;
		e->init = GS(NOSEQ, G_RUNNABLE);
		e->next = GS(SEQINC, G_RUNNING);
		break;
	case EV_GO_BLOCK: case EV_GO_BLOCK_SEND: case EV_GO_BLOCK_RECV: case EV_GO_BLOCK_SELECT:
	case EV_GO_BLOCK_SYNC: case EV_GO_BLOCK_COND: case EV_GO_BLOCK_NET: case EV_GO_SLEEP:
	case EV_GO_BLOCK_GC:
		g = v->g = e->g;
		q->last_g = 0;
		v->kind = HS_TEV_GO_BLOCK;
		v->wait = block_wait[e->typ];
		e->init = GS(NOSEQ, G_RUNNING);
		e->next = GS(NOSEQ, G_WAITING);
		break;
	case EV_GO_SYSBLOCK:
		g = v->g = e->g;
		q->last_g = 0;
		v->kind = HS_TEV_SYSCALL_BLOCK;
		e->init = GS(NOSEQ, G_RUNNING);
		e->next = GS(NOSEQ, G_WAITING);
		break;
	case EV_GO_SCHED:
	case EV_GO_PREEMPT:
		g = v->g = e->g;
		q->last_g = 0;
		v->kind = HS_TEV_GO_STOP;
		v->wait = e->typ == EV_GO_PREEMPT ? HS_TWAIT_PREEMPTED : HS_TWAIT_NONE;
		e->init = GS(NOSEQ, G_RUNNING);
		e->next = GS(NOSEQ, G_RUNNABLE);
		break;
	case EV_GO_END:
		v->g = e->g;
		q->last_g = 0;
		v->kind = HS_TEV_GO_END;
		return HS_OK;
	case EV_GO_STOP:
		v->g = e->g;
		q->last_g = 0;
		v->kind = HS_TEV_GO_BLOCK;
		v->wait = HS_TWAIT_SELECT_NONE;
		return HS_OK;
	case EV_GO_SYSEXIT:
		v->g = e->g = e->args[0];
		v->kind = HS_TEV_SYSCALL_EXIT;
		if (e->args[2] && t->ver >= 1007)
			e->tick = e->args[2];
		g = e->args[0];
		e->init = GS(e->args[1], G_WAITING);
		e->next = GS(e->args[1] + 1, G_RUNNABLE);
		break;
	case EV_GO_UNBLOCK:
		g = v->g = e->args[0];
		v->kind = HS_TEV_GO_UNBLOCK;
		v->arg0 = e->g;
		e->init = GS(e->args[1], G_WAITING);
		e->next = GS(e->args[1] + 1, G_RUNNABLE);
		break;
	case EV_GO_SYSEXIT_LOCAL:
		v->g = e->g = e->args[0];
		v->kind = HS_TEV_SYSCALL_EXIT;
		if (e->args[1])
			e->tick = e->args[1];
		g = e->args[0];
		e->init = GS(NOSEQ, G_WAITING);
		e->next = GS(SEQINC, G_RUNNABLE);
		break;
	case EV_GO_UNBLOCK_LOCAL:
		g = v->g = e->args[0];
		v->kind = HS_TEV_GO_UNBLOCK;
		v->arg0 = e->g;
		e->init = GS(NOSEQ, G_WAITING);
		e->next = GS(SEQINC, G_RUNNABLE);
		break;
	case EV_GC_START:
		v->g = e->g = 0;
		v->kind = HS_TEV_GC_START;
		v->arg0 = e->args[0];
		e->gi = GC_STATE;
		e->init = GS(e->args[0], G_DEAD);
		e->next = GS(e->args[0] + 1, G_DEAD);
		return HS_OK;
	case EV_GC_STW_START:
		v->g = e->g = 0;
		v->kind = HS_TEV_STW_START;
		v->arg0 = e->args[0];
		return HS_OK;
	case EV_GC_DONE:
		v->g = e->g = 0;
		v->kind = HS_TEV_GC_END;
		return HS_OK;
	case EV_GC_STW_DONE:
		v->g = e->g = 0;
		v->kind = HS_TEV_STW_END;
		return HS_OK;
	default:
		v->g = e->g;
		switch (e->typ) {
		case EV_PROC_START: v->kind = HS_TEV_PROC_START; v->arg0 = e->args[0]; break;
		case EV_PROC_STOP: v->kind = HS_TEV_PROC_STOP; break;
		case EV_GO_SYSCALL: v->kind = HS_TEV_SYSCALL; break;
		case EV_HEAP_ALLOC: v->kind = HS_TEV_HEAP_ALLOC; v->arg0 = e->args[0]; break;
		case EV_HEAP_GOAL: v->kind = HS_TEV_HEAP_GOAL; v->arg0 = e->args[0]; break;
		case EV_USER_TASK_CREATE:
			v->kind = HS_TEV_TASK_BEGIN;
			v->arg0 = e->args[0];
			v->arg1 = e->args[1];
			set_str(t, v, e->args[2]);
			break;
		case EV_USER_TASK_END: v->kind = HS_TEV_TASK_END; v->arg0 = e->args[0]; break;
		case EV_USER_REGION:
			v->kind = e->args[1] == 0 ? HS_TEV_REGION_BEGIN : HS_TEV_REGION_END;
			v->arg0 = e->args[0];
			set_str(t, v, e->args[2]);
			break;
		case EV_USER_LOG: v->kind = KIND_LOG; v->arg0 = e->args[0]; break;
		default: v->kind = KIND_NONE; break;
		}
		return HS_OK;
	}
	return g_index(t, g, &e->gi);
}

static bool ready(v1 *t, const event *e)
{
	if (e->gi == UNORDERED)
		return true;
	const gstate *cur = state_of(t, e->gi);
	return (e->init.seq == NOSEQ || e->init.seq == cur->seq) && e->init.status == cur->status;
}

/* The event's transition; the queues parked on the goroutine (a list
 * for unpark) are taken off it, since its state changed. */
static uint32_t apply(v1 *t, const event *e)
{
	if (e->gi == UNORDERED)
		return 0;
	gstate *cur = state_of(t, e->gi), next = e->next;
	if (next.seq == NOSEQ)
		next.seq = cur->seq;
	else if (next.seq == SEQINC)
		next.seq = cur->seq + 1;
	uint32_t parked = cur->parked;
	next.parked = 0;
	*cur = next;
	return parked;
}

/* An event record into an event, as Go's parseEvents. */
static void decode_event(v1 *t, queue *q, const raw *r, event *e)
{
	e->typ = r->typ;
	e->off = r->off;
	e->seq = 0;
	e->args[0] = e->args[1] = e->args[2] = e->args[3] = 0;
	e->stk = 0;
	e->g = q->last_g;
	uint32_t argoff = 1;
	if (t->ver < 1007) {
		e->seq = q->last_seq + r->args[0];
		e->ts = q->last_ts + r->args[1];
		q->last_seq = e->seq;
		argoff = 2;
	} else {
		e->ts = q->last_ts + r->args[0];
	}
	q->last_ts = e->ts;
	uint32_t n = r->nargs < MAX_ARGS ? r->nargs : MAX_ARGS;
	for (uint32_t i = argoff; i < n; i++) {
		if (i == r->nargs - 1 && desc[r->typ].stack)
			e->stk = r->args[i];
		else if (i - argoff < 4)
			e->args[i - argoff] = r->args[i];
	}
	/* field by field: a 16-byte copy of the pair stalls on the fast
	 * reader's 8-byte store (store forwarding) */
	e->str_len = r->str_len;
	e->str = e->str_len ? (const char *)t->d + r->str_at : NULL;
	if (t->ver < 1007 && r->typ == EV_GO_SYSEXIT) {
		/* order1005: a syscall exit sorts by its own sequence */
		e->seq = e->args[1];
		if (e->args[2])
			e->ts = e->args[2];
	}
}

/* A mapped file: the batch, and the 64 bytes after it where the file
 * has them (what the decoders may look at past a record, as they would
 * in the mapping), read into the queue's buffer, so that the merge does
 * not fault the mapping's pages in (nor give them back).  The bytes from
 * the batch's start on are the same: a record is decoded as from the
 * mapping.  The buffer is reused: the queue's head, the only thing that
 * points into it (a log's value), is delivered before the next batch. */
static void batch_read(v1 *t, queue *q, const batch *b)
{
	size_t to = t->file_n - b->end > 64 ? b->end + 64 : t->file_n;
	size_t len = to - b->start;
	if (len > q->cap) {
		size_t cap = q->cap ? q->cap : t->qmax / 16;
		while (cap < len && cap <= t->qmax / 2)
			cap *= 2;
		uint8_t *w = cap >= len && t->qused - q->cap + cap <= t->qbudget ?
		             realloc(q->buf, cap) : NULL;
		if (!w) {
			t->mapped = true;   /* this batch from the mapping */
			return;
		}
		t->qused += cap - q->cap;
		q->buf = w;
		q->cap = cap;
	}
	hs_input_peek(t->in, b->start, q->buf, len);
	/* an address for d[at], at from the batch's start on */
	q->d = (const uint8_t *)((uintptr_t)q->buf - b->start);
	q->n = to;
}

static void load_batch(v1 *t, queue *q, uint32_t bi)
{
	const batch *b = &HS_VEC_AT(&t->batches, batch, bi - 1);
	q->cur = bi;
	q->pos = b->start;
	q->end = b->end;
	q->last_ts = b->ts;
	q->last_seq = b->seq;
	q->late = b->late;
	q->d = t->main;
	q->n = t->stream ? t->n : t->file_n;
	if (t->qwin)
		batch_read(t, q, b);
	/* not streaming: where decode_fast may read (41 bytes before the
	 * end of what is readable), one test for the common record */
	size_t lim = q->n > 41 ? q->n - 41 : 0;
	q->fast_end = t->stream ? 0 : b->end < lim ? b->end : lim;
}

/* The common record (t->fast: a plain event, its 1-3 arguments inline,
 * well away from the end of the input) decoded straight into q->head, as
 * read_raw and decode_event would; false (nothing consumed) on a
 * malformed varint, which read_raw then reports. */
static inline bool decode_fast(v1 *t, queue *q, uint32_t narg)
{
	const uint8_t *d = q->d;
	size_t at = q->pos, p = at + 1;
	uint8_t typ = d[at] & 0x3f;
	uint64_t ts, a1 = 0, a2 = 0;
	if (!uvarint10(d, &p, &ts) || (narg > 1 && !uvarint10(d, &p, &a1)) ||
	    (narg > 2 && !uvarint10(d, &p, &a2)))
		return false;
	q->pos = p;
	event *e = &q->head;
	e->typ = typ;
	e->off = at;
	e->ts = q->last_ts + ts;
	q->last_ts = e->ts;
	e->g = q->last_g;
	if (desc[typ].stack) {   /* the last argument (a plain event with a stack has 2-3) */
		e->stk = narg == 2 ? a1 : a2;
		e->args[0] = narg == 3 ? a1 : 0;
		e->args[1] = 0;
	} else {
		e->stk = 0;
		e->args[0] = a1;
		e->args[1] = a2;
	}
	/* seq, args[2..3] and str are read for no type decoded here (none
	 * before Go 1.7, none with more than 3 arguments, no log) */
	return true;
}

/* Decode the next event of q into q->head (no transition), skipping dictionary records
 * and CPU samples (those come from their own sorted index).  Out of line:
 * inlined, its record on the stack and its registers cost queue_next's
 * common path a larger frame. */
__attribute__((noinline))
static hs_err queue_fill(v1 *t, queue *q)
{
	raw r;
	while (!q->has_head && !q->done) {
		if (q->pos >= q->end) {
			uint32_t next = HS_VEC_AT(&t->batches, batch, q->cur - 1).next;
			if (!next) {
				q->done = true;
				break;
			}
			load_batch(t, q, next);
			continue;
		}
		if (t->stream) {
			t->d = q->late ? t->late : t->main;
			if (!q->late && q->end + 64 > t->avail && t->avail < t->n)
				t->avail = hs_input_wait(t->in, q->end + 64 < t->n ? q->end + 64 : t->n);
		} else {
			t->d = q->d;   /* the queue's buffer: read_raw and decode_event read there */
			t->n = q->n;
		}
		hs_err rc = read_raw(t, &q->pos, &r);
		if (rc)
			return rc == HS_E_TRUNCATED ? hs_fail_at(t->err, HS_E_TRUNCATED, r.off,
			                                         "event cut short") : rc;
		switch (r.typ) {
		case EV_STRING: case EV_STACK: case EV_FREQUENCY: case EV_TIMER_GOROUTINE:
		case EV_BATCH:
			continue;
		case EV_CPU_SAMPLE:
			/* keeps the P's timestamp base moving, as Go's decoder does */
			q->last_ts += t->ver < 1007 ? r.args[1] : r.args[0];
			continue;
		}
		decode_event(t, q, &r, &q->head);
		q->has_head = true;
	}
	if (!t->stream) {
		t->d = t->main;
		t->n = t->file_n;
	}
	return HS_OK;
}

/* The next event of q into q->head with its ordering transition: the
 * common record decoded inline, anything else by queue_fill. */
static inline hs_err queue_next(v1 *t, queue *q)
{
	uint32_t narg = 0;
	if (q->pos < q->fast_end)
		narg = t->fast[q->d[q->pos]];
	else if (t->stream && q->pos < q->end && !q->late && t->d == t->main &&
	         q->end + 64 <= t->avail && t->n - q->pos > 41)
		narg = t->fast[q->d[q->pos]];
	if (!narg || !decode_fast(t, q, narg)) {
		hs_err rc = queue_fill(t, q);
		if (rc || !q->has_head)
			return rc;
	}
	hs_err rc = step_of(t, q, &q->head);
	q->has_head = rc == HS_OK;
	return rc;
}

static int cmp_cpu(const void *a, const void *b)
{
	const cpu_sample *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* ---- delivery ------------------------------------------------------------- */

static int64_t to_ns(v1 *t, uint64_t ticks)
{
	/* Go's parser: int64(float64(ts-minTs) * (1e9/float64(freq))), kept
	 * bit for bit so durations equal go tool trace's. */
	double ns = (double)(int64_t)(ticks - t->min_ts) * t->ns_per_tick;
	/* hostile timestamps: clamp where the conversion would be undefined */
	if (!(ns > -9.2e18))
		return INT64_MIN;
	if (!(ns < 9.2e18))
		return INT64_MAX;
	return (int64_t)ns;
}

/* A log's "category: message", written at delivery into t->logbuf; false
 * for an event the stream does not carry. */
__attribute__((noinline))
static bool late_kind(v1 *t, event *e)
{
	hs_tev *ev = &e->ev;
	if (ev->kind != KIND_LOG)
		return false;
	ev->kind = HS_TEV_LOG;
	span k = string_at(t, e->args[1]);
	int len = snprintf(t->logbuf, sizeof t->logbuf, "%.*s: %.*s", (int)k.len,
	                   string_bytes(t, k), (int)e->str_len, e->str ? e->str : "");
	ev->str = t->logbuf;
	ev->str_len = len < 0 ? 0 : len >= (int)sizeof t->logbuf ? sizeof t->logbuf - 1 : (uint32_t)len;
	return true;
}

/* Streaming merge: give back what no queue reads again, below the
 * lowest position an unfinished queue (its head, else its next record)
 * still reads.  The dictionaries and CPU samples were copied out. */
static void stream_drop(v1 *t)
{
	size_t low = t->avail;
	for (size_t i = 0; i < t->queues.len; i++) {
		const queue *q = &HS_VEC_AT(&t->queues, queue, i);
		size_t at = q->has_head ? (size_t)q->head.off : q->pos;
		if (q->late) {   /* its next batch is the next it reads here */
			uint32_t next = HS_VEC_AT(&t->batches, batch, q->cur - 1).next;
			at = next ? HS_VEC_AT(&t->batches, batch, next - 1).start : SIZE_MAX;
		}
		if (!q->done && at < low)
			low = at;
	}
	hs_input_drop(t->in, low);
	t->next_drop = t->delivered + t->drop_every;
}

static hs_err deliver(v1 *t, event *e)
{
	if (!t->have_min) {
		t->have_min = true;
		t->min_ts = e->ts;
	} else if (e->ts < t->last_ts) {
		return hs_fail_at(t->err, HS_E_CORRUPT, e->off, "time stamps out of order (%s event)",
		                  desc[e->typ].name);
	}
	t->last_ts = e->ts;
	t->delivered++;
	hs_tev *ev = &e->ev;
	if (ev->kind >= HS_TEV_COUNT && !late_kind(t, e))
		return HS_OK;
	ev->ts = to_ns(t, e->tick);
	if (ev->ts > t->info->duration_ns)
		t->info->duration_ns = ev->ts;
	hs_err rc = t->fn(t->ctx, ev);
	if (t->delivered >= t->next_drop) {
		if (t->stream) {
			stream_drop(t);
		} else {
			if (t->mapped)
				drop_pages(t, 0, t->n);
			t->next_drop = t->delivered + t->drop_every;
		}
	}
	return rc;
}

static void next_cpu(v1 *t, event *e)
{
	const cpu_sample *c = &HS_VEC_AT(&t->cpu, cpu_sample, t->cpu_next);
	memset(e, 0, sizeof *e);
	e->typ = EV_CPU_SAMPLE;
	e->off = c->off;
	e->ts = e->tick = c->ts;
	e->gi = UNORDERED;
	e->ev.kind = HS_TEV_CPU_SAMPLE;
	e->ev.p = (int64_t)c->p;
	e->ev.g = c->g;
	e->ev.stack = stack_of(t, c->stk);
}

/* The merge keeps the queues whose head is ready in a binary heap by
 * (timestamp, queue index), and parks the others on the goroutine whose
 * state they wait for: a head's readiness changes only when that state
 * does.  So each event costs O(log P), and hostile inputs with many Ps
 * stay fast; with FEW_MAX queues or fewer a sorted array replaces the
 * heap.  The result is order1007's: the ready head with the smallest
 * timestamp. */
#define NO_QUEUE UINT32_MAX

static inline bool heap_less(hent a, hent b)
{
	return a.ts != b.ts ? a.ts < b.ts : a.qi < b.qi;
}

static hs_err heap_push(v1 *t, uint32_t qi)
{
	if (!hs_vec_push(&t->heap, 1))
		return nomem(t);
	hent *h = t->heap.data, x = {HS_VEC_AT(&t->queues, queue, qi).head.ts, qi};
	size_t i = t->heap.len - 1;
	while (i && heap_less(x, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
	return HS_OK;
}

/* Put `last` at the root and sift it down. */
static void heap_sift_ent(v1 *t, hent last)
{
	hent *h = t->heap.data;
	size_t n = t->heap.len, i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && heap_less(h[c + 1], h[c]))
			c++;
		if (!heap_less(h[c], last))
			break;
		h[i] = h[c];
		i = c;
	}
	if (n)
		h[i] = last;
}

/* The ready set: the earliest queue, NO_QUEUE when empty. */
static inline uint32_t set_top(const v1 *t)
{
	if (t->few)
		return t->nlist ? t->list[0].qi : NO_QUEUE;
	return t->heap.len ? ((const hent *)t->heap.data)[0].qi : NO_QUEUE;
}

static hs_err set_push(v1 *t, uint32_t qi)
{
	if (!t->few)
		return heap_push(t, qi);
	hent x = {HS_VEC_AT(&t->queues, queue, qi).head.ts, qi};
	uint32_t j = t->nlist++;
	t->list[t->nlist] = t->list[j];
	for (; j && heap_less(x, t->list[j - 1]); j--)
		t->list[j] = t->list[j - 1];
	t->list[j] = x;
	return HS_OK;
}

/* The earliest queue leaves the set. */
static void set_pop(v1 *t)
{
	if (t->few) {
		t->nlist--;
		memmove(t->list, t->list + 1, (t->nlist + 1) * sizeof t->list[0]);
		return;
	}
	hent last = ((hent *)t->heap.data)[--t->heap.len];
	heap_sift_ent(t, last);
}

/* The earliest queue, qi, has a new head at ts, ready: mostly it stays
 * first (the next event of the same P), else it moves back. */
static inline void set_next(v1 *t, uint32_t qi, uint64_t ts)
{
	hent x = {ts, qi};
	if (t->few) {
		/* field by field: a 16-byte copy of an entry stored as 8 + 4
		 * bytes the event before waits for those stores (no store
		 * forwarding) */
		uint32_t j = 1;
		for (; heap_less(t->list[j], x); j++) {
			t->list[j - 1].ts = t->list[j].ts;
			t->list[j - 1].qi = t->list[j].qi;
		}
		t->list[j - 1].ts = ts;
		t->list[j - 1].qi = qi;
		return;
	}
	hent *h = t->heap.data;
	size_t n = t->heap.len;
	if ((n < 2 || heap_less(x, h[1])) && (n < 3 || heap_less(x, h[2])))
		h[0] = x;
	else
		heap_sift_ent(t, x);
}

/* A queue with a head goes to the set or is parked on its goroutine. */
static hs_err place(v1 *t, uint32_t qi)
{
	queue *q = &HS_VEC_AT(&t->queues, queue, qi);
	if (ready(t, &q->head))
		return set_push(t, qi);
	gstate *g = state_of(t, q->head.gi);
	q->next_parked = g->parked;
	g->parked = qi + 1;
	return HS_OK;
}

/* After a goroutine changed state: the queues that were parked on it
 * (apply's list) try again. */
static hs_err unpark(v1 *t, uint32_t next)
{
	while (next) {
		queue *q = &HS_VEC_AT(&t->queues, queue, next - 1);
		uint32_t qi = next - 1;
		next = q->next_parked;
		hs_err rc = place(t, qi);
		if (rc)
			return rc;
	}
	return HS_OK;
}

static hs_err refill(v1 *t, uint32_t qi)
{
	queue *q = &HS_VEC_AT(&t->queues, queue, qi);
	hs_err rc = queue_next(t, q);
	if (rc == HS_OK && q->has_head)
		rc = place(t, qi);
	return rc;
}

static hs_err stuck(v1 *t)
{
	if (t->info->truncated)
		return HS_OK;   /* the events that would order the rest were cut */
	for (size_t i = 0; i < t->queues.len; i++) {
		queue *w = &HS_VEC_AT(&t->queues, queue, i);
		if (w->has_head)
			return hs_fail_at(t->err, HS_E_CORRUPT, w->head.off,
			                  "no consistent ordering of events possible "
			                  "(%s event of goroutine %llu)",
			                  desc[w->head.typ].name, (unsigned long long)w->head.g);
	}
	return HS_OK;
}

static hs_err merge(v1 *t)
{
	hs_err rc = HS_OK;
	t->few = t->queues.len <= FEW_MAX;
	t->list[0] = (hent){UINT64_MAX, NO_QUEUE};
	for (uint32_t i = 0; i < t->queues.len && rc == HS_OK; i++)
		rc = refill(t, i);
	uint32_t fresh = NO_QUEUE;   /* its head was found ready since the last state change */
	while (rc == HS_OK) {
		/* a head made unready by another queue's event parks now */
		uint32_t qi;
		while ((qi = set_top(t)) != NO_QUEUE && qi != fresh &&
		       !ready(t, &HS_VEC_AT(&t->queues, queue, qi).head)) {
			set_pop(t);
			if ((rc = place(t, qi)))
				return rc;
		}
		queue *q = qi != NO_QUEUE ? &HS_VEC_AT(&t->queues, queue, qi) : NULL;
		if (t->cpu_next < t->cpu.len &&
		    (!q || HS_VEC_AT(&t->cpu, cpu_sample, t->cpu_next).ts < q->head.ts)) {
			event e;
			next_cpu(t, &e);
			if ((rc = deliver(t, &e)) == HS_OK)
				t->cpu_next++;
			continue;
		}
		if (!q)
			return stuck(t);
		event *e = &q->head;
		q->has_head = false;
		uint32_t parked = apply(t, e);
		if ((rc = deliver(t, e)) != HS_OK || (rc = queue_next(t, q)) != HS_OK)
			break;
		/* The refilled queue takes its old place in the set where it
		 * can; then the goroutine's parked queues come back.  The set
		 * ends with the entries pop, unpark and push would leave, and
		 * its order is total (timestamp, queue), so the same earliest. */
		if (q->has_head && ready(t, &q->head)) {
			set_next(t, qi, q->head.ts);
			fresh = qi;
		} else {
			set_pop(t);
			fresh = NO_QUEUE;
			if (q->has_head && (rc = place(t, qi)) != HS_OK)
				break;
		}
		rc = unpark(t, parked);
	}
	return rc;
}

/* Go 1.5 and 1.6 stamp every event with a global sequence number, and a
 * syscall exit carries the sequence of the real exit, far back in its
 * queue: Go sorts the whole trace by sequence (order1005).  So does this,
 * holding the events of these (small, rare) traces in memory.  When the
 * timestamps then disagree with the sequence (Go's parser gives up with
 * "time stamps out of order"), the events are ordered by timestamp and
 * info->note says so. */
typedef struct seq_event {
	event e;
	uint64_t key;
	size_t idx;
} seq_event;

static int cmp_seq_event(const void *a, const void *b)
{
	const seq_event *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static hs_err merge_1005(v1 *t)
{
	hs_vec all;
	hs_vec_init(&all, sizeof(seq_event));
	hs_err rc = HS_OK;
	for (size_t i = 0; i < t->queues.len && rc == HS_OK; i++) {
		queue *q = &HS_VEC_AT(&t->queues, queue, i);
		while ((rc = queue_next(t, q)) == HS_OK && q->has_head) {
			seq_event *se = hs_vec_push(&all, 1);
			if (!se) {
				rc = nomem(t);
				break;
			}
			se->e = q->head;
			se->key = q->head.seq;
			se->idx = all.len;
			q->has_head = false;
		}
	}
	seq_event *v = all.data;
	if (rc == HS_OK && all.len) {
		qsort(v, all.len, sizeof *v, cmp_seq_event);
		bool sorted = true;
		for (size_t i = 1; i < all.len && sorted; i++)
			sorted = v[i].e.ts >= v[i - 1].e.ts;
		if (!sorted) {
			for (size_t i = 0; i < all.len; i++) {
				v[i].key = v[i].e.ts;
				v[i].idx = i;
			}
			qsort(v, all.len, sizeof *v, cmp_seq_event);
			snprintf(t->info->note, sizeof t->info->note,
			         "timestamps disagree with the sequence numbers (Go's parser rejects "
			         "this trace); events ordered by timestamp");
		}
	}
	for (size_t i = 0; i < all.len && rc == HS_OK; i++)
		rc = deliver(t, &v[i].e);
	hs_vec_release(&all);
	return rc;
}

static void release(v1 *t)
{
	for (size_t i = 0; i < t->queues.len; i++)   /* before the queues go */
		free(HS_VEC_AT(&t->queues, queue, i).buf);
	hs_vec *vecs[] = {&t->batches, &t->queues, &t->strings, &t->strbuf, &t->stack_offs,
	                  &t->stackbuf, &t->cpu, &t->gs, &t->heap};
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
		hs_vec_release(vecs[i]);
	if (t->late)
		munmap(t->late, t->late_size);
	hs_dmap_release(&t->gmap);
	hs_dmap_release(&t->stkmap);
	hs_idmap *maps[] = {&t->pmap, &t->strmap};
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		hs_idmap_release(maps[i]);
}

hs_err hs_trace_load_old(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                         hs_trace_info *info, hs_error *err)
{
	v1 t;
	memset(&t, 0, sizeof t);
	t.in = in;
	t.stream = in->bg != NULL;
	t.d = t.main = in->data;
	t.n = t.avail = in->len;
	t.hold = SIZE_MAX;
	t.window = LATE_BYTES;
	/* A test knob (tests/conformance/check_trace_stream.py): a smaller
	 * window makes small traces take every streaming path. */
	const char *knob = getenv("HEAPSCOPE_TEST_TRACE_WINDOW");
	if (knob && atol(knob) >= 4096 && (size_t)atol(knob) < LATE_BYTES)
		t.window = (size_t)atol(knob);
	t.ver = hs_trace_detect(t.d, t.n);
	t.stacks = stacks;
	t.fn = fn;
	t.ctx = ctx;
	t.info = info;
	t.err = err;
	info->go_version = t.ver;
	if (t.ver < 1005 || t.ver > 1021)
		return hs_fail_at(err, HS_E_FORMAT, 0, "not an old-format trace header");
	hs_vec_init(&t.batches, sizeof(batch));
	hs_vec_init(&t.queues, sizeof(queue));
	hs_vec_init(&t.strings, sizeof(span));
	hs_vec_init(&t.strbuf, 1);
	hs_vec_init(&t.stack_offs, sizeof(stack_rec));
	hs_vec_init(&t.stackbuf, 1);
	hs_vec_init(&t.cpu, sizeof(cpu_sample));
	hs_vec_init(&t.gs, sizeof(gstate));
	hs_vec_init(&t.heap, sizeof(hent));
	for (int ty = 0; ty < EV_COUNT; ty++) {
		raw r = {.typ = (uint8_t)ty};
		unsigned w = ty == EV_NONE || ty == EV_STACK ? 0 : want_args(&t, &r);
		t.want[ty] = (uint8_t)(w < 255 ? w : 255);
		t.plain[ty] = t.ver >= 1007 && ty != EV_NONE && desc[ty].min_version <= t.ver &&
		              ty != EV_BATCH && ty != EV_FREQUENCY && ty != EV_STACK &&
		              ty != EV_STRING && ty != EV_TIMER_GOROUTINE && ty != EV_CPU_SAMPLE &&
		              ty != EV_USER_LOG;
	}
	for (int b = 0; b < 256; b++) {
		unsigned ty = b & 0x3f, narg = (b >> 6) + 1u;
		t.fast[b] = ty < EV_COUNT && narg < 4 && t.plain[ty] && t.want[ty] == narg ? narg : 0;
	}
	hs_err rc = HS_OK;
	if (!hs_idmap_init(&t.pmap, 16) || !hs_idmap_init(&t.strmap, 256) ||
	    !hs_vec_push(&t.gs, 1) /* GC_STATE */)
		rc = nomem(&t);
	t.file_n = t.n;
	if (rc == HS_OK && !t.stream && info->pages_droppable && in->map_fd >= 0) {
		t.wcap = t.window / 4;
		t.wmax = t.wcap * 64;
		t.win = malloc(t.wcap);
		if (t.win) {
			t.n = t.woff = 0;
			win_fill(&t, 0, 0);
		}
	}
	if (rc == HS_OK)
		rc = build_index(&t);
	if (t.win)
		win_close(&t);   /* build_index stopped early */
	if (t.stream) {
		/* All of it inflated: a decompression error comes before
		 * anything read from the bytes, as when they are read whole. */
		t.n = t.avail = hs_input_wait(in, SIZE_MAX);
		if (hs_input_error(in, NULL) != HS_OK) {
			hs_error_clear(err);
			rc = hs_input_error(in, err);
		}
	}
	size_t n = t.n;
	if (rc == HS_OK && !t.ticks_per_sec) {
		/* Go writes the frequency last: without it the trace was cut,
		 * if at a record boundary.  Ticks are then taken as ns. */
		if (!info->truncated) {
			info->truncated = true;
			info->truncated_at = n;
			snprintf(info->truncated_why, sizeof info->truncated_why,
			         "the trace ends at byte %zu before its Frequency event", n);
		}
		t.ticks_per_sec = 1000000000;
	}
	if (rc == HS_OK)
		rc = build_stacks(&t);
	if (rc == HS_OK) {
		info->ticks_per_sec = (int64_t)t.ticks_per_sec;
		t.ns_per_tick = 1e9 / (double)t.ticks_per_sec;
		if (t.cpu.len)
			qsort(t.cpu.data, t.cpu.len, sizeof(cpu_sample), cmp_cpu);
		/* a mapped file: the merge reads batches with pread too
		 * (not Go 1.5-1.6's, whose events are all held at once) */
		t.qwin = !t.stream && info->pages_droppable && in->map_fd >= 0 && t.ver >= 1007;
		t.mapped = !t.qwin;
		t.qmax = t.window / 4;      /* 1 MiB, 64 KiB at first */
		t.qbudget = t.window * 2;   /* 8 MiB */
		for (size_t i = 0; i < t.queues.len; i++) {
			queue *q = &HS_VEC_AT(&t.queues, queue, i);
			load_batch(&t, q, q->first);
		}
		if (t.stream) {
			/* the merge reads the input again from its start */
			hs_input_rewind(in);
			t.avail = in->len;
			uint64_t every = t.window < LATE_BYTES ? 16 : STREAM_EVENTS;
			t.drop_every = t.queues.len * 16 > every ? t.queues.len * 16 : every;
			t.next_drop = t.drop_every;
		} else {
			/* the test knob: often, so that small traces take it */
			t.drop_every = t.window < LATE_BYTES ? 16 : DROP_EVENTS;
			t.next_drop = t.drop_every;
		}
		rc = t.ver < 1007 ? merge_1005(&t) : merge(&t);
	}
	release(&t);
	return rc;
}
