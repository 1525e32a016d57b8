# stacks and inuse_space values of go tool pprof -raw (inline frames expanded, zero stacks dropped)
heapscope folded testdata/pprof/heap.pb.gz
