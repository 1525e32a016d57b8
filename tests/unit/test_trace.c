/* The old-format trace loader on hand-encoded traces: merging per-P
 * batches by goroutine sequence, ticks to nanoseconds, stacks into the
 * profile, a cut-off trace (loads, flagged), hostile inputs (errors with
 * the byte offset, nothing allocated by a claimed size), and the blocking
 * profile and summary on top. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heapscope/trace_analysis.h"
#include "temp_file.h"

enum { EV_BATCH = 1, EV_FREQUENCY = 2, EV_STACK = 3, EV_GO_CREATE = 13, EV_GO_START = 14,
       EV_GO_END = 15, EV_GO_SCHED = 17, EV_GO_PREEMPT = 18, EV_GO_UNBLOCK = 21,
       EV_GO_BLOCK_SEND = 22, EV_HEAP_ALLOC = 33, EV_STRING = 37 };

typedef struct enc {
	uint8_t b[4096];
	size_t n;
} enc;

static void put_varint(uint8_t *b, size_t *n, uint64_t v)
{
	while (v >= 0x80) {
		b[(*n)++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[(*n)++] = (uint8_t)v;
}

/* One record: inline arguments when fewer than 4, else length-prefixed. */
static void ev(enc *e, int typ, int nargs, ...)
{
	uint64_t a[16];
	va_list ap;
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		a[i] = va_arg(ap, uint64_t);
	va_end(ap);
	if (nargs < 4) {
		e->b[e->n++] = (uint8_t)(typ | (nargs - 1) << 6);
		for (int i = 0; i < nargs; i++)
			put_varint(e->b, &e->n, a[i]);
		return;
	}
	uint8_t tmp[256];
	size_t tn = 0;
	for (int i = 0; i < nargs; i++)
		put_varint(tmp, &tn, a[i]);
	e->b[e->n++] = (uint8_t)(typ | 3 << 6);
	put_varint(e->b, &e->n, tn);
	memcpy(e->b + e->n, tmp, tn);
	e->n += tn;
}

static void str(enc *e, uint64_t id, const char *s)
{
	e->b[e->n++] = EV_STRING;
	put_varint(e->b, &e->n, id);
	put_varint(e->b, &e->n, strlen(s));
	memcpy(e->b + e->n, s, strlen(s));
	e->n += strlen(s);
}

#define U(x) ((uint64_t)(x))

/* g1 is created on P0, runs and blocks on P1, is unblocked on P0 and ends
 * on P1.  P1's batch comes first in the file: only the sequence numbers
 * and timestamps order it. */
static size_t build(enc *e)
{
	memset(e, 0, sizeof *e);
	memcpy(e->b, "go 1.19 trace\0\0\0", 16);
	e->n = 16;
	ev(e, EV_BATCH, 2, U(1), U(1000));
	ev(e, EV_GO_START, 3, U(20), U(1), U(1));          /* ts 1020, g1, seq 1 */
	ev(e, EV_GO_BLOCK_SEND, 2, U(10), U(2));           /* ts 1030, stack 2 */
	ev(e, EV_GO_START, 3, U(20), U(1), U(3));          /* ts 1050 */
	ev(e, EV_GO_END, 1, U(10));                        /* ts 1060 */
	ev(e, EV_BATCH, 2, U(0), U(1000));
	ev(e, EV_GO_CREATE, 4, U(10), U(1), U(0), U(1));   /* ts 1010, g1, stack 1 */
	ev(e, EV_GO_UNBLOCK, 4, U(30), U(1), U(2), U(1));  /* ts 1040, g1, seq 2, stack 1 */
	str(e, 1, "main.main");
	str(e, 2, "main.go");
	str(e, 3, "main.worker");
	ev(e, EV_STACK, 6, U(1), U(1), U(0x1000), U(1), U(2), U(10));
	ev(e, EV_STACK, 10, U(2), U(2), U(0x2000), U(3), U(2), U(20), U(0x1001), U(1), U(2), U(11));
	size_t before_freq = e->n;
	ev(e, EV_FREQUENCY, 1, U(500000000));              /* 2 ns per tick */
	return before_freq;
}

typedef struct rec {
	hs_tev ev[64];
	int n;
} rec;

static hs_err record(void *ctx, const hs_tev *ev)
{
	rec *r = ctx;
	if (r->n < 64)
		r->ev[r->n++] = *ev;
	return HS_OK;
}

static hs_err load(const uint8_t *d, size_t n, hs_profile *p, hs_tev_fn fn, void *ctx,
                   hs_trace_info *info, hs_error *e)
{
	hs_input in;
	hs_error_clear(e);
	hs_err rc = hs_input_from_buffer(&in, d, n, 0, e);
	if (rc == HS_OK)
		rc = hs_trace_load(&in, p, fn, ctx, info, e);
	hs_input_release(&in);
	return rc;
}

/* The whole of e, every event recorded into r, into a new profile p. */
static void load_all(const enc *e, hs_profile *p, rec *r, hs_trace_info *info)
{
	hs_error err;
	hs_profile_init(p);
	r->n = 0;
	assert_int_equal(load(e->b, e->n, p, record, r, info, &err), HS_OK);
}

