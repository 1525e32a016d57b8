@utime testdata/coreheap/core.core.zst 1796560561
# leaks on a core: its heap read as a heap dump (main.Store retention, owner), its goroutines as a dump (verify_core.py)
heapscope leaks --exe testdata/coreheap/core.exe.zst testdata/coreheap/core.core.zst
