# bad --nodecount
heapscope top --nodecount=many testdata/pprof/heap.pb.gz
