# top takes one file
heapscope top testdata/pprof/heap.pb.gz testdata/pprof/heap.pb
