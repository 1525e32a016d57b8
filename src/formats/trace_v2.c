/* Go 1.22+ execution traces ("go 1.22 trace" ... "go 1.26 trace").
 *
 * The trace is a sequence of generations; each is a run of batches, all
 * carrying the generation number in their header.  Strings, stacks, CPU
 * samples and the tick frequency of a generation have batches of their
 * own; every other batch is a run of one M's timed events.  A generation
 * is decoded on its own: its batches are indexed (offsets into the input),
 * its strings and stacks read into tables, then the M streams are merged
 * by the state machine in trace_v2_order.c and every event handed to the
 * sink; from a file each M's current batch is copied into a buffer of its
 * cursor (batch_enter), other inputs are read in place.  Only the scheduler state (goroutines, Ps, Ms,
 * GC) outlives a generation, so memory follows goroutines and stacks, not
 * events.  Read from an hs_input, a generation's bytes are waited for as
 * it is collected (its batch headers copied out), and those before the
 * first batch the merge still reads are given back as it goes
 * (hs_input_drop): a file's pages are then the span the merge reads, not
 * the generation (which can be hundreds of MB); compressed, the whole
 * generation is inflated before its tables, at its end, can be read.
 * doc/format-trace-v2.md describes the wire format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_v2.h"

/* Arguments after the time delta of each timed event; -1: not timed. */
static const int8_t nargs[V2_EV_COUNT] = {
	[V2_EV_NONE] = -1, [V2_EV_BATCH] = -1, [V2_EV_STACKS] = -1, [V2_EV_STACK] = -1,
	[V2_EV_STRINGS] = -1, [V2_EV_STRING] = -1, [V2_EV_CPU_SAMPLES] = -1,
	[V2_EV_CPU_SAMPLE] = -1, [V2_EV_FREQUENCY] = -1,
	[V2_EV_PROCS_CHANGE] = 2, [V2_EV_PROC_START] = 2, [V2_EV_PROC_STOP] = 0,
	[V2_EV_PROC_STEAL] = 3, [V2_EV_PROC_STATUS] = 2,
	[V2_EV_GO_CREATE] = 3, [V2_EV_GO_CREATE_SYSCALL] = 1, [V2_EV_GO_START] = 2,
	[V2_EV_GO_DESTROY] = 0, [V2_EV_GO_DESTROY_SYSCALL] = 0, [V2_EV_GO_STOP] = 2,
	[V2_EV_GO_BLOCK] = 2, [V2_EV_GO_UNBLOCK] = 3, [V2_EV_GO_SYSCALL_BEGIN] = 2,
	[V2_EV_GO_SYSCALL_END] = 0, [V2_EV_GO_SYSCALL_END_BLOCKED] = 0, [V2_EV_GO_STATUS] = 3,
	[V2_EV_STW_BEGIN] = 2, [V2_EV_STW_END] = 0,
	[V2_EV_GC_ACTIVE] = 1, [V2_EV_GC_BEGIN] = 2, [V2_EV_GC_END] = 1,
	[V2_EV_GC_SWEEP_ACTIVE] = 1, [V2_EV_GC_SWEEP_BEGIN] = 1, [V2_EV_GC_SWEEP_END] = 2,
	[V2_EV_GC_MARK_ASSIST_ACTIVE] = 1, [V2_EV_GC_MARK_ASSIST_BEGIN] = 1,
	[V2_EV_GC_MARK_ASSIST_END] = 0, [V2_EV_HEAP_ALLOC] = 1, [V2_EV_HEAP_GOAL] = 1,
	[V2_EV_GO_LABEL] = 1, [V2_EV_USER_TASK_BEGIN] = 4, [V2_EV_USER_TASK_END] = 2,
	[V2_EV_USER_REGION_BEGIN] = 3, [V2_EV_USER_REGION_END] = 3, [V2_EV_USER_LOG] = 4,
	[V2_EV_GO_SWITCH] = 2, [V2_EV_GO_SWITCH_DESTROY] = 2, [V2_EV_GO_CREATE_BLOCKED] = 3,
	[V2_EV_GO_STATUS_STACK] = 4,
	[V2_EV_EXPERIMENTAL_BATCH] = -1, [V2_EV_SYNC] = -1, [V2_EV_CLOCK_SNAPSHOT] = 3,
	[V2_EV_END_OF_GENERATION] = -1,
};
/* Span, SpanAlloc, SpanFree, HeapObject(Alloc, Free), GoroutineStack(Alloc, Free). */
static const int8_t exp_nargs[] = {3, 3, 1, 2, 2, 1, 2, 2, 1};

/* The same bounds Go's reader enforces (tracev2 MaxFramesPerStack,
 * MaxStringSize); a batch is bounded by the bytes present. */
#define V2_MAX_FRAMES 128
#define V2_MAX_STRING 1024

typedef struct v2_batch {
	uint64_t gen, m, time;
	size_t start, data, end;      /* header, payload, end offsets */
	uint32_t next;                /* next batch of the same M, UINT32_MAX */
	uint8_t kind;                 /* payload's first byte, or EXPERIMENTAL_BATCH */
	bool done;                    /* an M's batch its cursor has left */
} v2_batch;

typedef struct v2_cursor {
	uint64_t m;
	uint32_t mslot;               /* m's state in the order step, UINT32_MAX
	                                 until its first event (v2_advance) */
	uint32_t batch;               /* current batch, UINT32_MAX when done */
	uint32_t last_batch;
	const uint8_t *d;             /* the current batch's payload: a copy in
	                                 the cursor's buffer, or in the input */
	size_t base;                  /* d[0]'s offset in the input */
	size_t pos;                   /* in d */
	size_t end;                   /* the payload's length */
	int64_t last;                 /* ns of the previous event in the batch */
	v2_event ev;                  /* next event of this M */
} v2_cursor;

/* A frontier slot: a cursor and the time of its next event, kept beside
 * it so the heap compares without reaching into the cursors. */
typedef struct fkey {
	int64_t time;
	uint32_t cursor;
} fkey;

/* A cursor's copy of its current batch (batch_enter). */
typedef struct v2_buf {
	uint8_t *p;
	size_t cap;
} v2_buf;

typedef struct v2_cpu {
	int64_t time;
	uint64_t g, p, stack, off;
} v2_cpu;

