# = go tool pprof -dot (string label nodelets)
heapscope dot testdata/pprof/cpu.pb.gz