/* d[0..n) loaded from memory (into pw, whole, iw), and as a mapped file
 * (a temporary one) with the test knob's 4 KiB window (into p, ctx,
 * info): the index's window is then 1 KiB, each queue's batch buffer at
 * most 1 KiB, 8 KiB for all. */
static void load_twice(const uint8_t *d, size_t n, hs_tev_fn fn, hs_profile *pw, void *whole,
                       hs_trace_info *iw, hs_profile *p, void *ctx, hs_trace_info *info)
{
	char path[64];
	hs_error err;
	hs_profile_init(pw);
	assert_int_equal(load(d, n, pw, fn, whole, iw, &err), HS_OK);
	write_temp(path, d, n);
	hs_input in;
	hs_profile_init(p);
	setenv("HEAPSCOPE_TEST_TRACE_WINDOW", "4096", 1);
	assert_int_equal(hs_input_open(&in, path, 0, &err), HS_OK);
	assert_int_equal(hs_trace_load(&in, p, fn, ctx, info, &err), HS_OK);
	assert_true(info->pages_droppable);   /* the mapped file: the windows' case */
	hs_input_release(&in);
	unsetenv("HEAPSCOPE_TEST_TRACE_WINDOW");
	unlink(path);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(hs_trace_detect((const uint8_t *)"go 1.19 trace\0\0\0", 16), 1019);
	assert_int_equal(hs_trace_detect((const uint8_t *)"go 1.5 trace\0\0\0\0", 16), 1005);
	assert_int_equal(hs_trace_detect((const uint8_t *)"go 1.x trace\0\0\0\0", 16), 0);
	assert_int_equal(hs_trace_detect((const uint8_t *)"go 1.19 trace", 13), 0);
	assert_string_equal(hs_twait_name(HS_TWAIT_CHAN_SEND), "chan send");
}

static void test_merge_order(void **state)
{
	(void)state;
	enc e;
	build(&e);
	hs_profile p;
	rec r;
	hs_trace_info info;
	load_all(&e, &p, &r, &info);
	static const hs_tev_kind want[] = {HS_TEV_GO_CREATE, HS_TEV_GO_START, HS_TEV_GO_BLOCK,
	                                   HS_TEV_GO_UNBLOCK, HS_TEV_GO_START, HS_TEV_GO_END};
	assert_int_equal(r.n, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(r.ev[i].kind, want[i]);
		assert_int_equal(r.ev[i].ts, i * 20);    /* 10 ticks apart, 2 ns each */
		assert_int_equal(r.ev[i].g, 1);
	}
	assert_int_equal(r.ev[1].p, 1);
	assert_int_equal(r.ev[2].wait, HS_TWAIT_CHAN_SEND);
	assert_int_equal(r.ev[3].p, 0);
	assert_false(info.truncated);
	assert_int_equal(info.go_version, 1019);
	assert_int_equal(info.ticks_per_sec, 500000000);
	assert_int_equal(info.duration_ns, 100);
	assert_int_equal(info.events, 6);
	/* the block's stack: worker (leaf) then main */
	assert_int_equal(p.nstacks, 2);
	uint32_t n;
	const uint32_t *ids = hs_stack_at(&p, r.ev[2].stack - 1, &n);
	assert_int_equal(n, 2);
	char buf[128];
	assert_string_equal(hs_trace_loc_name(&p, ids[0], buf, sizeof buf), "main.worker main.go:20");
	assert_string_equal(hs_trace_loc_name(&p, ids[1], buf, sizeof buf), "main.main main.go:11");
	assert_int_equal(r.ev[0].stack, r.ev[3].stack);   /* same trace stack, same id */
	hs_profile_release(&p);
}

/* After GoSched or GoPreempt the P runs no goroutine until the next
 * GoStart (Go's parser clears its lastG): the events in between belong to
 * no goroutine, and a goroutine created there has no creator. */
static void test_yield_clears_running(void **state)
{
	(void)state;
	enc e;
	memset(&e, 0, sizeof e);
	memcpy(e.b, "go 1.19 trace\0\0\0", 16);
	e.n = 16;
	ev(&e, EV_BATCH, 2, U(0), U(1000));
	ev(&e, EV_GO_CREATE, 4, U(10), U(1), U(0), U(0));   /* g1 */
	ev(&e, EV_GO_START, 3, U(10), U(1), U(1));
	ev(&e, EV_GO_SCHED, 2, U(10), U(0));
	ev(&e, EV_HEAP_ALLOC, 2, U(10), U(4096));
	ev(&e, EV_GO_START, 3, U(10), U(1), U(2));
	ev(&e, EV_GO_PREEMPT, 2, U(10), U(0));
	ev(&e, EV_GO_CREATE, 4, U(10), U(2), U(0), U(0));   /* g2 */
	ev(&e, EV_FREQUENCY, 1, U(1000000000));
	hs_profile p;
	rec r;
	hs_trace_info info;
	load_all(&e, &p, &r, &info);
	assert_int_equal(r.n, 7);
	assert_int_equal(r.ev[2].kind, HS_TEV_GO_STOP);
	assert_int_equal(r.ev[2].wait, HS_TWAIT_NONE);
	assert_int_equal(r.ev[2].g, 1);
	assert_int_equal(r.ev[3].kind, HS_TEV_HEAP_ALLOC);
	assert_int_equal(r.ev[3].g, 0);
	assert_int_equal(r.ev[5].kind, HS_TEV_GO_STOP);
	assert_int_equal(r.ev[5].wait, HS_TWAIT_PREEMPTED);
	assert_int_equal(r.ev[5].g, 1);
	assert_int_equal(r.ev[6].kind, HS_TEV_GO_CREATE);
	assert_int_equal(r.ev[6].g, 2);
	assert_int_equal(r.ev[6].arg0, 0);
	hs_profile_release(&p);
}

