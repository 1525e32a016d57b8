@utime testdata/coreheap/core.exe.zst 1796560559
@utime testdata/coreheap/heap.dump.zst 1796560560
@utime testdata/coreheap/core.core.zst 1796560561
@utime testdata/coreheap/counts.json 1796560561
# triage of the same folder, text (verify_core.py, against coreheap-triage-json)
heapscope triage --exe testdata/coreheap/core.exe.zst testdata/coreheap
