// Command coreheap builds known heap shapes, writes a heap dump of itself
// (debug.WriteHeapDump) and sleeps, so that generate-coreheap.sh takes a
// core of the same stopped moment: no GC runs between the dump and the
// core (GC off after one forced collection) and nothing allocated after
// the dump but what printing "ready" and sleeping need.  counts.json holds
// what it built and runtime.MemStats read just before the dump.
package main

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
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

// Registry is initialised, so it sits in the data segment (not bss); the
// pages it points to are set at run time: roots of the data pointer mask.
var Registry = struct {
	tag   int
	pages [16]*page
}{tag: 1}

// After holds objects allocated after the last GC, before the dump: in
// their spans they are below freeindex, their allocation bits unset.
var After []*node

// Stats is runtime.MemStats read just before the heap dump.
var Stats runtime.MemStats

type counts struct {
	StorePages    int    `json:"store_pages"`
	PageBytes     int    `json:"page_bytes"`
	StoreRetained uint64 `json:"store_retained"` // pages and the slice's array
	RegistryPages int    `json:"registry_pages"` // main.Registry, in data
	ListNodes     int    `json:"list_nodes"`
	NodeBytes     int    `json:"node_bytes"`
	ListRetained  uint64 `json:"list_retained"`
	StackObjects  int    `json:"stack_objects"` // held by the parked goroutine's frame
	AfterGC       int    `json:"after_gc"`      // main.After: allocated after the last GC
	Finalizers    int    `json:"finalizers"`
	HeapAlloc     uint64 `json:"heap_alloc"`
	HeapObjects   uint64 `json:"heap_objects"`
	Pid           int    `json:"pid"`
}

// json writes c as encoding/json's MarshalIndent would, with strconv.
func (c *counts) json() []byte {
	v := reflect.ValueOf(c).Elem()
	b := []byte("{\n")
	for i := 0; i < v.NumField(); i++ {
		tag := strings.TrimSuffix(v.Type().Field(i).Tag.Get("json"), ",omitempty")
		b = append(b, "  \""+tag+"\": "...)
		b = strconv.AppendUint(b, v.Field(i).Convert(reflect.TypeOf(uint64(0))).Uint(), 10)
		if i+1 < v.NumField() {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "}\n"...)
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
	for i := range Registry.pages {
		Registry.pages[i] = &page{}
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
		RegistryPages: len(Registry.pages),
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
	After = make([]*node, 0, 128)
	for i := 0; i < cap(After); i++ {
		After = append(After, &node{})
	}
	runtime.ReadMemStats(&Stats)
	c.HeapAlloc, c.HeapObjects = Stats.HeapAlloc, Stats.HeapObjects
	c.AfterGC = len(After)
	debug.WriteHeapDump(f.Fd())
	f.Close()
	// after the dump: what this allocates is in the core only, and it
	// sets no global (encoding/json would fill its caches and pools)
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), c.json(), 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Hour)
	runtime.KeepAlive(never)
}
