// Command coreprof allocates known shapes at known sites with every
// allocation sampled (runtime.MemProfileRate = 1, set first thing; -rate
// sets another rate after the flags, whose samples runtime/pprof scales), runs
// two GCs so the runtime publishes its memory profile, writes that
// profile with pprof.WriteHeapProfile (the oracle for the core's profile)
// (one site, main.deep, nDepth calls deep: a stack longer than the 32 PCs
// a bucket holds to Go 1.22, shorter than Go 1.23's 128)
// and counts.json, turns the GC off and sleeps, so that
// generate-coreprof.sh takes a core whose published profile is the one
// written: no GC cycle runs between the profile and the core.
package main

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"time"
)

// small is 64 bytes, a size class: kept.
type small struct{ v [8]int64 }

// node is 48 bytes, a size class; newNode is inlined into buildList.
type node struct {
	next  *node
	value [40]byte
}

// Kept holds what the sites retain.
var (
	Small  []*small
	Large  [][]byte
	List   *node
	Worker [][]byte
	Sink   []byte
	Deep   [][]byte
)

const (
	nSmall   = 1000
	nLarge   = 20
	largeLen = 1 << 20
	nChurn   = 5000
	churnLen = 256
	nNodes   = 300
	nWorker  = 2000
	workLen  = 128
	nDeep    = 10
	deepLen  = 512
	nDepth   = 100
)

func keepSmall() {
	for i := 0; i < nSmall; i++ {
		Small = append(Small, new(small))
	}
}

func keepLarge() {
	for i := 0; i < nLarge; i++ {
		Large = append(Large, make([]byte, largeLen))
	}
}

// churn allocates garbage: allocated, freed by the next GC.
//
//go:noinline
func churn() {
	for i := 0; i < nChurn; i++ {
		Sink = make([]byte, churnLen)
	}
	Sink = nil
}

func newNode(next *node) *node { return &node{next: next} }

func buildList() {
	for i := 0; i < nNodes; i++ {
		List = newNode(List)
	}
}

func worker(done chan<- bool) {
	for i := 0; i < nWorker; i++ {
		Worker = append(Worker, make([]byte, workLen))
	}
	done <- true
}

// deep calls itself n times, then allocates nDeep objects: its stack is
// n + 1 frames of main.deep.
//
//go:noinline
func deep(n int) {
	if n > 0 {
		deep(n - 1)
		return
	}
	for i := 0; i < nDeep; i++ {
		Deep = append(Deep, make([]byte, deepLen))
	}
}

func main() {
	runtime.MemProfileRate = 1
	out := flag.String("out", ".", "directory for heap.pb.gz and counts.json")
	rate := flag.Int("rate", 1, "runtime.MemProfileRate from here on (1: every allocation)")
	flag.Parse()
	runtime.MemProfileRate = *rate
	keepSmall()
	keepLarge()
	churn()
	buildList()
	done := make(chan bool)
	go worker(done)
	<-done
	deep(nDepth)
	runtime.GC()
	runtime.GC()
	debug.SetGCPercent(-1)
	f, err := os.Create(filepath.Join(*out, "heap.pb.gz"))
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
	c := []struct {
		k string
		v int
	}{{"small", nSmall}, {"small_bytes", 64}, {"large", nLarge}, {"large_bytes", largeLen},
		{"churn", nChurn}, {"churn_bytes", churnLen}, {"nodes", nNodes}, {"node_bytes", 48},
		{"worker", nWorker}, {"worker_bytes", workLen}, {"deep", nDeep}, {"deep_bytes", deepLen},
		{"deep_depth", nDepth}, {"memprofilerate", runtime.MemProfileRate},
		{"pid", os.Getpid()}}
	b := []byte("{\n")
	for i, kv := range c {
		b = append(b, "  \""+kv.k+"\": "+strconv.Itoa(kv.v)...)
		if i+1 < len(c) {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	b = append(b, "}\n"...)
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), b, 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	for {
		time.Sleep(time.Hour)
	}
}
