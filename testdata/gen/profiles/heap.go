package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Allocation sites with exact, known totals. Every object size below is an
// exact Go size class, so the profile records the size asked for. The
// holders are fixed-size global arrays (in the data segment, not on the
// heap), so the sites allocate nothing but the objects themselves.
const (
	growCount   = 1000
	growSize    = 4096
	inlineCount = 300
	inlineSize  = 256
	recurseCall = 200
	recurseSize = 512
	// recurseDepth is the argument of the outer call: recurse(5) .. recurse(0)
	// puts 6 main.recurse frames on the stack; depth 0 allocates.
	recurseDepth = 5
	churnCount   = 5000
	churnSize    = 1024
	churnKeepOne = 10 // keep every 10th object, the rest is garbage
)

var (
	grown     [growCount][]byte
	records   [inlineCount][]byte
	recursed  [recurseCall][]byte
	churnKept [churnCount / churnKeepOne][]byte
	churnSink []byte
)

// grow allocates growCount objects of growSize bytes, all kept alive.
//
//go:noinline
func grow() {
	for i := range grown {
		grown[i] = make([]byte, growSize)
	}
}

// newRecord is small enough to be inlined (checked with -gcflags=-m), so
// its allocation has a location with two lines: main.newRecord inlined
// into main.inlineCaller.
func newRecord() []byte {
	return make([]byte, inlineSize)
}

//go:noinline
func inlineCaller() {
	for i := range records {
		records[i] = newRecord()
	}
}

// recurse allocates only at depth 0, so each sample has the function
// recurseDepth+1 times on its stack: cum must count it once.
//
//go:noinline
func recurse(depth, slot int) {
	if depth == 0 {
		recursed[slot] = make([]byte, recurseSize)
		return
	}
	recurse(depth-1, slot)
}

//go:noinline
func recurseMany() {
	for i := 0; i < recurseCall; i++ {
		recurse(recurseDepth, i)
	}
}

// churn allocates churnCount objects and keeps one in churnKeepOne; the
// others become garbage, so inuse != alloc after a GC.
//
//go:noinline
func churn() {
	for i := 0; i < churnCount; i++ {
		b := make([]byte, churnSize)
		if i%churnKeepOne == 0 {
			churnKept[i/churnKeepOne] = b
		} else {
			churnSink = b
		}
	}
	churnSink = nil
}

func heapWorkload() {
	// No GC until the sites are done: a GC assist inside a site can
	// allocate a runtime object (a sudog, in gcMarkDone) whose sample the
	// profile writer charges to the site, since it hides leaf runtime frames.
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	grow()
	inlineCaller()
	recurseMany()
	churn()
	// Publish the profile: allocations and frees up to this GC's mark
	// termination become visible once its sweep is done.
	runtime.GC()
}

type heapSite struct {
	Function      string   `json:"function"`
	Frames        []string `json:"leaf_location_lines"`
	Caller        string   `json:"caller"`
	FramesOnStack int      `json:"frames_of_function_on_stack"`
	ObjectSize    int64    `json:"object_size"`
	AllocObjects  int64    `json:"alloc_objects"`
	AllocBytes    int64    `json:"alloc_space"`
	InuseObjects  int64    `json:"inuse_objects"`
	InuseBytes    int64    `json:"inuse_space"`
}

func heapSites() []heapSite {
	site := func(fn string, frames []string, caller string, onStack int, size, allocs, kept int64) heapSite {
		return heapSite{fn, frames, caller, onStack, size, allocs, allocs * size, kept, kept * size}
	}
	return []heapSite{
		site("main.grow", []string{"main.grow"}, "main.heapWorkload", 1, growSize, growCount, growCount),
		site("main.newRecord", []string{"main.newRecord", "main.inlineCaller"}, "main.heapWorkload", 1, inlineSize, inlineCount, inlineCount),
		site("main.recurse", []string{"main.recurse"}, "main.recurseMany", recurseDepth+1, recurseSize, recurseCall, recurseCall),
		site("main.churn", []string{"main.churn"}, "main.heapWorkload", 1, churnSize, churnCount, churnCount/churnKeepOne),
	}
}

// mainFrames returns the leading frames of stk, starting at the first
// main.* function, with inlined frames expanded.
func mainFrames(stk []uintptr) []string {
	var out []string
	frames := runtime.CallersFrames(stk)
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "main.") || len(out) > 0 {
			out = append(out, f.Function)
		}
		if !more {
			return out
		}
	}
}

// checkHeap compares the runtime's own memory profile records with the
// known sites, so a run whose counts are off fails instead of writing
// wrong expectations.
func checkHeap(sites []heapSite) error {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+50)
		var ok bool
		n, ok = runtime.MemProfile(recs, true)
		if ok {
			recs = recs[:n]
			break
		}
	}
	for _, s := range sites {
		var allocObj, allocB, inObj, inB int64
		depth := -1
		var seen, firstFrames []string
		for _, r := range recs {
			fr := mainFrames(r.Stack())
			if len(fr) < len(s.Frames) || fr[0] != s.Function {
				continue
			}
			seen = append(seen, fmt.Sprintf("\n\t%d objects %d bytes: %v", r.AllocObjects, r.AllocBytes, allFrames(r.Stack())))
			allocObj += r.AllocObjects
			allocB += r.AllocBytes
			inObj += r.InUseObjects()
			inB += r.InUseBytes()
			d := 0
			for _, f := range fr {
				if f == s.Function {
					d++
				}
			}
			depth = d
			// the leaf location's lines, then the first frame of another function
			firstFrames = append([]string(nil), fr[:len(s.Frames)]...)
			for _, f := range fr[len(s.Frames):] {
				if f != s.Function {
					firstFrames = append(firstFrames, f)
					break
				}
			}
		}
		if len(seen) != 1 || strings.Join(firstFrames, " ") != strings.Join(append(s.Frames, s.Caller), " ") ||
			allocObj != s.AllocObjects || allocB != s.AllocBytes || inObj != s.InuseObjects || inB != s.InuseBytes || depth != s.FramesOnStack {
			return fmt.Errorf("heap site %s: got alloc %d/%d inuse %d/%d frames %d, want alloc %d/%d inuse %d/%d frames %d; records:%s",
				s.Function, allocObj, allocB, inObj, inB, depth,
				s.AllocObjects, s.AllocBytes, s.InuseObjects, s.InuseBytes, s.FramesOnStack, strings.Join(seen, ""))
		}
	}
	return nil
}

// allFrames names every frame of stk, inlined ones included.
func allFrames(stk []uintptr) []string {
	var out []string
	frames := runtime.CallersFrames(stk)
	for {
		f, more := frames.Next()
		out = append(out, f.Function)
		if !more {
			return out
		}
	}
}
