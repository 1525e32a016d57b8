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

// Index is a map of nodes (hash<int,*main.node> and its buckets), Queue
// a buffered channel holding nodes (hchan<*main.node> and its buffer),
// Boxed and Err interfaces whose dynamic types are *box and *failure:
// the shapes whose types only the runtime's structures say.
var (
	Index map[int]*node
	Queue chan *node
	Boxed interface{}
	Err   error
)

type box struct {
	id   int
	name [24]byte
}

type failure struct{ code int }

func (f *failure) Error() string { return "failure " + strconv.Itoa(f.code) }

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
	// Go's names of the globals' types and of what they point to
	// (reflect), how many objects of each type the globals keep, and the
	// bytes main.Registry and main.After keep
	StoreType        string `json:"store_type"`
	PageType         string `json:"page_type"`
	NodeType         string `json:"node_type"`
	AfterType        string `json:"after_type"`
	IndexType        string `json:"index_type"`
	QueueType        string `json:"queue_type"`
	BoxType          string `json:"box_type"`
	FailureType      string `json:"failure_type"`
	ResourceType     string `json:"resource_type"`
	ResourceBufType  string `json:"resource_buf_type"`
	FinalizedType    string `json:"finalized_type"`
	FinalizedCap     int    `json:"finalized_cap"`
	PageObjects      int    `json:"page_objects"` // main.page kept by globals
	NodeObjects      int    `json:"node_objects"` // main.node kept by globals
	IndexNodes       int    `json:"index_nodes"`
	QueueNodes       int    `json:"queue_nodes"`
	QueueCap         int    `json:"queue_cap"`
	RegistryRetained uint64 `json:"registry_retained"`
	AfterRetained    uint64 `json:"after_retained"`
}

// json writes c as encoding/json's MarshalIndent would, with strconv.
func (c *counts) json() []byte {
	v := reflect.ValueOf(c).Elem()
	b := []byte("{\n")
	for i := 0; i < v.NumField(); i++ {
		tag := strings.TrimSuffix(v.Type().Field(i).Tag.Get("json"), ",omitempty")
		b = append(b, "  \""+tag+"\": "...)
		if f := v.Field(i); f.Kind() == reflect.String {
			b = strconv.AppendQuote(b, f.String())
		} else {
			b = strconv.AppendUint(b, f.Convert(reflect.TypeOf(uint64(0))).Uint(), 10)
		}
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

// typed sets main.Index, main.Queue, main.Boxed and main.Err (in a
// function of its own: main's frame keeps no pointer to what they hold).
//
//go:noinline
func typed(npages, nnodes int) {
	const nindex, nqueue, queueCap = 64, 8, 32
	Index = make(map[int]*node)
	for i := 0; i < nindex; i++ {
		Index[i] = &node{}
	}
	Queue = make(chan *node, queueCap)
	for i := 0; i < nqueue; i++ {
		Queue <- &node{}
	}
	Boxed = &box{id: npages}
	Err = &failure{code: nnodes}
}

// after fills main.After with n nodes.
//
//go:noinline
func after(n int) {
	After = make([]*node, 0, n)
	for i := 0; i < cap(After); i++ {
		After = append(After, &node{})
	}
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
	typed(*npages, *nnodes)
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
		StoreType: reflect.TypeOf(Store).String(), PageType: reflect.TypeOf(page{}).String(),
		NodeType: reflect.TypeOf(node{}).String(), AfterType: reflect.TypeOf(After).String(),
		IndexType: reflect.TypeOf(Index).String(), QueueType: reflect.TypeOf(Queue).String(),
		BoxType:         reflect.TypeOf(Boxed).Elem().String(),
		FailureType:     reflect.TypeOf(Err).Elem().String(),
		ResourceType:    reflect.TypeOf(resource{}).String(),
		ResourceBufType: reflect.TypeOf(resource{}.buf).Elem().String(),
		FinalizedType:   reflect.TypeOf(finalized).String(), FinalizedCap: cap(finalized),
		PageObjects: *npages + len(Registry.pages),
		IndexNodes:  len(Index), QueueNodes: len(Queue), QueueCap: cap(Queue),
		RegistryRetained: uint64(len(Registry.pages)) * uint64(unsafe.Sizeof(page{})),
	}
	f, err := os.Create(filepath.Join(*out, "heap.dump"))
	if err != nil {
		panic(err)
	}
	runtime.GC()
	debug.SetGCPercent(-1)
	after(128)
	runtime.ReadMemStats(&Stats)
	c.HeapAlloc, c.HeapObjects = Stats.HeapAlloc, Stats.HeapObjects
	c.AfterGC = len(After)
	c.AfterRetained = uint64(cap(After))*8 + uint64(len(After))*uint64(unsafe.Sizeof(node{}))
	c.NodeObjects = *nnodes + len(After) + len(Index) + len(Queue)
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
