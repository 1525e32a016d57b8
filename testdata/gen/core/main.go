// Command core builds known goroutine shapes, prints runtime.Stack(all) to
// a file, stores runtime.MemStats in a global and sleeps, so that
// generate-core.sh can take a core of it with gcore.  counts.json holds
// what it built.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Stats is the program's runtime.MemStats read just before it sleeps.
var Stats runtime.MemStats

// variant differs between the executable that writes the core and the
// "wrong executable" of the tests (-ldflags=-X main.variant=other).
var variant = "core"

var (
	sink  = make(chan int) // never received from: senders block forever
	never = make(chan int)
	mu    sync.Mutex
)

//go:noinline
func sender(i int) {
	sink <- i
}

//go:noinline
func selector(stop chan int) {
	select {
	case <-never:
	case <-stop:
	}
}

//go:noinline
func locker(ready *sync.WaitGroup) {
	ready.Done()
	mu.Lock()
	mu.Unlock()
}

type counts struct {
	ChanSend   int `json:"chan_send"`
	Select     int `json:"select"`
	MutexWait  int `json:"mutex_wait"`
	Goroutines int `json:"goroutines"` // runtime.NumGoroutine() once report has exited
	Pid        int `json:"pid"`
}

func main() {
	out := flag.String("out", ".", "directory for stack.txt and counts.json")
	nsend := flag.Int("send", 7, "goroutines blocked in a channel send")
	nsel := flag.Int("select", 5, "goroutines blocked in a select")
	flag.Parse()
	debug.SetGCPercent(10)

	stop := make(chan int)
	for i := 0; i < *nsend; i++ {
		go sender(i)
	}
	for i := 0; i < *nsel; i++ {
		go selector(stop)
	}
	mu.Lock()
	var ready sync.WaitGroup
	ready.Add(1)
	go locker(&ready)
	ready.Wait()
	// The stack text is printed by a goroutine that then exits, while
	// main already sleeps where the core will find it: every goroutine
	// of the text but the printing one is in the core unchanged.
	go report(*out, *nsend, *nsel)
	time.Sleep(time.Hour)
	mu.Unlock()
	close(stop)
}

//go:noinline
func report(out string, nsend, nsel int) {
	// Let every goroutine reach its blocking point.
	for runtime.NumGoroutine() < 3+nsend+nsel {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	if err := os.WriteFile(filepath.Join(out, "stack.txt"), buf[:n], 0o644); err != nil {
		panic(err)
	}
	// NumGoroutine counts this one, which is gone when the core is taken.
	c := counts{nsend, nsel, 1, runtime.NumGoroutine() - 1, os.Getpid()}
	js, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "counts.json"), append(js, '\n'), 0o644); err != nil {
		panic(err)
	}
	runtime.ReadMemStats(&Stats)
	os.Stdout.WriteString(variant + " ready\n")
}
