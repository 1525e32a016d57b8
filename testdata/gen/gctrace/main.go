// Command gctrace is run under GODEBUG=gctrace=1 to write the logs in
// testdata/gctrace/ (see testdata/gen/generate-gctrace.sh).
//
//	GODEBUG=gctrace=1 gctrace -mode leak   2>leak.log   >leak.counts.json
//	GODEBUG=gctrace=1 gctrace -mode steady 2>steady.log >steady.counts.json
//
// Both modes churn 1 MiB of short-lived garbage per step (so the runtime
// collects on its own) for `steps` steps and call runtime.GC() every
// `forceEvery` steps.  In leak mode every step also keeps 256 KiB in a
// global slice that is never cleared: the live heap grows by 64 MiB over
// the run.  At the end one more runtime.GC() makes every collection
// complete, and the program prints what the runtime counted
// (runtime.MemStats NumGC and NumForcedGC, each a line of the log) and
// the bytes it keeps.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

const (
	steps      = 256
	forceEvery = 64
	keepPer    = 256 << 10
	churnPer   = 1 << 20
)

var (
	kept [][]byte
	sink []byte
)

func main() {
	mode := flag.String("mode", "", "leak or steady")
	flag.Parse()
	if *mode != "leak" && *mode != "steady" {
		fmt.Fprintln(os.Stderr, "usage: gctrace -mode leak|steady")
		os.Exit(2)
	}
	forced := 0
	for i := 1; i <= steps; i++ {
		for j := 0; j < churnPer/(16<<10); j++ {
			sink = make([]byte, 16<<10)
		}
		if *mode == "leak" {
			kept = append(kept, make([]byte, keepPer))
		}
		if i%forceEvery == 0 {
			runtime.GC()
			forced++
		}
		time.Sleep(2 * time.Millisecond)
	}
	runtime.GC()
	forced++
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out, _ := json.MarshalIndent(map[string]interface{}{
		"go_version":    runtime.Version(),
		"mode":          *mode,
		"steps":         steps,
		"num_gc":        ms.NumGC,
		"num_forced_gc": ms.NumForcedGC,
		"forced_calls":  forced,
		"kept_bytes":    len(kept) * keepPer,
	}, "", "  ")
	fmt.Println(string(out))
}
