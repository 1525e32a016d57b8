# the control series: no growth candidate
heapscope growth testdata/pprof/steady/heap-1.pb.gz testdata/pprof/steady/heap-2.pb.gz testdata/pprof/steady/heap-3.pb.gz
