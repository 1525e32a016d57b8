@utime testdata/coreheap-arm64/core.core.zst 1796560561
# leaks on an arm64 core: main.Store's retention with owner and accumulation point, its goroutines (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap-arm64/core.exe.zst testdata/coreheap-arm64/core.core.zst