/* One generation's index; reused across generations. */
typedef struct v2_gen {
	hs_vec batches;               /* v2_batch */
	hs_vec cursors;               /* v2_cursor */
	hs_idmap midx;                /* M -> cursor */
	hs_vec frontier;              /* fkey, a min-heap by time */
	hs_vec cpu;                   /* v2_cpu */
	hs_vec locs;                  /* uint32_t, one stack's locations */
	hs_vec bufs;                  /* v2_buf by cursor index, kept across
	                                 generations */
	size_t buffered;              /* bytes of those buffers */
	size_t budget;                /* at most this many */
	bool has_freq;
	uint32_t low;                 /* the merge reads no batch before this */
	size_t given;                 /* bytes before this were given back */
} v2_gen;

enum { RD_OK, RD_SHORT, RD_BAD, RD_SHORT_PAYLOAD, RD_END_GEN };

static int rd_uv(const uint8_t *d, size_t end, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		if (*pos >= end)
			return RD_SHORT;
		uint8_t b = d[(*pos)++];
		if (shift == 63 && b > 1)
			return RD_BAD;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return RD_OK;
		}
	}
	return RD_BAD;
}

/* Ticks to ns as Go does it (a float64 factor), clamped so that hostile
 * values stay inside int64. */
static int64_t to_ns(const v2_loader *L, uint64_t ticks)
{
	double ns = (double)ticks * L->ns_per_tick;
	if (!(ns < 4.0e18))
		return (int64_t)4e18;
	return (int64_t)ns;
}

/* a + b, clamped at INT64_MAX / 2.  Both are times from to_ns (at most
 * 4e18) or earlier sums, so never negative and the sum cannot overflow:
 * the clamp is a conditional move after the add. */
static int64_t add_ns(int64_t a, int64_t b)
{
	int64_t s = a + b;
	return s > INT64_MAX / 2 ? INT64_MAX / 2 : s;
}

static hs_err nomem(v2_loader *L)
{
	return hs_fail(L->err, HS_E_NOMEM, "out of memory reading trace");
}

/* Streaming: make data[0..upto) readable if the input has that much (a
 * background inflater may still be producing it); returns the bytes
 * readable, the input's whole length once it is complete. */
static size_t more(v2_loader *L, size_t upto)
{
	if (L->in && !L->in->complete && upto > L->n)
		L->n = hs_input_wait(L->in, upto);
	return L->n;
}

static hs_err rd_fail(v2_loader *L, int r, size_t off, const char *what)
{
	return hs_fail_at(L->err, r == RD_SHORT ? HS_E_TRUNCATED : HS_E_CORRUPT, off,
	                  r == RD_SHORT ? "%s runs past the end of its batch" : "bad varint in %s",
	                  what);
}

hs_err v2_string(v2_loader *L, uint64_t id, uint64_t off, const char **s, uint32_t *len)
{
	if (id == 0) {   /* string 0 is the empty string */
		*s = "";
		*len = 0;
		return HS_OK;
	}
	uint32_t i = hs_idmap_get(&L->strings, id);
	if (i == UINT32_MAX && L->lenient) {
		*s = "";   /* an incomplete generation may lack its string batch */
		*len = 0;
		return HS_OK;
	}
	if (i == UINT32_MAX)
		return hs_fail_at(L->err, HS_E_RANGE, off, "found invalid string ID %llu",
		                  (unsigned long long)id);
	*s = (const char *)L->data + HS_VEC_AT(&L->str_off, size_t, i);
	*len = HS_VEC_AT(&L->str_len, uint32_t, i);
	return HS_OK;
}

hs_err v2_stack_missing(v2_loader *L, uint64_t id, uint64_t off, uint32_t *val)
{
	uint32_t v = hs_dmap_get(&L->stack_ids, id);
	if (v != UINT32_MAX) {
		*val = v;
		return HS_OK;
	}
	*val = 0;
	if (L->lenient)
		return HS_OK;
	return hs_fail_at(L->err, HS_E_RANGE, off, "found invalid stack ID %llu",
	                  (unsigned long long)id);
}

/* Timestamps: Go makes them strictly increasing in delivery order (an
 * event at or before the previous one is moved 1 ns after it); all the
 * normalized events of one wire event share its time. */
static void commit_time(v2_loader *L, int64_t raw)
{
	int64_t t = raw;
	if (L->have_first && t <= L->last_ts)
		t = L->last_ts + 1;
	if (!L->have_first) {
		L->have_first = true;
		L->first_ts = t;
	}
	L->last_ts = t;
	L->cur_ts = t - L->first_ts;
}

/* ---- Batches ---------------------------------------------------------- */

/* Read one batch header at pos.  RD_SHORT when the input ends inside it;
 * RD_END_GEN at Go 1.26's end-of-generation byte.  The header is copied,
 * not read in place: a generation's headers are spread over all of it,
 * and the merge makes its pages resident only as it goes. */
static int read_batch(v2_loader *L, size_t pos, v2_batch *b, hs_err *rc)
{
	uint8_t d[64];   /* a header is at most 42 bytes, then the kind */
	size_t got = more(L, pos + sizeof d) - pos, n, p = 0;
	if (got > sizeof d)
		got = sizeof d;
	if (L->in)
		hs_input_peek(L->in, pos, d, got);
	else
		memcpy(d, L->data + pos, got);
	n = got;
	*rc = HS_OK;
	memset(b, 0, sizeof *b);
	b->start = pos;
	uint8_t t = d[p++];
	if (t == V2_EV_END_OF_GENERATION && L->info->go_version >= 1026)
		return RD_END_GEN;
	if (t != V2_EV_BATCH && t != V2_EV_EXPERIMENTAL_BATCH) {
		*rc = hs_fail_at(L->err, HS_E_CORRUPT, pos, "expected batch event, got event type %u", t);
		return RD_BAD;
	}
	if (t == V2_EV_EXPERIMENTAL_BATCH) {
		if (p >= n)
			return RD_SHORT;
		p++;   /* experiment id */
	}
	uint64_t size;
	int r;
	if ((r = rd_uv(d, n, &p, &b->gen)) || (r = rd_uv(d, n, &p, &b->m)) ||
	    (r = rd_uv(d, n, &p, &b->time)) || (r = rd_uv(d, n, &p, &size))) {
		if (r == RD_BAD)
			*rc = hs_fail_at(L->err, HS_E_CORRUPT, pos, "bad varint in batch header");
		return r;
	}
	if (b->gen == 0) {
		*rc = hs_fail_at(L->err, HS_E_CORRUPT, pos, "invalid generation number 0");
		return RD_BAD;
	}
	size_t at = pos + p;
	n = more(L, at);
	if (size > n - at && size <= SIZE_MAX - at)
		n = more(L, at + (size_t)size);
	if (size > n - at)
		return RD_SHORT_PAYLOAD;   /* the header (and so the generation) is known */
	b->data = at;
	b->end = at + (size_t)size;
	b->next = UINT32_MAX;
	b->kind = t == V2_EV_EXPERIMENTAL_BATCH ? V2_EV_EXPERIMENTAL_BATCH
	          : !size ? V2_EV_BATCH : p < got ? d[p] : L->data[at];
	if (b->kind != V2_EV_STRINGS && b->kind != V2_EV_STACKS && b->kind != V2_EV_CPU_SAMPLES &&
	    b->kind != V2_EV_FREQUENCY && b->kind != V2_EV_SYNC && b->kind != V2_EV_EXPERIMENTAL_BATCH)
		b->kind = V2_EV_BATCH;
	return RD_OK;
}

