# bad --granularity
heapscope top --granularity=statements testdata/pprof/heap.pb.gz
