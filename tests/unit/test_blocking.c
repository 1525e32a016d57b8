/* Wait-kind classification and user-frame selection (blocking.h) on
 * hand-made stacks, and the leaks core on a hand-written dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/blocking.h"
#include "heapscope/inventory.h"
#include "heapscope/leaks.h"
#include "heapscope/load.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_plumbing(void **state)
{
	(void)state;
	assert_true(hs_is_plumbing("runtime.gopark"));
	assert_true(hs_is_plumbing("runtime/pprof.writeGoroutineStacks"));
	assert_true(hs_is_plumbing("internal/poll.(*FD).Accept"));
	assert_true(hs_is_plumbing("sync.(*Mutex).Lock"));
	assert_true(hs_is_plumbing("sync.runtime_SemacquireMutex"));
	assert_true(hs_is_plumbing("time.Sleep"));
	assert_true(hs_is_plumbing("net.(*TCPListener).Accept"));
	assert_true(hs_is_plumbing(""));
	assert_false(hs_is_plumbing("main.main"));
	assert_false(hs_is_plumbing("net/http.(*Server).Serve"));   /* "net/" is not "net." */
	assert_false(hs_is_plumbing("github.com/x/y.(*C).run"));
	assert_false(hs_is_plumbing("timeline.f"));                   /* "timeline." is not "time." */
}

static void test_user_frame(void **state)
{
	(void)state;
	const char *sel[] = {"runtime.gopark", "runtime.selectgo", "main.(*wheel).run",
	                     "main.newWheel.func1"};
	assert_int_equal(hs_user_frame(sel, N(sel)), 2);
	const char *mu[] = {"runtime.gopark", "runtime.goparkunlock", "runtime.semacquire1",
	                    "sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow",
	                    "sync.(*Mutex).Lock", "example.com/svc.(*Store).Get", "main.main"};
	assert_int_equal(hs_user_frame(mu, N(mu)), 6);
	const char *rt[] = {"runtime.gopark", "runtime.forcegchelper"};
	assert_int_equal(hs_user_frame(rt, N(rt)), 2);           /* none */
	assert_int_equal(hs_user_frame(NULL, 0), 0);
}

