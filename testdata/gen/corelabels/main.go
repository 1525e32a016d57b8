// Command corelabels runs goroutines under known pprof labels (pprof.Do,
// pprof.SetGoroutineLabels, and children that inherit their creator's
// labels) beside goroutines without any, writes the goroutine profile
// (debug=1 text and debug=0 proto: Go's own account of each goroutine's
// labels) and sleeps, so that generate-corelabels.sh can take a core of
// it with gcore.  counts.json holds what it built.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

var never = make(chan int) // never sent to: receivers block forever

//go:noinline
func labeledWorker() { <-never }

//go:noinline
func plainWorker() { <-never }

//go:noinline
func selfLabeled() { <-never }

//go:noinline
func inheritedChild() { <-never }

//go:noinline
func parent(started chan<- bool) {
	go inheritedChild()
	started <- true
	<-never
}

type counts struct {
	Labeled    int `json:"labeled"`    // per tenant, under pprof.Do
	Plain      int `json:"plain"`      // without labels
	Self       int `json:"self"`       // pprof.SetGoroutineLabels in the goroutine
	Inherited  int `json:"inherited"`  // children of a labeled parent
	Goroutines int `json:"goroutines"` // runtime.NumGoroutine() when the profiles were written
	Pid        int `json:"pid"`
}

func main() {
	out := flag.String("out", ".", "directory for the profiles and counts.json")
	flag.Parse()
	c := counts{Labeled: 3, Plain: 4, Self: 2, Inherited: 1, Pid: os.Getpid()}
	started := make(chan bool)
	for _, tenant := range []string{"acme", "globex"} {
		for i := 0; i < c.Labeled; i++ {
			go pprof.Do(context.Background(),
				pprof.Labels("tenant", tenant, "worker", "queue"),
				func(context.Context) { started <- true; labeledWorker() })
		}
	}
	for i := 0; i < c.Plain; i++ {
		go func() { started <- true; plainWorker() }()
	}
	for i := 0; i < c.Self; i++ {
		go func() {
			ctx := pprof.WithLabels(context.Background(), pprof.Labels("role", "self", "a-key", "with \"quotes\""))
			pprof.SetGoroutineLabels(ctx)
			started <- true
			selfLabeled()
		}()
	}
	go pprof.Do(context.Background(), pprof.Labels("role", "parent"),
		func(context.Context) { parent(started) })
	for i := 0; i < 2*c.Labeled+c.Plain+c.Self+1; i++ {
		<-started
	}
	time.Sleep(200 * time.Millisecond) // every goroutine reaches its receive
	c.Goroutines = runtime.NumGoroutine()
	write := func(name string, debug int) {
		f, err := os.Create(filepath.Join(*out, name))
		if err != nil {
			panic(err)
		}
		if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
			panic(err)
		}
		f.Close()
	}
	write("goroutine-debug1.txt", 1)
	write("goroutine.pb.gz", 0)
	js, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(js, '\n'), 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Hour)
}
