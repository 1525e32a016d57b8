heapscope diff testdata/pprof/heap.pb.gz testdata/pprof/cpu.pb.gz
