# a prefix of two options is refused, naming both
heapscope top --nod 3 testdata/pprof/heap.pb.gz
