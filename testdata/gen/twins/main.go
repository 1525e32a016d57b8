// Command twins writes testdata/pprof/twins/: a goroutine series of two
// moments, each written twice, as a ?debug=1 profile and as a debug=2 dump
// (twins: one moment, two formats), named by the moment's UTC timestamp:
//
//	goroutine-YYYYMMDDTHHMMSS.debug1.txt   pprof.Lookup("goroutine").WriteTo(w, 1)
//	goroutine-YYYYMMDDTHHMMSS.debug2.txt   pprof.Lookup("goroutine").WriteTo(w, 2)
//
// At the first moment `first` goroutines are blocked sending on a channel
// nobody reads (main.stuck), at the second `first+more`; the moments are
// two seconds or more apart, so their name stamps differ.  counts.json
// records the counts; the program checks each file's own header (total)
// against runtime.NumGoroutine before writing and exits 1 if it is off.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

var block = make(chan int)

//go:noinline
func stuck(i int) { block <- i }

// start n goroutines in main.stuck and wait until all are parked.
func start(n int) {
	want := runtime.NumGoroutine() + n
	for i := 0; i < n; i++ {
		go stuck(i)
	}
	for runtime.NumGoroutine() < want {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
}

type moment struct {
	Stamp      string `json:"stamp"`
	Goroutines int    `json:"goroutines"`
	Stuck      int    `json:"stuck"`
}

var total = regexp.MustCompile(`^goroutine profile: total (\d+)\n`)

// write both twins of this moment into dir.
func write(dir string, stuckN int) (moment, error) {
	now := time.Now().UTC()
	m := moment{Stamp: now.Format("20060102T150405"), Goroutines: runtime.NumGoroutine(), Stuck: stuckN}
	for _, debug := range []int{1, 2} {
		var b bytes.Buffer
		if err := pprof.Lookup("goroutine").WriteTo(&b, debug); err != nil {
			return m, err
		}
		if debug == 1 {
			t := total.FindSubmatch(b.Bytes())
			if t == nil {
				return m, fmt.Errorf("debug=1 profile without a total line")
			}
			if n, _ := strconv.Atoi(string(t[1])); n != m.Goroutines {
				return m, fmt.Errorf("debug=1 total %d, want %d", n, m.Goroutines)
			}
		}
		name := fmt.Sprintf("%s/goroutine-%s.debug%d.txt", dir, m.Stamp, debug)
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			return m, err
		}
	}
	return m, nil
}

func main() {
	out := flag.String("out", "twins", "output directory")
	first := flag.Int("first", 150, "stuck goroutines at the first moment")
	more := flag.Int("more", 150, "more at the second")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start(*first)
	m1, err := write(*out, *first)
	if err == nil {
		time.Sleep(2100 * time.Millisecond)
		start(*more)
		var m2 moment
		m2, err = write(*out, *first+*more)
		if err == nil {
			var j []byte
			j, err = json.MarshalIndent(map[string]interface{}{
				"go_version": runtime.Version(), "culprit": "main.stuck",
				"kind": "chan send", "moments": []moment{m1, m2},
			}, "", "  ")
			if err == nil {
				err = os.WriteFile(*out+"/counts.json", append(j, '\n'), 0o644)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "twins:", err)
		os.Exit(1)
	}
}
