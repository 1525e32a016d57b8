// Command heaptwins writes testdata/pprof/heaptwins/: a heap series of
// three moments, each written twice right after a forced GC, as a
// protobuf profile (heap-N.pb.gz, pprof.Lookup("heap").WriteTo(w, 0)) and
// as its ?debug=1 text (heap-N.txt.gz, WriteTo(w, 1), gzipped, with the MemStats
// trailer whose LastGC is that GC): twins of one moment that only their
// times (time_nanos, LastGC) tell apart from the other moments, which are
// two seconds or more apart.
//
// At moment N main.leak holds N*step bytes in `chunk`-byte blocks.
// counts.json records, per moment, the bytes and blocks main.leak holds
// and the LastGC the runtime reports (runtime.ReadMemStats), which the
// program checks against the text's own trailer before writing.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

var kept [][]byte

//go:noinline
func leak(n, chunk int) {
	for i := 0; i < n; i++ {
		kept = append(kept, make([]byte, chunk))
	}
}

type moment struct {
	File       string `json:"file"`
	Text       string `json:"text"`
	LeakBytes  int    `json:"leak_bytes"`
	LeakBlocks int    `json:"leak_blocks"`
	LastGC     uint64 `json:"last_gc"`
}

var lastGC = regexp.MustCompile(`\n# LastGC = (\d+)\n`)

func write(dir string, n, blocks, chunk int) (moment, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := moment{File: fmt.Sprintf("heap-%d.pb.gz", n), Text: fmt.Sprintf("heap-%d.txt.gz", n),
		LeakBytes: blocks * chunk, LeakBlocks: blocks, LastGC: ms.LastGC}
	for _, debug := range []int{0, 1} {
		var b bytes.Buffer
		if err := pprof.Lookup("heap").WriteTo(&b, debug); err != nil {
			return m, err
		}
		name := m.File
		if debug == 1 {
			name = m.Text
			t := lastGC.FindSubmatch(b.Bytes())
			if t == nil {
				return m, fmt.Errorf("debug=1 profile without LastGC")
			}
			if v, _ := strconv.ParseUint(string(t[1]), 10, 64); v != ms.LastGC {
				return m, fmt.Errorf("LastGC %d in the text, %d from ReadMemStats", v, ms.LastGC)
			}
		}
		data := b.Bytes()
		if debug == 1 {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			if _, err := zw.Write(data); err != nil {
				return m, err
			}
			if err := zw.Close(); err != nil {
				return m, err
			}
			data = z.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return m, err
		}
	}
	return m, nil
}

func main() {
	out := flag.String("out", "heaptwins", "output directory")
	flag.Parse()
	// every allocation recorded, so the profile's main.leak is exact
	runtime.MemProfileRate = 1
	const chunk, step = 64 << 10, 32
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// the blocks' slice allocated here, so main.leak holds the blocks alone
	kept = make([][]byte, 0, 3*step)
	var moments []moment
	for n := 1; n <= 3; n++ {
		if n > 1 {
			time.Sleep(2100 * time.Millisecond)
		}
		leak(step, chunk)
		m, err := write(*out, n, n*step, chunk)
		if err != nil {
			fmt.Fprintln(os.Stderr, "heaptwins:", err)
			os.Exit(1)
		}
		moments = append(moments, m)
	}
	j, err := json.MarshalIndent(map[string]interface{}{
		"go_version": runtime.Version(), "culprit": "main.leak", "chunk": chunk,
		"moments": moments,
	}, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, "counts.json"), append(j, '\n'), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "heaptwins:", err)
		os.Exit(1)
	}
	runtime.KeepAlive(kept)
}
