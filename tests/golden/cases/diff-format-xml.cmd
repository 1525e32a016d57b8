heapscope diff --format xml testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz
