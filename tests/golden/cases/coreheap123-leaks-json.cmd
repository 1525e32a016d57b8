@utime testdata/coreheap123/core.core.zst 1796560561
# leaks on a Go 1.23 core, json: main.Store's retention from its heap, its goroutines (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap123/core.exe.zst testdata/coreheap123/core.core.zst
