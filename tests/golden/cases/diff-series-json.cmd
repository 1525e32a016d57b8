# diff JSON: pprof's -base rows plus base/new per node (exact values)
heapscope diff --format json --nodecount=8 testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz
