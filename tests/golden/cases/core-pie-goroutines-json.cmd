@utime testdata/core/pie/core.core.zst 1795329450
# a PIE's core: the load bias from NT_AUXV (verify_core.py, as core-goroutines-json)
heapscope goroutines --format json --exe testdata/core/pie/core.exe.zst testdata/core/pie/core.core.zst
