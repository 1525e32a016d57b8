// Command corecgo is a program built with cgo (dynamically linked against
// libc) for the cores of generate-corecgo.sh: goroutines parked in Go
// (channel receive, sync.Cond.Wait, sleep), goroutines
// blocked inside a C call (pthread_cond_wait through cgo: state syscall),
// goroutines spinning in Go (running when the core is taken, once
// released: they run under GODEBUG=asyncpreemptoff=1) and a thread
// created by C that never enters Go.  It prints runtime.Stack(all) to
// stack.txt, writes counts.json and a heap dump, prints "ready", then
// waits for the file "go" in its -out directory and calls
// debug.SetGCPercent, whose systemstack part generate-corecgo.sh stops
// at with gdb: there the printing goroutine runs on its thread's g0
// stack.  The script takes a gcore at that moment, then delivers SIGQUIT
// to the same thread (GOTRACEBACK=crash): the runtime prints every
// goroutine (crash.txt) and the kernel writes its core.
package main

/*
#include <pthread.h>
#include <signal.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

// Blocks the calling thread for good.
static void block_forever(void) {
	pthread_mutex_lock(&mu);
	for (;;)
		pthread_cond_wait(&never, &mu);
}

static void *c_thread(void *arg) {
	sigset_t all;
	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, 0);   // signals are the Go threads' business
	block_forever();
	return 0;
}

// A thread created by C, unknown to the Go runtime.
static int start_c_thread(void) {
	pthread_t t;
	return pthread_create(&t, 0, c_thread, 0);
}
*/
import "C"

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// node is a heap object with pointers, kept by Kept.
type node struct {
	next *node
	data []byte
}

// Kept holds -nodes linked nodes, each with its own buffer: a heap to
// find in the core with its pointers.
var Kept []*node

// Stats is the program's runtime.MemStats read just before the heap dump.
var Stats runtime.MemStats

var (
	nothing = make(chan int) // never sent on: receivers block forever
	cond    = sync.NewCond(&sync.Mutex{})
	ids     sync.Map // role -> []int64 goroutine ids
	idsMu   sync.Mutex
	spins   uint64
	// release lets the spinners spin; spinning counts those that do
	release  uint32
	spinning int32
)

// goid of the calling goroutine, from the header of its own stack text.
func goid() int64 {
	var b [64]byte
	n := runtime.Stack(b[:], false)
	f := bytes.Fields(b[:n])
	id, _ := strconv.ParseInt(string(f[1]), 10, 64)
	return id
}

func note(role string) {
	idsMu.Lock()
	defer idsMu.Unlock()
	v, _ := ids.Load(role)
	l, _ := v.([]int64)
	ids.Store(role, append(l, goid()))
}

//go:noinline
func receiver() int {
	return <-nothing
}

//go:noinline
func condWaiter() {
	cond.L.Lock()
	for {
		cond.Wait() // never signalled
	}
}

//go:noinline
func inC(started *sync.WaitGroup) {
	note("in_c")
	started.Done()
	C.block_forever()
}

//go:noinline
func spin(started *sync.WaitGroup) {
	note("running")
	started.Done()
	for atomic.LoadUint32(&release) == 0 {
		time.Sleep(time.Millisecond)
	}
	atomic.AddInt32(&spinning, 1)
	// No call: under GODEBUG=asyncpreemptoff=1 nothing preempts this
	// loop, so it is still running when the runtime prints the crash.
	for {
		spins++
	}
}

type counts struct {
	ChanReceive int     `json:"chan_receive"`
	CondWait    int     `json:"cond_wait"`
	InC         []int64 `json:"in_c"`    // goroutines blocked in C (syscall)
	Running     []int64 `json:"running"` // goroutines spinning in Go
	Printer     int64   `json:"printer"` // the goroutine on g0 when the core is taken
	Goroutines  int     `json:"goroutines"`
	Gomaxprocs  int     `json:"gomaxprocs"`
	// runtime.MemStats read just before the heap dump
	HeapAlloc   uint64 `json:"heap_alloc"`
	HeapObjects uint64 `json:"heap_objects"`
	Pid         int    `json:"pid"`
}

func main() {
	out := flag.String("out", ".", "directory for stack.txt, counts.json and heap.dump")
	nrecv := flag.Int("receive", 3, "goroutines blocked in a channel receive")
	nwait := flag.Int("wait", 2, "goroutines waiting on a sync.Cond")
	nc := flag.Int("c", 2, "goroutines blocked in C")
	nspin := flag.Int("spin", 2, "goroutines spinning in Go")
	nnodes := flag.Int("nodes", 3000, "linked nodes kept in Kept")
	flag.Parse()
	debug.SetGCPercent(10)
	var prev *node
	for i := 0; i < *nnodes; i++ {
		prev = &node{next: prev, data: make([]byte, 16+i%64)}
		Kept = append(Kept, prev)
	}
	if C.start_c_thread() != 0 {
		panic("pthread_create")
	}
	for i := 0; i < *nrecv; i++ {
		go receiver()
	}
	for i := 0; i < *nwait; i++ {
		go condWaiter()
	}
	var started sync.WaitGroup
	started.Add(*nc + *nspin)
	for i := 0; i < *nc; i++ {
		go inC(&started)
	}
	for i := 0; i < *nspin; i++ {
		go spin(&started)
	}
	started.Wait()
	go report(*out, *nrecv, *nwait, 2+*nrecv+*nwait+*nc+*nspin)
	time.Sleep(time.Hour)
}

//go:noinline
func report(out string, nrecv, nwait, all int) {
	for runtime.NumGoroutine() < all {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	if err := os.WriteFile(filepath.Join(out, "stack.txt"), buf[:n], 0o644); err != nil {
		panic(err)
	}
	c := counts{ChanReceive: nrecv, CondWait: nwait, Printer: goid(),
		Goroutines: runtime.NumGoroutine(), Gomaxprocs: runtime.GOMAXPROCS(0), Pid: os.Getpid()}
	for _, r := range []struct {
		role string
		to   *[]int64
	}{{"in_c", &c.InC}, {"running", &c.Running}} {
		v, _ := ids.Load(r.role)
		*r.to, _ = v.([]int64)
	}
	f, err := os.Create(filepath.Join(out, "heap.dump"))
	if err != nil {
		panic(err)
	}
	// the heap of the dump is the core's but for what is allocated after
	runtime.GC()
	debug.SetGCPercent(-1)
	runtime.ReadMemStats(&Stats)
	c.HeapAlloc, c.HeapObjects = Stats.HeapAlloc, Stats.HeapObjects
	debug.WriteHeapDump(f.Fd())
	f.Close()
	js, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "counts.json"), append(js, '\n'), 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	gofile := filepath.Join(out, "go")
	for {
		if _, err := os.Stat(gofile); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The spinners that can run beside this goroutine start spinning.
	atomic.StoreUint32(&release, 1)
	want := runtime.GOMAXPROCS(0) - 1
	if want > len(c.Running) {
		want = len(c.Running)
	}
	for atomic.LoadInt32(&spinning) < int32(want) {
		runtime.Gosched()
	}
	debug.SetGCPercent(-1) // on the system stack: gdb stops here
}
