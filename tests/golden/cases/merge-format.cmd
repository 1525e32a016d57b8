heapscope merge --format json testdata/pprof/series/heap-1.pb.gz -o {tmp}/merged.pb.gz
