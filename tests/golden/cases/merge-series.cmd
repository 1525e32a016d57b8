# merge: a .pb name is written without gzip (deterministic bytes)
heapscope merge testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-2.pb.gz testdata/pprof/series/heap-3.pb.gz -o {tmp}/merged.pb
