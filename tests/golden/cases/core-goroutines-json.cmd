@utime testdata/core/core.core.zst 1795329450
# the goroutines of a gcore, as the program's own runtime.Stack text has them (verify_core.py)
heapscope goroutines --format json --exe testdata/core/core.exe.zst testdata/core/core.core.zst
