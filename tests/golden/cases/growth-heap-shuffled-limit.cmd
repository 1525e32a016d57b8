# given out of order (sorted by time_nanos), with a projection against --limit
heapscope growth --limit 64MiB --nodecount 5 testdata/pprof/growth/heap-4.pb.gz testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-6.pb.gz testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-5.pb.gz testdata/pprof/growth/heap-3.pb.gz
