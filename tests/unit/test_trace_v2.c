/* The Go 1.22+ trace loader on small traces written by hand in Go's text
 * form (testdata/trace/v2-text, converted to testdata/trace/v2 by
 * testdata/gen/trace-text/totrace.py) and on bytes built here.  Expected
 * values are read off the text traces by hand (their comments show the
 * arithmetic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "temp_file.h"
#include "heapscope/load.h"
#include "heapscope/trace.h"
#include "heapscope/trace_analysis.h"
#include "../../src/formats/trace_v2.h"

#define MAXEV 64

typedef struct rec {
	hs_tev ev[MAXEV];
	char str[MAXEV][64];
	size_t n;
	size_t stop_after;     /* the sink fails after this many, 0: never */
} rec;

static rec R;
static hs_profile stacks;
static hs_trace_info info;
static hs_error err;

static hs_err sink(void *ctx, const hs_tev *ev)
{
	rec *r = ctx;
	if (r->stop_after && r->n == r->stop_after)
		return HS_E_LIMIT;
	if (r->n < MAXEV) {
		r->ev[r->n] = *ev;
		snprintf(r->str[r->n], sizeof r->str[0], "%.*s", (int)ev->str_len,
		         ev->str ? ev->str : "");
	}
	r->n++;
	return HS_OK;
}

