// Command growth writes series of heap profiles with known per-snapshot
// sizes, for `heapscope growth` and `heapscope check`.
//
//	go run -trimpath ./growth -out DIR -series growth   # DIR/growth/
//	go run -trimpath ./growth -out DIR -series steady   # DIR/steady/
//	go run -trimpath ./growth -out DIR -series growth-text  # DIR/growth-text/
//
// The growth series is DIR/growth/heap-1.pb.gz .. heap-6.pb.gz (a leak), the
// steady one DIR/steady/heap-1.pb.gz .. heap-3.pb.gz (a control series with
// nothing growing); growth-text is the growth series written as Go's heap
// text (?debug=1: heap-1.txt .. heap-6.txt, each with the runtime.MemStats
// trailer, whose LastGC is the time of the runtime.GC() just before it).
// Each directory gets a counts.json.  Three allocation sites:
//
//   - main.leakyCache adds exactly leakPerStep objects of leakSize bytes to
//     a map at every step of the growth series and never removes any (in
//     the steady series it is filled once, before the first snapshot);
//   - main.steadyBuffer replaces its bufCount objects of bufSize bytes at
//     every step: constant in use, growing only in alloc_*;
//   - main.spike holds spikeCount objects of spikeSize bytes across one
//     snapshot (heap-3 of the growth series) and drops them before the next.
//
// Every snapshot is written after runtime.GC(), with MemProfileRate = 1,
// and after checking the runtime's own records (runtime.MemProfile) against
// the known sizes: the program exits 1 rather than write a profile whose
// counts are off.  Snapshots are spaced by known sleeps, so their
// time_nanos increase by a little more than those.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"
)

// All object sizes are exact Go size classes.
const (
	leakPerStep = 1000
	leakSize    = 1024
	bufCount    = 512
	bufSize     = 2048
	spikeCount  = 1024
	spikeSize   = 4096
	// A map sized for far more entries than it ever holds: it never grows
	// its bucket array and never needs more overflow buckets than the ones
	// allocated with it, so main.leakyCache allocates nothing but its
	// objects (the profile writer charges runtime frames at the leaf, such
	// as a bucket allocation in mapassign, to the first non-runtime caller).
	cacheHint = 64 * 1024
)

var (
	cache      map[int]*[leakSize]byte
	nextKey    int
	buffers    [bufCount]*[bufSize]byte
	spikes     [spikeCount]*[spikeSize]byte
	growthGaps = []time.Duration{time.Second, 2 * time.Second, time.Second, 2 * time.Second, time.Second}
	steadyGaps = []time.Duration{time.Second, time.Second}
)

// newCache makes the map once, before the first snapshot.
//
//go:noinline
func newCache() {
	cache = make(map[int]*[leakSize]byte, cacheHint)
}

// leakyCache adds leakPerStep entries and never removes any.
//
//go:noinline
func leakyCache() {
	for i := 0; i < leakPerStep; i++ {
		cache[nextKey] = new([leakSize]byte)
		nextKey++
	}
}

// steadyBuffer replaces all its buffers: the old ones become garbage.
//
//go:noinline
func steadyBuffer() {
	for i := range buffers {
		buffers[i] = new([bufSize]byte)
	}
}

// spike fills spikes; dropSpike lets them go.
//
//go:noinline
func spike() {
	for i := range spikes {
		spikes[i] = new([spikeSize]byte)
	}
}

func dropSpike() {
	for i := range spikes {
		spikes[i] = nil
	}
}

type siteCounts struct {
	InuseObjects int64 `json:"inuse_objects"`
	InuseBytes   int64 `json:"inuse_space"`
	AllocObjects int64 `json:"alloc_objects"`
	AllocBytes   int64 `json:"alloc_space"`
}

type snapshot struct {
	File        string                `json:"file"`
	Step        int                   `json:"step"`
	SleptBefore float64               `json:"slept_before_s"`
	Sites       map[string]siteCounts `json:"sites"`
}

type series struct {
	GoVersion      string     `json:"go_version"`
	MemProfileRate int        `json:"mem_profile_rate"`
	Series         string     `json:"series"`
	Snapshots      []snapshot `json:"snapshots"`
	Sites          []siteInfo `json:"site_info"`
	Note           string     `json:"note"`
}

type siteInfo struct {
	Function    string `json:"function"`
	ObjectSize  int64  `json:"object_size"`
	Behaviour   string `json:"behaviour"`
	GrowthBytes int64  `json:"inuse_space_growth_per_step"`
}

