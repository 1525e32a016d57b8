heapscope diff testdata/pprof/series/heap-1.pb.gz
