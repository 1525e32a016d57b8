// Command creators writes the inputs of a per-request goroutine leak whose
// creator only a heap profile explains, for `heapscope leaks` (issue 13,
// part 3: where a goroutine group comes from):
//
// An HTTP handler, (*api).getItems, builds a local cache per request
// (newLocalCache) whose startExpiry starts an expiry loop that selects on
// a ticker and a stop channel nobody closes.  A goroutine dump shows the
// loops only as "created by main.startExpiry"; the heap profile
// (MemProfileRate 1) holds the ticker and channel startExpiry allocates,
// on stacks that go up through newLocalCache and getItems to net/http's
// server.  Workers of a fixed pool wait beside them, as in any service.
//
// Files: goroutine-1.txt.gz (after First requests), goroutine-2.txt.gz
// (after Requests), heap.pb.gz (after the second dump), counts.json.
// Go 1.19, stdlib only.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

const (
	First    = 150
	Requests = 400
	Workers  = 8
)

type localCache struct {
	items map[string][]byte
	stop  chan struct{}
}

// expire prunes the cache on each tick until stop is closed: nobody does.
func (c *localCache) expire(t *time.Ticker) {
	for {
		select {
		case <-t.C:
			for k := range c.items {
				delete(c.items, k)
			}
		case <-c.stop:
			t.Stop()
			return
		}
	}
}

//go:noinline
func startExpiry(c *localCache) {
	c.stop = make(chan struct{})
	t := time.NewTicker(time.Hour)
	go c.expire(t)
}

//go:noinline
func newLocalCache() *localCache {
	c := &localCache{items: map[string][]byte{}}
	startExpiry(c)
	return c
}

type api struct{ jobs chan int }

func (a *api) getItems(w http.ResponseWriter, r *http.Request) {
	c := newLocalCache()
	c.items[r.URL.Path] = []byte("x")
	a.jobs <- len(c.items)
	io.WriteString(w, "ok\n")
}

// worker is one of a fixed pool, waiting for work: idle, not a leak.
func worker(jobs chan int) {
	for range jobs {
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "creators:", err)
	os.Exit(1)
}

func dump(path string) {
	out, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	zw.Header.ModTime = time.Unix(0, 0)
	if err := pprof.Lookup("goroutine").WriteTo(zw, 2); err != nil {
		fail(err)
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := out.Close(); err != nil {
		fail(err)
	}
}

func get(client *http.Client, url string, n int) {
	for i := 0; i < n; i++ {
		resp, err := client.Get(fmt.Sprintf("%s/items/%d", url, i))
		if err != nil {
			fail(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// waitFor waits until n goroutines run main.(*localCache).expire.
func waitFor(n int) {
	for i := 0; i < 500; i++ {
		if countExpiry() == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	fail(fmt.Errorf("%d expiry loops, want %d", countExpiry(), n))
}

func countExpiry() int {
	recs := make([]runtime.StackRecord, runtime.NumGoroutine()+100)
	n, _ := runtime.GoroutineProfile(recs)
	c := 0
	for _, r := range recs[:n] {
		for _, pc := range r.Stack() {
			if f := runtime.FuncForPC(pc); f != nil && f.Name() == "main.(*localCache).expire" {
				c++
				break
			}
		}
	}
	return c
}

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	runtime.MemProfileRate = 1
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	a := &api{jobs: make(chan int)}
	for i := 0; i < Workers; i++ {
		go worker(a.jobs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/items/", a.getItems)
	go http.Serve(ln, mux)
	// one connection, closed after each request: no keep-alive readers
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + ln.Addr().String()
	get(client, url, First)
	waitFor(First)
	dump(filepath.Join(*out, "goroutine-1.txt.gz"))
	get(client, url, Requests-First)
	waitFor(Requests)
	dump(filepath.Join(*out, "goroutine-2.txt.gz"))
	runtime.GC()
	hp, err := os.Create(filepath.Join(*out, "heap.pb.gz"))
	if err != nil {
		fail(err)
	}
	if err := pprof.Lookup("heap").WriteTo(hp, 0); err != nil {
		fail(err)
	}
	if err := hp.Close(); err != nil {
		fail(err)
	}
	counts := map[string]interface{}{
		"go_version": runtime.Version(),
		"culprit":    "main.(*localCache).expire",
		"kind":       "select",
		"created_by": "main.startExpiry",
		// the own frames calling the creator, outermost first
		"callers":  []string{"main.(*api).getItems", "main.newLocalCache", "main.startExpiry"},
		"requests": map[string]int{"dump1": First, "dump2": Requests},
		"workers":  Workers,
	}
	b, _ := json.MarshalIndent(counts, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(b, '\n'), 0o644); err != nil {
		fail(err)
	}
}
