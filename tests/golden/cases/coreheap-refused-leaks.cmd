@utime testdata/coreheap/core.core.zst 1796560561
# leaks on a core whose heap layout is refused, text: the warning, then the goroutines' signal (verify_core.py)
heapscope leaks --exe testdata/coreheap-refused/noarena.exe.zst testdata/coreheap/core.core.zst
