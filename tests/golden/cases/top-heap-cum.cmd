# = go tool pprof -top -cum
heapscope top --cum testdata/pprof/heap.pb.gz
