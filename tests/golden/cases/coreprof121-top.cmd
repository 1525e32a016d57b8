# Go 1.21 build of testdata/gen/coreprof: = go tool pprof -top of the profile Go 1.21's runtime/pprof wrote before the core (verify_coreprof.py)
heapscope top --exe testdata/coreprof121/core.exe.zst testdata/coreprof121/core.core.zst
