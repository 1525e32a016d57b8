@utime testdata/coreheap/core.core.zst 1796560561
# triage of a core whose heap layout is refused: one warning, its goroutines in the timeline and groups, exit 0 (verify_core.py)
heapscope triage --format json --exe testdata/coreheap-refused/noarena.exe.zst testdata/coreheap/core.core.zst
