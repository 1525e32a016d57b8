heapscope growth --limit 2s testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-2.pb.gz
