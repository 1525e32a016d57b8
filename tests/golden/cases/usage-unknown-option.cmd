# unknown option
heapscope top --frobnicate testdata/pprof/heap.pb.gz
