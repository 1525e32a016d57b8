heapscope merge testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-2.pb.gz
