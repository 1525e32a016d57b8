# = go tool pprof -dot -unit=MB (numeric tag names in the requested unit)
heapscope dot --unit=MB testdata/pprof/heap.pb.gz
