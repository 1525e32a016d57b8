# Go 1.22 build of testdata/gen/coreprof: = go tool pprof -top of the profile Go 1.22's runtime/pprof wrote before the core (verify_coreprof.py)
heapscope top --exe testdata/coreprof122/core.exe.zst testdata/coreprof122/core.core.zst
