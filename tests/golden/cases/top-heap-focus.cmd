# = go tool pprof -top -focus=main.recurse
heapscope top --focus=main.recurse testdata/pprof/heap.pb.gz