/* One event expected from merge_many, in the order they must come. */
typedef struct want {
	int64_t ts;
	int order;      /* among equal times: twice the queue (P) index */
	int64_t p;
	hs_tev_kind kind;
	uint64_t arg0;
} want;

static int cmp_want(const void *a, const void *b)
{
	const want *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order - y->order;
}

/* nps Ps side by side, each a batch of heap events at times that tie
 * across Ps (the P earlier in the file goes first).  At time AT P1 creates
 * g1, P0 starts it (so P0 waits for P1) and the last P has a heap event
 * (after P0's, which comes back from waiting).  Up to 8 Ps the merge
 * keeps its queues in a sorted array, beyond in a heap: both must give
 * this order. */
static void merge_many(int nps)
{
	enum { K = 4, T0 = 1000, AT = 1045 };
	enc e;
	memset(&e, 0, sizeof e);
	memcpy(e.b, "go 1.19 trace\0\0\0", 16);
	e.n = 16;
	want w[64];
	int nw = 0;
	for (int i = 0; i < nps; i++) {
		ev(&e, EV_BATCH, 2, U(i), U(T0));
		int64_t last = T0;
		for (int k = 0; k < K; k++) {
			int64_t ts = T0 + 30 * k + 10 * (i % 3);
			if (last < AT && ts > AT) {
				if (i == 0) {
					ev(&e, EV_GO_START, 3, U(AT - last), U(1), U(1));
					w[nw++] = (want){AT, 3, 0, HS_TEV_GO_START, 0};
				} else if (i == 1) {
					ev(&e, EV_GO_CREATE, 4, U(AT - last), U(1), U(0), U(0));
					w[nw++] = (want){AT, 2, 1, HS_TEV_GO_CREATE, 0};
				} else if (i == nps - 1) {
					ev(&e, EV_HEAP_ALLOC, 2, U(AT - last), U(100 * i + 99));
					w[nw++] = (want){AT, 2 * i, i, HS_TEV_HEAP_ALLOC, U(100 * i + 99)};
				}
				last = i < 2 || i == nps - 1 ? AT : last;
			}
			ev(&e, EV_HEAP_ALLOC, 2, U(ts - last), U(100 * i + k));
			w[nw++] = (want){ts, 2 * i, i, HS_TEV_HEAP_ALLOC, U(100 * i + k)};
			last = ts;
		}
	}
	ev(&e, EV_FREQUENCY, 1, U(1000000000));
	qsort(w, (size_t)nw, sizeof w[0], cmp_want);
	hs_profile p;
	rec r;
	hs_trace_info info;
	load_all(&e, &p, &r, &info);
	assert_int_equal(r.n, nps * K + 3);
	assert_int_equal(nw, r.n);
	for (int j = 0; j < nw; j++) {
		assert_int_equal(r.ev[j].ts, w[j].ts - T0);
		assert_int_equal(r.ev[j].p, w[j].p);
		assert_int_equal(r.ev[j].kind, w[j].kind);
		if (w[j].kind == HS_TEV_HEAP_ALLOC)
			assert_int_equal(r.ev[j].arg0, w[j].arg0);
	}
	hs_profile_release(&p);
}

static void test_merge_few(void **state)
{
	(void)state;
	merge_many(6);
}

static void test_merge_many(void **state)
{
	(void)state;
	merge_many(12);
}

/* Every event kind the loader normalizes, one P, each with distinct
 * arguments, and the normalized events as they must come out (kind, wait,
 * time, goroutine, proc, stack, arguments, string): the rules that turn
 * an old event into an hs_tev, whichever step applies them. */
