# stacks and cpu values of go tool pprof -raw
heapscope folded testdata/pprof/cpu.pb.gz
