# --format value the command does not have
heapscope top --format xml testdata/pprof/heap.pb.gz