enum { T_PROC_START = 5, T_PROC_STOP, T_GC_START, T_GC_DONE, T_STW_START, T_STW_DONE,
       T_SWEEP_START, T_SWEEP_DONE, T_GO_START = 14, T_GO_STOP = 16, T_GO_SLEEP = 19,
       T_GO_BLOCK, T_BLOCK_RECV = 23, T_BLOCK_SELECT, T_BLOCK_SYNC, T_BLOCK_COND, T_BLOCK_NET,
       T_SYSCALL, T_SYSEXIT, T_SYSBLOCK, T_WAITING, T_INSYSCALL, T_HEAP_GOAL = 34,
       T_FUTILE = 36, T_START_LOCAL = 38, T_UNBLOCK_LOCAL, T_SYSEXIT_LOCAL, T_START_LABEL,
       T_BLOCK_GC, T_ASSIST_START, T_ASSIST_DONE, T_TASK_CREATE, T_TASK_END, T_REGION,
       T_LOG, T_CPU_SAMPLE, T_GOMAXPROCS = 4 };

typedef struct nrec {
	hs_tev ev[128];
	char str[128][32];
	int n;
} nrec;

static hs_err nrecord(void *ctx, const hs_tev *ev)
{
	nrec *r = ctx;
	if (r->n < 128) {
		r->ev[r->n] = *ev;
		snprintf(r->str[r->n], sizeof r->str[0], "%.*s", (int)ev->str_len,
		         ev->str ? ev->str : "");
		r->n++;
	}
	return HS_OK;
}

typedef struct ntev {
	hs_tev_kind kind;
	hs_twait wait;
	int64_t ts;
	uint64_t g;
	int64_t p;
	uint32_t stack;    /* hs stack id + 1 */
	uint64_t arg0, arg1;
	const char *str;
} ntev;

