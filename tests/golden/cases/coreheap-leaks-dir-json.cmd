@utime testdata/coreheap/core.exe.zst 1796560559
@utime testdata/coreheap/heap.dump.zst 1796560560
@utime testdata/coreheap/core.core.zst 1796560561
@utime testdata/coreheap/counts.json 1796560561
# leaks on the folder: the core (heap and goroutines, listed once), the heap dump written just before (partial beside it) (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap/core.exe.zst testdata/coreheap
