// Command bundle writes testdata/bundle/: the folder of mixed artifacts an
// ops team hands over for one misbehaving service (issue 12), with the
// service's own counts in counts.json beside it.
//
// The service is an HTTP handler (net/http, served in-process through
// httptest.NewRecorder, no network).  Every request
//
//   - stores a 32 KiB session buffer (main.newSession) in a map that is
//     never deleted from (main.(*server).handle), and
//   - starts a watcher goroutine (main.(*server).watch) that waits in a
//     select on two channels nobody ever sends on or closes: it never exits.
//
// At each of Moments moments, after PerMoment more requests, the program
// writes every artifact kind into DIR/dumps:
//
//	heap pb.gz and its ?debug=1 text twin, allocs, goroutine pb.gz,
//	?debug=1 and debug=2, block, mutex, cpu (over the moment's requests),
//	threadcreate, an execution trace (over the moment's requests) and a
//	heap dump (debug.WriteHeapDump, gzipped);
//
// and once: the GODEBUG=gctrace=1 log of the whole run (the program runs
// itself as a child with GODEBUG=gctrace=1 and keeps its stderr) and a
// corrupt file (a heap pb.gz of a fourth moment cut in half).  File names
// carry the moment in seven timestamp styles, from fixed synthetic times one
// minute apart (2026-11-22 03:41:00 UTC, 03:42, 03:43), so the order never
// depends on the wall clock; the debug=2 dumps use three styles whose name
// order is not their time order.  The dumps of moments 2 and 3 are gzipped
// and zstd'd (the zstd part by generate-bundle.sh, from DIR/to-zstd.txt).
//
// counts.json records, per moment, what the program counted itself
// (goroutines in all, leaked watchers, map entries, bytes the map keeps)
// and, per file, its kind, moment, format, compression, twins and where
// its time comes from.  The program checks runtime.NumGoroutine and the
// debug=1 total before each moment and exits 1 when they are off.
// Go 1.19, standard library only.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

const (
	Moments     = 3
	PerMoment   = 80    // requests (leaked watchers, map entries) per moment
	SessionSize = 32768 // bytes per map value, an exact size class
	Clients     = 4     // concurrent clients (mutex and block events)
	// ProfileRate is runtime.MemProfileRate: small enough that a session
	// (32 times larger) is sampled with probability 1 - e^-32, so its
	// counts are exact, large enough that the text profiles stay small.
	ProfileRate = 1024
)

// T0 is the synthetic start; moment k (1-based) is T0 + k minutes.
var T0 = time.Date(2026, 11, 22, 3, 40, 0, 0, time.UTC)

type server struct {
	mu       sync.Mutex
	sessions map[int][]byte
	quit     chan struct{}
	wake     chan int
	next     int
}

func newServer() *server {
	// Room for every entry up front: the map never grows its buckets, so
	// main.newSession's inuse_space is exactly entries*SessionSize.
	return &server{sessions: make(map[int][]byte, 4*Moments*PerMoment),
		quit: make(chan struct{}), wake: make(chan int)}
}

//go:noinline
func newSession(id int) []byte {
	b := make([]byte, SessionSize)
	b[0] = byte(id)
	return b
}

// watch is the leak: nobody sends on wake or closes quit.
//
//go:noinline
func (s *server) watch(id int) {
	for {
		select {
		case <-s.quit:
			return
		case n := <-s.wake:
			if n == id {
				return
			}
		}
	}
}

// handle serves one request: the session is kept forever and a watcher
// started for it.
//
//go:noinline
func (s *server) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	id := s.next
	s.next++
	s.sessions[id] = newSession(id)
	s.mu.Unlock()
	go s.watch(id)
	w.WriteHeader(http.StatusNoContent)
}

// checksum is the CPU work of a client between requests.
//
//go:noinline
func checksum(n int) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < n; i++ {
		h = (h ^ uint64(i)) * 1099511628211
	}
	return h
}

var sink uint64

