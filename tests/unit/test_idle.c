/* Idle-wait classes (heapscope/idle.h) on hand-built stacks, leaf first,
 * as a goroutine profile gives them (runtime.goexit at the root) or a
 * dump does (no goexit); when an idle group is a suspect again; and the
 * confidence rule of leaks.h.  Each case says why by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "heapscope/idle.h"
#include "heapscope/leaks.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CLASS(k, a) hs_idle_classify((k), (a), N(a))

/* A ticker or worker in a select at the goroutine's entry, in a profile
 * (goexit root) and in a dump; a receive too; the same select one call
 * deeper is not idle; an entry under a closure wrapper is. */
static void test_worker_loop(void **state)
{
	(void)state;
	const char *prof[] = {"runtime.gopark", "runtime.selectgo", "main.worker", "runtime.goexit"};
	const char *dump[] = {"main.worker"};
	const char *recv[] = {"runtime.gopark", "runtime.chanrecv", "runtime.chanrecv2",
	                      "main.(*pool).run", "runtime.goexit"};
	const char *deep[] = {"runtime.gopark", "runtime.selectgo", "main.wait", "main.handle",
	                      "runtime.goexit"};
	const char *wrap[] = {"runtime.selectgo", "main.(*svc).loop", "main.start.func1"};
	const char *wrap2[] = {"runtime.selectgo", "main.(*svc).loop", "main.start.gowrap1"};
	const char *notwrap[] = {"runtime.selectgo", "main.(*svc).loop", "main.start.funcx"};
	assert_int_equal(CLASS(HS_WAIT_SELECT, prof), HS_IDLE_WORKER_LOOP);
	assert_int_equal(CLASS(HS_WAIT_SELECT, dump), HS_IDLE_WORKER_LOOP);
	assert_int_equal(CLASS(HS_WAIT_CHAN_RECV, recv), HS_IDLE_WORKER_LOOP);
	assert_int_equal(CLASS(HS_WAIT_SELECT, deep), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_SELECT, wrap), HS_IDLE_WORKER_LOOP);
	assert_int_equal(CLASS(HS_WAIT_SELECT, wrap2), HS_IDLE_WORKER_LOOP);
	assert_int_equal(CLASS(HS_WAIT_SELECT, notwrap), HS_IDLE_NONE);
	/* a send, a lock, a WaitGroup at the entry need someone else: never idle */
	assert_int_equal(CLASS(HS_WAIT_CHAN_SEND, dump), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_MUTEX, dump), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_WAITGROUP, dump), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_NONE, dump), HS_IDLE_NONE);
}

/* time.Sleep at the entry: a sleep loop; inside a call: not idle. */
static void test_sleep_loop(void **state)
{
	(void)state;
	const char *loop[] = {"runtime.gopark", "time.Sleep", "main.janitor", "runtime.goexit"};
	const char *deep[] = {"time.Sleep", "main.retry", "main.handle"};
	assert_int_equal(CLASS(HS_WAIT_SLEEP, loop), HS_IDLE_SLEEP_LOOP);
	assert_int_equal(CLASS(HS_WAIT_SLEEP, deep), HS_IDLE_NONE);
}

/* An accept loop in netpoll, under net/http's Serve or the program's own
 * loop; the same poll wait reading a body in a handler is not. */
static void test_accept(void **state)
{
	(void)state;
	const char *http[] = {"internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
	                      "internal/poll.(*FD).Accept", "net.(*netFD).accept",
	                      "net.(*TCPListener).accept", "net.(*TCPListener).Accept",
	                      "net/http.(*Server).Serve", "main.main.func2", "runtime.goexit"};
	const char *own[] = {"internal/poll.runtime_pollWait", "internal/poll.(*FD).Accept",
	                     "net.(*netFD).accept", "net.(*TCPListener).Accept", "main.serve",
	                     "main.main"};
	const char *read[] = {"internal/poll.runtime_pollWait", "internal/poll.(*FD).Read",
	                      "net.(*conn).Read", "io.ReadFull", "main.readBody", "main.handle"};
	/* a dependency's Accept is not the standard library's */
	const char *dep[] = {"github.com/x/l.(*L).Accept", "main.serve", "main.main"};
	assert_int_equal(CLASS(HS_WAIT_NETWORK, http), HS_IDLE_ACCEPT);
	assert_int_equal(CLASS(HS_WAIT_NETWORK, own), HS_IDLE_ACCEPT);
	assert_int_equal(CLASS(HS_WAIT_NETWORK, read), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_NETWORK, dep), HS_IDLE_NONE);
}