static uint8_t *slurp(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/trace/v2/%s", HS_TESTDATA, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static uint8_t buf[1 << 16];
	*n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

static hs_err load(const uint8_t *d, size_t n)
{
	size_t stop = R.stop_after;
	memset(&R, 0, sizeof R);
	R.stop_after = stop;
	hs_profile_release(&stacks);
	hs_profile_init(&stacks);
	hs_error_clear(&err);
	return hs_trace_load_v2(d, n, &stacks, sink, &R, &info, &err);
}

static size_t count(hs_tev_kind k)
{
	size_t c = 0;
	for (size_t i = 0; i < R.n && i < MAXEV; i++)
		c += R.ev[i].kind == k;
	return c;
}

static const hs_tev *find(hs_tev_kind k, uint64_t g)
{
	for (size_t i = 0; i < R.n && i < MAXEV; i++)
		if (R.ev[i].kind == k && R.ev[i].g == g)
			return &R.ev[i];
	fail_msg("no event of kind %d for g%llu", (int)k, (unsigned long long)g);
	return NULL;
}

/* Frame i (leaf first) of a delivered stack: function name and line. */
static void frame(uint32_t stack, uint32_t i, const char *fn, int64_t line)
{
	assert_true(stack > 0);
	uint32_t n;
	const uint32_t *locs = hs_stack_at(&stacks, stack - 1, &n);
	assert_true(i < n);
	const hs_location *loc = hs_location_at(&stacks, hs_trace_loc(locs[i]));
	assert_int_equal(loc->nlines, 1);
	const hs_line *l = hs_line_at(&stacks, loc->line_start);
	const hs_function *f = hs_function_at(&stacks, l->function - 1);
	assert_string_equal(hs_s(&stacks, f->name), fn);
	assert_int_equal(l->line, line);
}

/* Load a committed trace that Go's reader accepts, and check its
 * version and counts. */
static void load_ok(const char *name, int version, uint64_t events, uint64_t gens)
{
	size_t n;
	const uint8_t *d = slurp(name, &n);
	assert_int_equal(load(d, n), HS_OK);
	assert_int_equal(info.go_version, version);
	assert_int_equal(info.events, events);
	assert_int_equal(info.generations, gens);
}

static void test_basic(void **state)
{
	(void)state;
	load_ok("basic.trace", 1022, 17, 1);
	assert_int_equal(info.ticks_per_sec, 1000000000);
	assert_int_equal(info.duration_ns, 121);
	assert_false(info.truncated);
	static const hs_tev_kind want[] = {
		HS_TEV_PROC_START, HS_TEV_GO_EXISTING, HS_TEV_GO_START, HS_TEV_GO_CREATE,
		HS_TEV_GO_CREATE, HS_TEV_GO_BLOCK, HS_TEV_GO_START, HS_TEV_GO_UNBLOCK,
		HS_TEV_GO_BLOCK, HS_TEV_GO_START, HS_TEV_GO_END, HS_TEV_GO_START,
		HS_TEV_HEAP_ALLOC, HS_TEV_SYSCALL, HS_TEV_SYSCALL_EXIT, HS_TEV_LOG,
		HS_TEV_GO_STOP, HS_TEV_PROC_STOP,
	};
	assert_int_equal(R.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < R.n; i++)
		assert_int_equal(R.ev[i].kind, want[i]);
	for (size_t i = 1; i < R.n; i++)
		assert_true(R.ev[i].ts >= R.ev[i - 1].ts);
	assert_int_equal(count(HS_TEV_GO_CREATE), 2);
	const hs_tev *c2 = find(HS_TEV_GO_CREATE, 2), *c3 = find(HS_TEV_GO_CREATE, 3);
	assert_int_equal(c2->ts, 11);
	assert_int_equal(c3->ts, 21);
	assert_int_equal(c2->arg0, 1);     /* created by g1 */
	frame(c2->stack, 0, "main.main", 20);
	frame((uint32_t)c2->arg1, 0, "main.worker", 10);
	const hs_tev *ex = find(HS_TEV_GO_EXISTING, 1);
	assert_int_equal(ex->arg0, 0);     /* running, not waiting */
	const hs_tev *b1 = find(HS_TEV_GO_BLOCK, 1), *b2 = find(HS_TEV_GO_BLOCK, 2);
	assert_int_equal(b1->wait, HS_TWAIT_CHAN_RECV);
	assert_int_equal(b1->ts, 31);
	frame(b1->stack, 0, "runtime.chanrecv1", 442);
	frame(b1->stack, 1, "main.main", 21);
	assert_int_equal(b2->wait, HS_TWAIT_SLEEP);
	assert_int_equal(b2->stack, 0);
	const hs_tev *u = find(HS_TEV_GO_UNBLOCK, 1);
	assert_int_equal(u->arg0, 2);      /* g2 unblocked g1 */
	assert_int_equal(u->ts, 51);
	frame(u->stack, 0, "main.worker", 12);
	assert_int_equal(find(HS_TEV_GO_END, 3)->ts, 81);
	assert_int_equal(find(HS_TEV_HEAP_ALLOC, 1)->arg0, 4096);
	const hs_tev *st = find(HS_TEV_GO_STOP, 1);
	assert_int_equal(st->wait, HS_TWAIT_PREEMPTED);
	for (size_t i = 0; i < R.n; i++)
		if (R.ev[i].kind == HS_TEV_LOG)
			assert_string_equal(R.str[i], "cat: hello");
	assert_int_equal(stacks.nstacks, 4);
}

static void test_two_ms(void **state)
{
	(void)state;
	load_ok("two-ms.trace", 1023, 13, 2);
	assert_int_equal(count(HS_TEV_GO_EXISTING), 2);
	assert_int_equal(count(HS_TEV_GO_CREATE), 0);
	const hs_tev *b = find(HS_TEV_GO_BLOCK, 5), *u = find(HS_TEV_GO_UNBLOCK, 5);
	assert_true(b < u);               /* delivered first despite M1's clock */
	assert_int_equal(b->wait, HS_TWAIT_SELECT);
	assert_int_equal(b->ts, 51);
	assert_int_equal(u->ts, 52);
	assert_int_equal(u->arg0, 1);
	assert_int_equal(u->p, 0);
	const hs_tev *cpu = find(HS_TEV_CPU_SAMPLE, 1);
	assert_int_equal(cpu->ts, 4);
	assert_int_equal(cpu->p, 0);
	assert_int_equal(find(HS_TEV_GO_START, 5)->ts, 2);   /* the existing g5 */
	assert_int_equal(find(HS_TEV_GO_END, 5)->ts, 121);
	assert_int_equal(info.duration_ns, 121);
}

/* A P stolen at a generation boundary by an M that keeps its own P: the
 * SyscallAbandoned status binds nothing to the M that writes it. */
static void test_steal_abandoned(void **state)
{
	(void)state;
	load_ok("steal-abandoned.trace", 1023, 11, 2);
	assert_int_equal(count(HS_TEV_GO_EXISTING), 2);
	const hs_tev *s1 = find(HS_TEV_SYSCALL, 1), *b1 = find(HS_TEV_SYSCALL_BLOCK, 1);
	assert_int_equal(s1->ts, 2);
	assert_int_equal(s1->p, 0);
	assert_int_equal(b1->ts, 103);
	assert_int_equal(find(HS_TEV_PROC_STOP, 0)->ts, 103);
	const hs_tev *s2 = find(HS_TEV_SYSCALL, 2), *e2 = find(HS_TEV_SYSCALL_EXIT, 2);
	assert_int_equal(s2->ts, 104);
	assert_int_equal(s2->p, 1);
	assert_int_equal(e2->ts, 105);
	assert_int_equal(e2->p, 1);
}

/* The summary of a committed trace: goroutines created, ended, seen
 * without a creation (GoStatus: there before the trace) and alive at the
 * end (seen less ended: Go's internal/trace summary counts a goroutine
 * first seen Undetermined as one from before the trace). */
static void summary_counts(const char *name, uint64_t created, uint64_t existing,
                           uint64_t ended, uint64_t alive)
{
	size_t n;
	const uint8_t *d = slurp(name, &n);
	hs_profile_release(&stacks);
	hs_profile_init(&stacks);
	hs_error_clear(&err);
	hs_trace_summary s;
	hs_trace_summary_init(&s, &stacks);
	assert_int_equal(hs_trace_load_v2(d, n, &stacks, hs_trace_summary_event, &s, &info, &err),
	                 HS_OK);
	assert_int_equal(hs_trace_summary_finish(&s, info.duration_ns, &err), HS_OK);
	assert_int_equal(s.created, created);
	assert_int_equal(s.existing, existing);
	assert_int_equal(s.ended, ended);
	assert_int_equal(hs_trace_summary_alive(&s), alive);
	uint64_t sc = 0, se = 0, sx = 0, sa = 0;
	for (size_t i = 0; i < s.sites.len; i++) {
		const hs_tsite *st = &HS_VEC_AT(&s.sites, hs_tsite, i);
		sc += st->created;
		sx += st->existing;
		se += st->ended;
		sa += hs_tsite_alive(st);
	}
	assert_int_equal(sc, created);
	assert_int_equal(sx, existing);
	assert_int_equal(se, ended);
	assert_int_equal(sa, alive);
	hs_trace_summary_release(&s);
}

/* Goroutines from before the trace that end: alive at the end counts
 * them (created - ended wrapped below 0 to 2^64 - 1). */
static void test_existing_end(void **state)
{
	(void)state;
	load_ok("existing-ends.trace", 1023, 14, 1);
	assert_int_equal(count(HS_TEV_GO_EXISTING), 3);
	assert_int_equal(count(HS_TEV_GO_CREATE), 1);
	assert_int_equal(find(HS_TEV_GO_END, 4)->ts, 53);
	assert_int_equal(find(HS_TEV_GO_END, 6)->ts, 73);
	assert_int_equal(find(HS_TEV_GO_BLOCK, 9)->ts, 93);
	assert_int_equal(info.duration_ns, 103);
	/* the hand counts of the .test files' comments */
	summary_counts("existing-ends.trace", 1, 3, 2, 2);   /* g1, g9 */
	summary_counts("two-ms.trace", 0, 2, 1, 1);          /* g1 */
	summary_counts("basic.trace", 2, 1, 1, 2);           /* g1, g2 */
	summary_counts("steal-abandoned.trace", 0, 2, 0, 2);
}

static void test_rejected(void **state)
{
	(void)state;
	size_t n;
	const uint8_t *d = slurp("bad-unblock-running.trace", &n);
	assert_int_equal(load(d, n), HS_E_INVALID);
	assert_true(err.has_offset);
	assert_int_equal(err.offset, 30);  /* 16 header + 5 batch header + 4 + 5 */
	assert_non_null(strstr(err.detail, "failed to advance"));
}

static void test_truncated(void **state)
{
	(void)state;
	size_t n;
	const uint8_t *full = slurp("basic.trace", &n);
	uint8_t *d = malloc(n);
	memcpy(d, full, n);
	for (size_t cut = 16; cut < n; cut++) {
		hs_err rc = load(d, cut);
		if (rc != HS_OK)
			fail_msg("cut at %zu: %s", cut, err.detail);
		assert_true(info.events <= 17);
		assert_int_equal(info.truncated, cut > 16);
		if (cut > 16)
			assert_true(info.truncated_at <= cut);
	}
	free(d);

	/* two-ms: generation 1 is six batches, M1 and M2 (5-byte headers,
	 * 14 and 13 bytes of events), then CPU samples, frequency, stacks and
	 * strings with m = 2^64-1 (a 10-byte varint: 14-byte headers; 7, 6, 1
	 * and 10 bytes): 16 + 19 + 18 + 21 + 20 + 15 + 24 = 133.  Any cut from
	 * there on keeps its 7 events; a cut exactly there is a complete trace
	 * of one generation. */
	full = slurp("two-ms.trace", &n);
	assert_int_equal(n, 226);
	d = malloc(n);
	memcpy(d, full, n);
	for (size_t cut = 16; cut < n; cut++) {
		hs_err rc = load(d, cut);
		if (rc != HS_OK)
			fail_msg("two-ms cut at %zu: %s", cut, err.detail);
		assert_true(info.events <= 13);
		if (cut >= 133)
			assert_true(info.events >= 7);
		assert_int_equal(info.truncated, cut > 16 && cut != 133);
	}
	free(d);
}

static void test_corrupt(void **state)
{
	(void)state;
	size_t n;
	const uint8_t *full = slurp("basic.trace", &n);
	uint8_t *d = malloc(n);
	memcpy(d, full, n);
	d[16] = 7;                         /* no batch where one must start */
	assert_int_equal(load(d, n), HS_E_CORRUPT);
	assert_int_equal(err.offset, 16);
	memcpy(d, full, n);
	d[21] = 99;                        /* the first event's type */
	assert_int_equal(load(d, n), HS_E_CORRUPT);
	assert_int_equal(err.offset, 21);
	memcpy(d, full, n);
	memcpy(d, "go 1.21 trace", 13);
	assert_int_equal(load(d, n), HS_E_FORMAT);
	free(d);

	/* A string longer than Go's 1 KiB limit. */
	static const uint8_t big[] = "go 1.22 trace\0\0\0"
		"\x01\x01\x01\x00\x05" "\x04\x05\x01\xff\x7f";
	assert_int_equal(load(big, sizeof big - 1), HS_E_LIMIT);
	assert_int_equal(err.offset, 22);
	/* A varint of eleven bytes in a batch header. */
	static const uint8_t ovf[] = "go 1.22 trace\0\0\0"
		"\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
	assert_int_equal(load(ovf, sizeof ovf - 1), HS_E_CORRUPT);
	assert_int_equal(err.offset, 16);
	/* A batch claiming more bytes than the file holds: truncated, no error. */
	static const uint8_t cut[] = "go 1.22 trace\0\0\0\x01\x01\x01\x00\xff\xff\x03";
	assert_int_equal(load(cut, sizeof cut - 1), HS_OK);
	assert_true(info.truncated);
	assert_int_equal(info.truncated_at, 16);
}

static size_t put_uv(uint8_t *d, uint64_t v)
{
	size_t n = 0;
	for (; v >= 0x80; v >>= 7)
		d[n++] = (uint8_t)(v | 0x80);
	d[n++] = (uint8_t)v;
	return n;
}

static size_t put_batch(uint8_t *d, uint64_t m, uint64_t t, const uint8_t *ev, size_t n)
{
	size_t k = 0;
	d[k++] = 1;
	k += put_uv(d + k, 1);
	k += put_uv(d + k, m);
	k += put_uv(d + k, t);
	k += put_uv(d + k, n);
	memcpy(d + k, ev, n);
	return k + n;
}

/* A frequency batch (1 tick = 1 ns) and an empty stacks batch. */
static size_t put_freq_stacks(uint8_t *d)
{
	uint8_t meta[16];
	size_t j = 0;
	meta[j++] = V2_EV_FREQUENCY;
	j += put_uv(meta + j, 1000000000);
	size_t n = put_batch(d, UINT64_MAX, 0, meta, j);
	meta[0] = V2_EV_STACKS;
	return n + put_batch(d + n, UINT64_MAX, 0, meta, 1);
}

/* N Ms each start and stop P0 with p_seq k, their clocks in reverse: every
 * step waits on the M the heap tries last.  Go's reader is quadratic here;
 * the loader gives up with HS_E_LIMIT after work bounded by the input. */
static void test_hostile_order(void **state)
{
	(void)state;
	enum { N = 3000 };
	uint8_t *d = malloc(16 + (size_t)(N + 4) * 40), ev[32];
	size_t n = 16, k;
	memcpy(d, "go 1.22 trace\0\0\0", 16);
	ev[0] = 13, ev[1] = 0, ev[2] = 0, ev[3] = 2;          /* ProcStatus p0 idle */
	n += put_batch(d + n, 1, 0, ev, 4);
	for (uint64_t i = 1; i <= N; i++) {
		k = 0;
		ev[k++] = 10, ev[k++] = 0, ev[k++] = 0;            /* ProcStart p0 seq i */
		k += put_uv(ev + k, i);
		ev[k++] = 11, ev[k++] = 1;                          /* ProcStop */
		n += put_batch(d + n, i + 1, N - i + 1, ev, k);
	}
	ev[0] = 8, k = 1 + put_uv(ev + 1, 1000000000);
	n += put_batch(d + n, UINT64_MAX, 0, ev, k);
	ev[0] = 2;
	n += put_batch(d + n, UINT64_MAX, 0, ev, 1);
	ev[0] = 4;
	n += put_batch(d + n, UINT64_MAX, 0, ev, 1);
	assert_int_equal(load(d, n), HS_E_LIMIT);
	assert_non_null(strstr(err.detail, "too many steps"));
	free(d);
}

/* Event varints of every length, read where 60 bytes or more are left in
 * the batch (no bound check per byte) and near its end (checked): the
 * same values, and the same error for a tenth byte above 1, at the
 * event's offset. */
static void test_event_varints(void **state)
{
	(void)state;
	static const uint64_t vals[] = {0, 1, 127, 128, 16383, 16384, (1ull << 21) - 1,
	                                1ull << 21, 1ull << 35, (1ull << 56) + 3,
	                                (1ull << 63) - 1, 1ull << 63 | 5, UINT64_MAX};
	enum { NV = sizeof vals / sizeof vals[0] };
	/* -1: none bad; 2: early in the batch (fast path); NV - 1: its last event */
	static const int bad_ev[] = {-1, 2, NV - 1};
	for (size_t b = 0; b < sizeof bad_ev / sizeof bad_ev[0]; b++) {
		uint8_t d[1024], ev[512];
		size_t n = 16, k = 0, bad_at = 0;
		memcpy(d, "go 1.22 trace\0\0\0", 16);
		ev[k++] = V2_EV_PROC_STATUS, ev[k++] = 0, ev[k++] = 0, ev[k++] = 1;   /* P0 running */
		for (int i = 0; i < NV; i++) {
			ev[k++] = V2_EV_HEAP_ALLOC, ev[k++] = 0;
			if (i == bad_ev[b]) {
				bad_at = k - 2;
				memcpy(ev + k, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
				k += 10;
			} else {
				k += put_uv(ev + k, vals[i]);
			}
		}
		size_t start = n;
		n += put_batch(d + n, 1, 0, ev, k);
		bad_at += start + (n - start - k);   /* the batch header's length */
		n += put_freq_stacks(d + n);
		uint8_t strings = V2_EV_STRINGS;
		n += put_batch(d + n, UINT64_MAX, 0, &strings, 1);
		hs_err rc = load(d, n);
		if (bad_ev[b] >= 0) {
			assert_int_equal(rc, HS_E_CORRUPT);
			assert_int_equal(err.offset, bad_at);
			assert_non_null(strstr(err.detail, "bad varint in event"));
			continue;
		}
		if (rc != HS_OK)
			fail_msg("%s", err.detail);
		assert_int_equal(count(HS_TEV_HEAP_ALLOC), NV);
		int i = 0;
		for (size_t e = 0; e < R.n; e++)
			if (R.ev[e].kind == HS_TEV_HEAP_ALLOC)
				assert_true(R.ev[e].arg0 == vals[i++]);
	}
}

/* A stack id defined twice in one generation is refused, as Go does. */
static void test_dup_stack(void **state)
{
	(void)state;
	uint8_t d[128], ev[16];
	size_t n = 16, k;
	memcpy(d, "go 1.23 trace\0\0\0", 16);
	ev[0] = 8, k = 1 + put_uv(ev + 1, 1000000000);          /* Frequency */
	n += put_batch(d + n, 0, 0, ev, k);
	static const uint8_t stk[] = {2, 3, 1, 0, 3, 1, 0};     /* Stacks: id 1 twice */
	n += put_batch(d + n, 0, 0, stk, sizeof stk);
	ev[0] = 4;                                              /* Strings */
	n += put_batch(d + n, 0, 0, ev, 1);
	assert_int_equal(load(d, n), HS_E_INVALID);
	assert_non_null(strstr(err.detail, "multiple stacks with the same ID 1"));
}

static void test_sink_stops(void **state)
{
	(void)state;
	size_t n;
	const uint8_t *d = slurp("basic.trace", &n);
	R.stop_after = 3;
	assert_int_equal(load(d, n), HS_E_LIMIT);
	R.stop_after = 0;
	assert_int_equal(R.n, 3);
	assert_false(info.truncated);
}

static void test_wait_reasons(void **state)
{
	(void)state;
	static const struct { const char *s; hs_twait w; } tab[] = {
		{"chan send", HS_TWAIT_CHAN_SEND}, {"chan receive", HS_TWAIT_CHAN_RECV},
		{"select", HS_TWAIT_SELECT}, {"sync", HS_TWAIT_SYNC},
		{"sync.(*Cond).Wait", HS_TWAIT_COND}, {"sleep", HS_TWAIT_SLEEP},
		{"network", HS_TWAIT_NET}, {"GC mark assist wait for work", HS_TWAIT_GC},
		{"GC background sweeper wait", HS_TWAIT_GC}, {"wait until GC ends", HS_TWAIT_GC},
		{"system goroutine wait", HS_TWAIT_OTHER}, {"forever", HS_TWAIT_SELECT_NONE},
		{"preempted", HS_TWAIT_PREEMPTED}, {"unspecified", HS_TWAIT_OTHER},
		{"synctest", HS_TWAIT_OTHER}, {"", HS_TWAIT_OTHER},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		assert_int_equal(v2_wait_from_reason(tab[i].s, (uint32_t)strlen(tab[i].s)), tab[i].w);
}

/* ---- Streamed generations ------------------------------------------- */

/* One M's generation of n_ev HeapAlloc events of 12 bytes, in batches of
 * about batch_bytes, preceded (strings_first) or followed by a strings
 * batch naming string 1, and closed by a UserTaskBegin naming it.  The
 * M's goroutine 1 runs on P0 throughout. */
static uint8_t *big_generation(size_t n_ev, size_t batch_bytes, bool strings_first, size_t *len)
{
	static const char name[] = "the task's name";
	size_t cap = 16 + n_ev * 12 + (n_ev * 12 / batch_bytes + 8) * 64 + 256;
	uint8_t *d = malloc(cap), *ev = malloc(batch_bytes + 64), tab[64];
	assert_non_null(d);
	assert_non_null(ev);
	size_t n = 16, k = 0, t = 0;
	memcpy(d, "go 1.23 trace\0\0\0", 16);
	size_t j = 0;
	tab[j++] = V2_EV_STRINGS, tab[j++] = V2_EV_STRING, tab[j++] = 1;
	tab[j++] = (uint8_t)(sizeof name - 1);
	memcpy(tab + j, name, sizeof name - 1);
	j += sizeof name - 1;
	if (strings_first)
		n += put_batch(d + n, UINT64_MAX, 0, tab, j);
	ev[k++] = V2_EV_PROC_STATUS, ev[k++] = 1, ev[k++] = 0, ev[k++] = 1;     /* P0 running */
	ev[k++] = V2_EV_GO_STATUS, ev[k++] = 1, ev[k++] = 1, ev[k++] = 1, ev[k++] = 2;
	t = 2;
	size_t batch_t = 0;
	for (size_t i = 0; i < n_ev; i++) {
		ev[k++] = V2_EV_HEAP_ALLOC, ev[k++] = 1;
		memcpy(ev + k, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);   /* UINT64_MAX */
		k += 10;
		t++;
		if (k >= batch_bytes) {
			n += put_batch(d + n, 1, batch_t, ev, k);
			batch_t = t, k = 0;
		}
	}
	ev[k++] = V2_EV_USER_TASK_BEGIN, ev[k++] = 1, ev[k++] = 7, ev[k++] = 0, ev[k++] = 1;
	ev[k++] = 0;
	n += put_batch(d + n, 1, batch_t, ev, k);
	n += put_freq_stacks(d + n);
	if (!strings_first)
		n += put_batch(d + n, UINT64_MAX, 0, tab, j);
	assert_true(n <= cap);
	free(ev);
	*len = n;
	return d;
}

static hs_err task_sink(void *ctx, const hs_tev *ev)
{
	(void)ctx;
	if (ev->kind == HS_TEV_TASK_BEGIN)
		snprintf(R.str[0], sizeof R.str[0], "%.*s", (int)ev->str_len, ev->str);
	return HS_OK;
}

static hs_err load_file(const char *path)
{
	hs_input in;
	hs_profile_release(&stacks);
	hs_profile_init(&stacks);
	hs_error_clear(&err);
	R.str[0][0] = 0;
	hs_err rc = hs_input_open(&in, path, 0, &err);
	if (rc == HS_OK)
		rc = hs_trace_load_v2_input(&in, &stacks, task_sink, NULL, &info, &err);
	hs_input_release(&in);
	return rc;
}

/* This process's resident memory, in KiB (0 when /proc cannot tell). */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, resident = 0;
	if (f && fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	if (f)
		fclose(f);
	return (long)(resident * (unsigned long)sysconf(_SC_PAGESIZE) / 1024);
}

/* Written 4 KiB at a time, as a program writing a trace does: the page
 * cache then holds small folios, each page mapped by its own fault or by
 * fault-around (a file written in one call may be cached in folios of
 * megabytes, each mapped by one fault). */
static void write_temp_paged(char *path, const uint8_t *d, size_t n)
{
	strcpy(path, "/tmp/hs-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	for (size_t off = 0; off < n; off += 4096) {
		size_t k = n - off < 4096 ? n - off : 4096;
		assert_int_equal(write(fd, d + off, k), (ssize_t)k);
	}
	close(fd);
}

/* The 24 MB generation of 2 Mi events in 64 KiB batches, in a file
 * (written in pages: paged); returns its length. */
static size_t big_file(char *path, bool paged)
{
	size_t n;
	uint8_t *d = big_generation(2 << 20, 65536, false, &n);
	if (paged)
		write_temp_paged(path, d, n);
	else
		write_temp(path, d, n);
	free(d);
	return n;
}

/* A generation of 24 MB read from a file, in a child whose peak resident
 * memory the kernel keeps: it grows by a few MB (the span the M's cursor
 * reads), not by the generation; reading the headers (the kernel maps
 * the pages around each) does not map it all either. */
static void test_generation_given_back(void **state)
{
	(void)state;
	char path[64];
	big_file(path, false);
	long before = rss_kib();
	pid_t pid = before ? fork() : -1;
	if (pid == 0) {
		bool ok = load_file(path) == HS_OK && info.events == (2 << 20) + 3 &&
		          strcmp(R.str[0], "the task's name") == 0;
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	struct rusage ru;
	bool waited = pid > 0 && wait4(pid, &status, 0, &ru) == pid;
	unlink(path);
	if (!waited)
		skip();
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (ru.ru_maxrss > before + 12 * 1024)
		fail_msg("peak resident %ld KiB, %ld before reading a 24 MB generation",
		         ru.ru_maxrss, before);
}

/* Compressed, strings first in the generation and bytes given back every
 * 4 KiB: the bytes before the merge's cursor go, the strings it still
 * names stay. */
static void test_strings_kept(void **state)
{
	(void)state;
	size_t n;
	uint8_t *d = big_generation(20000, 4096, true, &n);
	char path[64];
	write_gzip_temp(path, d, n);
	free(d);
	setenv("HEAPSCOPE_TEST_TRACE_WINDOW", "4096", 1);
	hs_err rc = load_file(path);
	unsetenv("HEAPSCOPE_TEST_TRACE_WINDOW");
	unlink(path);
	if (rc != HS_OK)
		fail_msg("%s", err.detail);
	assert_int_equal(info.events, 20003);
	assert_string_equal(R.str[0], "the task's name");
}

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* A file's batches are copied into the cursors' buffers (pread), not
 * read through the mapping: reading a 24 MB generation takes a few
 * faults (the loader's own memory), not one per 64 KiB of the file. */
static void test_batches_copied(void **state)
{
	(void)state;
	char path[64];
	size_t n = big_file(path, true);
	assert_int_equal(load_file(path), HS_OK);   /* the loader's memory, once */
	long f0 = minflt();
	hs_err rc = load_file(path);
	long faults = minflt() - f0;
	unlink(path);
	assert_int_equal(rc, HS_OK);
	assert_int_equal(info.events, (2 << 20) + 3);
	assert_string_equal(R.str[0], "the task's name");
	long mapped = (long)(n / 65536);   /* reading it in place: at least */
	if (faults >= mapped / 4)
		fail_msg("reading a %zu-byte generation took %ld faults (%ld read in place)", n,
		         faults, mapped);
}

/* Every event of a trace, hashed with its time and fields. */
static uint64_t ev_hash;
static uint64_t ev_count;

static hs_err hash_sink(void *ctx, const hs_tev *ev)
{
	(void)ctx;
	uint64_t v[] = {(uint64_t)ev->kind, (uint64_t)ev->wait, (uint64_t)ev->ts, ev->g,
	                (uint64_t)ev->p, ev->stack, ev->arg0, ev->arg1, ev->str_len};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		ev_hash = (ev_hash ^ v[i]) * 0x100000001b3ull;
	for (uint32_t i = 0; i < ev->str_len; i++)
		ev_hash = (ev_hash ^ (uint8_t)ev->str[i]) * 0x100000001b3ull;
	ev_count++;
	return HS_OK;
}

/* Three Ms take turns, each with batches of its own size: M 1's grow
 * from 1 KiB to 100 KiB (its buffer grows past its first 64 KiB), M 2's
 * are 150 KiB (past what the buffers may hold under the 200,000-byte
 * budget set here: read in place), M 3's are 300 bytes.  Read from a
 * file the events are those read from memory, byte for byte, and the
 * buffers keep to their budget. */
static void test_batch_buffers(void **state)
{
	(void)state;
	static const size_t sizes[3][4] = {
		{1024, 30000, 100000, 2000}, {150000, 150000, 150000, 150000}, {300, 300, 300, 300},
	};
	size_t cap = 16 + 4 * (1024 + 30000 + 100000 + 2000 + 600000 + 1200) + 4096;
	uint8_t *d = malloc(cap), *ev = malloc(200000);
	assert_non_null(d);
	assert_non_null(ev);
	size_t n = 16;
	memcpy(d, "go 1.23 trace\0\0\0", 16);
	uint64_t t[3] = {0, 0, 0}, heap = 1;
	for (int round = 0; round < 4; round++) {
		for (uint64_t m = 0; m < 3; m++) {
			size_t k = 0;
			if (round == 0) {   /* P m runs goroutine m + 1 */
				ev[k++] = V2_EV_PROC_STATUS, ev[k++] = 0, ev[k++] = (uint8_t)m;
				ev[k++] = 1;
				ev[k++] = V2_EV_GO_STATUS, ev[k++] = 0, ev[k++] = (uint8_t)(m + 1);
				ev[k++] = (uint8_t)(m + 1), ev[k++] = 2;
			}
			uint64_t bt = t[m];
			while (k + 16 < sizes[m][round]) {
				/* HeapAlloc, 1-3 ticks after the one before, Ms interleaved */
				ev[k++] = V2_EV_HEAP_ALLOC;
				k += put_uv(ev + k, 1 + (heap + m) % 3);
				k += put_uv(ev + k, heap++ * 977);
				t[m] += 1 + (heap - 1 + m) % 3;
			}
			n += put_batch(d + n, m + 1, bt, ev, k);
		}
	}
	n += put_freq_stacks(d + n);
	uint8_t strings = V2_EV_STRINGS;
	n += put_batch(d + n, UINT64_MAX, 0, &strings, 1);
	assert_true(n <= cap);
	free(ev);

	hs_profile_release(&stacks);
	hs_profile_init(&stacks);
	hs_error_clear(&err);
	ev_hash = 0xcbf29ce484222325ull, ev_count = 0;
	hs_err rc = hs_trace_load_v2(d, n, &stacks, hash_sink, NULL, &info, &err);
	if (rc != HS_OK)
		fail_msg("%s", err.detail);
	uint64_t want_hash = ev_hash, want_count = ev_count;
	assert_true(want_count > 20000);

	char path[64];
	write_temp(path, d, n);
	free(d);
	setenv("HEAPSCOPE_TEST_TRACE_WINDOW", "200000", 1);
	hs_input in;
	hs_profile_release(&stacks);
	hs_profile_init(&stacks);
	hs_error_clear(&err);
	ev_hash = 0xcbf29ce484222325ull, ev_count = 0;
	v2_stats st = {0};
	rc = hs_input_open(&in, path, 0, &err);
	if (rc == HS_OK)
		rc = v2_load_input(&in, &stacks, hash_sink, NULL, &info, &err, &st);
	hs_input_release(&in);
	unsetenv("HEAPSCOPE_TEST_TRACE_WINDOW");
	unlink(path);
	if (rc != HS_OK)
		fail_msg("%s", err.detail);
	assert_int_equal(ev_count, want_count);
	assert_true(ev_hash == want_hash);
	/* M 1's and M 3's batches copied (M 1's buffer grown to 128 KiB),
	 * M 2's in place: 64 KiB, 128 KiB, and M 2's 150,000 bytes would
	 * pass the budget. */
	assert_int_equal(st.copied, 8);
	assert_int_equal(st.in_place, 4);
	assert_true(st.buffered <= 200000);
}

static int teardown(void **state)
{
	(void)state;
	hs_profile_release(&stacks);
	return 0;
}

/* hs_dmap (the goroutine maps): ids in its array, ids past it in the hash
 * map, and ids put in the map before the array grew over them, all found
 * again with their values; absent ids are absent. */
static void test_dmap(void **state)
{
	(void)state;
	hs_dmap m;
	memset(&m, 0, sizeof m);
	const uint64_t big[] = {120000, 200000, (uint64_t)1 << 40, UINT64_MAX};
	for (uint32_t i = 0; i < 4; i++)
		assert_true(hs_dmap_put(&m, big[i], 1000000 + i));
	for (uint32_t id = 1; id <= 100000; id++)
		assert_true(hs_dmap_put(&m, id, id * 3));
	assert_true(m.dense_len > 120000);   /* grew over an id already in the map */
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(hs_dmap_get(&m, big[i]), 1000000 + i);
	for (uint32_t id = 1; id <= 100000; id++)
		assert_int_equal(hs_dmap_get(&m, id), id * 3);
	assert_int_equal(hs_dmap_get(&m, 0), UINT32_MAX);
	assert_int_equal(hs_dmap_get(&m, 100001), UINT32_MAX);
	assert_int_equal(hs_dmap_get(&m, (uint64_t)1 << 41), UINT32_MAX);
	hs_dmap_release(&m);
}

int main(void)
{
	hs_profile_init(&stacks);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_two_ms),
		cmocka_unit_test(test_steal_abandoned),
		cmocka_unit_test(test_existing_end),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_hostile_order),
		cmocka_unit_test(test_event_varints),
		cmocka_unit_test(test_dup_stack),
		cmocka_unit_test(test_sink_stops),
		cmocka_unit_test(test_wait_reasons),
		cmocka_unit_test(test_dmap),
		cmocka_unit_test(test_generation_given_back),
		cmocka_unit_test(test_strings_kept),
		cmocka_unit_test(test_batches_copied),
		cmocka_unit_test(test_batch_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