// serve runs n requests from Clients concurrent clients; each client waits
// for its turn on a channel (block profile events).
func serve(s *server, n int) {
	h := http.HandlerFunc(s.handle)
	turns := make(chan int)
	var wg sync.WaitGroup
	var sum uint64
	var sumMu sync.Mutex
	for c := 0; c < Clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range turns {
				req := httptest.NewRequest("GET", "/session", nil)
				h.ServeHTTP(httptest.NewRecorder(), req)
				v := checksum(200000)
				sumMu.Lock()
				sum += v
				sumMu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		turns <- i
	}
	close(turns)
	wg.Wait()
	sink += sum
}

func fail(err error) {
	if err != nil {
		fmt.Println("bundle:", err) // stdout: stderr is the gctrace log
		os.Exit(1)
	}
}

func waitGoroutines(n int) {
	for i := 0; i < 500 && runtime.NumGoroutine() != n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got != n {
		fail(fmt.Errorf("%d goroutines, want %d", got, n))
	}
}

// Timestamp styles for file names.
type style struct{ name, layout string }

var (
	sT     = style{"20060102T150405", "20060102T150405"}
	sDash  = style{"20060102-150405", "20060102-150405"}
	sFlat  = style{"20060102150405", "20060102150405"}
	sUnder = style{"20060102_150405", "20060102_150405"}
	sISO   = style{"RFC3339 UTC", "2006-01-02T15:04:05Z"}
	sUnix  = style{"unix seconds", ""}
	sMilli = style{"unix milliseconds", ""}
)

func stamp(st style, t time.Time) string {
	switch st {
	case sUnix:
		return strconv.FormatInt(t.Unix(), 10)
	case sMilli:
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	return t.UTC().Format(st.layout)
}

type fileInfo struct {
	Moment      int    `json:"moment"`  // 1-based; 0: the whole run; -1: corrupt
	Kind        string `json:"kind"`    // heap, goroutine, block, mutex, cpu, threadcreate, trace, heapdump, gctrace
	Profile     string `json:"profile"` // the pprof.Lookup name (allocs for an allocs profile), or the kind
	Format      string `json:"format"`  // pb, debug1, debug2, trace, heapdump, gctrace
	Compression string `json:"compression"`
	Stamp       string `json:"stamp"`       // the synthetic time in the name, RFC 3339
	StampStyle  string `json:"stamp_style"` // which style the name uses
	TimeFrom    string `json:"time_from"`   // where the file's own moment comes from: profile, lastgc, name
	// The file's own time when it has one (profile time_nanos or MemStats
	// LastGC), Unix nanoseconds; 0 when only the name carries a time.
	OwnTimeNanos int64    `json:"own_time_nanos"`
	Twins        []string `json:"twins,omitempty"` // the other files of this kind and moment
	Corrupt      string   `json:"corrupt,omitempty"`
}

type momentInfo struct {
	Moment          int    `json:"moment"`
	Stamp           string `json:"stamp"`
	Goroutines      int    `json:"goroutines"`        // runtime.NumGoroutine at the dumps
	Leaked          int    `json:"leaked_goroutines"` // watchers alive
	MapEntries      int    `json:"map_entries"`
	RetainedBytes   int    `json:"retained_bytes"` // map_entries * SessionSize
	Requests        int    `json:"requests"`
	NumGC           uint32 `json:"num_gc"`
	HeapAllocBytes  uint64 `json:"heap_alloc_bytes"`
	DebugOneTotal   int    `json:"debug1_total"`
	CPUProfileNanos int64  `json:"cpu_profile_nanos"`
}

type writer struct {
	dir   string
	files map[string]*fileInfo
	zstd  []string
}

func (w *writer) add(name string, fi fileInfo) *fileInfo {
	if fi.Profile == "" {
		fi.Profile = fi.Kind
	}
	if fi.Compression == "" {
		fi.Compression = "none"
	}
	w.files[name] = &fi
	return &fi
}

// create writes name (gzipped when gz) with f.
func (w *writer) create(name string, gz bool, f func(io.Writer) error) {
	out, err := os.Create(filepath.Join(w.dir, name))
	fail(err)
	var dst io.Writer = out
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(out, gzip.BestCompression)
		zw.Header.ModTime = time.Unix(0, 0)
		dst = zw
	}
	err = f(dst)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	fail(err)
}

