# flame takes one profile; the base comes with --base
heapscope flame testdata/pprof/heap.pb.gz testdata/pprof/cpu.pb.gz
