@utime testdata/coreheap/core.core.zst 1796560561
# leaks on a core, json: one inventory entry (kind core) for its heap and its goroutines (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap/core.exe.zst testdata/coreheap/core.core.zst
