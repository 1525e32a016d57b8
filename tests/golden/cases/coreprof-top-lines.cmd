# = go tool pprof -top -lines of the written profile: file:line of each call, inlined frames too
heapscope top --granularity lines --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
