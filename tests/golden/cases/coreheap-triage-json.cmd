@utime testdata/coreheap/core.exe.zst 1796560559
@utime testdata/coreheap/heap.dump.zst 1796560560
@utime testdata/coreheap/core.core.zst 1796560561
@utime testdata/coreheap/counts.json 1796560561
# triage of a folder holding a core, its executable and the heap dump written just before (verify_core.py)
heapscope triage --format json --exe testdata/coreheap/core.exe.zst testdata/coreheap