static void test_normalize_each_kind(void **state)
{
	(void)state;
	static enc e;
	memset(&e, 0, sizeof e);
	memcpy(e.b, "go 1.19 trace\0\0\0", 16);
	e.n = 16;
	ev(&e, EV_BATCH, 2, U(3), U(1000));
	ev(&e, T_PROC_START, 2, U(1), U(77));                        /* ts 1 */
	ev(&e, EV_GO_CREATE, 4, U(1), U(1), U(2), U(1));            /* g1, its start stack 2 */
	ev(&e, EV_GO_CREATE, 4, U(1), U(2), U(0), U(0));
	ev(&e, T_WAITING, 2, U(1), U(2));                            /* ts 4 */
	ev(&e, EV_GO_CREATE, 4, U(1), U(3), U(0), U(0));
	ev(&e, T_INSYSCALL, 2, U(1), U(3));
	ev(&e, T_START_LABEL, 4, U(1), U(1), U(1), U(3));            /* g1 runs, label "lbl" */
	ev(&e, EV_HEAP_ALLOC, 2, U(1), U(4096));                      /* ts 8 */
	ev(&e, T_HEAP_GOAL, 2, U(1), U(8192));
	ev(&e, EV_GO_UNBLOCK, 4, U(1), U(2), U(2), U(1));            /* g2 by g1 */
	ev(&e, T_SYSCALL, 2, U(1), U(2));
	ev(&e, T_SYSBLOCK, 1, U(1));                                  /* ts 12 */
	ev(&e, T_GO_START, 3, U(1), U(2), U(3));                      /* g2 */
	ev(&e, T_SYSEXIT, 4, U(1), U(1), U(2), U(1005));             /* g1, real time 1005: 8 ns */
	ev(&e, EV_GO_SCHED, 2, U(1), U(1));
	ev(&e, T_START_LOCAL, 2, U(1), U(1));                         /* ts 16: g1 */
	/* each way to block, then unblocked and started again */
	static const int blocks[] = {T_GO_SLEEP, T_GO_BLOCK, EV_GO_BLOCK_SEND, T_BLOCK_RECV,
	                             T_BLOCK_SELECT, T_BLOCK_SYNC, T_BLOCK_COND, T_BLOCK_NET,
	                             T_BLOCK_GC};
	for (int i = 0; i < 9; i++) {
		ev(&e, blocks[i], 2, U(1), U(2));
		ev(&e, T_UNBLOCK_LOCAL, 3, U(1), U(1), U(1));
		ev(&e, T_START_LOCAL, 2, U(1), U(1));
	}                                                             /* ts 43 */
	ev(&e, EV_GO_PREEMPT, 2, U(1), U(2));
	ev(&e, T_START_LOCAL, 2, U(1), U(1));                         /* ts 45 */
	ev(&e, T_SYSBLOCK, 1, U(1));
	ev(&e, T_SYSEXIT_LOCAL, 3, U(1), U(1), U(1020));              /* real time 1020 */
	ev(&e, T_START_LOCAL, 2, U(1), U(1));
	ev(&e, T_GC_START, 3, U(1), U(0), U(1));                      /* ts 49 */
	ev(&e, T_STW_START, 2, U(1), U(1));
	ev(&e, T_STW_DONE, 1, U(1));
	ev(&e, T_GC_DONE, 1, U(1));
	/* not carried: sweeps, GOMAXPROCS, futile wakeups, mark assists */
	ev(&e, T_SWEEP_START, 2, U(1), U(1));                         /* ts 53 */
	ev(&e, T_SWEEP_DONE, 3, U(1), U(10), U(20));
	ev(&e, T_GOMAXPROCS, 3, U(1), U(4), U(1));
	ev(&e, T_FUTILE, 1, U(1));
	ev(&e, T_ASSIST_START, 2, U(1), U(1));
	ev(&e, T_ASSIST_DONE, 1, U(1));                               /* ts 58 */
	ev(&e, T_TASK_CREATE, 5, U(1), U(5), U(4), U(4), U(2));      /* task 5 in 4, "task" */
	ev(&e, T_REGION, 5, U(1), U(5), U(0), U(5), U(1));           /* "rgn" begins */
	ev(&e, T_REGION, 5, U(1), U(5), U(1), U(5), U(1));           /* ... ends */
	ev(&e, T_LOG, 4, U(1), U(5), U(6), U(2));                     /* "key: value" */
	e.b[e.n++] = 5;
	memcpy(e.b + e.n, "value", 5);
	e.n += 5;
	ev(&e, T_CPU_SAMPLE, 5, U(1), U(1063), U(3), U(1), U(2));    /* sample, time 1063 */
	ev(&e, T_TASK_END, 3, U(1), U(5), U(1));                      /* ts 64 */
	ev(&e, T_GO_STOP, 2, U(1), U(1));
	ev(&e, EV_GO_START, 3, U(1), U(2), U(4));                     /* g2 */
	ev(&e, EV_GO_END, 1, U(1));
	ev(&e, T_PROC_STOP, 1, U(1));                                 /* ts 68 */
	str(&e, 1, "main.main");
	str(&e, 2, "main.go");
	str(&e, 3, "lbl");
	str(&e, 4, "task");
	str(&e, 5, "rgn");
	str(&e, 6, "key");
	/* trace stack 2 becomes stack 1, trace stack 1 stack 2 */
	ev(&e, EV_STACK, 6, U(2), U(1), U(0x2000), U(1), U(2), U(20));
	ev(&e, EV_STACK, 6, U(1), U(1), U(0x1000), U(1), U(2), U(10));
	ev(&e, EV_FREQUENCY, 1, U(500000000));                        /* 2 ns a tick */
	assert_true(e.n < sizeof e.b);

	static const ntev wants[] = {
		{HS_TEV_PROC_START, 0, 0, 0, 3, 0, 77, 0, ""},
		{HS_TEV_GO_CREATE, 0, 2, 1, 3, 2, 0, 1, ""},
		{HS_TEV_GO_CREATE, 0, 4, 2, 3, 0, 0, 0, ""},
		{HS_TEV_GO_EXISTING, 0, 6, 2, 3, 0, 1, 0, ""},
		{HS_TEV_GO_CREATE, 0, 8, 3, 3, 0, 0, 0, ""},
		{HS_TEV_GO_EXISTING, 0, 10, 3, 3, 0, 2, 0, ""},
		{HS_TEV_GO_START, 0, 12, 1, 3, 0, 0, 0, "lbl"},
		{HS_TEV_HEAP_ALLOC, 0, 14, 1, 3, 0, 4096, 0, ""},
		{HS_TEV_HEAP_GOAL, 0, 16, 1, 3, 0, 8192, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 18, 2, 3, 2, 1, 0, ""},
		{HS_TEV_SYSCALL, 0, 20, 1, 3, 1, 0, 0, ""},
		{HS_TEV_SYSCALL_BLOCK, 0, 22, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_START, 0, 24, 2, 3, 0, 0, 0, ""},
		{HS_TEV_SYSCALL_EXIT, 0, 8, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_STOP, HS_TWAIT_NONE, 28, 2, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 30, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_SLEEP, 32, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 34, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 36, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_OTHER, 38, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 40, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 42, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_CHAN_SEND, 44, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 46, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 48, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_CHAN_RECV, 50, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 52, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 54, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_SELECT, 56, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 58, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 60, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_SYNC, 62, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 64, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 66, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_COND, 68, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 70, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 72, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_NET, 74, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 76, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 78, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_GC, 80, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_UNBLOCK, 0, 82, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 84, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_STOP, HS_TWAIT_PREEMPTED, 86, 1, 3, 1, 0, 0, ""},
		{HS_TEV_GO_START, 0, 88, 1, 3, 0, 0, 0, ""},
		{HS_TEV_SYSCALL_BLOCK, 0, 90, 1, 3, 0, 0, 0, ""},
		{HS_TEV_SYSCALL_EXIT, 0, 38, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GO_START, 0, 94, 1, 3, 0, 0, 0, ""},
		{HS_TEV_GC_START, 0, 96, 0, 3, 2, 0, 0, ""},
		{HS_TEV_STW_START, 0, 98, 0, 3, 0, 1, 0, ""},
		{HS_TEV_STW_END, 0, 100, 0, 3, 0, 0, 0, ""},
		{HS_TEV_GC_END, 0, 102, 0, 3, 0, 0, 0, ""},
		{HS_TEV_TASK_BEGIN, 0, 116, 1, 3, 1, 5, 4, "task"},
		{HS_TEV_REGION_BEGIN, 0, 118, 1, 3, 2, 5, 0, "rgn"},
		{HS_TEV_REGION_END, 0, 120, 1, 3, 2, 5, 0, "rgn"},
		{HS_TEV_LOG, 0, 122, 1, 3, 1, 5, 0, "key: value"},
		{HS_TEV_CPU_SAMPLE, 0, 124, 1, 3, 1, 0, 0, ""},
		{HS_TEV_TASK_END, 0, 126, 1, 3, 2, 5, 0, ""},
		{HS_TEV_GO_BLOCK, HS_TWAIT_SELECT_NONE, 128, 1, 3, 2, 0, 0, ""},
		{HS_TEV_GO_START, 0, 130, 2, 3, 0, 0, 0, ""},
		{HS_TEV_GO_END, 0, 132, 2, 3, 0, 0, 0, ""},
		{HS_TEV_PROC_STOP, 0, 134, 0, 3, 0, 0, 0, ""},
	};
	hs_profile p;
	hs_profile_init(&p);
	static nrec r;
	r.n = 0;
	hs_trace_info info;
	hs_error err;
	assert_int_equal(load(e.b, e.n, &p, nrecord, &r, &info, &err), HS_OK);
	int nw = (int)(sizeof wants / sizeof wants[0]);
	/* one line an event, so that a failure shows which and how */
	for (int i = 0; i < r.n && i < nw; i++) {
		const hs_tev *g = &r.ev[i];
		const ntev *w = &wants[i];
		char got[160], exp[160];
		snprintf(got, sizeof got, "%d: kind %d wait %d ts %lld g %llu p %lld stack %u args %llu %llu '%s' %u",
		         i, g->kind, g->wait, (long long)g->ts, (unsigned long long)g->g, (long long)g->p,
		         g->stack, (unsigned long long)g->arg0, (unsigned long long)g->arg1, r.str[i],
		         g->str_len);
		snprintf(exp, sizeof exp, "%d: kind %d wait %d ts %lld g %llu p %lld stack %u args %llu %llu '%s' %u",
		         i, w->kind, w->wait, (long long)w->ts, (unsigned long long)w->g, (long long)w->p,
		         w->stack, (unsigned long long)w->arg0, (unsigned long long)w->arg1, w->str,
		         (unsigned)strlen(w->str));
		assert_string_equal(got, exp);
	}
	assert_int_equal(r.n, nw);
	assert_int_equal(info.events, 68);
	hs_profile_release(&p);
}

