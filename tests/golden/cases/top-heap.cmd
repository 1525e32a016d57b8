# = go tool pprof -top
heapscope top testdata/pprof/heap.pb.gz
