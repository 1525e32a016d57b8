# diff text: NEW - BASE as go tool pprof -top -base, with each side's flat
heapscope diff --nodecount=12 testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz
