# a profile on stdin; = go tool pprof -top testdata/pprof/heap.pb.gz
heapscope top - < testdata/pprof/heap.pb.gz