static hs_err read_strings(v2_loader *L, const v2_batch *b)
{
	const uint8_t *d = L->data;
	size_t p = b->data + 1;
	while (p < b->end) {
		size_t at = p;
		if (d[p++] != V2_EV_STRING)
			return hs_fail_at(L->err, HS_E_CORRUPT, at, "expected string event, got %u", d[at]);
		uint64_t id, len;
		int r;
		if ((r = rd_uv(d, b->end, &p, &id)) || (r = rd_uv(d, b->end, &p, &len)))
			return rd_fail(L, r, at, "string");
		if (len > V2_MAX_STRING)
			return hs_fail_at(L->err, HS_E_LIMIT, at,
			                  "invalid string size %llu, maximum is %d",
			                  (unsigned long long)len, V2_MAX_STRING);
		if (len > b->end - p)
			return rd_fail(L, RD_SHORT, at, "string");
		bool dup;
		if (L->str_off.len >= UINT32_MAX - 1)
			return hs_fail_at(L->err, HS_E_LIMIT, at, "too many strings");
		if (!hs_idmap_put(&L->strings, id, (uint32_t)L->str_off.len, &dup))
			return nomem(L);
		if (dup)
			return hs_fail_at(L->err, HS_E_INVALID, at, "multiple strings with the same ID %llu",
			                  (unsigned long long)id);
		size_t *o = hs_vec_push(&L->str_off, 1);
		uint32_t *l = hs_vec_push(&L->str_len, 1);
		if (!o || !l)
			return nomem(L);
		*o = p;
		*l = (uint32_t)len;
		p += (size_t)len;
	}
	return HS_OK;
}

static hs_err read_stacks(v2_loader *L, v2_gen *G, const v2_batch *b)
{
	const uint8_t *d = L->data;
	size_t p = b->data + 1;
	hs_err rc;
	while (p < b->end) {
		size_t at = p;
		if (d[p++] != V2_EV_STACK)
			return hs_fail_at(L->err, HS_E_CORRUPT, at, "expected stack event, got %u", d[at]);
		uint64_t id, nf;
		int r;
		if ((r = rd_uv(d, b->end, &p, &id)) || (r = rd_uv(d, b->end, &p, &nf)))
			return rd_fail(L, r, at, "stack");
		if (nf > V2_MAX_FRAMES)
			return hs_fail_at(L->err, HS_E_LIMIT, at,
			                  "invalid stack size %llu, maximum is %d",
			                  (unsigned long long)nf, V2_MAX_FRAMES);
		G->locs.len = 0;
		for (uint64_t i = 0; i < nf; i++) {
			uint64_t pc, fn, file, line;
			if ((r = rd_uv(d, b->end, &p, &pc)) || (r = rd_uv(d, b->end, &p, &fn)) ||
			    (r = rd_uv(d, b->end, &p, &file)) || (r = rd_uv(d, b->end, &p, &line)))
				return rd_fail(L, r, at, "stack frame");
			const char *fs, *ls;
			uint32_t fl, ll;
			if ((rc = v2_string(L, fn, at, &fs, &fl)) || (rc = v2_string(L, file, at, &ls, &ll)))
				return rc;
			uint32_t *loc = hs_vec_push(&G->locs, 1);
			if (!loc)
				return nomem(L);
			int64_t ln = line > INT64_MAX ? INT64_MAX : (int64_t)line;
			if ((rc = hs_trace_frame(L->stacks, fs, fl, ls, ll, ln, pc, loc)))
				return hs_fail_at(L->err, rc, at, "cannot intern stack frame");
		}
		uint32_t val;
		if ((rc = hs_trace_stack(L->stacks, G->locs.data, G->locs.len, &val)))
			return hs_fail_at(L->err, rc, at, "cannot intern stack");
		bool dup = hs_dmap_get(&L->stack_ids, id) != UINT32_MAX;
		if (!dup && !hs_dmap_put(&L->stack_ids, id, val))
			return nomem(L);
		if (dup)
			return hs_fail_at(L->err, HS_E_INVALID, at, "multiple stacks with the same ID %llu",
			                  (unsigned long long)id);
	}
	return HS_OK;
}

static hs_err read_cpu(v2_loader *L, v2_gen *G, const v2_batch *b)
{
	const uint8_t *d = L->data;
	size_t p = b->data + 1;
	while (p < b->end) {
		size_t at = p;
		if (d[p++] != V2_EV_CPU_SAMPLE)
			return hs_fail_at(L->err, HS_E_CORRUPT, at, "expected CPU sample event, got %u",
			                  d[at]);
		uint64_t ts, m;
		v2_cpu *s = hs_vec_push(&G->cpu, 1);
		if (!s)
			return nomem(L);
		int r;
		if ((r = rd_uv(d, b->end, &p, &ts)) || (r = rd_uv(d, b->end, &p, &m)) ||
		    (r = rd_uv(d, b->end, &p, &s->p)) || (r = rd_uv(d, b->end, &p, &s->g)) ||
		    (r = rd_uv(d, b->end, &p, &s->stack)))
			return rd_fail(L, r, at, "CPU sample");
		s->time = (int64_t)(ts > INT64_MAX ? INT64_MAX : ts);   /* ticks until freq known */
		s->off = at;
	}
	return HS_OK;
}

