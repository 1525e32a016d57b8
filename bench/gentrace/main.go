// Command gentrace writes a big Go execution trace (old wire format when
// built with Go <= 1.21) for bench/run-trace: a busy service in miniature
// -- channel ping-pong, a contended mutex, short sleeps, request
// goroutines created and ended, a slow leak of goroutines stuck in select,
// allocation enough for GCs -- traced until the file reaches -size bytes.
//
//	gentrace -o trace.out -size 200000000
//
// Prints what it did as key=value lines (bytes, goroutines started and
// leaked, elapsed seconds).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

var stop atomic.Bool
var started, leaked atomic.Int64
var sink [][]byte

func pingPong(a, b chan int) {
	for !stop.Load() {
		a <- 1
		<-b
	}
}

func pong(a, b chan int) {
	for {
		<-a
		b <- 1
	}
}

func contend(mu *sync.Mutex, n *int) {
	for !stop.Load() {
		mu.Lock()
		*n++
		mu.Unlock()
		runtime.Gosched()
	}
}

func request(i int, never chan int, done *sync.WaitGroup) {
	defer done.Done()
	buf := make([]byte, 256+i%4096)
	sink[i%len(sink)] = buf
	if i%1000 == 0 {
		leaked.Add(1)
		done.Done()
		<-never // leaked: never returns
	}
	if i%100 == 0 {
		time.Sleep(time.Duration(i%7) * time.Microsecond)
	} else {
		runtime.Gosched()
	}
}

func main() {
	out := flag.String("o", "trace.out", "output file")
	size := flag.Int64("size", 200_000_000, "stop tracing once the file has this many bytes")
	flag.Parse()
	runtime.GOMAXPROCS(4)
	sink = make([][]byte, 4096)
	f, err := os.Create(*out)
	if err != nil {
		panic(err)
	}
	t0 := time.Now()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		a, b := make(chan int), make(chan int)
		go pingPong(a, b)
		go pong(a, b)
	}
	var mu sync.Mutex
	shared := 0
	for i := 0; i < 4; i++ {
		go contend(&mu, &shared)
	}
	never := make(chan int)
	for i := 0; !stop.Load(); i++ {
		var wg sync.WaitGroup
		for k := 0; k < 200; k++ {
			wg.Add(1)
			started.Add(1)
			go request(i*200+k, never, &wg)
		}
		wg.Wait()
		if st, err := f.Stat(); err == nil && st.Size() >= *size {
			stop.Store(true)
		}
	}
	trace.Stop()
	f.Close()
	st, _ := os.Stat(*out)
	fmt.Printf("bytes=%d\ngoroutines_started=%d\nleaked=%d\nseconds=%.1f\n", st.Size(),
		started.Load(), leaked.Load(), time.Since(t0).Seconds())
}