/* Keep-alive readers and client loops of net/http; a handler's own wait
 * under net/http's server is not idle (its user frame is the handler). */
static void test_connection(void **state)
{
	(void)state;
	const char *bg[] = {"internal/poll.runtime_pollWait", "internal/poll.(*FD).Read",
	                    "net.(*conn).Read", "net/http.(*connReader).backgroundRead",
	                    "runtime.goexit"};
	const char *rl[] = {"runtime.selectgo", "net/http.(*persistConn).writeLoop"};
	const char *handler[] = {"runtime.selectgo", "main.(*api).getItems",
	                         "net/http.HandlerFunc.ServeHTTP", "net/http.serverHandler.ServeHTTP",
	                         "net/http.(*conn).serve"};
	const char *tls[] = {"internal/poll.(*FD).Read", "net.(*conn).Read",
	                     "crypto/tls.(*Conn).readRecordOrCCS", "net/http.(*conn).serve"};
	assert_int_equal(CLASS(HS_WAIT_NETWORK, bg), HS_IDLE_CONNECTION);
	assert_int_equal(CLASS(HS_WAIT_SELECT, rl), HS_IDLE_CONNECTION);
	assert_int_equal(CLASS(HS_WAIT_SELECT, handler), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_NETWORK, tls), HS_IDLE_CONNECTION);
}

/* The profiler's handlers (a CPU profile's sleep, its select-based sleep),
 * runtime/pprof's writer; os/signal's loop; runtime workers; main. */
static void test_profiler_signal_runtime_main(void **state)
{
	(void)state;
	const char *cpu[] = {"runtime.gopark", "time.Sleep", "net/http/pprof.Profile",
	                     "net/http.HandlerFunc.ServeHTTP", "net/http.(*conn).serve"};
	const char *sl[] = {"runtime.selectgo", "net/http/pprof.sleep",
	                    "net/http/pprof.(*handler).serveDeltaProfile"};
	const char *wr[] = {"runtime.gopark", "runtime/pprof.readProfile",
	                    "runtime/pprof.profileWriter", "runtime.goexit"};
	/* own code calling the profiler is the program's wait, not the profiler's */
	const char *own[] = {"time.Sleep", "main.capture", "runtime/pprof.StartCPUProfile"};
	const char *sig[] = {"runtime.gopark", "runtime.sigNoteSleep", "os/signal.signal_recv",
	                     "os/signal.loop", "runtime.goexit"};
	const char *gc[] = {"runtime.gopark", "runtime.gcBgMarkWorker", "runtime.goexit"};
	const char *mm[] = {"runtime.gopark", "runtime.block", "main.main"};
	assert_int_equal(CLASS(HS_WAIT_SLEEP, cpu), HS_IDLE_PROFILER);
	assert_int_equal(CLASS(HS_WAIT_SELECT, sl), HS_IDLE_PROFILER);
	assert_int_equal(CLASS(HS_WAIT_OTHER, wr), HS_IDLE_PROFILER);
	assert_int_equal(CLASS(HS_WAIT_SLEEP, own), HS_IDLE_NONE);
	assert_int_equal(CLASS(HS_WAIT_OTHER, sig), HS_IDLE_SIGNAL);
	assert_int_equal(CLASS(HS_WAIT_OTHER, gc), HS_IDLE_RUNTIME);
	assert_int_equal(CLASS(HS_WAIT_SELECT, mm), HS_IDLE_MAIN);
	assert_int_equal(CLASS(HS_WAIT_MUTEX, mm), HS_IDLE_NONE);
	assert_string_equal(hs_idle_class_name(HS_IDLE_WORKER_LOOP), "worker loop");
	assert_string_equal(hs_idle_class_name(HS_IDLE_NONE), "");
}

