# options may follow the file: the same as top --cum FILE (go tool pprof -top -cum)
heapscope top testdata/pprof/heap.pb.gz --cum