static void test_kind_from_frames(void **state)
{
	(void)state;
	struct {
		const char *f[4];
		hs_wait_kind k;
	} cases[] = {
		{{"runtime.gopark", "runtime.selectgo", "main.f", NULL}, HS_WAIT_SELECT},
		{{"runtime.gopark", "runtime.block", "main.main", NULL}, HS_WAIT_SELECT},
		{{"runtime.gopark", "runtime.chansend", "runtime.chansend1", "main.f"}, HS_WAIT_CHAN_SEND},
		{{"runtime.gopark", "runtime.chanrecv", "runtime.chanrecv2", "main.f"}, HS_WAIT_CHAN_RECV},
		{{"runtime.chanrecv1", "main.f", NULL, NULL}, HS_WAIT_CHAN_RECV},
		{{"sync.runtime_SemacquireMutex", "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock",
		  "main.f"}, HS_WAIT_MUTEX},
		{{"sync.(*Mutex).Unlock", "main.f", NULL, NULL}, HS_WAIT_MUTEX},   /* mutex profile */
		{{"sync.runtime_SemacquireMutex", "sync.(*RWMutex).RLock", "main.f", NULL},
		 HS_WAIT_RWMUTEX},
		{{"sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "main.f", NULL},
		 HS_WAIT_WAITGROUP},
		{{"sync.runtime_notifyListWait", "sync.(*Cond).Wait", "main.f", NULL}, HS_WAIT_COND},
		{{"internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
		  "net.(*netFD).accept", "net/http.(*Server).Serve"}, HS_WAIT_NETWORK},
		{{"syscall.Syscall", "syscall.read", "main.f", NULL}, HS_WAIT_SYSCALL},
		{{"runtime.gopark", "time.Sleep", "main.poll", NULL}, HS_WAIT_SLEEP},
		/* a blocking frame below the user frame does not count */
		{{"main.f", "runtime.selectgo", NULL, NULL}, HS_WAIT_NONE},
		{{"runtime/pprof.writeGoroutineStacks", "runtime/pprof.writeGoroutine", "main.f", NULL},
		 HS_WAIT_NONE},
	};
	for (size_t i = 0; i < N(cases); i++) {
		size_t n = 0;
		while (n < 4 && cases[i].f[n])
			n++;
		if (hs_wait_kind_from_frames(cases[i].f, n) != cases[i].k)
			fail_msg("case %zu: got %s want %s", i,
			         hs_wait_kind_name(hs_wait_kind_from_frames(cases[i].f, n)),
			         hs_wait_kind_name(cases[i].k));
	}
}

static void test_kind_from_state(void **state)
{
	(void)state;
	assert_int_equal(hs_wait_kind_from_state("running"), HS_WAIT_NONE);
	assert_int_equal(hs_wait_kind_from_state("runnable"), HS_WAIT_NONE);
	assert_int_equal(hs_wait_kind_from_state("select"), HS_WAIT_SELECT);
	assert_int_equal(hs_wait_kind_from_state("select (no cases)"), HS_WAIT_SELECT);
	assert_int_equal(hs_wait_kind_from_state("chan send"), HS_WAIT_CHAN_SEND);
	assert_int_equal(hs_wait_kind_from_state("chan receive"), HS_WAIT_CHAN_RECV);
	assert_int_equal(hs_wait_kind_from_state("chan receive (nil chan)"), HS_WAIT_NIL_CHAN);
	assert_int_equal(hs_wait_kind_from_state("chan send (nil chan)"), HS_WAIT_NIL_CHAN);
	assert_int_equal(hs_wait_kind_from_state("sync.Cond.Wait"), HS_WAIT_COND);
	assert_int_equal(hs_wait_kind_from_state("IO wait"), HS_WAIT_NETWORK);
	assert_int_equal(hs_wait_kind_from_state("sleep"), HS_WAIT_SLEEP);
	assert_int_equal(hs_wait_kind_from_state("syscall"), HS_WAIT_SYSCALL);
	assert_int_equal(hs_wait_kind_from_state("semacquire"), HS_WAIT_OTHER);
	/* Go 1.19's "semacquire" is placed by the frames */
	const char *wg[] = {"runtime.gopark", "sync.runtime_Semacquire", "sync.(*WaitGroup).Wait",
	                    "main.f"};
	assert_int_equal(hs_wait_classify("semacquire", wg, N(wg)), HS_WAIT_WAITGROUP);
	const char *odd[] = {"runtime.gopark", "main.f"};
	assert_int_equal(hs_wait_classify("GC assist wait", odd, N(odd)), HS_WAIT_OTHER);
	assert_int_equal(hs_wait_classify(NULL, odd, N(odd)), HS_WAIT_NONE);
	assert_string_equal(hs_wait_kind_name(HS_WAIT_CHAN_RECV), "chan receive");
	assert_string_equal(hs_wait_kind_name(HS_WAIT_NIL_CHAN), "nil chan");
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);
	assert_true(*len + n < size);
	memcpy(buf + *len, s, n + 1);
	*len += n;
}

/* 12 goroutines blocked in chan receive at main.consume called by
 * main.serve (medium), 3 in a select at main.loop (benign: few, and a
 * worker loop), main.main in select {} and an accept loop in net/http
 * (benign). */
