# unknown command
heapscope frobnicate testdata/pprof/heap.pb.gz
