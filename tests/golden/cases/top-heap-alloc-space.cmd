# = go tool pprof -top -sample_index=alloc_space
heapscope top --sample-index=alloc_space testdata/pprof/heap.pb.gz
