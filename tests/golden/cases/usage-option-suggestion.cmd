# a near miss names the option meant
heapscope top --nodecont 3 testdata/pprof/heap.pb.gz