static void test_leaks_dump(void **state)
{
	(void)state;
	static char buf[16384];
	size_t len = 0;
	char line[512];
	append(buf, sizeof buf, &len,
	       "goroutine 1 [select (no cases), 30 minutes]:\nmain.main()\n\t/src/main.go:10 +0x1\n\n"
	       "goroutine 2 [IO wait]:\ninternal/poll.runtime_pollWait(0x0, 0x72)\n"
	       "\t/go/src/runtime/netpoll.go:305 +0x1\n"
	       "net/http.(*Server).Serve(0xc000)\n\t/go/src/net/http/server.go:3039 +0x1\n"
	       "created by main.main\n\t/src/main.go:9 +0x1\n\n");
	for (int i = 0; i < 12; i++) {
		snprintf(line, sizeof line,
		         "goroutine %d [chan receive, 42 minutes]:\nmain.consume(0xc000)\n"
		         "\t/src/main.go:20 +0x1\nmain.serve()\n\t/src/main.go:25 +0x1\n"
		         "created by main.start\n\t/src/main.go:30 +0x1\n\n",
		         10 + i);
		append(buf, sizeof buf, &len, line);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof line,
		         "goroutine %d [select]:\nmain.loop()\n\t/src/main.go:40 +0x1\n"
		         "created by main.main\n\t/src/main.go:8 +0x1\n\n", 100 + i);
		append(buf, sizeof buf, &len, line);
	}
	hs_profile p;
	hs_profile_init(&p);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_goroutine_text_decode(&p, (const uint8_t *)buf, len, &e), HS_OK);

	hs_blocking *b = hs_blocking_new(&e);
	assert_non_null(b);
	assert_int_equal(hs_blocking_add(b, &p, "dump", &e), HS_OK);
	hs_blocking_finish(b);
	assert_true(hs_blocking_n(b) >= 2);
	assert_string_equal(hs_blocking_at(b, 0)->culprit, "main.consume");
	assert_int_equal(hs_blocking_at(b, 0)->kind, HS_WAIT_CHAN_RECV);
	assert_int_equal(hs_blocking_at(b, 0)->goroutines, 12);
	assert_int_equal(hs_blocking_at(b, 0)->wait_minutes, 42);
	assert_string_equal(hs_blocking_at(b, 1)->culprit, "main.loop");
	/* one evidence record for the one file, numbers only */
	const hs_wait_evidence_vec *ev = &hs_blocking_at(b, 0)->evidence;
	assert_int_equal(hs_wait_evidence_vec_len(ev), 1);
	assert_string_equal(hs_wait_evidence_vec_at(ev, 0)->file, "dump");
	assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->source, HS_SRC_DUMP);
	assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->goroutines, 12);
	assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->wait_minutes, 42);
	hs_blocking_free(b);

	hs_leaks *l = hs_leaks_new(NULL, &e);
	assert_non_null(l);
	assert_int_equal(hs_leaks_add(l, &p, "dump", &e), HS_OK);
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 1);
	assert_int_equal(hs_leaks_at(l, 0)->severity, HS_SEV_MEDIUM);
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.consume");
	/* structured evidence: numbers and the snapshot's file, no words */
	assert_int_equal(hs_leaks_at(l, 0)->goroutines, hs_leaks_at(l, 0)->weight);
	assert_int_equal(hs_leaks_at(l, 0)->npoints, 1);
	assert_string_equal(hs_leaks_at(l, 0)->points[0].file, "dump");
	assert_int_equal(hs_leaks_at(l, 0)->points[0].value, hs_leaks_at(l, 0)->goroutines);
	hs_leaks_free(l);

	/* a lower high threshold makes it high */
	hs_leak_opts o;
	hs_leak_opts_default(&o);
	o.min_high = 12;
	l = hs_leaks_new(&o, &e);
	assert_non_null(l);
	assert_int_equal(hs_leaks_add(l, &p, "dump", &e), HS_OK);
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 1);
	assert_int_equal(hs_leaks_at(l, 0)->severity, HS_SEV_HIGH);
	hs_leaks_free(l);
	hs_profile_release(&p);
}

/* n goroutines in state `state` at function f (one frame), into buf. */
static void goroutines_at(char *buf, size_t size, size_t *len, int first, int n,
                          const char *state, const char *f)
{
	char line[256];
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof line, "goroutine %d [%s]:\n%s()\n\t/src/main.go:40 +0x1\n\n",
		         first + i, state, f);
		append(buf, size, len, line);
	}
}

