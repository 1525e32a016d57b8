heapscope growth testdata/pprof/growth/heap-1.pb.gz
