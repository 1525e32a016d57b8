# the heap profile of a core (runtime.mbuckets) = go tool pprof -top of the profile the process wrote before its core (verify_coreprof.py)
heapscope top --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
