@utime testdata/core/kernel/core.core.zst 1795329450
# the kernel's core (GOTRACEBACK=crash, SIGQUIT): text and rodata from the executable (verify_core.py)
heapscope goroutines --format json --exe testdata/core/core.exe.zst testdata/core/kernel/core.core.zst
