# refused, and no output file is left
heapscope merge testdata/pprof/heap.pb.gz testdata/pprof/cpu.pb.gz -o {tmp}/merged.pb.gz
