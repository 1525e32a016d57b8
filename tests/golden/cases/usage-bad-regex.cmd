# a --focus regex that does not compile
heapscope top --focus='main.(grow' testdata/pprof/heap.pb.gz