// known is what each site holds in use (and has allocated) after `step`
// steps of a series.
func known(name string, step int, spikeAt int) map[string]siteCounts {
	leakSteps := int64(step)
	if name == "steady" {
		leakSteps = 1
	}
	m := map[string]siteCounts{
		"main.leakyCache": {leakSteps * leakPerStep, leakSteps * leakPerStep * leakSize,
			leakSteps * leakPerStep, leakSteps * leakPerStep * leakSize},
		"main.steadyBuffer": {bufCount, bufCount * bufSize, int64(step) * bufCount, int64(step) * bufCount * bufSize},
	}
	s := siteCounts{}
	if spikeAt > 0 && step >= spikeAt {
		s.AllocObjects, s.AllocBytes = spikeCount, spikeCount*spikeSize
	}
	if step == spikeAt {
		s.InuseObjects, s.InuseBytes = spikeCount, spikeCount*spikeSize
	}
	if s.AllocObjects > 0 {
		m["main.spike"] = s
	}
	return m
}

// firstMain is the first main.* function of a stack (leaf first): the
// site the profile writer charges, since it hides leading runtime frames.
func firstMain(stk []uintptr) string {
	frames := runtime.CallersFrames(stk)
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "main.") {
			return f.Function
		}
		if !more {
			return ""
		}
	}
}

func check(want map[string]siteCounts) error {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		n, ok = runtime.MemProfile(recs, true)
		if ok {
			recs = recs[:n]
			break
		}
	}
	got := map[string]siteCounts{}
	for _, r := range recs {
		f := firstMain(r.Stack())
		if _, ok := want[f]; !ok {
			continue
		}
		s := got[f]
		s.InuseObjects += r.InUseObjects()
		s.InuseBytes += r.InUseBytes()
		s.AllocObjects += r.AllocObjects
		s.AllocBytes += r.AllocBytes
		got[f] = s
	}
	for f, w := range want {
		if got[f] != w {
			return fmt.Errorf("%s: runtime records %+v, want %+v", f, got[f], w)
		}
	}
	return nil
}

func writeSeries(out, name string, gaps []time.Duration, spikeAt int, text bool) error {
	dir := filepath.Join(out, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s := series{GoVersion: runtime.Version(), MemProfileRate: runtime.MemProfileRate, Series: name}
	for step := 1; step <= len(gaps)+1; step++ {
		var slept time.Duration
		if step > 1 {
			slept = gaps[step-2]
			time.Sleep(slept)
		}
		// No GC while the sites run (a GC assist could allocate a runtime
		// object that the profile writer charges to a site).
		old := debug.SetGCPercent(-1)
		if step == 1 || name != "steady" {
			leakyCache()
		}
		steadyBuffer()
		if step == spikeAt {
			spike()
		}
		// Publish: allocations and frees up to this GC are in the profile.
		runtime.GC()
		debug.SetGCPercent(old)
		want := known(name, step, spikeAt)
		if err := check(want); err != nil {
			return fmt.Errorf("%s step %d: %v", name, step, err)
		}
		var buf bytes.Buffer
		debugLevel, file := 0, fmt.Sprintf("heap-%d.pb.gz", step)
		if text {
			debugLevel, file = 1, fmt.Sprintf("heap-%d.txt", step)
		}
		if err := pprof.Lookup("heap").WriteTo(&buf, debugLevel); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, file), buf.Bytes(), 0o644); err != nil {
			return err
		}
		s.Snapshots = append(s.Snapshots, snapshot{file, step, slept.Seconds(), want})
		if step == spikeAt {
			dropSpike()
		}
	}
	s.Sites = []siteInfo{
		{"main.leakyCache", leakSize, "growth: adds 1000 objects per step, never frees; steady: filled once before heap-1", leakPerStep * leakSize},
		{"main.steadyBuffer", bufSize, "replaces its 512 objects every step: constant inuse", 0},
	}
	if spikeAt > 0 {
		s.Sites = append(s.Sites, siteInfo{"main.spike", spikeSize,
			fmt.Sprintf("holds 1024 objects across heap-%d only", spikeAt), 0})
	}
	s.Note = "sites are keyed by the first main.* frame of each sample (the profile's leaf location); " +
		"values are exact (checked against runtime.MemProfile before writing); other samples (runtime, " +
		"runtime/pprof, the map's bucket array under main.newCache) exist too; time_nanos of heap-N is " +
		"written by the profile and grows by a little more than slept_before_s (growth-text: no time_nanos; " +
		"the MemStats trailer's LastGC is that of the runtime.GC() before each snapshot)"
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "counts.json"), append(data, '\n'), 0o644)
}

func main() {
	runtime.MemProfileRate = 1 // exact heap sampling; set before anything else allocates
	out := flag.String("out", "", "output directory (required)")
	// One series per process: the counts of a series start from zero.
	which := flag.String("series", "", "series to write: growth, steady or growth-text (required)")
	flag.Parse()
	if *out == "" || (*which != "growth" && *which != "steady" && *which != "growth-text") {
		fmt.Fprintln(os.Stderr, "usage: growth -out DIR -series growth|steady|growth-text")
		os.Exit(2)
	}
	newCache()
	var err error
	switch *which {
	case "growth", "growth-text":
		err = writeSeries(*out, *which, growthGaps, 3, *which == "growth-text")
	default:
		err = writeSeries(*out, "steady", steadyGaps, 0, false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "growth:", err)
		os.Exit(1)
	}
}
