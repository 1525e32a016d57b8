# info json; same sources as info-heap
heapscope info --format json testdata/pprof/heap.pb.gz