/* A lone Frequency batch (1.22-1.24) or a Sync batch (1.25+: Frequency
 * and ClockSnapshot events). */
static hs_err read_freq(v2_loader *L, v2_gen *G, const v2_batch *b)
{
	const uint8_t *d = L->data;
	size_t p = b->data + (b->kind == V2_EV_SYNC);
	while (p < b->end) {
		size_t at = p;
		uint8_t t = d[p++];
		uint64_t v[4];
		int r = RD_OK, k = t == V2_EV_FREQUENCY ? 1 : t == V2_EV_CLOCK_SNAPSHOT ? 4 : 0;
		if (k == 0 || (b->kind == V2_EV_FREQUENCY && t != V2_EV_FREQUENCY))
			return hs_fail_at(L->err, HS_E_CORRUPT, at, "unexpected event %u in sync batch", t);
		for (int i = 0; i < k && r == RD_OK; i++)
			r = rd_uv(d, b->end, &p, &v[i]);
		if (r)
			return rd_fail(L, r, at, "frequency");
		if (t != V2_EV_FREQUENCY)
			continue;
		if (G->has_freq)
			return hs_fail_at(L->err, HS_E_INVALID, at, "found multiple frequency events");
		if (v[0] == 0)
			return hs_fail_at(L->err, HS_E_INVALID, at, "frequency of 0 ticks per second");
		G->has_freq = true;
		L->ns_per_tick = 1.0 / ((double)v[0] / 1e9);
		L->info->ticks_per_sec = v[0] > INT64_MAX ? INT64_MAX : (int64_t)v[0];
		if (b->kind == V2_EV_FREQUENCY)
			break;   /* Go reads the one event and ignores the rest */
	}
	return HS_OK;
}

/* ---- Per-M cursors and the merge ------------------------------------- */

/* A varint at d[p] with 10 bytes (the longest) readable: no bound check
 * per byte, the first bytes unrolled (most are 1-3 bytes).  Returns the
 * position after it; *bad on a tenth byte above 1, as rd_uv. */
static inline size_t uv_fast(const uint8_t *d, size_t p, uint64_t *out, bool *bad)
{
	uint64_t b = d[p];
	if (b < 0x80) {
		*out = b;
		return p + 1;
	}
	uint64_t x = b & 0x7f;
	b = d[p + 1];
	if (b < 0x80) {
		*out = x | b << 7;
		return p + 2;
	}
	x |= (b & 0x7f) << 7;
	b = d[p + 2];
	if (b < 0x80) {
		*out = x | b << 14;
		return p + 3;
	}
	x |= (b & 0x7f) << 14;
	for (unsigned i = 3; i < 9; i++) {
		b = d[p + i];
		if (b < 0x80) {
			*out = x | b << (7 * i);
			return p + i + 1;
		}
		x |= (b & 0x7f) << (7 * i);
	}
	b = d[p + 9];
	*bad |= b > 1;
	*out = x | b << 63;
	return p + 10;
}

/* Decode the event at c->d[c->pos], inside the current batch (end is its
 * length).
 * Forced inline: the compiler left it a call, whose entry and exit cost
 * as much as the decoding of a short event. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline hs_err cursor_decode(v2_loader *L, v2_cursor *c, size_t end)
{
	const uint8_t *d = c->d;
	size_t p = c->pos;
	uint8_t t = d[p++];
	int k = L->nargs[t];
	if (k < 0)
		return hs_fail_at(L->err, HS_E_CORRUPT, c->base + c->pos,
		                  t < V2_EV_COUNT ? "found event without a timestamp: type=%u"
		                                  : "found invalid event type: %u", t);
	uint64_t dt;
	int r = RD_OK;
	if (end - p >= 10 * (V2_MAX_ARGS + 1)) {
		bool bad = false;
		p = uv_fast(d, p, &dt, &bad);
		/* The first three unrolled behind nested tests, the rest (rare)
		 * in a loop: the loop's counter and test cost as much as a short
		 * argument, and a switch on k (an indirect jump through a table)
		 * cost more: the hot events take 2 or 3 arguments in turn, which
		 * the conditional branches predict better (CPU -5%). */
		uint64_t *a = c->ev.args;
		if (k > 0) {
			p = uv_fast(d, p, a, &bad);
			if (k > 1) {
				p = uv_fast(d, p, a + 1, &bad);
				if (k > 2) {
					p = uv_fast(d, p, a + 2, &bad);
					for (int i = 3; i < k; i++)
						p = uv_fast(d, p, a + i, &bad);
				}
			}
		}
		if (bad)
			r = RD_BAD;
	} else {
		r = rd_uv(d, end, &p, &dt);
		for (int i = 0; i < k && r == RD_OK; i++)
			r = rd_uv(d, end, &p, &c->ev.args[i]);
	}
	if (r)
		return rd_fail(L, r, c->base + c->pos, "event");
	c->ev.type = t;
	c->ev.off = c->base + c->pos;
	c->ev.time = add_ns(to_ns(L, dt), c->last);
	c->last = c->ev.time;
	c->pos = p;
	return HS_OK;
}

/* Does the merge still read batch b?  An M's batch until its cursor
 * leaves it; strings for as long as events name them (v2_string points
 * into them); the other tables were copied out by gen_tables. */
static bool still_read(const v2_batch *b)
{
	return b->kind == V2_EV_STRINGS || (b->kind == V2_EV_BATCH && !b->done);
}

/* Move G->low past the batches no longer read and give back the bytes
 * before it in steps of L->give_step: the batches are in the order they
 * were written, so the merge keeps the span its cursors read (the
 * ordering window) resident, not the generation. */
static void give_back(v2_loader *L, v2_gen *G)
{
	const v2_batch *bs = G->batches.data;
	size_t n = G->batches.len;
	while (G->low < n && !still_read(&bs[G->low]))
		G->low++;
	size_t to = G->low < n ? bs[G->low].start : bs[n - 1].end;
	if (L->in && to - G->given >= L->give_step) {
		hs_input_drop(L->in, to);
		G->given = to;
	}
}

/* The largest buffer a cursor starts with; it grows to its largest batch
 * (Go's are 64 KiB at most), all of them within G->budget. */
#define V2_BUF_MIN ((size_t)64 << 10)
#define V2_BUF_BUDGET ((size_t)8 << 20)

/* Cursor c (index ci) enters batch i.  A file's batch is copied into the
 * cursor's buffer (hs_input_peek: pread), not read through the mapping:
 * on a VM the first touch of each mapped page costs about 2 us, twice
 * what reading it costs, and the mapping was given back and touched
 * again as the merge went.  Where the buffers would pass their budget
 * (hostile batch sizes, many Ms), and for other inputs (in memory, or an
 * inflater's output), the batch is read in place. */
static bool batch_enter(v2_loader *L, v2_gen *G, v2_cursor *c, size_t ci, uint32_t i)
{
	const v2_batch *b = &HS_VEC_AT(&G->batches, v2_batch, i);
	size_t size = b->end - b->data;
	c->batch = i;
	c->base = b->data;
	c->pos = 0;
	c->end = size;
	c->d = L->data + b->data;
	c->last = to_ns(L, b->time);
	if (!L->in || !L->in->map || L->in->bg || size == 0)
		return true;
	L->stats.in_place++;   /* until copied below */
	while (G->bufs.len <= ci) {
		v2_buf *nb = hs_vec_push(&G->bufs, 1);
		if (!nb)
			return false;
		nb->p = NULL;
		nb->cap = 0;
	}
	v2_buf *cb = &HS_VEC_AT(&G->bufs, v2_buf, ci);
	if (size > cb->cap) {
		/* Grow to a power of two (V2_BUF_MIN at least), or to the size
		 * alone where that would pass the budget. */
		size_t want = V2_BUF_MIN < G->budget ? V2_BUF_MIN : G->budget;
		while (want < size && want <= SIZE_MAX / 2)
			want *= 2;
		if (want < size || G->buffered - cb->cap + want > G->budget)
			want = size;
		if (G->buffered - cb->cap + want > G->budget)
			return true;   /* in place */
		uint8_t *np = malloc(want);
		if (!np)
			return true;   /* in place: the mapping still has it */
		free(cb->p);
		G->buffered = G->buffered - cb->cap + want;
		cb->p = np;
		cb->cap = want;
	}
	hs_input_peek(L->in, b->data, cb->p, size);
	c->d = cb->p;
	L->stats.in_place--;
	L->stats.copied++;
	return true;
}

static hs_err cursor_next(v2_loader *L, v2_gen *G, v2_cursor *c, bool *have)
{
	*have = false;
	while (c->pos >= c->end) {
		if (c->batch == UINT32_MAX)
			return HS_OK;
		v2_batch *bs = G->batches.data;
		uint32_t next = bs[c->batch].next;
		bs[c->batch].done = true;
		if (c->batch == G->low)
			give_back(L, G);
		if (next == UINT32_MAX) {
			c->batch = UINT32_MAX;
			c->pos = c->end = 0;
			return HS_OK;
		}
		if (!batch_enter(L, G, c, (size_t)(c - (v2_cursor *)G->cursors.data), next))
			return nomem(L);
	}
	hs_err rc = cursor_decode(L, c, c->end);
	*have = rc == HS_OK;
	return rc;
}

static int64_t ftime(v2_gen *G, size_t i)
{
	return HS_VEC_AT(&G->frontier, fkey, i).time;
}

static uint32_t fcursor(v2_gen *G, size_t i)
{
	return HS_VEC_AT(&G->frontier, fkey, i).cursor;
}

static void fswap(v2_gen *G, size_t a, size_t b)
{
	fkey *f = G->frontier.data, t = f[a];
	f[a] = f[b];
	f[b] = t;
}

static size_t sift_up(v2_gen *G, size_t i)
{
	while (i > 0 && ftime(G, (i - 1) / 2) > ftime(G, i)) {
		fswap(G, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return i;
}

/* Put x at slot i of the heap f[0..n) or below it.  The earlier child is
 * picked by a conditional move, not a branch per child (which child is
 * earlier is hard to predict), and x is written once at its place.  Ties
 * go as before: parent, then left. */
static inline void sift_place(fkey *f, size_t n, size_t i, fkey x)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1;
		if (l >= n)
			break;
		size_t m = r < n && f[r].time < f[l].time ? r : l;
		if (!(f[m].time < x.time))
			break;
		f[i] = f[m];
		i = m;
	}
	f[i] = x;
}

static void sift_down(v2_gen *G, size_t i)
{
	fkey *f = G->frontier.data;
	sift_place(f, G->frontier.len, i, f[i]);
}

