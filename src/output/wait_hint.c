/* heapscope: the hint line of each wait kind (wait_hint.h). */
#include "wait_hint.h"

static const char *const hints[HS_WAIT_NKINDS] = {
	"not waiting",
	"parked in a select none of whose cases is ready: a loop without a ctx.Done() or stop case "
	"never exits, one goroutine per start",
	"senders wait for a receiver: nobody reads the channel or its buffer is full (a receiver "
	"that returned early strands them)",
	"receivers wait for a sender or a close: the producer is gone or never closes the channel",
	"an operation on a nil channel blocks forever: the channel was never made",
	"waiting for a sync.Mutex: a long critical section or a lock held across I/O",
	"waiting for a sync.RWMutex: writers starve behind readers, or a long write section",
	"waiting in WaitGroup.Wait: a worker did not call Done, or is itself blocked",
	"waiting in Cond.Wait for a Signal/Broadcast that may never come",
	"waiting for network I/O: normal for accept/read loops, suspicious in large numbers "
	"without deadlines",
	"inside a system call: blocking I/O or a slow kernel call",
	"sleeping in time.Sleep: polling loops; a timer with a select would be cancellable",
	"waiting for some other reason: read the stack",
};

const char *out_wait_hint(hs_wait_kind k)
{
	return (unsigned)k < HS_WAIT_NKINDS ? hints[k] : hints[HS_WAIT_OTHER];
}

static const char *const idle_hints[HS_IDLE_NCLASSES] = {
	"",
	"the profiler's own handler waiting out a profile or trace: normal",
	"os/signal's loop waiting for a signal: normal",
	"a runtime or GC worker: normal",
	"an accept loop waiting for the next connection: normal",
	"a connection's reader or writer between requests (keep-alive): normal",
	"main waiting for the program to end: normal",
	"a periodic job sleeping between runs: normal unless its count grows",
	"a long-lived loop waiting for work or a tick (a worker pool, a ticker): normal while "
	"its count stays flat",
};

const char *out_idle_hint(hs_idle_class c)
{
	return (unsigned)c < HS_IDLE_NCLASSES ? idle_hints[c] : "";
}
