# = go tool pprof -top -lines
heapscope top --granularity=lines testdata/pprof/heap.pb.gz
