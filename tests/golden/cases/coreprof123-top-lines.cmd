# Go 1.23 build: = go tool pprof -top -lines of the written profile (inlined frames, lines)
heapscope top --granularity lines --exe testdata/coreprof123/core.exe.zst testdata/coreprof123/core.core.zst
