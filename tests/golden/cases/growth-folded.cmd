# folded stacks of the newest profile (heap-6), checked against pprof -raw
heapscope growth --format folded testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-6.pb.gz testdata/pprof/growth/heap-1.pb.gz
