# options may follow the files: the same report as diff-series
heapscope diff testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz --nodecount 12
