# a flag given a value
heapscope top --cum=yes testdata/pprof/heap.pb.gz
