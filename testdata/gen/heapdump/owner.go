package main

import (
	"runtime"
)

const (
	entryBytes = 64 // each registry entry
	senders    = 25 // goroutines blocked sending on a channel nobody reads
)

type entry struct {
	id  int
	pad [56]byte
}

// registry: a global map most of the heap hangs from; serveRegistry's
// frame holds it too, so two roots reach it.
var registry map[int]*entry

//go:noinline
func fillRegistry(n int) map[int]*entry {
	m := make(map[int]*entry)
	for i := 0; i < n; i++ {
		m[i] = &entry{id: i}
	}
	return m
}

//go:noinline
func serveRegistry(reg map[int]*entry, ready chan<- int, done <-chan struct{}) {
	ready <- goid()
	<-done
	runtime.KeepAlive(reg)
}

//go:noinline
func produce(out chan<- []byte, started chan<- int) {
	msg := make([]byte, 32)
	started <- goid()
	out <- msg // nobody receives: blocked in chan send
}

func ownerScenario(out, name string, n int) {
	registry = fillRegistry(n)
	ready := make(chan int)
	done := make(chan struct{})
	go serveRegistry(registry, ready, done)
	serveGoid := <-ready

	stuck := make(chan []byte)
	started := make(chan int)
	for i := 0; i < senders; i++ {
		go produce(stuck, started)
	}
	ids := make([]int, 0, senders)
	for i := 0; i < senders; i++ {
		ids = append(ids, <-started)
	}
	// let each sender reach its send
	for i := 0; i < 100; i++ {
		runtime.Gosched()
	}

	writeDump(out, name)
	close(done)
	writeCounts(out, name, map[string]interface{}{
		"registry_entries":     n,
		"entry_bytes":          entryBytes,
		"registry_global":      "main.registry",
		"registry_goid":        serveGoid,
		"registry_wait":        "chan receive",
		"chan_send_goroutines": senders,
		"chan_send_function":   "main.produce",
		"chan_send_goids":      ids,
		"created_by":           "main.ownerScenario",
	})
	runtime.KeepAlive(stuck)
}
