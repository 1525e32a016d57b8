// Command heapdump builds object graphs of known shape, collects garbage,
// writes a heap dump with runtime/debug.WriteHeapDump and, next to it,
// counts.json with what it built.  heapscope's tests check the dump's
// objects, retained sizes and root names against those counts.
//
//	go run -trimpath ./heapdump -out DIR [-n N] [-name NAME] [-scenario graph|owner]
//
// The owner scenario builds one structure that most of the heap hangs
// from and that two roots reach (a global map that a goroutine's frame
// also holds), and goroutines blocked in a channel send, so the dump's
// goroutines are what a goroutine dump would show.
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
	"strconv"
)

const (
	valueBytes = 256     // S: each map value
	chainLen   = 300     // nodes in main.chain
	ringLen    = 50      // nodes in the cycle main.ring
	stackBytes = 1 << 20 // the slice the waiting goroutine's frame holds
	finBytes   = 4096    // what the finalized object points to
)

type node struct {
	next *node
	pad  [56]byte // 64-byte nodes
}

type finalized struct {
	payload []byte
}

var (
	cache     map[int][]byte // N values of valueBytes
	chain     *node
	ring      *node
	finHolder *finalized
	sink      []*finalized
)

//go:noinline
func fillCache(n int) {
	cache = make(map[int][]byte, n)
	for i := 0; i < n; i++ {
		cache[i] = make([]byte, valueBytes)
	}
}

//go:noinline
func buildChain() {
	for i := 0; i < chainLen; i++ {
		chain = &node{next: chain}
	}
}

//go:noinline
func buildRing() {
	first := &node{}
	last := first
	for i := 1; i < ringLen; i++ {
		last = &node{next: last}
	}
	first.next = last
	ring = first
}

//go:noinline
func holdOnStack(size int, ready chan<- int, done <-chan struct{}) {
	big := make([]byte, size)
	big[0] = 1
	ready <- goid()
	<-done
	runtime.KeepAlive(big)
}

func goid() int {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	n, _ := strconv.Atoi(string(b[:bytes.IndexByte(b, ' ')]))
	return n
}

func main() {
	out := flag.String("out", ".", "output directory")
	n := flag.Int("n", 2000, "map entries")
	name := flag.String("name", "graph", "base name of the dump and counts files")
	scenario := flag.String("scenario", "graph", "graph or owner")
	flag.Parse()
	runtime.MemProfileRate = 1 // every object gets an alloc sample
	if *scenario == "owner" {
		ownerScenario(*out, *name, *n)
		return
	}

	fillCache(*n)
	buildChain()
	buildRing()
	finHolder = &finalized{payload: make([]byte, finBytes)}
	runtime.SetFinalizer(finHolder, func(*finalized) {})

	ready := make(chan int)
	done := make(chan struct{})
	go holdOnStack(stackBytes, ready, done)
	stackGoid := <-ready

	writeDump(*out, *name)
	close(done)

	counts := map[string]interface{}{
		"map_entries":       *n,
		"map_value_bytes":   valueBytes,
		"chain_len":         chainLen,
		"ring_len":          ringLen,
		"node_bytes":        64,
		"stack_slice_bytes": stackBytes,
		"stack_goid":        stackGoid,
		"finalizer_bytes":   finBytes,
	}
	writeCounts(*out, *name, counts)
}

func writeCounts(out, name string, counts map[string]interface{}) {
	js, _ := json.MarshalIndent(counts, "", "  ")
	if err := os.WriteFile(filepath.Join(out, name+".counts.json"), append(js, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func writeDump(out, name string) {
	runtime.GC()
	runtime.GC()
	f, err := os.Create(filepath.Join(out, name+".dump"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	debug.WriteHeapDump(f.Fd())
	f.Close()
}