static void decode(hs_profile *p, const char *buf, size_t len)
{
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(p);
	assert_int_equal(hs_goroutine_text_decode(p, (const uint8_t *)buf, len, &e), HS_OK);
}

/* The partial-file rule (blocking.h): a trace's goroutines "waiting" on a
 * function join the hotspot of that function whose wait is known; a whole
 * dump's "waiting" ones stay apart; a trace's with no such hotspot are
 * left out beside the whole dump (only a partial file shows them). */
static void test_partial_unknown_join(void **state)
{
	(void)state;
	static char db[16384], tb[16384];
	size_t dl = 0, tl = 0;
	goroutines_at(db, sizeof db, &dl, 10, 30, "select", "main.loop");
	goroutines_at(db, sizeof db, &dl, 100, 2, "waiting", "main.idle");
	goroutines_at(tb, sizeof tb, &tl, 10, 5, "select", "main.loop");
	goroutines_at(tb, sizeof tb, &tl, 200, 40, "waiting", "main.loop");
	goroutines_at(tb, sizeof tb, &tl, 300, 3, "waiting", "main.solo");
	goroutines_at(tb, sizeof tb, &tl, 400, 1, "waiting", "main.idle");
	hs_profile d, t;
	decode(&d, db, dl);
	decode(&t, tb, tl);
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	assert_non_null(inv);
	size_t di = hs_inventory_add(inv, "d.txt", HS_IN_GOROUTINE_DUMP, HS_TIME_NONE, 0, 1);
	size_t ti = hs_inventory_add(inv, "t.out", HS_IN_TRACE, HS_TIME_NONE, 0, 1);
	hs_inventory_finish(inv, true);
	hs_blocking *b = hs_blocking_new(&e);
	assert_non_null(b);
	assert_int_equal(hs_blocking_add_input(b, &d, inv, di, &e), HS_OK);
	assert_int_equal(hs_blocking_add_input(b, &t, inv, ti, &e), HS_OK);
	hs_blocking_finish(b);
	int loops = 0, idle = 0, solo = 0;
	for (size_t i = 0; i < hs_blocking_n(b); i++) {
		const hs_hotspot *h = hs_blocking_at(b, i);
		const hs_wait_evidence_vec *ev = &h->evidence;
		if (strcmp(h->culprit, "main.loop") == 0) {
			loops++;
			assert_int_equal(h->kind, HS_WAIT_SELECT);
			assert_int_equal(h->goroutines, 45);   /* the trace's 5 + 40 */
			assert_int_equal(hs_wait_evidence_vec_len(ev), 2);
			assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->goroutines, 30);
			assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->created, -1);   /* a dump */
			assert_string_equal(hs_wait_evidence_vec_at(ev, 1)->file, "t.out");
			assert_int_equal(hs_wait_evidence_vec_at(ev, 1)->goroutines, 45);
			assert_int_equal(hs_wait_evidence_vec_at(ev, 1)->created, 0);   /* none labeled */
		} else if (strcmp(h->culprit, "main.idle") == 0) {
			idle++;   /* a whole dump's own "waiting": no partial view to join */
			assert_int_equal(h->kind, HS_WAIT_OTHER);
			assert_int_equal(hs_wait_evidence_vec_len(ev), 2);
		} else if (strcmp(h->culprit, "main.solo") == 0) {
			solo++;   /* only the trace shows main.solo: left out */
		}
	}
	assert_int_equal(loops, 1);
	assert_int_equal(idle, 1);
	assert_int_equal(solo, 0);
	hs_blocking_free(b);
	hs_inventory_free(inv);
	hs_profile_release(&d);
	hs_profile_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plumbing),
		cmocka_unit_test(test_user_frame),
		cmocka_unit_test(test_kind_from_frames),
		cmocka_unit_test(test_kind_from_state),
		cmocka_unit_test(test_leaks_dump),
		cmocka_unit_test(test_partial_unknown_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
