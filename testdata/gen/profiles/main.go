// Command profiles writes heapscope's own test profiles, with known counts.
//
//	go run ./profiles -out DIR
//
// It writes heap.pb.gz, heap.pb (not gzipped), allocs.pb.gz, goroutine.pb.gz,
// goroutine-debug1.txt, goroutine-debug2.txt, block.pb.gz, mutex.pb.gz,
// cpu.pb.gz, threadcreate.pb.gz and counts.json into DIR. Each workload checks
// the runtime's own records against the known counts and the program fails
// rather than write a profile whose counts are off.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

type counts struct {
	GoVersion    string             `json:"go_version"`
	GOOS         string             `json:"goos"`
	GOARCH       string             `json:"goarch"`
	Heap         heapCounts         `json:"heap"`
	Goroutine    goroutineCounts    `json:"goroutine"`
	Block        contentionCounts   `json:"block"`
	Mutex        contentionCounts   `json:"mutex"`
	CPU          cpuCounts          `json:"cpu"`
	Threadcreate threadcreateCounts `json:"threadcreate"`
}

type heapCounts struct {
	Files          []string   `json:"files"`
	MemProfileRate int        `json:"mem_profile_rate"`
	Sites          []heapSite `json:"sites"`
	Note           string     `json:"note"`
}

type goroutineCounts struct {
	Files  []string         `json:"files"`
	Total  int              `json:"total"`
	Groups []goroutineGroup `json:"groups"`
	Note   string           `json:"note"`
}

type contentionCounts struct {
	Files []string         `json:"files"`
	Rate  int              `json:"rate"`
	Sites []contentionSite `json:"sites"`
	Note  string           `json:"note"`
}

type cpuSite struct {
	Function   string            `json:"function"`
	Labels     map[string]string `json:"labels"`
	DurationNs int64             `json:"duration_ns"`
	Share      float64           `json:"expected_share"`
}

type cpuCounts struct {
	Files    []string  `json:"files"`
	PeriodNs int64     `json:"period_ns"`
	Sites    []cpuSite `json:"sites"`
	Note     string    `json:"note"`
}

type threadcreateCounts struct {
	Files         []string `json:"files"`
	ObservedCount int      `json:"observed_count"`
	Note          string   `json:"note"`
}

var outDir string

func writeFile(name string, data []byte) error {
	return os.WriteFile(filepath.Join(outDir, name), data, 0o644)
}

func writeProfile(name string, p *pprof.Profile, debug int) error {
	var buf bytes.Buffer
	if err := p.WriteTo(&buf, debug); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return writeFile(name, buf.Bytes())
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func run() error {
	c := counts{GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}

	// Heap: allocations with exact sampling, published by a GC.
	heapWorkload()
	sites := heapSites()
	if err := checkHeap(sites); err != nil {
		return err
	}
	var heap bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&heap, 0); err != nil {
		return err
	}
	raw, err := gunzip(heap.Bytes())
	if err != nil {
		return err
	}
	if err := writeFile("heap.pb.gz", heap.Bytes()); err != nil {
		return err
	}
	if err := writeFile("heap.pb", raw); err != nil {
		return err
	}
	if err := writeProfile("allocs.pb.gz", pprof.Lookup("allocs"), 0); err != nil {
		return err
	}
	c.Heap = heapCounts{
		Files:          []string{"heap.pb.gz", "heap.pb", "allocs.pb.gz"},
		MemProfileRate: runtime.MemProfileRate,
		Sites:          sites,
		Note: "sites are keyed by the first main.* frame of the sample; object sizes are exact size classes; " +
			"other samples (runtime, flag, os) exist too; allocs.pb.gz holds the same data as heap.pb.gz with alloc_space as default",
	}

	// Goroutines: 170 parked at three known sites, plus main.
	groups := goroutineGroups()
	startGoroutines()
	if err := waitParked(groups); err != nil {
		return err
	}
	total := runtime.NumGoroutine()
	if err := writeGoroutineProfiles(func(name string, debug int, p *pprof.Profile) error {
		return writeProfile(name, p, debug)
	}); err != nil {
		return err
	}
	if err := releaseGoroutines(); err != nil {
		return err
	}
	c.Goroutine = goroutineCounts{
		Files:  []string{"goroutine.pb.gz", "goroutine-debug1.txt", "goroutine-debug2.txt"},
		Total:  total,
		Groups: groups,
		Note:   "total includes the main goroutine, which is running (writing the profile) and has no labels",
	}

	// Block and mutex contention.
	if err := contentionWorkload(); err != nil {
		return err
	}
	if err := checkContention("block", runtime.BlockProfile, blockSites()); err != nil {
		return err
	}
	if err := checkContention("mutex", runtime.MutexProfile, mutexSites()); err != nil {
		return err
	}
	if err := writeProfile("block.pb.gz", pprof.Lookup("block"), 0); err != nil {
		return err
	}
	if err := writeProfile("mutex.pb.gz", pprof.Lookup("mutex"), 0); err != nil {
		return err
	}
	runtime.SetMutexProfileFraction(0)
	c.Block = contentionCounts{
		Files: []string{"block.pb.gz"},
		Rate:  1,
		Sites: blockSites(),
		Note:  "contentions are exact; delay varies: each wait lasts roughly approx_delay_ns_each (measured in CPU ticks, so a little under or over)",
	}
	c.Mutex = contentionCounts{
		Files: []string{"mutex.pb.gz"},
		Rate:  1,
		Sites: mutexSites(),
		Note:  "the mutex profile charges the wait to the Unlock that ended it; delay varies",
	}

	// CPU: about 2 s, spinA twice as long as spinB.
	var cpu bytes.Buffer
	if err := pprof.StartCPUProfile(&cpu); err != nil {
		return err
	}
	cpuWorkload()
	pprof.StopCPUProfile()
	if err := writeFile("cpu.pb.gz", cpu.Bytes()); err != nil {
		return err
	}
	tot := float64(spinADuration + spinBDuration)
	c.CPU = cpuCounts{
		Files:    []string{"cpu.pb.gz"},
		PeriodNs: 10000000,
		Sites: []cpuSite{
			{"main.spinA", map[string]string{"worker": "a"}, int64(spinADuration), float64(spinADuration) / tot},
			{"main.spinB", map[string]string{"worker": "b"}, int64(spinBDuration), float64(spinBDuration) / tot},
		},
		Note: "sample counts vary from run to run (about 100 samples per second); only the shares are known",
	}

	tc := pprof.Lookup("threadcreate")
	c.Threadcreate = threadcreateCounts{
		Files:         []string{"threadcreate.pb.gz"},
		ObservedCount: tc.Count(),
		Note:          "the number of OS threads depends on the scheduler; observed_count is this run's",
	}
	if err := writeProfile("threadcreate.pb.gz", tc, 0); err != nil {
		return err
	}

	js, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeFile("counts.json", append(js, '\n'))
}

func main() {
	runtime.MemProfileRate = 1 // exact heap sampling; set before anything else allocates
	flag.StringVar(&outDir, "out", "", "directory to write the profiles into")
	flag.Parse()
	if outDir == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: profiles -out DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "profiles:", err)
		os.Exit(1)
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profiles:", err)
		os.Exit(1)
	}
}
