// Command corefin sets finalizers on objects that nothing else keeps and
// sleeps, so that generate-corefin.sh takes a core in which only the
// finalizers' specials (runtime.specialfinalizer, ot: the object's
// pointer type) say what those objects are.  GC is off after one forced
// collection, so the objects stay allocated, their finalizers not queued.
// counts.json holds what it built and the names reflect gives the types.
package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"
)

// resource holds a buffer: what its finalizer keeps alive.
type resource struct {
	id  int
	buf *[64]byte
}

// conn is a second finalized type, holding a resource of its own.
type conn struct {
	fd  int
	res *resource
}

type counts struct {
	Resources    int    `json:"resources"`     // finalized *resource, nothing else keeps
	Conns        int    `json:"conns"`         // finalized *conn, nothing else keeps
	ResourceType string `json:"resource_type"` // reflect's names
	BufType      string `json:"buf_type"`
	ConnType     string `json:"conn_type"`
	Pid          int    `json:"pid"`
}

// drop allocates nres resources and nconn conns (each with a resource of
// its own, not finalized), sets a finalizer on each and keeps none.
//
//go:noinline
func drop(nres, nconn int) {
	for i := 0; i < nres; i++ {
		r := &resource{id: i, buf: new([64]byte)}
		runtime.SetFinalizer(r, func(*resource) {})
	}
	for i := 0; i < nconn; i++ {
		c := &conn{fd: i, res: &resource{id: -i, buf: new([64]byte)}}
		runtime.SetFinalizer(c, func(*conn) {})
	}
}

func main() {
	out := flag.String("out", ".", "directory for counts.json")
	nres := flag.Int("resources", 5, "finalized resources")
	nconn := flag.Int("conns", 2, "finalized conns")
	flag.Parse()
	runtime.GC()
	debug.SetGCPercent(-1)
	drop(*nres, *nconn)
	c := counts{
		Resources: *nres, Conns: *nconn, Pid: os.Getpid(),
		ResourceType: reflect.TypeOf(resource{}).String(),
		BufType:      reflect.TypeOf(resource{}.buf).Elem().String(),
		ConnType:     reflect.TypeOf(conn{}).String(),
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "counts.json"), append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Hour)
}
