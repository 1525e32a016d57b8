// Command locks writes the profiles of an RWMutex whose writer starves its
// readers, for `heapscope blocking` (lock sites, the CPU inside a critical
// section):
//
//	(a) a store read by Readers goroutines through (*store).get (RLock,
//	    a map lookup, RUnlock) and rebuilt Rounds times by (*store).refresh:
//	    it shuffles a fresh copy of the items outside the lock, then calls
//	    (*store).snapshot, which takes the write Lock and sorts the whole
//	    slice (sort.Sort, Items elements) before Unlock.  Readers pile up
//	    in RLock behind the sort;
//	(b) a registry with its own RWMutex, (*registry).lookup (RLock) and
//	    (*registry).register (Lock), lightly contended: a second lock site
//	    that must not be linked to the first.
//
// Files: block.pb.gz, mutex.pb.gz (SetBlockProfileRate(1),
// SetMutexProfileFraction(1)), cpu.pb.gz (the whole workload),
// goroutine.txt (debug=2, taken while the writer sorts under the lock and
// every reader waits in RLock), counts.json.  Go 1.19, stdlib only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	Readers   = 12
	Items     = 200000
	Rounds    = 12
	LastItems = 2000000 // the round the dump is taken in sorts longer
	Lookups   = 4
)

type item struct {
	key, val int
}

type byKey []item

func (b byKey) Len() int           { return len(b) }
func (b byKey) Less(i, j int) bool { return b[i].key < b[j].key }
func (b byKey) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

type store struct {
	mu    sync.RWMutex
	items []item
}

// get is the read path: a binary search under the read lock.
func (s *store) get(k int) int {
	s.mu.RLock()
	i := sort.Search(len(s.items), func(i int) bool { return s.items[i].key >= k })
	v := 0
	if i < len(s.items) {
		v = s.items[i].val
	}
	s.mu.RUnlock()
	return v
}

// snapshot is the bug: it sorts the whole slice while holding the write lock.
// A non-nil held is closed once the lock is held.
func (s *store) snapshot(fresh []item, held chan struct{}) {
	s.mu.Lock()
	if held != nil {
		close(held)
	}
	s.items = fresh
	sort.Sort(byKey(s.items))
	s.mu.Unlock()
}

// refresh builds the next contents outside the lock, then installs them.
func (s *store) refresh(rng *rand.Rand, n int, held chan struct{}) {
	fresh := make([]item, n)
	for i := range fresh {
		fresh[i] = item{key: rng.Intn(n * 4), val: i}
	}
	s.snapshot(fresh, held)
}

type registry struct {
	mu    sync.RWMutex
	names map[string]int
}

func (r *registry) lookup(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.names[name]
}

func (r *registry) register(name string, v int) {
	r.mu.Lock()
	r.names[name] = v
	time.Sleep(200 * time.Microsecond)
	r.mu.Unlock()
}

var sink int64

func reader(s *store, stop *int32, wg *sync.WaitGroup, seed int64) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for atomic.LoadInt32(stop) == 0 {
		atomic.AddInt64(&sink, int64(s.get(rng.Intn(Items*4))))
	}
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "locks: "+format+"\n", a...)
	os.Exit(1)
}

func write(path string, f func(*os.File) error) {
	out, err := os.Create(path)
	if err == nil {
		err = f(out)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fail("%v", err)
	}
}

// waitingInRLock counts the goroutines whose stack shows s.get blocked in
// RLock, from the runtime's own all-goroutine traceback.
func waitingInRLock() int {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		t := string(g)
		if strings.Contains(t, "sync.(*RWMutex).RLock") && strings.Contains(t, "main.(*store).get") {
			n++
		}
	}
	return n
}

func registryLoad(r *registry, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 200; i++ {
		if i%20 == 0 {
			r.register(fmt.Sprint("svc", i), i)
		}
		atomic.AddInt64(&sink, int64(r.lookup(fmt.Sprint("svc", i%Lookups))))
	}
}

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail("%v", err)
	}
	cpu, err := os.Create(filepath.Join(*out, "cpu.pb.gz"))
	if err != nil {
		fail("%v", err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fail("%v", err)
	}
	rng := rand.New(rand.NewSource(1))
	s := &store{}
	s.refresh(rng, Items, nil)
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < Readers; i++ {
		wg.Add(1)
		go reader(s, &stop, &wg, int64(i+2))
	}
	reg := &registry{names: map[string]int{}}
	var rwg sync.WaitGroup
	for i := 0; i < 4; i++ {
		rwg.Add(1)
		go registryLoad(reg, &rwg)
	}
	for r := 0; r < Rounds; r++ {
		s.refresh(rng, Items, nil)
		time.Sleep(20 * time.Millisecond)
	}
	rwg.Wait()

	// The last round: the dump is taken while snapshot sorts under the
	// lock and every reader waits in RLock.
	held := make(chan struct{})
	done := make(chan struct{})
	go func() {
		s.refresh(rng, LastItems, held)
		close(done)
	}()
	<-held
	waiting := 0
	for i := 0; i < 200 && waiting < Readers; i++ {
		time.Sleep(2 * time.Millisecond)
		waiting = waitingInRLock()
	}
	if waiting != Readers {
		fail("%d readers in RLock at the dump, want %d", waiting, Readers)
	}
	var dump bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&dump, 2); err != nil {
		fail("%v", err)
	}
	select {
	case <-done:
		fail("the writer finished before the dump was taken")
	default:
	}
	if !strings.Contains(dump.String(), "sort.Sort(") {
		fail("the dump does not show the writer in sort.Sort")
	}
	write(filepath.Join(*out, "goroutine.txt"), func(f *os.File) error {
		_, err := f.Write(dump.Bytes())
		return err
	})
	<-done
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	pprof.StopCPUProfile()
	if err := cpu.Close(); err != nil {
		fail("%v", err)
	}
	for _, name := range []string{"block", "mutex"} {
		write(filepath.Join(*out, name+".pb.gz"), func(f *os.File) error {
			return pprof.Lookup(name).WriteTo(f, 0)
		})
	}
	counts := map[string]interface{}{
		"go_version": runtime.Version(),
		"store": map[string]interface{}{
			"site":              "main.(*store)",
			"readers":           Readers,
			"reader":            "main.(*store).get",
			"writer":            "main.(*store).snapshot",
			"under_lock":        "sort.Sort",
			"outside_lock":      "main.(*store).refresh",
			"rounds":            Rounds + 2,
			"items":             Items,
			"last_items":        LastItems,
			"readers_in_dump":   waiting,
			"writers_in_dump":   1,
			"writer_dump_state": "runnable",
		},
		"registry": map[string]interface{}{
			"site":   "main.(*registry)",
			"reader": "main.(*registry).lookup",
			"writer": "main.(*registry).register",
		},
	}
	b, _ := json.MarshalIndent(counts, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(b, '\n'), 0o644); err != nil {
		fail("%v", err)
	}
}
