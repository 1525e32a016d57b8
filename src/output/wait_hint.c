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
