# = go tool pprof -dot (tag nodelets: the "bytes" label)
heapscope dot testdata/pprof/heap.pb.gz
