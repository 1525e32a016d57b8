// Command gen-heapdump builds a heap of several million objects in shapes
// real services have (a big map, many linked lists, a binary tree, a
// goroutine's slice of pointers) and writes it with debug.WriteHeapDump.
// It prints what it built as key=value lines.
//
//	gen-heapdump -o FILE [-scale N]   (N=1: 5.0 million objects)
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
)

type rec struct {
	id   int
	name *[40]byte
	next *rec
}

type cell struct {
	next *cell
	val  [5]int64
}

type tree struct {
	left, right *tree
	v           int
}

var (
	index map[int]*rec
	lists [][]*cell
	root  *tree
)

func build(n int) *tree {
	if n == 0 {
		return nil
	}
	return &tree{left: build((n - 1) / 2), right: build(n - 1 - (n-1)/2), v: n}
}

func hold(n int, ready chan<- int, done <-chan struct{}) {
	small := make([]*[2]int64, n)
	for i := range small {
		small[i] = &[2]int64{int64(i), 0}
	}
	ready <- len(small)
	<-done
	runtime.KeepAlive(small)
}

func main() {
	out := flag.String("o", "heap.dump", "output file")
	scale := flag.Int("scale", 1, "multiplier of every count")
	flag.Parse()
	s := *scale
	nmap, nlist, lsize, ntree, nslice := 1000000*s, 1200*s, 1000, 1000000*s, 800000*s
	index = make(map[int]*rec, nmap)
	for i := 0; i < nmap; i++ {
		index[i] = &rec{id: i, name: new([40]byte)} // 2 objects each
	}
	for i := 0; i < nlist; i++ {
		var head *cell
		l := make([]*cell, 0, 1)
		for j := 0; j < lsize; j++ {
			head = &cell{next: head}
		}
		lists = append(lists, append(l, head))
	}
	root = build(ntree)
	ready, done := make(chan int), make(chan struct{})
	go hold(nslice, ready, done)
	<-ready
	runtime.GC()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	debug.WriteHeapDump(f.Fd())
	f.Close()
	close(done)
	fmt.Printf("objects_built=%d\n", 2*nmap+nlist*(lsize+1)+ntree+nslice+1)
	fmt.Printf("map_entries=%d\nlist_cells=%d\ntree_nodes=%d\nslice_objects=%d\n",
		nmap, nlist*lsize, ntree, nslice)
}
