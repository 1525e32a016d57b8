@utime testdata/coreheap121/core.core.zst 1796560561
# leaks on a Go 1.21 core: main.Store's retention with owner and accumulation point, its goroutines (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap121/core.exe.zst testdata/coreheap121/core.core.zst
