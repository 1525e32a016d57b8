package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Contention with exact event counts. Every wait happens at a known site;
// the rest of the coordination spins on atomics (runtime.Gosched), which
// the block profile does not record.
const (
	chanWaitCount = 100
	chanFeedDelay = 2 * time.Millisecond
	lockRounds    = 50
	lockHold      = 5 * time.Millisecond
)

var (
	chanWaitCh  = make(chan int) // unbuffered
	lockMu      sync.Mutex
	lockWorkers int32
	lockRound   int32
	lockHeld    int32 // 1 while this round's holder holds lockMu
	lockersDone int32
)

// chanFeeder sends one value every chanFeedDelay, so each receive in
// chanWait blocks (once) for about that long.
//
//go:noinline
func chanFeeder() {
	for i := 0; i < chanWaitCount; i++ {
		time.Sleep(chanFeedDelay)
		chanWaitCh <- i
	}
}

//go:noinline
func chanWait() {
	go chanFeeder()
	for i := 0; i < chanWaitCount; i++ {
		<-chanWaitCh
	}
}

func spinUntil(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

// lockHeavy runs in two goroutines that take turns: in round r worker r%2
// holds lockMu for lockHold while the other blocks in Lock. Each round gives
// one block event (the waiter's Lock) and one mutex event (the holder's
// Unlock), both in main.lockHeavy.
//
//go:noinline
func lockHeavy() {
	id := atomic.AddInt32(&lockWorkers, 1) - 1
	for r := int32(0); r < lockRounds; r++ {
		spinUntil(func() bool { return atomic.LoadInt32(&lockRound) == r })
		if r%2 == id {
			lockMu.Lock()
			atomic.StoreInt32(&lockHeld, 1)
			time.Sleep(lockHold)
			lockMu.Unlock() // wakes the waiter: one mutex profile event
		} else {
			spinUntil(func() bool { return atomic.LoadInt32(&lockHeld) == 1 })
			lockMu.Lock() // blocks until the holder unlocks: one block event
			atomic.StoreInt32(&lockHeld, 0)
			lockMu.Unlock()
			atomic.AddInt32(&lockRound, 1)
		}
	}
	atomic.AddInt32(&lockersDone, 1)
}

func contentionWorkload() error {
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	chanWait()
	go lockHeavy()
	go lockHeavy()
	spinUntil(func() bool { return atomic.LoadInt32(&lockersDone) == 2 })
	// The mutex fraction stays at 1 until mutex.pb.gz is written: the
	// writer scales every sample by the fraction in force at write time,
	// so a fraction of 0 would write samples of 0 that pprof drops.
	runtime.SetBlockProfileRate(0)
	return waitGoroutines(1)
}

type contentionSite struct {
	Function    string `json:"function"`
	BlockedIn   string `json:"blocked_in"`
	Contentions int64  `json:"contentions"`
	DelayNs     int64  `json:"approx_delay_ns_each"`
}

func blockSites() []contentionSite {
	return []contentionSite{
		{"main.chanWait", "runtime.chanrecv1", chanWaitCount, int64(chanFeedDelay)},
		{"main.lockHeavy", "sync.(*Mutex).Lock", lockRounds, int64(lockHold)},
	}
}

func mutexSites() []contentionSite {
	return []contentionSite{
		{"main.lockHeavy", "sync.(*Mutex).Unlock", lockRounds, int64(lockHold)},
	}
}

// checkContention sums the runtime's block or mutex records per first
// main.* function and compares with the known sites.
func checkContention(what string, prof func([]runtime.BlockProfileRecord) (int, bool), sites []contentionSite) error {
	n, _ := prof(nil)
	var recs []runtime.BlockProfileRecord
	for {
		recs = make([]runtime.BlockProfileRecord, n+50)
		var ok bool
		if n, ok = prof(recs); ok {
			recs = recs[:n]
			break
		}
	}
	got := map[string]int64{}
	for _, r := range recs {
		fr := mainFrames(r.Stack())
		fn := "(no main frame)"
		if len(fr) > 0 {
			fn = fr[0]
		}
		got[fn] += r.Count
	}
	want := map[string]int64{}
	for _, s := range sites {
		want[s.Function] += s.Contentions
	}
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
		return fmt.Errorf("%s profile: got %v, want %v", what, sorted(got), sorted(want))
	}
	return nil
}

func sorted(m map[string]int64) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}
