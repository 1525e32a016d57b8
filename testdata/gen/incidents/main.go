// Command incidents writes the goroutine dumps, goroutine profile and
// block/mutex profiles of two programs for `heapscope blocking` and
// `heapscope leaks`:
//
//	-mode incidents: (a) a cache constructor called per request starts a
//	  timing-wheel goroutine that loops forever in a select with no exit
//	  (Wheels goroutines at the end, WheelsFirst at the first dump);
//	  (b) checker goroutines blocked forever on `ch <- 1` into a channel
//	  of size 1 (Checkers of them); plus a little mutex contention and
//	  channel blocking that ended, for the block and mutex profiles.
//	-mode healthy: a few workers in a ticker select loop and an HTTP
//	  accept loop: nothing leaks.
//
// Files: goroutine-1.txt.gz, goroutine-2.txt.gz (debug=2, gzipped, the
// second taken later), goroutine.pb.gz, block.pb.gz, mutex.pb.gz,
// counts.json.  Go 1.19, stdlib only.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

const (
	Wheels      = 2000
	WheelsFirst = 1200
	Checkers    = 300
	Workers     = 4
)

// wheelCache is built per request (the bug): each one starts a timing
// wheel that never stops.
type wheelCache struct {
	tick chan struct{}
	add  chan string
	m    map[string]int
}

func newWheelCache() *wheelCache {
	c := &wheelCache{tick: make(chan struct{}), add: make(chan string), m: map[string]int{}}
	go c.run()
	return c
}

// run is the timing wheel: a select with no exit.
func (c *wheelCache) run() {
	for {
		select {
		case <-c.tick:
			c.m = map[string]int{}
		case k := <-c.add:
			c.m[k]++
		}
	}
}

//go:noinline
func handleRequest(i int) *wheelCache {
	c := newWheelCache()
	return c
}

var results = make(chan int, 1)

// checker reports into a channel of size 1 that nobody reads.
func checker() {
	results <- 1
}

var mu sync.Mutex
var shared int

// contend makes mutex and block profile events that ended.
func contend() {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				mu.Lock()
				shared++
				time.Sleep(10 * time.Microsecond)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func worker(stop chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			shared++
		case <-stop:
			return
		}
	}
}

func waitGoroutines(n int) {
	for i := 0; i < 500 && runtime.NumGoroutine() != n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if runtime.NumGoroutine() != n {
		fmt.Fprintf(os.Stderr, "incidents: %d goroutines, want %d\n", runtime.NumGoroutine(), n)
		os.Exit(1)
	}
}

func writeGz(path string, f func(w *gzip.Writer) error) {
	out, err := os.Create(path)
	if err == nil {
		zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
		zw.Header.ModTime = time.Unix(0, 0)
		err = f(zw)
		if err == nil {
			err = zw.Close()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "incidents:", err)
		os.Exit(1)
	}
}

func dump(dir, name string) {
	writeGz(filepath.Join(dir, name), func(w *gzip.Writer) error {
		return pprof.Lookup("goroutine").WriteTo(w, 2)
	})
}

func profile(dir, name string) {
	out, err := os.Create(filepath.Join(dir, name))
	if err == nil {
		err = pprof.Lookup(name[:len(name)-len(".pb.gz")]).WriteTo(out, 0)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "incidents:", err)
		os.Exit(1)
	}
}

func main() {
	mode := flag.String("mode", "incidents", "incidents or healthy")
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "incidents:", err)
		os.Exit(1)
	}
	base := runtime.NumGoroutine()
	counts := map[string]interface{}{"go_version": runtime.Version(), "mode": *mode}
	var keep []*wheelCache
	if *mode == "incidents" {
		contend()
		for i := 0; i < WheelsFirst; i++ {
			keep = append(keep, handleRequest(i))
		}
		for i := 0; i < Checkers+1; i++ { // one fills the buffer and exits
			go checker()
		}
		waitGoroutines(base + WheelsFirst + Checkers)
		dump(*out, "goroutine-1.txt.gz")
		time.Sleep(1100 * time.Millisecond)
		for i := WheelsFirst; i < Wheels; i++ {
			keep = append(keep, handleRequest(i))
		}
		waitGoroutines(base + Wheels + Checkers)
		dump(*out, "goroutine-2.txt.gz")
		counts["wheel"] = map[string]interface{}{"culprit": "main.(*wheelCache).run", "kind": "select",
			"created_by": "main.newWheelCache", "dump1": WheelsFirst, "dump2": Wheels}
		counts["checker"] = map[string]interface{}{"culprit": "main.checker", "kind": "chan send",
			"count": Checkers}
	} else {
		stop := make(chan struct{})
		for i := 0; i < Workers; i++ {
			go worker(stop)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "incidents:", err)
			os.Exit(1)
		}
		go http.Serve(ln, http.NotFoundHandler())
		contend()
		waitGoroutines(base + Workers + 1)
		dump(*out, "goroutine-1.txt.gz")
		time.Sleep(1100 * time.Millisecond)
		dump(*out, "goroutine-2.txt.gz")
		counts["workers"] = Workers
	}
	profile(*out, "goroutine.pb.gz")
	profile(*out, "block.pb.gz")
	profile(*out, "mutex.pb.gz")
	counts["goroutines_at_dump2"] = runtime.NumGoroutine()
	b, _ := json.MarshalIndent(counts, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "incidents:", err)
		os.Exit(1)
	}
	runtime.KeepAlive(keep)
}
