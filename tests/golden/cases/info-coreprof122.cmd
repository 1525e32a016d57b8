# info on a Go 1.22 core with its heap profile (runtime.mbuckets): sample types, totals, MemProfileRate, samples = go tool pprof -raw of the heap.pb.gz the program wrote before its core (verify_coreprof.py)
heapscope info --exe testdata/coreprof122/core.exe.zst testdata/coreprof122/core.core.zst
