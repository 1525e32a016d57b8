// Command gen-core is the process bench/run-core takes a core of: it
// parks -goroutines goroutines at stack depths 1 to 16 (channel sends,
// selects, mutex waits), keeps -heap MB of live objects reachable from a
// global, prints "ready" and sleeps.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

var (
	live  [][]byte
	block = make(chan int) // never received from
	never = make(chan int) // never sent to
	mu    sync.Mutex
)

//go:noinline
func park(kind, depth int) {
	if depth > 0 {
		park(kind, depth-1)
		return
	}
	switch kind {
	case 0:
		block <- 1
	case 1:
		select {
		case <-never:
		case <-time.After(time.Hour):
		}
	default:
		mu.Lock()
		mu.Unlock()
	}
}

func main() {
	n := flag.Int("goroutines", 10000, "goroutines to park")
	heap := flag.Int("heap", 200, "MB of live heap objects")
	flag.Parse()
	for i := 0; i < *heap*1024; i++ {
		live = append(live, make([]byte, 1024))
	}
	mu.Lock()
	for i := 0; i < *n; i++ {
		go park(i%3, i%16)
	}
	for runtime.NumGoroutine() < *n+1 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	fmt.Fprintln(os.Stdout, "ready", runtime.NumGoroutine())
	time.Sleep(time.Hour)
	mu.Unlock()
}
