# stacks and inuse_space of go tool pprof -raw of the written profile
heapscope folded --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
