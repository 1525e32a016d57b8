@utime testdata/coreheap122/core.core.zst 1796560561
# leaks on a Go 1.22 core, json: main.Store's retention from its heap, its goroutines (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap122/core.exe.zst testdata/coreheap122/core.core.zst
