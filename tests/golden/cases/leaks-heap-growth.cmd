# leaks over a heap series: the growing site in the same units as growth (1000kB, +39.33MB/min)
heapscope leaks testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-3.pb.gz testdata/pprof/growth/heap-4.pb.gz testdata/pprof/growth/heap-5.pb.gz testdata/pprof/growth/heap-6.pb.gz