/* A mapped trace file is indexed through a window read with pread: at
 * 1 KiB here (the test knob), records cross its edge, a 3 KB string makes
 * it grow, a 70 KB one (beyond 64 times the window) makes the index go on
 * from the mapping.  Every event, string and stack as from memory. */
static void test_index_window(void **state)
{
	(void)state;
	static uint8_t big[120000];
	static enc e;
	size_t before_freq = build(&e), n = before_freq;
	memcpy(big, e.b, n);
	static const size_t lens[] = {3000, 70000};
	for (int k = 0; k < 2; k++) {
		/* a string record: type, id, length, bytes */
		big[n++] = EV_STRING;
		put_varint(big, &n, U(10 + k));
		put_varint(big, &n, U(lens[k]));
		memset(big + n, 'a' + k, lens[k]);
		n += lens[k];
		/* and more events after it, on P1 */
		enc m = {.n = 0};
		ev(&m, EV_BATCH, 2, U(1), U(2000 + 1000 * (uint64_t)k));
		for (int i = 0; i < 50; i++)
			ev(&m, EV_HEAP_ALLOC, 2, U(1), U(4096 * (uint64_t)(i + 1)));
		memcpy(big + n, m.b, m.n);
		n += m.n;
	}
	memcpy(big + n, e.b + before_freq, e.n - before_freq);
	n += e.n - before_freq;
	hs_profile pw, pf;
	static nrec whole, file;
	hs_trace_info iw, ifile;
	whole.n = file.n = 0;
	load_twice(big, n, nrecord, &pw, &whole, &iw, &pf, &file, &ifile);
	assert_int_equal(whole.n, 6 + 100);
	assert_int_equal(iw.events, 6 + 100);
	assert_int_equal(ifile.events, iw.events);
	assert_int_equal(ifile.duration_ns, iw.duration_ns);
	assert_false(ifile.truncated);
	assert_int_equal(file.n, whole.n);
	for (int i = 0; i < whole.n; i++) {
		assert_int_equal(file.ev[i].kind, whole.ev[i].kind);
		assert_int_equal(file.ev[i].ts, whole.ev[i].ts);
		assert_int_equal(file.ev[i].g, whole.ev[i].g);
		assert_int_equal(file.ev[i].stack, whole.ev[i].stack);
		assert_int_equal(file.ev[i].arg0, whole.ev[i].arg0);
	}
	assert_int_equal(pf.nstacks, pw.nstacks);
	assert_int_equal(pf.nstacks, 2);
	hs_profile_release(&pw);
	hs_profile_release(&pf);
}