/* Idle until it grows by 10 or more never falling, reaches 1000 in one
 * snapshot, or (worker and sleep loops) its go statement saw goroutines
 * return; runtime workers stay idle. */
static void test_stays(void **state)
{
	(void)state;
	const int64_t flat[] = {16, 16, 16}, up9[] = {4, 8, 13}, up10[] = {4, 9, 14},
	              dip[] = {4, 30, 20, 40};
	assert_false(hs_series_grows(flat, 3, 10));
	assert_false(hs_series_grows(up9, 3, 10));
	assert_true(hs_series_grows(up10, 3, 10));
	assert_false(hs_series_grows(dip, 4, 10));
	assert_false(hs_series_grows(up10, 1, 10));
	assert_true(hs_idle_stays(HS_IDLE_WORKER_LOOP, 999, false, -1));
	assert_false(hs_idle_stays(HS_IDLE_WORKER_LOOP, 1000, false, -1));
	assert_false(hs_idle_stays(HS_IDLE_WORKER_LOOP, 16, true, -1));
	assert_true(hs_idle_stays(HS_IDLE_WORKER_LOOP, 16, false, 0));
	assert_false(hs_idle_stays(HS_IDLE_WORKER_LOOP, 16, false, 1));
	assert_false(hs_idle_stays(HS_IDLE_SLEEP_LOOP, 16, false, 1));
	/* an accept loop's go statement may well have returned before */
	assert_true(hs_idle_stays(HS_IDLE_ACCEPT, 16, false, 5));
	assert_false(hs_idle_stays(HS_IDLE_CONNECTION, 5000, false, -1));
	assert_true(hs_idle_stays(HS_IDLE_RUNTIME, 5000, true, 3));
	assert_false(hs_idle_stays(HS_IDLE_NONE, 1, false, -1));
}

/* Confidence (leaks.h): high for a rise in two steps or more over three
 * snapshots or more; medium for growth over two, one rising step of
 * three, or a flat group seen twice waiting long; low otherwise. */
static void test_confidence(void **state)
{
	(void)state;
	const int64_t two[] = {100, 200}, one_step[] = {1200, 2000, 2000},
	              two_steps[] = {100, 150, 200}, flat[] = {300, 300, 300},
	              small[] = {100, 105, 109}, single[] = {5000};
	assert_int_equal(hs_leak_confidence(two_steps, 3, 10, false), HS_CONF_HIGH);
	assert_int_equal(hs_leak_confidence(one_step, 3, 10, false), HS_CONF_MEDIUM);
	assert_int_equal(hs_leak_confidence(two, 2, 10, false), HS_CONF_MEDIUM);
	assert_int_equal(hs_leak_confidence(small, 3, 10, false), HS_CONF_LOW);
	assert_int_equal(hs_leak_confidence(flat, 3, 10, false), HS_CONF_LOW);
	assert_int_equal(hs_leak_confidence(flat, 3, 10, true), HS_CONF_MEDIUM);
	assert_int_equal(hs_leak_confidence(single, 1, 10, true), HS_CONF_LOW);
	assert_int_equal(hs_leak_confidence(single, 1, 10, false), HS_CONF_LOW);
	assert_string_equal(hs_confidence_name(HS_CONF_MEDIUM), "medium");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worker_loop),
		cmocka_unit_test(test_sleep_loop),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_connection),
		cmocka_unit_test(test_profiler_signal_runtime_main),
		cmocka_unit_test(test_stays),
		cmocka_unit_test(test_confidence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
