# = go tool pprof -top -hide=runtime
heapscope top --hide=runtime testdata/pprof/heap.pb.gz