static void heap_remove(v2_gen *G, size_t i)
{
	while (i > 0) {
		fswap(G, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	fswap(G, 0, G->frontier.len - 1);
	G->frontier.len--;
	sift_down(G, 0);
}

static int cmp_fkey(const void *a, const void *b)
{
	const fkey *x = a, *y = b;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* Sort the frontier by time (a sorted array is still a min-heap). */
static void sort_frontier(v2_gen *G)
{
	qsort(G->frontier.data, G->frontier.len, sizeof(fkey), cmp_fkey);
}

static int cmp_cpu(const void *a, const void *b)
{
	const v2_cpu *x = a, *y = b;
	return x->time < y->time ? -1 : x->time > y->time ? 1 : x->off < y->off ? -1 : 1;
}

/* Try cursor c's event: *ok = false (times as they were) when it must
 * wait for another M's. */
static inline hs_err try_event(v2_loader *L, v2_cursor *c, bool *ok)
{
	/* Hostile traces can make every event wait on all the others (Go's
	 * reader is quadratic there too): bound the work by the input size. */
	if (++L->tries > L->max_tries)
		return hs_fail_at(L->err, HS_E_LIMIT, c->ev.off,
		                  "ordering this trace takes too many steps (%llu)",
		                  (unsigned long long)L->tries);
	int64_t saved_last = L->last_ts, saved_cur = L->cur_ts;
	bool saved_first = L->have_first;
	commit_time(L, c->ev.time);
	hs_err rc = v2_advance(L, &c->ev, c->m, &c->mslot);
	*ok = rc == HS_OK;
	if (rc != HS_OK) {
		L->last_ts = saved_last;
		L->cur_ts = saved_cur;
		L->have_first = saved_first;
		return rc == V2_NOT_YET ? HS_OK : rc;
	}
	L->events++;
	return HS_OK;
}

/* Try the event at frontier slot i; on success read that M's next one. */
static hs_err try_advance(v2_loader *L, v2_gen *G, size_t i, bool *ok)
{
	v2_cursor *c = &HS_VEC_AT(&G->cursors, v2_cursor, fcursor(G, i));
	hs_err rc = try_event(L, c, ok);
	if (rc || !*ok)
		return rc;
	bool have;
	if ((rc = cursor_next(L, G, c, &have)))
		return rc;
	if (have) {
		HS_VEC_AT(&G->frontier, fkey, i).time = c->ev.time;
		if (sift_up(G, i) == i)
			sift_down(G, i);
	} else {
		heap_remove(G, i);
	}
	return HS_OK;
}

/* try_advance on the earliest M, which goes on while its next event is
 * still the earliest (no other M's and no CPU sample's before it): the
 * heap is left alone for such runs.  cpu_next: the next CPU sample's time
 * (INT64_MAX when none). */
static hs_err advance_first(v2_loader *L, v2_gen *G, int64_t cpu_next, bool *ok)
{
	fkey *f = G->frontier.data;
	v2_cursor *c = &HS_VEC_AT(&G->cursors, v2_cursor, f[0].cursor);
	/* The others' earliest: the root's children (bi; the left on a tie,
	 * as sift_place picks). */
	size_t n = G->frontier.len, bi = 1;
	int64_t bound = n > 1 ? f[1].time : INT64_MAX;
	if (n > 2 && f[2].time < bound) {
		bound = f[2].time;
		bi = 2;
	}
	for (;;) {
		hs_err rc = try_event(L, c, ok);
		if (rc || !*ok)
			return rc;
		if (c->pos < c->end) {
			if ((rc = cursor_decode(L, c, c->end)))
				return rc;
		} else {
			bool have;
			if ((rc = cursor_next(L, G, c, &have)))
				return rc;
			if (!have) {
				heap_remove(G, 0);
				return HS_OK;
			}
		}
		int64_t t = c->ev.time;
		f[0].time = t;
		if (bound < t) {
			/* The first level of sift_down is known: child bi goes up
			 * (nearly always the only move, the M's take turns). */
			fkey x = f[0];
			f[0] = f[bi];
			sift_place(f, n, bi, x);
			return HS_OK;
		}
		if (cpu_next < t)
			return HS_OK;
	}
}

static hs_err emit_cpu(v2_loader *L, const v2_cpu *s)
{
	hs_tev t = {.kind = HS_TEV_CPU_SAMPLE, .g = s->g, .p = s->p > INT64_MAX ? -1 : (int64_t)s->p};
	hs_err rc = v2_stack(L, s->stack, s->off, &t.stack);
	if (rc)
		return rc;
	commit_time(L, s->time);
	L->events++;
	return v2_emit(L, &t);
}

static hs_err merge(v2_loader *L, v2_gen *G)
{
	size_t ncpu = G->cpu.len, ci = 0;
	const v2_cpu *cpu = G->cpu.data;
	hs_err rc;
	/* The first generation with events is the initial one (set here, not
	 * tested by v2_advance on every event). */
	if (G->frontier.len > 0 && L->order.initial_gen == 0)
		L->order.initial_gen = L->gen;
	while (G->frontier.len > 0 || ci < ncpu) {
		if (ci < ncpu && (G->frontier.len == 0 || cpu[ci].time < ftime(G, 0))) {
			if ((rc = emit_cpu(L, &cpu[ci++])))
				return rc;
			continue;
		}
		bool ok;
		if ((rc = advance_first(L, G, ncpu > ci ? cpu[ci].time : INT64_MAX, &ok)))
			return rc;
		if (ok)
			continue;
		/* Rare: the earliest event waits on another M.  A sorted array is
		 * still a min-heap; try the others in time order. */
		sort_frontier(G);
		L->tries += G->frontier.len;   /* a sort costs as much as a pass */
		for (size_t i = 1; i < G->frontier.len && !ok; i++)
			if ((rc = try_advance(L, G, i, &ok)))
				return rc;
		if (!ok && L->lenient) {
			/* An incomplete generation lacks batches some events wait
			 * on: drop the earliest M's remaining events, keep the rest. */
			heap_remove(G, 0);
			L->dropped_ms++;
			continue;
		}
		if (!ok) {
			v2_cursor *c = &HS_VEC_AT(&G->cursors, v2_cursor, fcursor(G, 0));
			return hs_fail_at(L->err, HS_E_INVALID, c->ev.off,
			                  "broken trace: failed to advance (generation %llu, event type %u on M %llu)",
			                  (unsigned long long)L->gen, c->ev.type,
			                  (unsigned long long)c->m);
		}
	}
	return HS_OK;
}

/* ---- Generations ------------------------------------------------------ */

static void gen_reset(v2_loader *L, v2_gen *G)
{
	G->batches.len = 0;
	G->cursors.len = 0;
	G->frontier.len = 0;
	G->cpu.len = 0;
	G->has_freq = false;
	G->low = 0;
	hs_idmap_release(&G->midx);
	hs_idmap_release(&L->strings);
	hs_dmap_release(&L->stack_ids);
	L->str_off.len = 0;
	L->str_len.len = 0;
	memset(L->reasons, 0, sizeof L->reasons);   /* string ids are per generation */
}

static hs_err gen_tables(v2_loader *L, v2_gen *G)
{
	if (!hs_idmap_init(&G->midx, 16) || !hs_idmap_init(&L->strings, 256))
		return nomem(L);
	v2_batch *bs = G->batches.data;
	size_t nb = G->batches.len;
	hs_err rc;
	/* Strings first: stacks name their frames by string id. */
	for (size_t i = 0; i < nb; i++)
		if (bs[i].kind == V2_EV_STRINGS && (rc = read_strings(L, &bs[i])))
			return rc;
	for (size_t i = 0; i < nb; i++) {
		if (bs[i].kind == V2_EV_FREQUENCY || bs[i].kind == V2_EV_SYNC)
			rc = read_freq(L, G, &bs[i]);
		else if (bs[i].kind == V2_EV_STACKS)
			rc = read_stacks(L, G, &bs[i]);
		else if (bs[i].kind == V2_EV_CPU_SAMPLES)
			rc = read_cpu(L, G, &bs[i]);
		else
			rc = HS_OK;
		if (rc)
			return rc;
	}
	return HS_OK;
}

static hs_err gen_cursors(v2_loader *L, v2_gen *G)
{
	v2_batch *bs = G->batches.data;
	hs_err rc;
	G->given = bs[0].start;
	give_back(L, G);
	for (size_t i = 0; i < G->batches.len; i++) {
		if (bs[i].kind != V2_EV_BATCH)
			continue;
		uint32_t ci = hs_idmap_get(&G->midx, bs[i].m);
		if (ci == UINT32_MAX) {
			v2_cursor *c = hs_vec_push(&G->cursors, 1);
			if (!c || !hs_idmap_put(&G->midx, bs[i].m, (uint32_t)(G->cursors.len - 1), NULL))
				return nomem(L);
			c->m = bs[i].m;
			c->mslot = UINT32_MAX;
			c->batch = c->last_batch = (uint32_t)i;
		} else {
			v2_cursor *c = &HS_VEC_AT(&G->cursors, v2_cursor, ci);
			bs[c->last_batch].next = (uint32_t)i;
			c->last_batch = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < G->cursors.len; i++) {
		v2_cursor *c = &HS_VEC_AT(&G->cursors, v2_cursor, i);
		bool have;
		if (!batch_enter(L, G, c, i, c->batch))
			return nomem(L);
		if ((rc = cursor_next(L, G, c, &have)))
			return rc;
		if (!have)
			continue;
		fkey *f = hs_vec_push(&G->frontier, 1);
		if (!f)
			return nomem(L);
		f->cursor = (uint32_t)i;
		f->time = HS_VEC_AT(&G->cursors, v2_cursor, i).ev.time;
		sift_up(G, G->frontier.len - 1);
	}
	/* CPU sample times are ticks until the frequency is known. */
	v2_cpu *cpu = G->cpu.data;
	for (size_t i = 0; i < G->cpu.len; i++)
		cpu[i].time = to_ns(L, (uint64_t)cpu[i].time);
	if (G->cpu.len)
		qsort(G->cpu.data, G->cpu.len, sizeof(v2_cpu), cmp_cpu);
	return HS_OK;
}

static hs_err gen_run(v2_loader *L, v2_gen *G, bool lenient, double prev_ns_per_tick)
{
	hs_err rc = gen_tables(L, G);
	if (rc)
		return rc;
	if (!G->has_freq) {
		if (!lenient || prev_ns_per_tick == 0)
			return hs_fail_at(L->err, HS_E_INVALID,
			                  ((v2_batch *)G->batches.data)[0].start,
			                  "no frequency event found in generation %llu",
			                  (unsigned long long)L->gen);
		L->ns_per_tick = prev_ns_per_tick;
	}
	if ((rc = gen_cursors(L, G)))
		return rc;
	L->info->generations++;
	return merge(L, G);
}

static hs_err parse_header(v2_loader *L)
{
	const uint8_t *d = L->data;
	int minor = 0;
	size_t i = 5;
	if (more(L, 16) < 16 || memcmp(d, "go 1.", 5) != 0)
		return hs_fail_at(L->err, HS_E_FORMAT, 0, "not a Go execution trace");
	while (i < 7 && d[i] >= '0' && d[i] <= '9')
		minor = minor * 10 + (d[i++] - '0');
	if (i == 5 || memcmp(d + i, " trace", 6) != 0)
		return hs_fail_at(L->err, HS_E_FORMAT, 0, "not a Go execution trace");
	if (minor < 22 || minor > 26)
		return hs_fail_at(L->err, HS_E_FORMAT, 0,
		                  "go 1.%d trace is not a generation-based (Go 1.22-1.26) trace", minor);
	L->info->go_version = 1000 + minor;
	return HS_OK;
}

static void set_truncated(v2_loader *L, uint64_t at, const char *why)
{
	hs_trace_info *info = L->info;
	if (info->truncated)
		return;
	info->truncated = true;
	info->truncated_at = at;
	snprintf(info->truncated_why, sizeof info->truncated_why, "%s", why);
}

/* Read the next generation's batches into G; *pos moves past them.
 * *cut is set when the input ends inside a batch. */
static hs_err gen_collect(v2_loader *L, v2_gen *G, size_t *pos, bool *cut, bool *marked)
{
	*cut = false;
	*marked = false;
	L->gen = 0;
	while (more(L, *pos + 1) > *pos) {
		v2_batch b;
		hs_err rc;
		int r = read_batch(L, *pos, &b, &rc);
		if (r == RD_END_GEN) {
			/* Go 1.26 writes this one-byte marker after each generation. */
			(*pos)++;
			if (L->gen != 0) {
				*marked = true;
				return HS_OK;
			}
			continue;
		}
		if (r == RD_BAD)
			return rc;
		if (r == RD_SHORT_PAYLOAD && L->gen != 0 && b.gen > L->gen)
			return HS_OK;   /* the next generation starts, cut short */
		if (r != RD_OK) {
			*cut = true;
			return HS_OK;
		}
		if (L->gen == 0)
			L->gen = b.gen;
		if (b.gen > L->gen)
			return HS_OK;   /* the next generation starts */
		if (b.gen < L->gen)
			return hs_fail_at(L->err, HS_E_INVALID, *pos,
			                  "generations out of order (%llu after %llu)",
			                  (unsigned long long)b.gen, (unsigned long long)L->gen);
		if (G->batches.len >= UINT32_MAX - 1)
			return hs_fail_at(L->err, HS_E_LIMIT, *pos, "too many batches in one generation");
		v2_batch *slot = hs_vec_push(&G->batches, 1);
		if (!slot)
			return nomem(L);
		*slot = b;
		*pos = b.end;
	}
	return HS_OK;
}

/* The runtime ends every generation with its frequency (or sync), stacks
 * and strings batches, and from Go 1.26 with an end-of-generation byte; a
 * last generation without them was cut at a batch boundary. */
static bool gen_complete(v2_loader *L, v2_gen *G, bool marked)
{
	bool freq = false, stacks = false, strings = false;
	for (size_t i = 0; i < G->batches.len; i++) {
		uint8_t k = HS_VEC_AT(&G->batches, v2_batch, i).kind;
		freq |= k == V2_EV_FREQUENCY || k == V2_EV_SYNC;
		stacks |= k == V2_EV_STACKS;
		strings |= k == V2_EV_STRINGS;
	}
	return freq && stacks && strings && (marked || L->info->go_version < 1026);
}

static void gen_release(v2_loader *L, v2_gen *G)
{
	gen_reset(L, G);
	hs_vec_release(&G->batches);
	hs_vec_release(&G->cursors);
	hs_vec_release(&G->frontier);
	hs_vec_release(&G->cpu);
	hs_vec_release(&G->locs);
	for (size_t i = 0; i < G->bufs.len; i++)
		free(HS_VEC_AT(&G->bufs, v2_buf, i).p);
	hs_vec_release(&G->bufs);
}

static hs_err load(v2_loader *L, v2_gen *G)
{
	hs_err rc = parse_header(L);
	if (rc)
		return rc;
	size_t pos = 16;
	double prev = 0;
	while (more(L, pos + 1) > pos) {
		gen_reset(L, G);
		size_t start = pos;
		bool cut, marked;
		if ((rc = gen_collect(L, G, &pos, &cut, &marked)))
			return rc;
		/* The last generation may be incomplete: cut inside a batch, or
		 * missing its frequency.  Deliver what it yields and stop quietly
		 * at the first problem, as a truncation. */
		bool last = cut || more(L, pos + 1) <= pos;
		if (G->batches.len == 0) {
			if (cut)
				set_truncated(L, pos, "the input ends inside a batch header or payload");
			break;
		}
		hs_error scratch = {0}, *caller = L->err;
		bool lenient = cut || (last && !gen_complete(L, G, marked));
		if (lenient)
			L->err = &scratch;
		L->lenient = lenient;
		rc = gen_run(L, G, lenient, prev);
		L->lenient = false;
		L->err = caller;
		/* Malformed bytes in a batch that did arrive whole are corruption,
		 * even in an incomplete generation. */
		bool fatal = rc == HS_E_NOMEM || rc == HS_E_CORRUPT || rc == HS_E_LIMIT;
		if (rc && (L->sink_rc || fatal || !lenient)) {
			if (lenient)
				*caller = scratch;
			return rc;
		}
		if (lenient) {
			char why[160];
			char dropped[64] = "";
			if (L->dropped_ms)
				snprintf(dropped, sizeof dropped, " (the rest of %u threads' events dropped)",
				         L->dropped_ms);
			snprintf(why, sizeof why, "generation %llu is incomplete%s%s%.80s",
			         (unsigned long long)L->gen, dropped, rc ? ": " : "",
			         rc ? scratch.detail : "");
			set_truncated(L, cut ? pos : start, why);
			break;
		}
		prev = L->ns_per_tick;
		if (L->in)   /* nothing before the next generation is read again */
			hs_input_drop(L->in, pos);
	}
	return HS_OK;
}

/* A streaming step: dflt, or smaller under a test knob
 * (tests/conformance/check_trace_stream.py) so that small traces take the
 * streaming paths too. */
static size_t window(size_t dflt)
{
	const char *knob = getenv("HEAPSCOPE_TEST_TRACE_WINDOW");
	if (knob && atol(knob) >= 4096 && (size_t)atol(knob) < dflt)
		return (size_t)atol(knob);
	return dflt;
}

static hs_err run(v2_loader *L)
{
	v2_gen G;
	memset(&G, 0, sizeof G);
	hs_vec_init(&G.batches, sizeof(v2_batch));
	hs_vec_init(&G.cursors, sizeof(v2_cursor));
	hs_vec_init(&G.frontier, sizeof(fkey));
	hs_vec_init(&G.cpu, sizeof(v2_cpu));
	hs_vec_init(&G.locs, sizeof(uint32_t));
	hs_vec_init(&G.bufs, sizeof(v2_buf));
	G.budget = window(V2_BUF_BUDGET);
	hs_vec_init(&L->str_off, sizeof(size_t));
	hs_vec_init(&L->str_len, sizeof(uint32_t));
	hs_vec_init(&L->logbuf, 1);
	for (int t = 0; t < 256; t++)
		L->nargs[t] = t < V2_EV_COUNT ? nargs[t]
		              : t >= V2_EV_EXP_FIRST && t <= V2_EV_EXP_LAST
		                  ? exp_nargs[t - V2_EV_EXP_FIRST] : -1;
	hs_err rc = v2_order_init(&L->order) ? load(L, &G) : nomem(L);
	L->stats.buffered = G.buffered;
	L->info->events = L->events;
	if (L->have_first)
		L->info->duration_ns = L->last_ts - L->first_ts;
	v2_order_release(&L->order);
	gen_release(L, &G);
	hs_vec_release(&L->str_off);
	hs_vec_release(&L->str_len);
	hs_vec_release(&L->logbuf);
	return rc;
}

/* The ordering bound: the work a hostile trace may cost, by input size. */
static uint64_t max_tries(size_t n)
{
	return 8 * (uint64_t)n + 1000000;
}

hs_err hs_trace_load_v2(const uint8_t *data, size_t n, hs_profile *stacks, hs_tev_fn fn,
                        void *ctx, hs_trace_info *info, hs_error *err)
{
	memset(info, 0, sizeof *info);
	v2_loader L = {.data = data, .n = n, .stacks = stacks, .fn = fn, .ctx = ctx,
	               .info = info, .err = err, .max_tries = max_tries(n)};
	return run(&L);
}

/* Inflate the whole stream once, giving its bytes back as they come, so
 * that a decompression error comes before any event (as when the input is
 * read whole); the length it gives bounds the ordering work. */
static hs_err check_stream(hs_input *in, size_t *total, hs_error *err)
{
	size_t step = window((size_t)4 << 20);
	size_t got = 0;
	while (!in->complete) {
		got = hs_input_wait(in, got + step);
		hs_input_drop(in, got);
	}
	hs_err rc = hs_input_error(in, err);
	*total = in->len;
	if (rc == HS_OK)
		hs_input_rewind(in);
	return rc;
}

hs_err hs_trace_load_v2_input(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                              hs_trace_info *info, hs_error *err)
{
	v2_stats stats;
	return v2_load_input(in, stacks, fn, ctx, info, err, &stats);
}

hs_err v2_load_input(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                     hs_trace_info *info, hs_error *err, v2_stats *stats)
{
	memset(info, 0, sizeof *info);
	size_t total = in->len;
	if (in->bg) {
		hs_err rc = check_stream(in, &total, err);
		if (rc != HS_OK)
			return rc;
	}
	v2_loader L = {.data = in->data, .n = in->len, .in = in, .stacks = stacks, .fn = fn,
	               .ctx = ctx, .info = info, .err = err, .max_tries = max_tries(total),
	               .give_step = window((size_t)4 << 20)};
	hs_err rc = run(&L);
	*stats = L.stats;
	return rc;
}