/* The merge of a mapped trace file reads each P's batch with pread into
 * the queue's own buffer (the test knob: 1 KiB at most each, 8 KiB for
 * all of them).  Ten Ps, three rounds of batches each: batches that fit,
 * that make a buffer grow, that do not fit (read from the mapping), Ps
 * beyond the budget, a log whose value is in the buffer at the end of a
 * batch the next one replaces, and the last batch within 64 bytes of the
 * end of the file.  Every event as loaded from memory, and as built. */
typedef struct wrec {
	int n;
	struct {
		hs_tev_kind kind;
		int64_t ts, p;
		uint64_t arg0;
		char str[24];
	} ev[8192];
} wrec;

static hs_err wrecord(void *ctx, const hs_tev *ev)
{
	wrec *r = ctx;
	if (r->n < 8192) {
		r->ev[r->n].kind = ev->kind;
		r->ev[r->n].ts = ev->ts;
		r->ev[r->n].p = ev->p;
		r->ev[r->n].arg0 = ev->arg0;
		snprintf(r->ev[r->n].str, sizeof r->ev[0].str, "%.*s", (int)ev->str_len,
		         ev->str ? ev->str : "");
	}
	r->n++;
	return HS_OK;
}

static void test_batch_window(void **state)
{
	(void)state;
	static uint8_t b[200000];
	size_t n = 16;
	memcpy(b, "go 1.19 trace\0\0\0", 16);
	int nwant = 0, logs = 0;
	for (int k = 0; k < 3; k++) {
		for (int p = 0; p < 10; p++) {
			enc m = {.n = 0};
			/* 20-170 events, about 6 bytes each; P3's second 300 */
			int cnt = p == 3 && k == 1 ? 300 : 20 + (p * 37 + k * 53) % 151;
			uint64_t base = 100000 * (uint64_t)k;
			ev(&m, EV_BATCH, 2, U(p), U(base));
			memcpy(b + n, m.b, m.n);
			n += m.n;
			for (int i = 0; i < cnt; i++) {
				m.n = 0;
				/* ts base + 10 i + p: no two Ps at the same time */
				ev(&m, EV_HEAP_ALLOC, 2, U(i ? 10 : p),
				   U(1000000 * (uint64_t)p + 1000 * (uint64_t)k + (uint64_t)i));
				memcpy(b + n, m.b, m.n);
				n += m.n;
				nwant++;
			}
			if (p % 3 == 0) {   /* a log last: "key: v<p>-<k>" */
				m.n = 0;
				ev(&m, T_LOG, 4, U(1), U(0), U(6), U(0));
				char v[16];
				int len = snprintf(v, sizeof v, "v%d-%d", p, k);
				m.b[m.n++] = (uint8_t)len;
				memcpy(m.b + m.n, v, (size_t)len);
				m.n += (size_t)len;
				memcpy(b + n, m.b, m.n);
				n += m.n;
				nwant++;
				logs++;
			}
		}
	}
	enc m = {.n = 0};
	str(&m, 6, "key");
	ev(&m, EV_FREQUENCY, 1, U(1000000000));
	memcpy(b + n, m.b, m.n);
	n += m.n;
	assert_true(n < sizeof b);

	static wrec whole, file;
	hs_profile pw, pf;
	hs_trace_info iw, ifile;
	whole.n = file.n = 0;
	load_twice(b, n, wrecord, &pw, &whole, &iw, &pf, &file, &ifile);

	assert_int_equal(whole.n, nwant);
	assert_int_equal(file.n, nwant);
	assert_int_equal(ifile.events, iw.events);
	int seen_logs = 0;
	for (int i = 0; i < nwant; i++) {
		char got[96], exp[96];
		/* one line an event, so that a failure shows which */
		snprintf(got, sizeof got, "%d: kind %d ts %lld p %lld arg0 %llu '%s'", i,
		         file.ev[i].kind, (long long)file.ev[i].ts, (long long)file.ev[i].p,
		         (unsigned long long)file.ev[i].arg0, file.ev[i].str);
		snprintf(exp, sizeof exp, "%d: kind %d ts %lld p %lld arg0 %llu '%s'", i,
		         whole.ev[i].kind, (long long)whole.ev[i].ts, (long long)whole.ev[i].p,
		         (unsigned long long)whole.ev[i].arg0, whole.ev[i].str);
		assert_string_equal(got, exp);
		if (whole.ev[i].kind == HS_TEV_HEAP_ALLOC) {
			/* as built: P p's i-th event of round k at 100000 k + 10 i + p */
			uint64_t v = whole.ev[i].arg0;
			int64_t p = (int64_t)(v / 1000000), k = (int64_t)(v / 1000 % 1000),
			        j = (int64_t)(v % 1000);
			assert_int_equal(whole.ev[i].p, p);
			assert_int_equal(whole.ev[i].ts, 100000 * k + 10 * j + p);
		} else {
			assert_int_equal(whole.ev[i].kind, HS_TEV_LOG);
			char v[32];
			snprintf(v, sizeof v, "key: v%lld-%lld", (long long)whole.ev[i].p,
			         (long long)(whole.ev[i].ts / 100000));
			assert_string_equal(whole.ev[i].str, v);
			seen_logs++;
		}
	}
	assert_int_equal(seen_logs, logs);
	hs_profile_release(&pw);
	hs_profile_release(&pf);
}

