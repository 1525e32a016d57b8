# = go tool pprof -dot (a leaf's cum-only numeric nodelet is dotted)
heapscope dot testdata/pprof/series/heap-2.pb.gz
