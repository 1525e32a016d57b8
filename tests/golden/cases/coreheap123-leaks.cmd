@utime testdata/coreheap123/core.core.zst 1796560561
# leaks on a Go 1.23 core: main.Store retention, owner, accumulation point (verify_core.py)
heapscope leaks --exe testdata/coreheap123/core.exe.zst testdata/coreheap123/core.core.zst
