# flame --base: both profiles must count the same sample type
heapscope flame --base testdata/pprof/cpu.pb.gz testdata/pprof/heap.pb.gz -o {tmp}/out.svg