func lookup(kind string, debugLevel int) func(io.Writer) error {
	return func(o io.Writer) error { return pprof.Lookup(kind).WriteTo(o, debugLevel) }
}

var totalRE = regexp.MustCompile(`^goroutine profile: total (\d+)\n`)

// warmUp makes every P's allocation cache draw its next sample point at
// ProfileRate: the caches made at start-up drew theirs at the default
// rate (512 kB), and would let the first sessions go unsampled.
func warmUp() {
	var wg sync.WaitGroup
	for p := 0; p < 4*runtime.GOMAXPROCS(0); p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 64; i++ {
				garbage = make([]byte, 128<<10)
			}
		}()
	}
	wg.Wait()
}

var garbage []byte

// checkSessions compares main.newSession's in-use objects, as the runtime
// recorded them at the last GC, with the map's entries.
func checkSessions(entries int) {
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+50)
	n, ok := runtime.MemProfile(recs, true)
	if !ok {
		fail(fmt.Errorf("runtime.MemProfile: records grew"))
	}
	var inuse int64
	for _, r := range recs[:n] {
		st := r.Stack()
		if len(st) > 0 && runtime.FuncForPC(st[0]).Name() == "main.newSession" {
			inuse += r.InUseObjects()
		}
	}
	if inuse != int64(entries) {
		fail(fmt.Errorf("main.newSession: %d objects in use in the memory profile, %d in the map", inuse, entries))
	}
}

