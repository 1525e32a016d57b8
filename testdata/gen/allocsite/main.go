// Command allocsite allocates known shapes at known sites with every
// allocation sampled (runtime.MemProfileRate = 1, set first thing; -rate
// sets another rate after the flags), runs two GCs so the runtime
// publishes its memory profile, turns the GC off, and writes at one moment
// its heap profile (pprof.WriteHeapProfile: heap.pb.gz, the oracle) and a
// heap dump (debug.WriteHeapDump: heap.dump), then counts.json: which
// function built how many objects of which size.
//
// The shapes: a global map of sessions, each built by newSession (inlined
// into openSessions: struct and buffer on one line); log lines built by
// fmt.Sprintf in logLines (an own function calling the standard library:
// the allocation's chain is main.logLines -> fmt.Sprintf); a bytes.Buffer
// grown by Write in fillBuffer (the chain main.fillBuffer ->
// bytes.(*Buffer).Write -> bytes.(*Buffer).grow); buffers a parked
// goroutine keeps in its frame (holder); garbage from churn, freed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
)

type session struct {
	id   int
	data []byte
}

// Kept by the program.
var (
	Sessions = map[int]*session{}
	Log      []string
	Buf      *bytes.Buffer
)

const (
	nSessions    = 2000
	sessionBytes = 1024
	nLog         = 20000
	nChunks      = 2048
	chunkBytes   = 256
	nHeld        = 100
	heldBytes    = 4096
	nChurn       = 3000
	churnBytes   = 512
)

func newSession(id int) *session { return &session{id: id, data: make([]byte, sessionBytes)} }

//go:noinline
func openSessions() {
	for i := 0; i < nSessions; i++ {
		Sessions[i] = newSession(i)
	}
}

//go:noinline
func logLines() {
	for i := 0; i < nLog; i++ {
		Log = append(Log, fmt.Sprintf("line %06d", i))
	}
}

//go:noinline
func fillBuffer() {
	Buf = new(bytes.Buffer)
	chunk := bytes.Repeat([]byte{'x'}, chunkBytes)
	for i := 0; i < nChunks; i++ {
		Buf.Write(chunk)
	}
}

// holder keeps nHeld buffers in its frame until quit.
func holder(ready chan<- bool, quit <-chan bool) {
	keep := make([][]byte, 0, nHeld)
	for i := 0; i < nHeld; i++ {
		keep = append(keep, make([]byte, heldBytes))
	}
	ready <- true
	<-quit
	runtime.KeepAlive(keep)
}

var sink []byte

//go:noinline
func churn() {
	for i := 0; i < nChurn; i++ {
		sink = make([]byte, churnBytes)
	}
	sink = nil
}

func main() {
	runtime.MemProfileRate = 1
	out := flag.String("out", ".", "directory for heap.pb.gz, heap.dump and counts.json")
	rate := flag.Int("rate", 1, "runtime.MemProfileRate from here on (1: every allocation)")
	flag.Parse()
	runtime.MemProfileRate = *rate
	prof, err := os.Create(filepath.Join(*out, "heap.pb.gz"))
	if err != nil {
		panic(err)
	}
	dump, err := os.Create(filepath.Join(*out, "heap.dump"))
	if err != nil {
		panic(err)
	}
	openSessions()
	logLines()
	fillBuffer()
	ready, quit := make(chan bool), make(chan bool)
	go holder(ready, quit)
	<-ready
	churn()
	runtime.GC()
	runtime.GC()
	debug.SetGCPercent(-1)
	if err := pprof.WriteHeapProfile(prof); err != nil {
		panic(err)
	}
	prof.Close()
	debug.WriteHeapDump(dump.Fd())
	dump.Close()
	c := []struct {
		k string
		v int
	}{{"sessions", nSessions}, {"session_bytes", sessionBytes}, {"log_lines", nLog},
		{"chunks", nChunks}, {"chunk_bytes", chunkBytes}, {"buffer_bytes", Buf.Cap()},
		{"held", nHeld}, {"held_bytes", heldBytes}, {"churn", nChurn}, {"churn_bytes", churnBytes},
		{"memprofilerate", runtime.MemProfileRate}}
	b := []byte("{\n")
	for _, kv := range c {
		b = append(b, "  \""+kv.k+"\": "+strconv.Itoa(kv.v)+",\n"...)
	}
	// which function built how many objects of which size (the sessions'
	// struct is 32 bytes, its buffer sessionBytes; a log line's string is
	// 11 bytes in a 16-byte object)
	b = append(b, "  \"sites\": {\n"...)
	b = append(b, "    \"main.newSession\": {\"objects\": "+strconv.Itoa(2*nSessions)+
		", \"sizes\": [32, "+strconv.Itoa(sessionBytes)+"]},\n"...)
	b = append(b, "    \"main.logLines\": {\"objects\": "+strconv.Itoa(nLog)+", \"sizes\": [16]},\n"...)
	b = append(b, "    \"main.holder\": {\"objects\": "+strconv.Itoa(nHeld)+
		", \"sizes\": ["+strconv.Itoa(heldBytes)+"]},\n"...)
	b = append(b, "    \"main.churn\": {\"objects\": 0, \"sizes\": ["+strconv.Itoa(churnBytes)+"]}\n"...)
	b = append(b, "  }\n}\n"...)
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), b, 0o644); err != nil {
		panic(err)
	}
	close(quit)
}
