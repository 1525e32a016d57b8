// Command series writes five heap profiles of one process, taken as a map
// grows and a cache shrinks, for `heapscope diff` and `heapscope merge`.
//
//	go run -trimpath ./series -out DIR   # DIR/heap-1.pb.gz .. heap-5.pb.gz, DIR/series.json
//
// Snapshot k (1..5) is written after runtime.GC() with MemProfileRate = 1.
// Its allocation sites, all with exact Go size classes:
//
//   - main.newEntry: k*entriesPerStep objects of entrySize bytes, the values
//     of a map[int][]byte that main.growIndex fills (grows, never shrinks);
//   - main.growIndex: the map's own bucket arrays, allocated as it grows
//     (the runtime's mapassign frames are leaf runtime frames, which the
//     profile writer charges to main.growIndex); their sizes are the
//     runtime's, recorded in series.json from runtime.MemProfile;
//   - main.fillCache: cacheCount objects of cacheSize bytes allocated before
//     heap-1, of which (6-k)*cacheStep are still held at snapshot k
//     (shrinks: 500, 400, 300, 200, 100);
//   - main.steady: steadyCount objects of steadySize bytes, allocated once
//     and held (unchanged: absent from a -base report).
//
// Before writing a snapshot the program checks the runtime's own records
// (runtime.MemProfile) against these numbers and exits 1 rather than write
// a profile whose counts are off.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
)

const (
	snapshots      = 5
	entriesPerStep = 250
	entrySize      = 4096
	cacheCount     = 500
	cacheStep      = 100
	cacheSize      = 2048
	steadyCount    = 64
	steadySize     = 512
)

var (
	index   map[int][]byte
	nextKey int
	cache   [cacheCount][]byte
	steady  [steadyCount][]byte
)

func init() {
	runtime.MemProfileRate = 1
}

//go:noinline
func newEntry() []byte {
	return make([]byte, entrySize)
}

// growIndex adds entriesPerStep entries; the map grows its bucket array as
// it goes, allocating from here.
//
//go:noinline
func growIndex() {
	for i := 0; i < entriesPerStep; i++ {
		index[nextKey] = newEntry()
		nextKey++
	}
}

//go:noinline
func fillCache() {
	for i := range cache {
		cache[i] = make([]byte, cacheSize)
	}
}

//go:noinline
func shrinkCache(keep int) {
	for i := keep; i < cacheCount; i++ {
		cache[i] = nil
	}
}

//go:noinline
func fillSteady() {
	for i := range steady {
		steady[i] = make([]byte, steadySize)
	}
}

type site struct {
	AllocObjects int64 `json:"alloc_objects"`
	AllocSpace   int64 `json:"alloc_space"`
	InuseObjects int64 `json:"inuse_objects"`
	InuseSpace   int64 `json:"inuse_space"`
}

type snapshot struct {
	File  string          `json:"file"`
	Sites map[string]site `json:"sites"`
}

type series struct {
	GoVersion      string     `json:"go_version"`
	MemProfileRate int        `json:"mem_profile_rate"`
	Snapshots      []snapshot `json:"snapshots"`
	Note           string     `json:"note"`
}

// firstMain names the first main.* function of a stack, "" if none.
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

// measured sums the runtime's records per first main.* function.
func measured() map[string]site {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	out := map[string]site{}
	for _, r := range recs {
		fn := firstMain(r.Stack())
		s := out[fn]
		s.AllocObjects += r.AllocObjects
		s.AllocSpace += r.AllocBytes
		s.InuseObjects += r.InUseObjects()
		s.InuseSpace += r.InUseBytes()
		out[fn] = s
	}
	return out
}

// expected: what snapshot k must hold at the sites whose sizes are known.
func expected(k int) map[string]site {
	entries := int64(k * entriesPerStep)
	held := int64((snapshots + 1 - k) * cacheStep)
	return map[string]site{
		"main.newEntry":   {entries, entries * entrySize, entries, entries * entrySize},
		"main.fillCache":  {cacheCount, cacheCount * cacheSize, held, held * cacheSize},
		"main.fillSteady": {steadyCount, steadyCount * steadySize, steadyCount, steadyCount * steadySize},
	}
}

func writeSnapshot(dir string, k int, out *series) error {
	runtime.GC()
	got := measured()
	for fn, want := range expected(k) {
		if got[fn] != want {
			return fmt.Errorf("snapshot %d: %s: runtime records %+v, want %+v", k, fn, got[fn], want)
		}
	}
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		return err
	}
	// The profile must decode (it is gzipped by the runtime).
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return err
	}
	name := fmt.Sprintf("heap-%d.pb.gz", k)
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		return err
	}
	sites := expected(k)
	sites["main.growIndex"] = got["main.growIndex"]
	out.Snapshots = append(out.Snapshots, snapshot{name, sites})
	return nil
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	out := &series{GoVersion: runtime.Version(), MemProfileRate: runtime.MemProfileRate,
		Note: "sites per snapshot: main.newEntry, main.fillCache and main.fillSteady are known " +
			"by construction and checked against runtime.MemProfile; main.growIndex (the map's " +
			"buckets) is as the runtime recorded it"}
	// No GC while the sites allocate: a GC assist could allocate a runtime
	// object (a sudog) that the profile writer charges to the site.
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	index = make(map[int][]byte)
	fillSteady()
	fillCache()
	for k := 1; k <= snapshots; k++ {
		growIndex()
		shrinkCache((snapshots + 1 - k) * cacheStep)
		if err := writeSnapshot(dir, k, out); err != nil {
			return err
		}
	}
	js, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "series.json"), append(js, '\n'), 0o644)
}

func main() {
	dir := flag.String("out", "", "directory to write the profiles to")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: series -out DIR")
		os.Exit(2)
	}
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "series:", err)
		os.Exit(1)
	}
}
