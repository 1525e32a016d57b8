# Go 1.23 build of testdata/gen/coreprof: = go tool pprof -top of the profile Go 1.23's runtime/pprof wrote before the core (verify_coreprof.py)
heapscope top --exe testdata/coreprof123/core.exe.zst testdata/coreprof123/core.core.zst
