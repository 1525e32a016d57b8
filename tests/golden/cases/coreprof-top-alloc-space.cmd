# = go tool pprof -top -sample_index=alloc_space of the written profile
heapscope top --sample-index alloc_space --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
