// Command coreheap builds known heap shapes, writes a heap dump of itself
// (debug.WriteHeapDump) and sleeps, so that generate-coreheap.sh takes a
// core of the same stopped moment: no GC runs between the dump and the
// core (GC off after one forced collection) and nothing allocated after
// the dump but what printing "ready" and sleeping need.  counts.json holds
// what it built and runtime.MemStats read just before the dump.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"
	"unsafe"
)

// page is 512 bytes, a size class of its own: its objects are exactly
// that big.
type page struct {
	next *page
	data [504]byte
}

// node is 48 bytes, a size class.
type node struct {
	next  *node
	value [40]byte
}

// Store keeps pages pages, reachable from this global only.
var Store []*page

// List is a linked list of nodes, reachable from this global only.
var List *node

// Stats is runtime.MemStats read just before the heap dump.
var Stats runtime.MemStats

type counts struct {
	StorePages    int    `json:"store_pages"`
	PageBytes     int    `json:"page_bytes"`
	StoreRetained uint64 `json:"store_retained"` // pages and the slice's array
	ListNodes     int    `json:"list_nodes"`
	NodeBytes     int    `json:"node_bytes"`
	ListRetained  uint64 `json:"list_retained"`
	StackObjects  int    `json:"stack_objects"` // held by the parked goroutine's frame
	Finalizers    int    `json:"finalizers"`
	HeapAlloc     uint64 `json:"heap_alloc"`
	HeapObjects   uint64 `json:"heap_objects"`
	Pid           int    `json:"pid"`
}

//go:noinline
func holder(n int, ready chan<- struct{}, never <-chan struct{}) {
	held := make([]*node, n)
	for i := range held {
		held[i] = &node{}
	}
	ready <- struct{}{}
	<-never
	runtime.KeepAlive(held)
}

type resource struct {
	buf *[64]byte
}

var finalized []*resource

func main() {
	out := flag.String("out", ".", "directory for heap.dump and counts.json")
	npages := flag.Int("pages", 4096, "pages kept by main.Store")
	nnodes := flag.Int("nodes", 1000, "nodes of main.List")
	nheld := flag.Int("held", 300, "nodes a parked goroutine's frame keeps")
	flag.Parse()

	Store = make([]*page, *npages)
	for i := range Store {
		Store[i] = &page{}
	}
	for i := 0; i < *nnodes; i++ {
		List = &node{next: List}
	}
	// Objects with a finalizer, reachable from nothing else: the
	// finalizer keeps their referents.
	for i := 0; i < 3; i++ {
		r := &resource{buf: new([64]byte)}
		runtime.SetFinalizer(r, func(*resource) {})
		finalized = append(finalized, r) // reachable: the finalizer stays pending
	}
	ready, never := make(chan struct{}), make(chan struct{})
	go holder(*nheld, ready, never)
	<-ready

	c := counts{
		StorePages: *npages, PageBytes: int(unsafe.Sizeof(page{})),
		StoreRetained: uint64(*npages)*uint64(unsafe.Sizeof(page{})) + uint64(cap(Store))*8,
		ListNodes:     *nnodes, NodeBytes: int(unsafe.Sizeof(node{})),
		ListRetained: uint64(*nnodes) * uint64(unsafe.Sizeof(node{})),
		StackObjects: *nheld, Finalizers: 3, Pid: os.Getpid(),
	}
	f, err := os.Create(filepath.Join(*out, "heap.dump"))
	if err != nil {
		panic(err)
	}
	runtime.GC()
	debug.SetGCPercent(-1)
	runtime.ReadMemStats(&Stats)
	c.HeapAlloc, c.HeapObjects = Stats.HeapAlloc, Stats.HeapObjects
	debug.WriteHeapDump(f.Fd())
	f.Close()
	// after the dump: what this allocates is in the core only
	js, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(js, '\n'), 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Hour)
	runtime.KeepAlive(never)
}
