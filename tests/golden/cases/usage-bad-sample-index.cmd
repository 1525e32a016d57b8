# no such sample type
heapscope top --sample-index=inuse_bytes testdata/pprof/heap.pb.gz
