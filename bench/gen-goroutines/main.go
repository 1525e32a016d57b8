// Command gen-goroutines starts a large number of goroutines parked in the
// ways a leaking Go service parks them, then writes the goroutine dump
// (runtime/pprof goroutine profile, debug=2: the text of every goroutine's
// stack) that heapscope's benchmark reads.
//
// The goroutines are spread over several creation sites and wait kinds, at
// stack depths from a few to a few dozen frames, so the dump has a few
// hundred distinct stacks for N goroutines, as a real pile-up does:
//
//	select on channels nobody closes, blocked sends into full channels,
//	receives from channels nobody writes, mutex and WaitGroup waits,
//	sync.Cond waits, time.Sleep, and select {}.
//
// The dump is the one the runtime prints when a program dies with
// GOTRACEBACK=all (the SIGQUIT / panic form): runtime/pprof's debug=2
// handler stops at 64 MiB, which a dump of this size outgrows.  It goes to
// -o; the counts per kind go to stdout as key=value lines so the benchmark
// can check what heapscope reports.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
)

var (
	never   = make(chan int)    // nobody ever writes or closes it
	full    = make(chan int, 1) // filled once: every other send blocks
	mu      sync.Mutex          // held for the whole run
	wg      sync.WaitGroup      // never reaches zero
	condMu  sync.Mutex
	cond    = sync.NewCond(&condMu)
	started sync.WaitGroup
)

const kinds = 7

// The wait at the bottom of each stack.
func park(kind int) {
	started.Done()
	switch kind {
	case 0:
		tick := make(chan struct{})
		for {
			select {
			case <-never:
			case <-tick:
			}
		}
	case 1:
		full <- 1
	case 2:
		<-never
	case 3:
		mu.Lock()
	case 4:
		wg.Wait()
	case 5:
		condMu.Lock()
		cond.Wait()
	case 6:
		time.Sleep(time.Hour)
	}
}

// Distinct functions make distinct frames; depth makes distinct stacks.
func layerA(kind, depth int) {
	if depth == 0 {
		park(kind)
		return
	}
	if depth%3 == 0 {
		layerB(kind, depth-1)
	} else {
		layerA(kind, depth-1)
	}
}

func layerB(kind, depth int) {
	if depth == 0 {
		park(kind)
		return
	}
	if depth%2 == 0 {
		layerC(kind, depth-1)
	} else {
		layerA(kind, depth-1)
	}
}

func layerC(kind, depth int) {
	if depth == 0 {
		park(kind)
		return
	}
	layerA(kind, depth-1)
}

func spawnCache(kind, depth int)   { go layerA(kind, depth) }
func spawnWorker(kind, depth int)  { go layerB(kind, depth) }
func spawnHandler(kind, depth int) { go layerC(kind, depth) }

func main() {
	n := flag.Int("n", 500000, "goroutines to start")
	out := flag.String("o", "goroutines.txt", "where to write the dump")
	maxDepth := flag.Int("depth", 24, "stack depths above the wait go from 2 to 1+depth")
	flag.Parse()

	full <- 0
	mu.Lock()
	wg.Add(1)
	counts := make([]int, kinds)
	started.Add(*n)
	for i := 0; i < *n; i++ {
		kind := i % kinds
		depth := 2 + (i/kinds)%*maxDepth
		switch (i / 3) % 3 {
		case 0:
			spawnCache(kind, depth)
		case 1:
			spawnWorker(kind, depth)
		default:
			spawnHandler(kind, depth)
		}
		counts[kind]++
	}
	started.Wait()
	// Let every goroutine reach its wait.
	for i := 0; i < 50; i++ {
		runtime.Gosched()
	}
	time.Sleep(500 * time.Millisecond)

	fmt.Printf("goroutines_started=%d\n", *n)
	names := []string{"select", "chan_send", "chan_receive", "mutex", "waitgroup", "cond", "sleep"}
	for k, c := range counts {
		fmt.Printf("%s=%d\n", names[k], c)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The traceback goes to fd 2: make that the file, then die.
	if err := syscall.Dup2(int(f.Fd()), 2); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	debug.SetTraceback("all")
	panic("gen-goroutines: dump written")
}
