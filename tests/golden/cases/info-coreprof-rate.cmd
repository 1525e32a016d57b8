# info on a Go 1.19 core sampling at MemProfileRate 4096: totals scaled as runtime/pprof scales them, = go tool pprof -raw of its heap.pb.gz (verify_coreprof.py)
heapscope info --exe testdata/coreprof/core.exe.zst testdata/coreprof/rate/core.core.zst