func moment(w *writer, k int, s *server, base int) momentInfo {
	t := T0.Add(time.Duration(k) * time.Minute)
	iso := t.Format(time.RFC3339)
	st := func(x style) string { return stamp(x, t) }
	nm := func(kind, format, comp string, x style, from string) fileInfo {
		return fileInfo{Moment: k, Kind: kind, Format: format, Compression: comp, Stamp: iso,
			StampStyle: x.name, TimeFrom: from}
	}

	// cpu profile and trace over this moment's requests.
	cpuName := "cpu-" + st(sDash) + ".pb.gz"
	traceName := "trace-" + st(sUnder) + ".out"
	cpuOut, err := os.Create(filepath.Join(w.dir, cpuName))
	fail(err)
	traceBuf := new(bytes.Buffer)
	fail(pprof.StartCPUProfile(cpuOut))
	fail(trace.Start(traceBuf))
	start := time.Now()
	serve(s, PerMoment)
	trace.Stop()
	pprof.StopCPUProfile()
	cpuNanos := time.Since(start).Nanoseconds()
	fail(cpuOut.Close())
	fail(os.WriteFile(filepath.Join(w.dir, traceName), traceBuf.Bytes(), 0o644))
	w.add(cpuName, nm("cpu", "pb", "gzip", sDash, "profile"))
	w.add(traceName, nm("trace", "trace", "none", sUnder, "name"))

	leaked := k * PerMoment
	waitGoroutines(base + leaked)
	runtime.GC()
	s.mu.Lock()
	entries := len(s.sessions)
	s.mu.Unlock()
	checkSessions(entries)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	// heap pb.gz and its debug=1 twin, written back to back after the GC.
	heapName := "heap-" + st(sT) + ".pb.gz"
	heapText := "heap-" + st(sDash) + ".txt"
	w.create(heapName, false, lookup("heap", 0))
	w.create(heapText, false, lookup("heap", 1))
	// allocs is the same data under another default sample type: a
	// heap profile of the same moment, a twin.
	allocsName := "allocs_" + st(sUnder) + ".pb.gz"
	w.create(allocsName, false, lookup("allocs", 0))
	w.add(heapName, nm("heap", "pb", "gzip", sT, "profile")).Twins = []string{heapText, allocsName}
	ht := w.add(heapText, nm("heap", "debug1", "none", sDash, "lastgc"))
	ht.Twins = []string{heapName, allocsName}
	ht.OwnTimeNanos = int64(ms.LastGC)
	al := w.add(allocsName, nm("heap", "pb", "gzip", sUnder, "profile"))
	al.Twins = []string{heapName, heapText}
	al.Profile = "allocs"

	// goroutines: pb.gz, debug=1, debug=2 (three name styles, gzip, zstd).
	gpb := "goroutine-" + st(sFlat) + ".pb.gz"
	g1 := "goroutine-" + st(sISO) + ".txt"
	var g2, g2final, g2comp string
	var g2style style
	switch k {
	case 1:
		g2style, g2comp = sUnder, "none"
		g2 = "goroutine-dump-" + st(sUnder) + ".txt"
		g2final = g2
	case 2:
		g2style, g2comp = sUnix, "gzip"
		g2 = "goroutine-dump-" + st(sUnix) + ".txt.gz"
		g2final = g2
	default:
		g2style, g2comp = sMilli, "zstd"
		g2 = "goroutine-dump-" + st(sMilli) + ".txt"
		g2final = g2 + ".zst"
		w.zstd = append(w.zstd, g2)
	}
	var one bytes.Buffer
	fail(pprof.Lookup("goroutine").WriteTo(&one, 1))
	m := totalRE.FindSubmatch(one.Bytes())
	if m == nil {
		fail(fmt.Errorf("debug=1 profile without a total line"))
	}
	d1, _ := strconv.Atoi(string(m[1]))
	if d1 != base+leaked {
		fail(fmt.Errorf("debug=1 total %d, want %d", d1, base+leaked))
	}
	fail(os.WriteFile(filepath.Join(w.dir, g1), one.Bytes(), 0o644))
	w.create(g2, g2comp == "gzip", lookup("goroutine", 2))
	w.create(gpb, false, lookup("goroutine", 0))
	w.add(gpb, nm("goroutine", "pb", "gzip", sFlat, "profile")).Twins = []string{g1, g2final}
	w.add(g1, nm("goroutine", "debug1", "none", sISO, "name")).Twins = []string{gpb, g2final}
	w.add(g2final, nm("goroutine", "debug2", g2comp, g2style, "name")).Twins = []string{gpb, g1}

	for _, p := range []struct {
		kind string
		x    style
	}{{"block", sMilli}, {"mutex", sT}, {"threadcreate", sFlat}} {
		name := p.kind + "-" + st(p.x) + ".pb.gz"
		w.create(name, false, lookup(p.kind, 0))
		w.add(name, nm(p.kind, "pb", "gzip", p.x, "profile"))
	}

	// heap dump: WriteHeapDump needs a file descriptor; gzip it after.
	raw := filepath.Join(w.dir, "heapdump.tmp")
	f, err := os.Create(raw)
	fail(err)
	debug.WriteHeapDump(f.Fd())
	fail(f.Close())
	in, err := os.Open(raw)
	fail(err)
	hd := "heapdump-" + st(sT) + ".dump.gz"
	w.create(hd, true, func(o io.Writer) error { _, err := io.Copy(o, in); return err })
	fail(in.Close())
	fail(os.Remove(raw))
	w.add(hd, nm("heapdump", "heapdump", "gzip", sT, "name"))

	return momentInfo{Moment: k, Stamp: iso, Goroutines: runtime.NumGoroutine(), Leaked: leaked,
		MapEntries: entries, RetainedBytes: entries * SessionSize, Requests: s.next,
		NumGC: ms.NumGC, HeapAllocBytes: ms.HeapAlloc, DebugOneTotal: d1, CPUProfileNanos: cpuNanos}
}

