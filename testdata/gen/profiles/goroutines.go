package main

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	senderCount = 100
	wheelCount  = 50
	waiterCount = 20
)

// The blocked goroutines take no arguments: `go f(x)` is compiled into a
// wrapper closure (and f may be inlined into it), which would change the
// stacks we want to show.
var (
	sendCh  = make(chan int, 1)
	wheelA  = make(chan int)
	wheelB  = make(chan int)
	waitWG  sync.WaitGroup
	started int32
)

// sender blocks on `sendCh <- 1`: the channel is filled before any sender
// starts, so every sender blocks.
//
//go:noinline
func sender() {
	atomic.AddInt32(&started, 1)
	sendCh <- 1
}

// wheel parks in a select with two receive cases and no default.
//
//go:noinline
func wheel() {
	atomic.AddInt32(&started, 1)
	select {
	case <-wheelA:
	case <-wheelB:
	}
}

// waiter waits on a WaitGroup whose counter stays at 1 until release.
//
//go:noinline
func waiter() {
	atomic.AddInt32(&started, 1)
	waitWG.Wait()
}

type goroutineGroup struct {
	Function string            `json:"function"`
	State    string            `json:"state"`
	WaitOn   string            `json:"blocked_in"`
	Count    int               `json:"count"`
	Labels   map[string]string `json:"labels"`
}

func goroutineGroups() []goroutineGroup {
	return []goroutineGroup{
		{"main.sender", "chan send", "runtime.chansend1", senderCount, map[string]string{"group": "sender"}},
		{"main.wheel", "select", "runtime.selectgo", wheelCount, map[string]string{"group": "wheel"}},
		{"main.waiter", "semacquire", "sync.(*WaitGroup).Wait", waiterCount, map[string]string{"group": "waiter"}},
	}
}

// startGoroutines starts every group with its labels; goroutines inherit
// the labels of the goroutine that starts them.
func startGoroutines() {
	sendCh <- 0 // fill the 1-slot buffer so all senders block
	waitWG.Add(1)
	spawn := func(group string, n int, f func()) {
		pprof.Do(context.Background(), pprof.Labels("group", group), func(context.Context) {
			for i := 0; i < n; i++ {
				go f()
			}
		})
	}
	spawn("sender", senderCount, sender)
	spawn("wheel", wheelCount, wheel)
	spawn("waiter", waiterCount, waiter)
}

// parkedCounts parses a debug=2 dump: function of the first main.* frame
// and wait state -> count.
func parkedCounts() map[string]int {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 2)
	counts := map[string]int{}
	for _, g := range strings.Split(buf.String(), "\n\n") {
		lines := strings.Split(strings.TrimSpace(g), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		st := lines[0][strings.Index(lines[0], "[")+1 : strings.LastIndex(lines[0], "]")]
		if i := strings.Index(st, ","); i >= 0 {
			st = st[:i] // "chan send, 2 minutes"
		}
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "main.") {
				fn := l[:strings.LastIndex(l, "(")]
				counts[fn+" ["+st+"]"]++
				break
			}
		}
	}
	return counts
}

// waitParked waits until every group is parked in its wait state.
func waitParked(groups []goroutineGroup) error {
	want := 1
	for _, g := range groups {
		want += g.Count
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if int(atomic.LoadInt32(&started)) != want-1 || runtime.NumGoroutine() != want {
			continue
		}
		c := parkedCounts()
		ok := true
		for _, g := range groups {
			if c[g.Function+" ["+g.State+"]"] != g.Count {
				ok = false
			}
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("goroutines not parked: NumGoroutine=%d counts=%v", runtime.NumGoroutine(), parkedCounts())
}

func releaseGoroutines() error {
	for i := 0; i < senderCount+1; i++ {
		<-sendCh
	}
	close(wheelA)
	waitWG.Done()
	return waitGoroutines(1)
}

// waitGoroutines polls until only n goroutines are left.
func waitGoroutines(n int) error {
	for i := 0; i < 1000; i++ {
		if runtime.NumGoroutine() == n {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("still %d goroutines, want %d", runtime.NumGoroutine(), n)
}

func writeGoroutineProfiles(out func(name string, debug int, p *pprof.Profile) error) error {
	p := pprof.Lookup("goroutine")
	for _, d := range []struct {
		name  string
		debug int
	}{{"goroutine.pb.gz", 0}, {"goroutine-debug1.txt", 1}, {"goroutine-debug2.txt", 2}} {
		if err := out(d.name, d.debug, p); err != nil {
			return err
		}
	}
	return nil
}
