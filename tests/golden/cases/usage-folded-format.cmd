# --format on a command that has none
heapscope folded --format json testdata/pprof/heap.pb.gz
