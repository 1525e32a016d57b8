heapscope check testdata/pprof/heap.pb.gz
