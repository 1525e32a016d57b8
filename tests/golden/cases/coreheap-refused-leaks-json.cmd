@utime testdata/coreheap/core.core.zst 1796560561
# leaks on a core whose heap layout is refused (noarena.exe.zst: runtime.heapArena renamed in DWARF): one warning, its goroutines read, exit by the findings (verify_core.py)
heapscope leaks --format json --exe testdata/coreheap-refused/noarena.exe.zst testdata/coreheap/core.core.zst
