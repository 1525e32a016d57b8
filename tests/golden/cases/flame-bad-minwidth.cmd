# flame --minwidth: pixels or a percentage, as flamegraph.pl
heapscope flame --minwidth -1 testdata/pprof/heap.pb.gz
