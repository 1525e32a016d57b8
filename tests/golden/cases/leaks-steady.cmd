# a steady heap: no leak signal, with the heap numbers behind it (+x% over T)
heapscope leaks testdata/pprof/steady/heap-1.pb.gz testdata/pprof/steady/heap-2.pb.gz testdata/pprof/steady/heap-3.pb.gz