static void test_profile_and_summary(void **state)
{
	(void)state;
	enc e;
	build(&e);
	hs_profile p;
	hs_profile_init(&p);
	hs_tprof t;
	hs_trace_info info;
	hs_error err;
	hs_tprof_init(&t, HS_TPROF_SYNC);
	assert_int_equal(load(e.b, e.n, &p, hs_tprof_event, &t, &info, &err), HS_OK);
	assert_int_equal(hs_tprof_finish(&t, &p, &err), HS_OK);
	assert_int_equal(p.nsamples, 1);
	assert_int_equal(hs_sample_values(&p, 0)[0], 1);
	assert_int_equal(hs_sample_values(&p, 0)[1], 20);   /* blocked 1030 -> 1040 ticks */
	uint32_t n;
	hs_sample_stack(&p, 0, &n);
	assert_int_equal(n, 2);
	hs_tprof_release(&t);
	hs_profile_release(&p);

	hs_profile_init(&p);
	hs_trace_summary s;
	hs_trace_summary_init(&s, &p);
	assert_int_equal(load(e.b, e.n, &p, hs_trace_summary_event, &s, &info, &err), HS_OK);
	assert_int_equal(hs_trace_summary_finish(&s, info.duration_ns, &err), HS_OK);
	assert_int_equal(s.created, 1);
	assert_int_equal(s.ended, 1);
	assert_int_equal(s.sites.len, 1);
	const hs_tsite *site = s.sites.data;
	assert_int_equal(site->running, 40);
	assert_int_equal(site->runnable, 40);
	assert_int_equal(site->blocked[HS_TWAIT_CHAN_SEND], 20);
	assert_int_equal(s.ntop, 1);
	assert_int_equal(s.top[0].dur, 20);
	hs_trace_summary_release(&s);
	hs_profile_release(&p);
}

static void test_truncated(void **state)
{
	(void)state;
	enc e;
	size_t cut = build(&e) + 1;   /* inside the Frequency record */
	hs_profile p;
	hs_profile_init(&p);
	rec r = {.n = 0};
	hs_trace_info info;
	hs_error err;
	assert_int_equal(load(e.b, cut, &p, record, &r, &info, &err), HS_OK);
	assert_true(info.truncated);
	assert_int_equal(info.truncated_at, cut - 1);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.ev[5].ts, 50);    /* no frequency: ticks taken as ns */
	hs_profile_release(&p);
}

static void expect_error(const uint8_t *d, size_t n, hs_err code, uint64_t off)
{
	hs_profile p;
	hs_profile_init(&p);
	rec r = {.n = 0};
	hs_trace_info info;
	hs_error err;
	assert_int_equal(load(d, n, &p, record, &r, &info, &err), code);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, off);
	hs_profile_release(&p);
}

static void test_hostile(void **state)
{
	(void)state;
	enc e;
	build(&e);
	uint8_t bad[4096];
	memcpy(bad, e.b, e.n);
	bad[16] = 63;                                   /* unknown event type */
	expect_error(bad, e.n, HS_E_CORRUPT, 16);

	enc s;
	memset(&s, 0, sizeof s);
	memcpy(s.b, "go 1.19 trace\0\0\0", 16);
	s.n = 16;
	s.b[s.n++] = EV_STRING;                         /* a string of 2^40 bytes */
	put_varint(s.b, &s.n, 1);
	put_varint(s.b, &s.n, U(1) << 40);
	expect_error(s.b, s.n + 8, HS_E_CORRUPT, 16);

	s.n = 16;                                      /* a stack of 5000 frames */
	ev(&s, EV_BATCH, 2, U(0), U(1));
	size_t at = s.n;
	ev(&s, EV_STACK, 6, U(1), U(5000), U(1), U(1), U(1), U(1));
	ev(&s, EV_FREQUENCY, 1, U(1));
	expect_error(s.b, s.n, HS_E_CORRUPT, at);

	s.n = 16;                                      /* a varint of 11 bytes */
	ev(&s, EV_BATCH, 2, U(0), U(1));
	at = s.n;
	s.b[s.n++] = EV_GO_END;
	memset(s.b + s.n, 0xff, 11);
	s.n += 11;
	s.b[s.n++] = 0;
	expect_error(s.b, s.n, HS_E_CORRUPT, at + 1);

	s.n = 16;                                      /* an event before any batch */
	ev(&s, EV_GO_END, 1, U(5));
	expect_error(s.b, s.n, HS_E_CORRUPT, 16);

	expect_error((const uint8_t *)"go 1.99 trace\0\0\0", 16, HS_E_FORMAT, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_yield_clears_running),
		cmocka_unit_test(test_merge_few),
		cmocka_unit_test(test_merge_many),
		cmocka_unit_test(test_normalize_each_kind),
		cmocka_unit_test(test_index_window),
		cmocka_unit_test(test_batch_window),
		cmocka_unit_test(test_profile_and_summary),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
