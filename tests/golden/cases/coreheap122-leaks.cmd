@utime testdata/coreheap122/core.core.zst 1796560561
# leaks on a Go 1.22 core: main.Store retention, owner, accumulation point (verify_core.py)
heapscope leaks --exe testdata/coreheap122/core.exe.zst testdata/coreheap122/core.core.zst
