# a core at MemProfileRate 4096 = go tool pprof -top of the profile it wrote (values scaled as runtime/pprof scales them)
heapscope top --sample-index alloc_space --exe testdata/coreprof/core.exe.zst testdata/coreprof/rate/core.core.zst
