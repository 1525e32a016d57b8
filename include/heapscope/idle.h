/* heapscope: idle waits, the one place `leaks` and `blocking` learn that a
 * waiting goroutine is doing what a long-lived service normally does.
 *
 * A class comes from the stack's shape only: the wait kind (blocking.h),
 * runtime and standard library frames, and where the waiting frame sits
 * in its goroutine; never from a program's own function names.  Stacks
 * are leaf first; a root `runtime.goexit` (pprof profiles) is skipped, a
 * dump's "created by" line is no frame.  The user frame is
 * hs_user_frame's.  First match wins:
 *   profiler      a frame of net/http/pprof or runtime/pprof and no user
 *                 frame outside them (the profiler's own handlers sleeping
 *                 out a CPU profile or trace, its profile writer);
 *   signal        the user frame is in os/signal (signal.Notify's loop);
 *   runtime       no user frame: runtime and GC workers, finalizers,
 *                 timers;
 *   accept        a network or syscall wait with an Accept/accept frame of
 *                 a standard package at or below the user frame (an accept
 *                 loop in netpoll: net.(*netFD).accept,
 *                 internal/poll.(*FD).Accept);
 *   connection    the user frame is in net/http, net/rpc, crypto/tls or
 *                 another net/ package: keep-alive connection readers,
 *                 a client transport's read and write loops;
 *   main          main.main waiting (select {}, a receive, Wait, sleep,
 *                 the network): one goroutine keeping the program alive;
 *   sleep loop    time.Sleep in the goroutine's entry function: a periodic
 *                 job or janitor between runs;
 *   worker loop   a select or channel receive in the goroutine's entry
 *                 function: a worker of a pool waiting for work, a ticker
 *                 (time.Tick, time.NewTicker) waiting for its tick.  A
 *                 ticker's receive looks like any other receive on a
 *                 stack, so both are this one class.
 * The entry function is the outermost frame, or the frame right under an
 * outermost closure or wrapper (`.funcN`, `.gowrapN`) that only calls it.
 * Sends, locks, WaitGroup and Cond waits below an entry function are
 * never idle: something else must act for them to move on.
 *
 * Idle is normal, not a finding, until the group grows or is big: a group
 * of an idle class is a suspect again when its count never falls and
 * rises by the growth step (HS_IDLE_GROWTH_STEP, 10) across snapshots, or
 * when one snapshot holds HS_IDLE_MAX_GROUP goroutines or more (a pool
 * is sized by configuration, tens to hundreds; thousands of one idle
 * loop are one per request or per instance).  A worker or sleep loop is
 * also a suspect when its go statement's other goroutines returned while
 * these wait (a trace counts them, trace_analysis.h): a pool's workers
 * live as long as the program, per-task goroutines that all should have
 * returned do not.  Runtime internals stay idle whatever their count.
 * The core never prints. */
#ifndef HEAPSCOPE_IDLE_H
#define HEAPSCOPE_IDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Before blocking.h, which includes this file for hs_hotspot. */
typedef enum hs_idle_class {
	HS_IDLE_NONE = 0,
	HS_IDLE_PROFILER,
	HS_IDLE_SIGNAL,
	HS_IDLE_RUNTIME,
	HS_IDLE_ACCEPT,
	HS_IDLE_CONNECTION,
	HS_IDLE_MAIN,
	HS_IDLE_SLEEP_LOOP,
	HS_IDLE_WORKER_LOOP,
	HS_IDLE_NCLASSES
} hs_idle_class;

#include "heapscope/blocking.h"

enum { HS_IDLE_MAX_GROUP = 1000, HS_IDLE_GROWTH_STEP = 10 };

/* "", "profiler", "signal", "runtime", "accept", "connection", "main",
 * "sleep loop", "worker loop": identifiers, the writers word them. */
const char *hs_idle_class_name(hs_idle_class c);
/* The class of a goroutine waiting in kind k on funcs[0..n) (leaf first). */
hs_idle_class hs_idle_classify(hs_wait_kind k, const char *const *funcs, size_t n);
/* Does a series of counts (time order) never fall and rise by `step` or
 * more from first to last?  False for fewer than two points. */
bool hs_series_grows(const int64_t *s, size_t n, int64_t step);
/* A group of idle class c with at most `most` goroutines in one snapshot,
 * growing or not, whose go statement saw `ended` goroutines return (-1:
 * unknown): is it still idle (rules above)?  False for HS_IDLE_NONE. */
bool hs_idle_stays(hs_idle_class c, int64_t most, bool grows, int64_t ended);

#endif
