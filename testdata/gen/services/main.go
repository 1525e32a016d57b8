// Command services runs one of six small services, each written the way
// a real service is (HTTP handlers, structs with methods, constructors),
// drives load at three moments and, after each, writes what an operator
// would collect into a folder, plus counts.json with what the program knows
// should be found there:
//
//	-mode registry   (a) a connection registry whose delete uses another key
//	-mode pertask    (b) a per-request cache whose constructor starts an
//	                     expiry goroutine that never exits
//	-mode pertenant  (c) a 256-shard cache built per tenant, not per process
//	-mode history    (d) a periodic job appending each run's report to a
//	                     long-lived slice
//	-mode rwstarve   (e) an RWMutex whose writer sorts under the lock while
//	                     readers wait
//	-mode healthy    (f) worker pool, tickers, HTTP server: nothing grows
//
// At moment N (1..3): heap-N.pb.gz (MemProfileRate 1, after runtime.GC),
// goroutine-N.txt.gz (debug=2, gzipped); at the last moment also
// goroutine.pb.gz (the same moment as goroutine-3.txt.gz); rwstarve adds block-N.pb.gz, mutex-N.pb.gz and
// cpu.pb.gz; pertask adds trace.out.gz (a short execution trace around a
// few requests).  Counts are fixed by the program (requests, tenants, job
// runs), never by timing; bytes are measured with runtime.MemProfile right
// before each heap profile.  Go 1.19, stdlib only.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// Moments is the number of snapshots every mode writes.
const Moments = 3

// defaultMemProfileRate is Go's default runtime.MemProfileRate (one sample
// per 512 KiB allocated on average); -sampled writes heap profiles at it.
const defaultMemProfileRate = 512 * 1024

// sampled: -sampled was given (a mode may then scale its load so that its
// sampled profiles hold enough samples to estimate counts from).
var sampled bool

type snapshotWriter struct {
	dir    string
	counts map[string]interface{}
	moment []map[string]interface{}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "services: "+format+"\n", args...)
	os.Exit(1)
}

func newSnapshotWriter(dir, mode string) *snapshotWriter {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail("%v", err)
	}
	return &snapshotWriter{dir: dir, counts: map[string]interface{}{
		"go_version": runtime.Version(), "mode": mode, "moments": Moments,
		"mem_profile_rate": runtime.MemProfileRate}}
}

func (w *snapshotWriter) create(name string, gz bool, write func(f interface{ Write([]byte) (int, error) }) error) {
	out, err := os.Create(filepath.Join(w.dir, name))
	if err != nil {
		fail("%v", err)
	}
	if gz {
		zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
		zw.Header.ModTime = time.Unix(0, 0)
		err = write(zw)
		if err == nil {
			err = zw.Close()
		}
	} else {
		err = write(out)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fail("%s: %v", name, err)
	}
}

// profile writes pprof.Lookup(kind) with debug 0 (already gzipped protobuf)
// or debug 2 (text, gzipped here).
func (w *snapshotWriter) profile(kind, name string, debug int) {
	w.create(name, debug != 0, func(f interface{ Write([]byte) (int, error) }) error {
		return pprof.Lookup(kind).WriteTo(f, debug)
	})
}

// heapUnder sums the in-use objects and bytes of every heap record whose
// stack passes through fn (as of the last GC: call runtime.GC first).  At
// a MemProfileRate above 1 these are the sampled allocations' counts.
func heapUnder(fn string) (objects, bytes int64) {
	size, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, size+1000) // room for the records made meanwhile
	n, ok := runtime.MemProfile(recs, true)
	if !ok {
		fail("heap: more than %d memory profile records", len(recs))
	}
	for _, r := range recs[:n] {
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if f.Function == fn {
				objects += r.InUseObjects()
				bytes += r.InUseBytes()
				break
			}
			if !more {
				break
			}
		}
	}
	return
}

// goroutinesIn counts the goroutines whose debug=2 traceback has a frame
// named fn (its line starts with fn followed by '(').
func goroutinesIn(fn string) int {
	var b strings.Builder
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	n := 0
	for _, g := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(g, "\n"+fn+"(") {
			n++
		}
	}
	return n
}

