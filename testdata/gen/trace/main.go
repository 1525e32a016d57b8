// Command trace writes Go execution traces of known behaviour for
// `heapscope trace` (tests/conformance/check_trace.py), and counts.json
// with what the program itself counted: goroutines started at each site,
// how many of them returned before trace.Stop, and the waits it caused.
//
//	leak:     N workers started by spawnLeaky; M of them block forever in
//	          a select, the others return.
//	chansend: senders block on an unbuffered channel until a reader drains it.
//	mutex:    goroutines contend on one sync.Mutex.
//	sleep:    goroutines sleep.
//	net:      a TCP echo over loopback (network waits, syscalls).
package main

import (
	"encoding/json"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

type counts struct {
	Site    string `json:"site"`    // the started function
	Created int64  `json:"created"` // go statements executed at the site
	Ended   int64  `json:"ended"`   // goroutines of the site that returned
	Alive   int64  `json:"alive"`   // created - ended when the trace stopped
}

var created, ended atomic.Int64

func track() func() {
	return func() { ended.Add(1) }
}

// leakyWorker returns when its job says so, else blocks forever.
func leakyWorker(leak bool, never chan int, quit chan struct{}) {
	defer track()()
	if !leak {
		return
	}
	select {
	case <-never:
	case <-quit:
	}
}

func spawnLeaky(n, m int, never chan int, quit chan struct{}) {
	for i := 0; i < n; i++ {
		created.Add(1)
		go leakyWorker(i < m, never, quit)
	}
}

func sender(ch chan int, wg *sync.WaitGroup, v int) {
	defer track()()
	defer wg.Done()
	ch <- v
}

func contender(mu *sync.Mutex, wg *sync.WaitGroup, shared *int) {
	defer track()()
	defer wg.Done()
	for i := 0; i < 20; i++ {
		mu.Lock()
		*shared++
		time.Sleep(50 * time.Microsecond) // holding the lock: the others block in sync
		mu.Unlock()
	}
}

func sleeper(d time.Duration, wg *sync.WaitGroup) {
	defer track()()
	defer wg.Done()
	time.Sleep(d)
}

func echoConn(c net.Conn) {
	defer track()()
	defer c.Close()
	io.Copy(c, c)
}

func run(mode string) counts {
	switch mode {
	case "leak":
		never, quit := make(chan int), make(chan struct{})
		spawnLeaky(300, 40, never, quit)
		time.Sleep(50 * time.Millisecond)
		return counts{Site: "main.leakyWorker"}
	case "chansend":
		ch := make(chan int)
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			created.Add(1)
			go sender(ch, &wg, i)
		}
		time.Sleep(10 * time.Millisecond)
		for i := 0; i < 50; i++ {
			<-ch
			time.Sleep(100 * time.Microsecond)
		}
		wg.Wait()
		return counts{Site: "main.sender"}
	case "mutex":
		var mu sync.Mutex
		var wg sync.WaitGroup
		shared := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			created.Add(1)
			go contender(&mu, &wg, &shared)
		}
		wg.Wait()
		return counts{Site: "main.contender"}
	case "sleep":
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			created.Add(1)
			go sleeper(time.Duration(i+1)*time.Millisecond, &wg)
		}
		wg.Wait()
		return counts{Site: "main.sleeper"}
	case "net":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		done := make(chan struct{})
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					close(done)
					return
				}
				created.Add(1)
				go echoConn(c)
			}
		}()
		for i := 0; i < 10; i++ {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			buf := make([]byte, 64)
			for k := 0; k < 5; k++ {
				c.Write([]byte("hello heapscope"))
				c.Read(buf)
				time.Sleep(200 * time.Microsecond)
			}
			c.Close()
		}
		time.Sleep(5 * time.Millisecond)
		ln.Close()
		<-done
		time.Sleep(5 * time.Millisecond)
		return counts{Site: "main.echoConn"}
	}
	panic("unknown mode " + mode)
}

func main() {
	mode := flag.String("mode", "leak", "leak, chansend, mutex, sleep or net")
	out := flag.String("out", ".", "directory for MODE.trace and MODE.counts.json")
	flag.Parse()
	runtime.GOMAXPROCS(2)
	f, err := os.Create(filepath.Join(*out, *mode+".trace"))
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	c := run(*mode)
	// Let returning goroutines reach their end before counting.
	time.Sleep(5 * time.Millisecond)
	// Counted before Stop: the trace ends here, and so does "alive".
	c.Created, c.Ended = created.Load(), ended.Load()
	trace.Stop()
	f.Close()
	c.Alive = c.Created - c.Ended
	b, _ := json.MarshalIndent(c, "", "  ")
	os.WriteFile(filepath.Join(*out, *mode+".counts.json"), append(b, '\n'), 0o644)
}