func child(out string) {
	runtime.MemProfileRate = ProfileRate
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	dir := filepath.Join(out, "dumps")
	w := &writer{dir: dir, files: map[string]*fileInfo{}}
	warmUp()
	s := newServer()
	base := runtime.NumGoroutine()
	var moments []momentInfo
	for k := 1; k <= Moments; k++ {
		if k > 1 {
			// Real moments more than two seconds apart: files of one
			// kind whose own times are within a second are twins.
			time.Sleep(2100 * time.Millisecond)
		}
		moments = append(moments, moment(w, k, s, base))
	}
	// The corrupt file: the last heap profile cut in half, named as a
	// fourth moment.
	last := T0.Add(Moments * time.Minute)
	whole, err := os.ReadFile(filepath.Join(dir, "heap-"+stamp(sT, last)+".pb.gz"))
	fail(err)
	bad := "heap-" + stamp(sT, last.Add(time.Minute)) + ".pb.gz"
	fail(os.WriteFile(filepath.Join(dir, bad), whole[:len(whole)/2], 0o644))
	w.add(bad, fileInfo{Moment: -1, Kind: "heap", Format: "pb", Compression: "gzip",
		Stamp: last.Add(time.Minute).Format(time.RFC3339), StampStyle: sT.name, TimeFrom: "name",
		Corrupt: fmt.Sprintf("truncated gzip: the first %d of %d bytes", len(whole)/2, len(whole))})
	if len(w.zstd) > 0 {
		fail(os.WriteFile(filepath.Join(out, "to-zstd.txt"),
			[]byte(fmt.Sprintln(filepath.Join("dumps", w.zstd[0]))), 0o644))
	}
	counts := map[string]interface{}{
		"go_version":      runtime.Version(),
		"moments":         moments,
		"files":           w.files,
		"session_size":    SessionSize,
		"per_moment":      PerMoment,
		"base_goroutines": base,
		"leaks": []map[string]interface{}{
			{"what": "goroutines", "culprit": "main.(*server).watch", "state": "select",
				"created_by": "main.(*server).handle", "per_moment": PerMoment},
			{"what": "heap", "culprit": "main.newSession", "map": "main.(*server).handle",
				"object_bytes": SessionSize, "per_moment_bytes": PerMoment * SessionSize,
				"per_moment_objects": PerMoment},
		},
		"snapshots": map[string]int{"heap": Moments, "goroutine": Moments,
			"block": Moments, "mutex": Moments, "cpu": Moments, "threadcreate": Moments,
			"trace": Moments, "heapdump": Moments, "gctrace": 1},
		"stamps": map[string]string{"start": T0.Format(time.RFC3339)},
	}
	b, err := json.MarshalIndent(counts, "", "  ")
	fail(err)
	fail(os.WriteFile(filepath.Join(out, "counts.json"), append(b, '\n'), 0o644))
	runtime.KeepAlive(s)
}

func main() {
	out := flag.String("out", "bundle", "output directory (artifacts go to OUT/dumps)")
	isChild := flag.Bool("child", false, "run the service (internal: the parent sets GODEBUG)")
	flag.Parse()
	if *isChild {
		child(*out)
		return
	}
	dir := filepath.Join(*out, "dumps")
	fail(os.RemoveAll(*out))
	fail(os.MkdirAll(dir, 0o755))
	logName := "gctrace-" + stamp(sT, T0) + ".log"
	log, err := os.Create(filepath.Join(dir, logName))
	fail(err)
	exe, err := os.Executable()
	fail(err)
	cmd := exec.Command(exe, "-child", "-out", *out)
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	cmd.Stdout = os.Stdout
	cmd.Stderr = log
	err = cmd.Run()
	fail(log.Close())
	fail(err)
	// Add the log to counts.json.
	path := filepath.Join(*out, "counts.json")
	b, err := os.ReadFile(path)
	fail(err)
	var counts map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // Unix nanoseconds do not fit a float64
	fail(dec.Decode(&counts))
	counts["files"].(map[string]interface{})[logName] = fileInfo{Moment: 0, Kind: "gctrace",
		Format: "gctrace", Compression: "none", Stamp: T0.Format(time.RFC3339), StampStyle: sT.name,
		TimeFrom: "name"}
	b, err = json.MarshalIndent(counts, "", "  ")
	fail(err)
	fail(os.WriteFile(path, append(b, '\n'), 0o644))
}