// waitFor polls cond for up to 10 s.
func waitFor(what string, cond func() bool) {
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	fail("timed out waiting for %s", what)
}

func waitGoroutines(n int) {
	waitFor(fmt.Sprintf("%d goroutines", n), func() bool { return runtime.NumGoroutine() == n })
}

// snapshot writes moment i's heap profile and goroutine dump and records
// the moment's facts (plus the heap under each function of heapFns).
func (w *snapshotWriter) snapshot(i int, facts map[string]interface{}, heapFns ...string) {
	runtime.GC()
	runtime.GC()
	heap := map[string]interface{}{}
	for _, fn := range heapFns {
		o, b := heapUnder(fn)
		if sampled { // the runtime's records count samples, not objects
			heap[fn] = map[string]int64{"inuse_samples": o, "inuse_sampled_bytes": b}
		} else {
			heap[fn] = map[string]int64{"inuse_objects": o, "inuse_space": b}
		}
	}
	facts["moment"] = i
	facts["heap"] = fmt.Sprintf("heap-%d.pb.gz", i)
	facts["goroutine_dump"] = fmt.Sprintf("goroutine-%d.txt.gz", i)
	facts["heap_under"] = heap
	facts["goroutines_total"] = runtime.NumGoroutine()
	w.profile("heap", facts["heap"].(string), 0)
	w.profile("goroutine", facts["goroutine_dump"].(string), 2)
	if i == Moments { // the goroutine profile of the last moment, written with its dump
		w.profile("goroutine", "goroutine.pb.gz", 0)
	}
	w.moment = append(w.moment, facts)
}

func (w *snapshotWriter) finish(expect map[string]interface{}) {
	w.counts["per_moment"] = w.moment
	for k, v := range expect {
		w.counts[k] = v
	}
	b, _ := json.MarshalIndent(w.counts, "", "  ")
	if err := os.WriteFile(filepath.Join(w.dir, "counts.json"), append(b, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
}

func main() {
	mode := flag.String("mode", "", "registry, pertask, pertenant, history, rwstarve or healthy")
	out := flag.String("out", ".", "output directory")
	flag.BoolVar(&sampled, "sampled", false, "heap profiles at Go's default MemProfileRate (512 KiB), as real services take them")
	flag.Parse()
	runtime.MemProfileRate = 1
	if sampled {
		runtime.MemProfileRate = defaultMemProfileRate
	}
	if *mode == "rwstarve" {
		runtime.MemProfileRate = defaultMemProfileRate // its heap is not the point; rate 1 would slow the sorts' inputs
	}
	w := newSnapshotWriter(*out, *mode)
	switch *mode {
	case "registry":
		runGateway(w)
	case "pertask":
		runCatalog(w)
	case "pertenant":
		runRooms(w)
	case "history":
		runBilling(w)
	case "rwstarve":
		runLeaderboard(w)
	case "healthy":
		runThumbnails(w)
	default:
		fail("unknown -mode %q", *mode)
	}
}

// trafficReplayer replays client traffic against the service under test,
// one request at a time or in concurrent bursts.
type trafficReplayer struct {
	client *http.Client
	base   string
}

// newTrafficReplayer keeps up to idle connections open between requests;
// with 0, every request opens a new connection.
func newTrafficReplayer(base string, idle int) *trafficReplayer {
	t := &http.Transport{MaxIdleConnsPerHost: idle, DisableKeepAlives: idle == 0}
	return &trafficReplayer{base: base, client: &http.Client{Transport: t}}
}

func (r *trafficReplayer) do(method, path, body string) {
	req, err := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if err != nil {
		fail("%s %s: %v", method, path, err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		fail("%s %s: %v", method, path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func (r *trafficReplayer) get(path string) { r.do("GET", path, "") }

// burst sends n concurrent GETs; wg is done when all have answered.
func (r *trafficReplayer) burst(path string, n int, wg *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		go r.fire(path, wg)
	}
}

func (r *trafficReplayer) fire(path string, wg *sync.WaitGroup) {
	defer wg.Done()
	r.get(path)
}

// idle closes the client's idle connections (their goroutines exit).
func (r *trafficReplayer) idle() { r.client.CloseIdleConnections() }
