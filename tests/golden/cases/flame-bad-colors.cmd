# flame --colors: flamegraph.pl's palettes only
heapscope flame --colors java testdata/pprof/heap.pb.gz
